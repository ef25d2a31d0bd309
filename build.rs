//! Embeds the default theme into the binary, so `lanmu init` sites (which
//! have no `themes/` folder) build with it.

use std::fmt::Write;
use std::path::Path;

fn main() {
    let theme = Path::new("themes/default");
    println!("cargo:rerun-if-changed=themes/default");
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(theme).sort_by_file_name() {
        let entry = entry.expect("readable theme folder");
        if entry.file_type().is_file() {
            println!("cargo:rerun-if-changed={}", entry.path().display());
            files.push(entry.path().to_path_buf());
        }
    }
    let mut out = String::from(
        "/// Files of the default theme: (path inside the theme, bytes).\npub static DEFAULT_THEME: &[(&str, &[u8])] = &[\n",
    );
    for f in files {
        let rel = f
            .strip_prefix(theme)
            .expect("inside theme")
            .to_string_lossy()
            .replace('\\', "/");
        let abs = std::fs::canonicalize(&f).expect("theme file");
        writeln!(
            out,
            "    ({rel:?}, include_bytes!({:?})),",
            abs.display().to_string()
        )
        .expect("write");
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("theme.rs");
    std::fs::write(dest, out).expect("write theme.rs");
}
