//! The `lanmu` command line: `init`, `new`, `build`, `serve`, `check`, `deploy`.

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
        /// 站内链接一律写成相对路径：任意子目录、U 盘直接打开都能用 (relative links: any sub-path, or opened from a folder)
        #[arg(long)]
        relative: bool,
        /// 生成后再打包为 zip（文件名 UTF-8）(also pack the output into a zip)
        #[arg(long, value_name = "FILE")]
        zip: Option<PathBuf>,
    },
    /// 本地预览：在内存中生成并启动预览服务器，改动后自动刷新，不写 public/ (preview with live reload)
    Serve {
        /// 站点目录 (site root)
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// 端口 (port)
        #[arg(short, long, default_value_t = 1111)]
        port: u16,
        /// 监听地址；非本机地址会让局域网内的设备也能访问 (address to listen on)
        #[arg(long, default_value = "127.0.0.1", value_parser = lanmu::serve::parse_bind)]
        bind: std::net::IpAddr,
        /// 包含草稿 (include drafts)
        #[arg(long)]
        drafts: bool,
        /// 启动后打开浏览器 (open a browser)
        #[arg(long)]
        open: bool,
        /// 轮询文件变化，用于网络盘、WSL 等收不到文件事件的环境 (poll for changes)
        #[arg(long)]
        poll: bool,
    },
    /// 发布：把 public/ 增量上传到文件夹或 SFTP (publish the last build to a folder or SFTP)
    Deploy {
        /// 站点目录 (site root)
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// 要发布的生成目录，默认 <root>/public (build folder to publish)
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// 发布目标，覆盖 config.yaml 的 deploy.target：文件夹、file:///… 或 sftp://用户@主机:端口/路径 (target)
        #[arg(long, value_name = "TARGET")]
        to: Option<String>,
        /// 只显示计划，不做改动 (show the plan only)
        #[arg(long)]
        dry_run: bool,
        /// 不询问，直接发布（CI 用）(do not ask; for CI)
        #[arg(long, short = 'y')]
        yes: bool,
    },
    /// 检查站点：生成时的全部错误、链接、标签、排版、图片，不写出文件 (check the site without writing)
    Check {
        /// 站点目录 (site root)
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// 输出格式 (output format)
        #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
        format: CheckFormat,
        /// 自动修正正文和 title、summary 中的排版问题 (apply the safe typography fixes in place)
        #[arg(long)]
        fix: bool,
        /// 有警告也返回 1 (exit with 1 on warnings too)
        #[arg(long)]
        deny_warnings: bool,
        /// 联网检查外部链接（仅 http://）(check external links over the network; http:// only)
        #[arg(long)]
        external: bool,
        /// 包含草稿 (include drafts)
        #[arg(long)]
        drafts: bool,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum CheckFormat {
    Text,
    Json,
}

/// The language for messages before or without a config: the site's if readable.
fn lang_of(root: &std::path::Path) -> Lang {
    lanmu::config::Config::load(root)
        .map(|c| c.lang)
        .unwrap_or_default()
}

fn report_error(e: &Error, lang: Lang) -> ExitCode {
    match e {
        Error::Content(diags) => {
            eprint!("{}", Report(diags, lang));
            let n = diags
                .iter()
                .filter(|d| d.severity == lanmu::error::Severity::Error)
                .count();
            match lang {
                Lang::Zh => eprintln!("生成失败：{n} 个错误，原有输出未改动。"),
                Lang::En => {
                    eprintln!("build failed: {n} error(s); the previous output is untouched.")
                }
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

fn check(
    root: PathBuf,
    format: CheckFormat,
    fix: bool,
    deny_warnings: bool,
    external: bool,
    drafts: bool,
) -> ExitCode {
    let opts = lanmu::check::CheckOptions {
        fix,
        external,
        drafts,
        ..lanmu::check::CheckOptions::new(&root)
    };
    match lanmu::check::run(&opts) {
        Ok(report) => {
            match format {
                CheckFormat::Text => print!("{}", report.text()),
                CheckFormat::Json => print!("{}", lanmu::check::json::to_json(&report)),
            }
            ExitCode::from(report.exit_code(deny_warnings))
        }
        Err(e) => report_error(&e, lang_of(&root)),
    }
}

fn main() -> ExitCode {
    // ssh runs lanmu as its askpass helper for SFTP password logins.
    if let Some(code) = lanmu::publish::sftp::askpass_main() {
        return code;
    }
    let cli = Cli::parse();
    match cli.command {
        Command::Serve {
            root,
            port,
            bind,
            drafts,
            open,
            poll,
        } => {
            let opts = lanmu::serve::ServeOptions {
                port,
                bind,
                drafts,
                open,
                poll,
                ..lanmu::serve::ServeOptions::new(&root)
            };
            match lanmu::serve::run(&opts) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => report_error(&e, lang_of(&root)),
            }
        }
        Command::Check {
            root,
            format,
            fix,
            deny_warnings,
            external,
            drafts,
        } => check(root, format, fix, deny_warnings, external, drafts),
        Command::Init { dir, title } => match lanmu::scaffold::init(&dir, title.as_deref()) {
            Ok(files) => {
                println!(
                    "已在 {} 新建站点（{} 个文件）。下一步：",
                    dir.display(),
                    files.len()
                );
                println!("  cd {}\n  lanmu build", dir.display());
                ExitCode::SUCCESS
            }
            Err(e) => report_error(&e, Lang::Zh),
        },
        Command::New {
            column,
            title,
            root,
        } => match lanmu::scaffold::new_page(&root, &column, &title) {
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
            relative,
            zip,
        } => {
            let opts = BuildOptions {
                root: root.clone(),
                output,
                base_url,
                drafts,
                fix_encoding,
                relative,
            };
            if fix_encoding {
                // Refuse an unsafe output folder before touching any file.
                if let Err(e) = lanmu::output::check_output_dir(&root, &opts.output_dir()) {
                    return report_error(&e, lang_of(&root));
                }
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
                    if let Some(zip) = zip {
                        match lanmu::publish::zip::zip_dir(&opts.output_dir(), &zip) {
                            Ok(z) => match lang {
                                Lang::Zh => println!(
                                    "已打包 {}（{} 个文件，{} KB）",
                                    zip.display(),
                                    z.files,
                                    z.bytes.div_ceil(1024)
                                ),
                                Lang::En => println!(
                                    "Packed {} ({} files, {} KB)",
                                    zip.display(),
                                    z.files,
                                    z.bytes.div_ceil(1024)
                                ),
                            },
                            Err(e) => return report_error(&e, lang),
                        }
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => report_error(&e, lang_of(&root)),
            }
        }
        Command::Deploy {
            root,
            output,
            to,
            dry_run,
            yes,
        } => {
            let args = lanmu::publish::deploy::DeployArgs {
                root: root.clone(),
                output,
                to,
                dry_run,
                yes,
            };
            match lanmu::publish::deploy::run(&args) {
                Ok(code) => ExitCode::from(code),
                Err(e) => report_error(&e, lang_of(&root)),
            }
        }
    }
}
