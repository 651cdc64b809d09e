//! Where the stacks come from: the stack files (the default app), or a program given by `--app
//! CMD` or `app` in cfnforge.toml that prints an assembly on standard output, as `cdk.json`'s
//! `app` is for the CDK. Either way the commands go on from an [`Assembly`].

use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};

use crate::cli::config::Config;
use crate::cli::{Outcome, StacksDir, report, select};
use cfnforge::assembly::{Assembly, AssemblyError, MANIFEST_FILE};
use cfnforge::render::Format;
use cfnforge::synth;

/// Where the assembly is written when neither `--out` nor `output` says.
pub const DEFAULT_OUT: &str = "cfnforge.out";

/// The app: stack files, or a command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Files(StacksDir),
    App(String),
}

impl Source {
    /// `--app` wins over `app` in cfnforge.toml; without either, the stack files.
    pub fn new(flag: Option<&str>, config: &Config, dir: &StacksDir) -> Source {
        match flag.map(str::to_string).or_else(|| config.app.clone()) {
            Some(command) => Source::App(command),
            None => Source::Files(dir.clone()),
        }
    }
}

/// An assembly ready for a command.
pub struct Loaded {
    pub assembly: Assembly,
    /// `Failed` when some stack files could not be synthesized (they are reported and left
    /// out; the others go on).
    pub outcome: Outcome,
    /// The stack names to plan with: the stack files' selection is already the whole assembly
    /// (they are chosen by file name too), an app's assembly has every stack of the app.
    pub names: Vec<String>,
}

/// The assembly of `source`: the stack files named (all when none), synthesized and rendered
/// in `format`, or the app's, written to `out` (the app ran, so its assembly is kept as
/// `cdk.out` is). `refusal` is what a stack whose rules found errors is said not to be
/// (`not deployed`).
pub fn load(
    source: &Source,
    names: &[String],
    format: Format,
    out: &Path,
    refusal: Option<&str>,
) -> Result<Loaded, Outcome> {
    match source {
        Source::Files(dir) => {
            let (assembly, outcome) = from_files(dir, names, format, refusal)?;
            Ok(Loaded {
                assembly,
                outcome,
                names: Vec::new(),
            })
        }
        Source::App(command) => {
            let assembly = run_app(command, Path::new(".")).map_err(|e| {
                report::app_error(&e);
                Outcome::Failed
            })?;
            write(out, &assembly).map_err(|message| {
                report::error(&message);
                Outcome::Failed
            })?;
            Ok(Loaded {
                assembly,
                outcome: Outcome::Success,
                names: names.to_vec(),
            })
        }
    }
}

/// The stack files named, synthesized several at a time, reported in their order: errors and
/// warnings, and the rules' findings. Stacks with errors are left out of the assembly.
pub fn from_files(
    dir: &StacksDir,
    names: &[String],
    format: Format,
    refusal: Option<&str>,
) -> Result<(Assembly, Outcome), Outcome> {
    let (files, mut outcome) = select::select(dir, names)?;
    let mut stacks = Vec::with_capacity(files.len());
    for result in synth::render_all(&files, format) {
        match result {
            Ok(rendered) => {
                if report::synthesized(&rendered.synthesized) {
                    if let Some(refusal) = refusal {
                        report::error(&format!(
                            "{}: {refusal}: the rules found errors",
                            rendered.artifact.name
                        ));
                    }
                    outcome = Outcome::Failed;
                    continue;
                }
                if let Some(d) = &rendered.size_warning {
                    report::diagnostic(&rendered.synthesized.path, d, None);
                }
                stacks.push((rendered.artifact, rendered.text));
            }
            Err(e) => {
                report::synth_error(&e);
                outcome = Outcome::Failed;
            }
        }
    }
    let assembly = synth::assembly(stacks).map_err(|e| {
        report::error(&e.to_string());
        Outcome::Failed
    })?;
    Ok((assembly, outcome))
}

/// Writes the assembly: the directory, one write per template, then `manifest.json`.
pub fn write(dir: &Path, assembly: &Assembly) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for (file, text) in &assembly.templates {
        let path = dir.join(file);
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    let path = dir.join(MANIFEST_FILE);
    std::fs::write(&path, assembly.manifest_json() + "\n")
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// Why an app command gave no assembly.
#[derive(Debug, thiserror::Error)]
pub enum AppRunError {
    #[error("cannot run the app `{command}`: {source}")]
    Start {
        command: String,
        #[source]
        source: std::io::Error,
    },
    #[error("the app `{command}` failed ({status})")]
    Failed {
        command: String,
        status: ExitStatus,
        /// The first lines it printed on standard output.
        printed: String,
    },
    #[error(
        "the app `{command}` printed nothing on standard output: it must print its assembly (`println!(\"{{}}\", app.synth()?.to_json())`)"
    )]
    Empty { command: String },
    #[error("the app `{command}` did not print a cfnforge assembly: {source}")]
    Invalid {
        command: String,
        #[source]
        source: AssemblyError,
        printed: String,
    },
}

impl AppRunError {
    /// The first lines the app printed, when that helps.
    pub fn printed(&self) -> Option<&str> {
        match self {
            AppRunError::Failed { printed, .. } | AppRunError::Invalid { printed, .. } => {
                Some(printed).filter(|p| !p.is_empty()).map(String::as_str)
            }
            _ => None,
        }
    }
}

/// How many lines of an app's output an error shows.
const SHOWN_LINES: usize = 5;

/// Runs the app command through the shell in `dir`; its standard error passes through, its
/// standard output is the assembly.
pub fn run_app(command: &str, dir: &Path) -> Result<Assembly, AppRunError> {
    let output = Command::new("sh")
        .arg("-c")
        .arg(command)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|source| AppRunError::Start {
            command: command.to_string(),
            source,
        })?;
    let text = String::from_utf8_lossy(&output.stdout);
    let printed = || {
        let lines: Vec<&str> = text.lines().collect();
        let mut shown = lines
            .iter()
            .take(SHOWN_LINES)
            .map(|l| l.chars().take(200).collect::<String>())
            .collect::<Vec<_>>()
            .join("\n");
        if lines.len() > SHOWN_LINES {
            shown.push_str(&format!("\n... ({} lines in all)", lines.len()));
        }
        shown
    };
    if !output.status.success() {
        return Err(AppRunError::Failed {
            command: command.to_string(),
            status: output.status,
            printed: printed(),
        });
    }
    if text.trim().is_empty() {
        return Err(AppRunError::Empty {
            command: command.to_string(),
        });
    }
    Assembly::from_json(&text).map_err(|source| AppRunError::Invalid {
        command: command.to_string(),
        source,
        printed: printed(),
    })
}
