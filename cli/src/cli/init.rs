//! `cfnforge init [DIR]`: a new infrastructure crate, the Rust way to define stacks. The files
//! it writes are in `cli/scaffold/`, with `{{name}}` (the package), `{{crate}}` (the package as
//! a Rust identifier) and `{{cfnforge_path}}` filled in.

use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;
use serde::Deserialize;

use crate::cli::Outcome;
use crate::cli::report;

#[derive(Args)]
pub struct InitArgs {
    /// The folder to create the crate in; created if missing, and it must be empty.
    #[arg(value_name = "DIR", default_value = ".")]
    dir: PathBuf,
    /// The package's name. Default: the folder's name, made a valid package name.
    #[arg(long, value_name = "NAME")]
    name: Option<String>,
    /// The cfnforge checkout to depend on. Default: the one this command was built from.
    #[arg(long, value_name = "PATH")]
    cfnforge_path: Option<PathBuf>,
    /// Write into a folder that is not empty, replacing the files of the same names.
    #[arg(long)]
    force: bool,
}

/// The scaffold's files: where each goes and its template. `.gitignore` is kept as `gitignore`
/// in the repository so that it does not apply to the repository itself.
const FILES: &[(&str, &str)] = &[
    ("Cargo.toml", include_str!("../../scaffold/Cargo.toml.in")),
    (
        "cfnforge.toml",
        include_str!("../../scaffold/cfnforge.toml"),
    ),
    (".gitignore", include_str!("../../scaffold/gitignore")),
    ("src/lib.rs", include_str!("../../scaffold/src/lib.rs")),
    ("src/main.rs", include_str!("../../scaffold/src/main.rs")),
    (
        "tests/stacks.rs",
        include_str!("../../scaffold/tests/stacks.rs"),
    ),
];

/// The checkout this binary was built from: the cli package is its `cli/` folder.
fn built_from() -> PathBuf {
    let cli = Path::new(env!("CARGO_MANIFEST_DIR"));
    cli.parent().unwrap_or(cli).to_path_buf()
}

/// Why `init` wrote nothing, or stopped part way.
#[derive(Debug)]
pub enum InitError {
    NotAFolder(PathBuf),
    NotEmpty {
        dir: PathBuf,
        entries: Vec<String>,
    },
    /// No valid package name from the folder's name or `--name`.
    BadName {
        name: String,
        from_folder: bool,
        reason: String,
    },
    /// `--cfnforge-path` (or the checkout the binary was built from) is not cfnforge's.
    NotCfnforge {
        path: PathBuf,
        reason: String,
        given: bool,
    },
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl InitError {
    fn outcome(&self) -> Outcome {
        match self {
            InitError::Io { .. } => Outcome::Failed,
            _ => Outcome::Usage,
        }
    }
}

impl fmt::Display for InitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InitError::NotAFolder(dir) => write!(f, "{}: not a folder", dir.display()),
            InitError::NotEmpty { dir, entries } => {
                let shown: Vec<&str> = entries.iter().take(5).map(String::as_str).collect();
                let more = if entries.len() > shown.len() {
                    format!(", ... ({} in all)", entries.len())
                } else {
                    String::new()
                };
                write!(
                    f,
                    "{}: the folder is not empty ({}{more}); cfnforge init writes into an empty \
                     or new folder (--force writes into this one, replacing files of the same \
                     names)",
                    dir.display(),
                    shown.join(", ")
                )
            }
            InitError::BadName {
                name,
                from_folder,
                reason,
            } => {
                if *from_folder {
                    write!(
                        f,
                        "cannot make a package name from the folder name {name:?}: {reason}; \
                         give one with --name"
                    )
                } else {
                    write!(f, "--name {name:?} is not a valid package name: {reason}")
                }
            }
            InitError::NotCfnforge {
                path,
                reason,
                given,
            } => {
                write!(f, "{}: not a cfnforge checkout: {reason}", path.display())?;
                if !given {
                    write!(
                        f,
                        " (this cfnforge was built from there); give a checkout with \
                         --cfnforge-path"
                    )?;
                }
                Ok(())
            }
            InitError::Io { path, source } => write!(f, "{}: {source}", path.display()),
        }
    }
}

pub fn run(args: InitArgs) -> Outcome {
    match init(&args) {
        Ok(created) => {
            report::info(&created);
            Outcome::Success
        }
        Err(e) => {
            report::error(&e.to_string());
            e.outcome()
        }
    }
}

/// Writes the crate; returns what to tell the user.
fn init(args: &InitArgs) -> Result<String, InitError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| InitError::Io { path, source }
    };
    let (checkout, given) = match &args.cfnforge_path {
        Some(path) => (path.clone(), true),
        None => (built_from(), false),
    };
    let checkout = cfnforge_checkout(&checkout).map_err(|reason| InitError::NotCfnforge {
        path: checkout.clone(),
        reason,
        given,
    })?;

    let dir = &args.dir;
    if dir.exists() {
        if !dir.is_dir() {
            return Err(InitError::NotAFolder(dir.clone()));
        }
        let entries = entries(dir).map_err(io(dir))?;
        if !entries.is_empty() && !args.force {
            return Err(InitError::NotEmpty {
                dir: dir.clone(),
                entries,
            });
        }
    }
    let name = match &args.name {
        Some(name) => {
            validate(name).map_err(|reason| InitError::BadName {
                name: name.clone(),
                from_folder: false,
                reason,
            })?;
            name.clone()
        }
        None => {
            let folder = folder_name(dir).map_err(io(dir))?;
            package_name(&folder).map_err(|reason| InitError::BadName {
                name: folder,
                from_folder: true,
                reason,
            })?
        }
    };

    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let mut written = Vec::new();
    for (file, template) in FILES {
        let text = fill(template, &name, &checkout);
        let path = dir.join(file);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io(parent))?;
        }
        write(&path, &text, args.force).map_err(io(&path))?;
        written.push(*file);
    }
    // The versions of the crates the checkout is tested with, which are on this machine if it
    // was built here: the crate then builds offline. Cargo drops what it does not use.
    let lock = checkout.join("Cargo.lock");
    if lock.is_file() {
        let path = dir.join("Cargo.lock");
        let text = std::fs::read_to_string(&lock).map_err(io(&lock))?;
        write(&path, &text, args.force).map_err(io(&path))?;
        written.push("Cargo.lock");
    }

    let shown_dir = if dir.as_os_str() == "." {
        String::new()
    } else {
        format!("  cd {}\n", dir.display())
    };
    Ok(format!(
        "created {name} in {}: {}\n\
         it depends on cfnforge at {} (Cargo.toml says how to depend on the git repository \
         instead)\n\
         next:\n{shown_dir}  \
         cargo test      # the stack's tests\n  \
         cargo run -q    # prints the assembly that cfnforge deploys",
        dir.display(),
        written.join(", "),
        checkout.display()
    ))
}

/// What is in `dir`, but `.git` (a folder just made a repository counts as empty).
fn entries(dir: &Path) -> std::io::Result<Vec<String>> {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let name = entry?.file_name().to_string_lossy().into_owned();
        if name != ".git" {
            names.push(name);
        }
    }
    names.sort();
    Ok(names)
}

/// The name of the folder `dir` is or will be, `.` and `..` resolved.
fn folder_name(dir: &Path) -> std::io::Result<String> {
    let absolute = std::path::absolute(dir)?;
    let mut parts: Vec<&std::ffi::OsStr> = Vec::new();
    for component in absolute.components() {
        match component {
            std::path::Component::Normal(part) => parts.push(part),
            std::path::Component::ParentDir => {
                parts.pop();
            }
            _ => {}
        }
    }
    Ok(parts
        .last()
        .map(|part| part.to_string_lossy().into_owned())
        .unwrap_or_default())
}

/// The checkout's folder, absolute, if its Cargo.toml is the cfnforge library's.
fn cfnforge_checkout(path: &Path) -> Result<PathBuf, String> {
    #[derive(Deserialize)]
    struct Manifest {
        package: Option<Package>,
    }
    #[derive(Deserialize)]
    struct Package {
        name: String,
    }
    let manifest = path.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest)
        .map_err(|e| format!("cannot read {}: {e}", manifest.display()))?;
    let parsed: Manifest = toml::from_str(&text)
        .map_err(|e| format!("{}: {}", manifest.display(), e.message().trim()))?;
    match parsed.package {
        Some(package) if package.name == "cfnforge" => {}
        Some(package) => {
            return Err(format!(
                "{} is package {:?}, not cfnforge",
                manifest.display(),
                package.name
            ));
        }
        None => return Err(format!("{} has no [package]", manifest.display())),
    }
    std::fs::canonicalize(path).map_err(|e| e.to_string())
}

/// The template with the placeholders filled in.
fn fill(template: &str, name: &str, checkout: &Path) -> String {
    template
        .replace("{{name}}", name)
        .replace("{{crate}}", &name.replace('-', "_"))
        .replace(
            "{{cfnforge_path}}",
            &toml_escape(&checkout.to_string_lossy()),
        )
}

/// The inside of a TOML basic string ("...").
fn toml_escape(text: &str) -> String {
    let mut escaped = String::new();
    for c in text.chars() {
        match c {
            '\\' => escaped.push_str("\\\\"),
            '"' => escaped.push_str("\\\""),
            c if c.is_control() => escaped.push_str(&format!("\\u{:04X}", c as u32)),
            c => escaped.push(c),
        }
    }
    escaped
}

fn write(path: &Path, text: &str, replace: bool) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    if replace {
        options.create(true).truncate(true);
    } else {
        // The folder was empty: a file that appeared since is not overwritten.
        options.create_new(true);
    }
    options.open(path)?.write_all(text.as_bytes())
}

/// A package name made from a folder's name: lowercase, every run of characters other than
/// ASCII letters, digits, `-` and `_` made one `-`, and no `-` or `_` at either end
/// (`My Infra.v2` gives `my-infra-v2`).
fn package_name(folder: &str) -> Result<String, String> {
    let mut name = String::new();
    for c in folder.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            name.push(c.to_ascii_lowercase());
        } else if !name.ends_with('-') {
            name.push('-');
        }
    }
    let name = name.trim_matches(['-', '_']).to_string();
    validate(&name)?;
    Ok(name)
}

/// Names that cannot be the package: Rust's keywords and the crates every program can name.
const RESERVED: &[&str] = &[
    "abstract",
    "alloc",
    "as",
    "async",
    "await",
    "become",
    "box",
    "break",
    "cfnforge",
    "const",
    "continue",
    "core",
    "crate",
    "do",
    "dyn",
    "else",
    "enum",
    "extern",
    "false",
    "final",
    "fn",
    "for",
    "gen",
    "if",
    "impl",
    "in",
    "let",
    "loop",
    "macro",
    "match",
    "mod",
    "move",
    "mut",
    "override",
    "priv",
    "proc_macro",
    "pub",
    "ref",
    "return",
    "self",
    "static",
    "std",
    "struct",
    "super",
    "test",
    "trait",
    "true",
    "try",
    "type",
    "typeof",
    "unsafe",
    "unsized",
    "use",
    "virtual",
    "where",
    "while",
    "yield",
];

/// Why `name` cannot be a package that has a library and a binary, if it cannot.
fn validate(name: &str) -> Result<(), String> {
    let Some(first) = name.chars().next() else {
        return Err("it has no letter or digit".into());
    };
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
    {
        return Err(format!(
            "{c:?} is not allowed (ASCII letters, digits, - and _ are)"
        ));
    }
    if first.is_ascii_digit() {
        return Err("it starts with a digit".into());
    }
    if first == '-' {
        return Err("it starts with -".into());
    }
    let identifier = name.replace('-', "_");
    if identifier == "cfnforge" {
        return Err("it is the name of the library the crate depends on".into());
    }
    if RESERVED.contains(&identifier.as_str()) {
        return Err("it is a Rust keyword or the name of a built-in crate".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folder_names_become_package_names() {
        assert_eq!(package_name("infra").as_deref(), Ok("infra"));
        assert_eq!(package_name("My Infra.v2").as_deref(), Ok("my-infra-v2"));
        assert_eq!(
            package_name("--bandup_infra--").as_deref(),
            Ok("bandup_infra")
        );
        assert_eq!(package_name("café infra").as_deref(), Ok("caf-infra"));
    }

    #[test]
    fn folder_names_that_give_no_package_name_say_why() {
        assert_eq!(
            package_name("9lives"),
            Err("it starts with a digit".to_string())
        );
        assert_eq!(
            package_name("...").map_err(|e| e.contains("no letter")),
            Err(true)
        );
        assert_eq!(
            package_name("Test").map_err(|e| e.contains("keyword")),
            Err(true)
        );
        assert_eq!(
            package_name("cfnforge").map_err(|e| e.contains("library")),
            Err(true)
        );
    }

    #[test]
    fn a_given_name_is_checked_as_it_is() {
        assert!(validate("my-infra").is_ok());
        assert_eq!(
            validate("my infra"),
            Err("' ' is not allowed (ASCII letters, digits, - and _ are)".to_string())
        );
        assert!(validate("-x").is_err());
    }

    #[test]
    fn paths_are_escaped_for_toml() {
        assert_eq!(toml_escape(r#"C:\a "b""#), r#"C:\\a \"b\""#);
    }

    #[test]
    fn the_folder_name_resolves_dots() {
        let here = std::env::current_dir().unwrap();
        let name = here.file_name().unwrap().to_string_lossy().into_owned();
        assert_eq!(folder_name(Path::new(".")).unwrap(), name);
        assert_eq!(folder_name(Path::new("x/..")).unwrap(), name);
        assert_eq!(folder_name(Path::new("a/b")).unwrap(), "b");
    }
}
