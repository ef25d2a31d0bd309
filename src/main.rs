//! The `lanmu` command line: `init`, `new`, `build`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use lanmu::error::{Error, Report};
use lanmu::i18n::Lang;
use lanmu::pipeline::{self, BuildOptions};

/// lanmu（栏目）：学生党支部学习专栏静态网站生成器
#[derive(Parser)]
#[command(name = "lanmu", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// 新建站点 (create a new site that builds at once)
    Init {
        /// 新站点的目录 (folder for the new site; must be empty or absent)
        dir: PathBuf,
        /// 站点名称 (site title)
        #[arg(long)]
        title: Option<String>,
    },
    /// 新建页面 (create a page with today's date and its column's skeleton)
    New {
        /// 栏目：content/ 下的文件夹名或栏目标题 (column folder or title)
        column: String,
        /// 标题 (title; Chinese titles get pinyin file names)
        title: String,
        /// 站点目录 (site root)
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// 生成网站 (build the site into public/)
    Build {
        /// 站点目录 (site root)
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// 输出目录，默认 <root>/public (output folder)
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// 覆盖 config.yaml 中的 base_url (override base_url)
        #[arg(long)]
        base_url: Option<String>,
        /// 包含草稿 (include drafts)
        #[arg(long)]
        drafts: bool,
        /// 把 GBK 编码的文件转换为 UTF-8（保留 .gbk.bak 备份）(convert GBK files to UTF-8, keeping backups)
        #[arg(long)]
        fix_encoding: bool,
    },
}

/// The language for messages before or without a config: the site's if readable.
fn lang_of(root: &std::path::Path) -> Lang {
    lanmu::config::Config::load(root).map(|c| c.lang).unwrap_or_default()
}

fn report_error(e: &Error, lang: Lang) -> ExitCode {
    match e {
        Error::Content(diags) => {
            eprint!("{}", Report(diags, lang));
            let n = diags.iter().filter(|d| d.severity == lanmu::error::Severity::Error).count();
            match lang {
                Lang::Zh => eprintln!("生成失败：{n} 个错误，原有输出未改动。"),
                Lang::En => eprintln!("build failed: {n} error(s); the previous output is untouched."),
            }
            ExitCode::from(1)
        }
        Error::Io { .. } => {
            eprintln!("错误 (error): {e}");
            ExitCode::from(1)
        }
        Error::UnsafeOutput(_) | Error::Other(_) => {
            eprintln!("错误 (error): {e}");
            ExitCode::from(2)
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Init { dir, title } => match lanmu::scaffold::init(&dir, title.as_deref()) {
            Ok(files) => {
                println!("已在 {} 新建站点（{} 个文件）。下一步：", dir.display(), files.len());
                println!("  cd {}\n  lanmu build", dir.display());
                ExitCode::SUCCESS
            }
            Err(e) => report_error(&e, Lang::Zh),
        },
        Command::New { column, title, root } => match lanmu::scaffold::new_page(&root, &column, &title) {
            Ok(path) => {
                println!("已新建 {}", path.display());
                ExitCode::SUCCESS
            }
            Err(e) => report_error(&e, lang_of(&root)),
        },
        Command::Build {
            root,
            output,
            base_url,
            drafts,
            fix_encoding,
        } => {
            let opts = BuildOptions {
                root: root.clone(),
                output,
                base_url,
                drafts,
                fix_encoding,
            };
            if fix_encoding {
                for f in pipeline::fix_encodings(&root) {
                    eprintln!("已转换为 UTF-8 (converted to UTF-8): {}", f.display());
                }
            }
            match pipeline::build(&opts) {
                Ok(b) => {
                    let lang = b.config.lang;
                    if !b.warnings.is_empty() {
                        eprint!("{}", Report(&b.warnings, lang));
                    }
                    let s = b.stats;
                    let secs = b.elapsed.as_secs_f64();
                    match lang {
                        Lang::Zh => println!(
                            "已生成 {} 个页面（{} 个栏目，{} 个标签），用时 {:.2} 秒",
                            s.html_files, s.columns, s.tags, secs
                        ),
                        Lang::En => println!(
                            "Built {} pages ({} columns, {} tags) in {:.2} s",
                            s.html_files, s.columns, s.tags, secs
                        ),
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => report_error(&e, lang_of(&root)),
            }
        }
    }
}
