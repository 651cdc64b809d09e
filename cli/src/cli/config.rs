//! `cfnforge.toml`, the project's settings at its root, as `cdk.json` is for the CDK: what the
//! command line would otherwise repeat on every run. A flag given on the command line wins.
//!
//! ```toml
//! output = "cfnforge.out"                      # where synth writes it
//! bucket = "my-templates"                      # S3 bucket for templates over 51,200 bytes
//! ```

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The file's name, looked for in the current directory.
pub const FILE: &str = "cfnforge.toml";

/// The settings; every key is optional.
#[derive(Debug, Default, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Where synth writes several templates (`synth --out`).
    pub output: Option<PathBuf>,
    /// The S3 bucket for large templates (`deploy --bucket`).
    pub bucket: Option<String>,
    /// The command that prints the assembly (used by --app, coming).
    pub app: Option<String>,
    /// Where the file was read from; `None` when there is none.
    #[serde(skip)]
    pub path: Option<PathBuf>,
}

/// Why `cfnforge.toml` could not be used.
#[derive(Debug)]
pub enum ConfigError {
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// Not TOML, or a key that is not a setting or has the wrong type.
    Invalid {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::Read { path, source } => {
                write!(f, "{}: cannot read: {source}", path.display())
            }
            ConfigError::Invalid {
                path,
                line,
                column,
                message,
            } => {
                write!(f, "{}:{line}:{column}: {message}", path.display())?;
                if !message.contains("unknown field") {
                    write!(f, " (settings: output, bucket)")?;
                }
                Ok(())
            }
        }
    }
}

impl Config {
    /// `cfnforge.toml` in `dir`, or the defaults when there is no such file.
    pub fn load(dir: &Path) -> Result<Config, ConfigError> {
        let path = dir.join(FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
            Err(source) => return Err(ConfigError::Read { path, source }),
        };
        let mut config = Config::parse(&text).map_err(|(offset, message)| {
            let (line, column) = line_column(&text, offset);
            ConfigError::Invalid {
                path: path.clone(),
                line,
                column,
                message,
            }
        })?;
        config.path = Some(path);
        Ok(config)
    }

    /// The settings in `text`; on error the byte offset it is at and the message.
    fn parse(text: &str) -> Result<Config, (usize, String)> {
        toml::from_str::<Config>(text).map_err(|e| {
            let offset = e.span().map(|s| s.start).unwrap_or(0);
            (offset, e.message().trim().to_string())
        })
    }
}

/// `cfnforge.toml` in the current directory; an unusable file is reported and ends the command
/// with a usage error.
pub fn current() -> Result<Config, crate::cli::Outcome> {
    Config::load(Path::new("")).map_err(|e| {
        crate::cli::report::error(&e.to_string());
        crate::cli::Outcome::Usage
    })
}

/// 1-based line and column of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(text: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join(FILE), text).expect("write");
        dir
    }

    #[test]
    fn no_file_gives_the_defaults() {
        let dir = tempfile::tempdir().expect("temp dir");
        assert_eq!(Config::load(dir.path()).expect("load"), Config::default());
    }

    #[test]
    fn the_settings_are_read() {
        let dir = write("bucket = \"b\"\noutput = \"out\"\n");
        let config = Config::load(dir.path()).expect("load");
        assert_eq!(config.bucket.as_deref(), Some("b"));
        assert_eq!(config.output, Some(PathBuf::from("out")));
        assert_eq!(config.path, Some(dir.path().join(FILE)));
    }

    #[test]
    fn an_unknown_key_is_named_with_its_line() {
        let dir = write("output = \"x\"\nbuckt = \"b\"\n");
        let e = Config::load(dir.path())
            .expect_err("unknown key")
            .to_string();
        assert!(e.contains("cfnforge.toml:2:1:"), "{e}");
        assert!(e.contains("buckt"), "{e}");
    }

    #[test]
    fn a_wrong_type_is_named_with_its_line() {
        let dir = write("\nbucket = 3\n");
        let e = Config::load(dir.path())
            .expect_err("wrong type")
            .to_string();
        assert!(e.contains("cfnforge.toml:2:10:"), "{e}");
    }
}
