//! Commands, one file each, and the one place errors are rendered for people (`report`).

#[cfg(feature = "aws")]
mod aws;
mod check;
mod config;
#[cfg(feature = "aws")]
mod deploy;
#[cfg(feature = "aws")]
mod destroy;
#[cfg(feature = "aws")]
mod diff;
#[cfg(feature = "aws")]
mod drift;
#[cfg(feature = "aws")]
mod import_stack;
mod init;
#[cfg(feature = "aws")]
mod interrupt;
mod list;
mod output;
mod report;
mod schema;
mod select;
mod source;
mod synth;
#[cfg(feature = "aws")]
mod terminal;
#[cfg(not(feature = "aws"))]
mod without_aws;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

/// Infrastructure as code in Rust: typed stacks in, reviewable CloudFormation out.
#[derive(Parser)]
#[command(name = "cfnforge", version, about)]
struct Cli {
    /// The app: a command, run through the shell in this directory, that prints the assembly
    /// (default: `app` in cfnforge.toml, then the stack files).
    #[arg(long, global = true, value_name = "CMD")]
    app: Option<String>,
    #[command(subcommand)]
    command: Command,
}

/// What every command starts from: the `--app` flag and cfnforge.toml.
pub struct Project {
    pub app: Option<String>,
    pub config: config::Config,
}

impl Project {
    /// Where the stacks come from.
    pub fn source(&self, dir: &StacksDir) -> source::Source {
        source::Source::new(self.app.as_deref(), &self.config, dir)
    }

    /// Where the assembly goes: `--out`, then `output` in cfnforge.toml, then cfnforge.out.
    pub fn out_dir(&self, flag: Option<&PathBuf>) -> PathBuf {
        flag.cloned()
            .or_else(|| self.config.output.clone())
            .unwrap_or_else(|| PathBuf::from(source::DEFAULT_OUT))
    }
}

#[derive(Subcommand)]
enum Command {
    /// Turn the app (stack files, or --app) into an assembly: templates and manifest.
    Synth(synth::SynthArgs),
    /// Check stacks against best-practice and security rules.
    Check(check::CheckArgs),
    /// Deploy stacks in dependency order through change sets and follow them to the end.
    #[cfg(feature = "aws")]
    Deploy(deploy::DeployArgs),
    /// Compare deployed stacks with the app's templates.
    #[cfg(feature = "aws")]
    Diff(diff::DiffArgs),
    /// Delete stacks, the ones that depend on others first.
    #[cfg(feature = "aws")]
    Destroy(destroy::DestroyArgs),
    /// Deploy stacks (this build has no AWS support: see `cfnforge deploy`).
    #[cfg(not(feature = "aws"))]
    Deploy(without_aws::Args),
    /// Compare deployed stacks (this build has no AWS support).
    #[cfg(not(feature = "aws"))]
    Diff(without_aws::Args),
    /// Delete stacks (this build has no AWS support).
    #[cfg(not(feature = "aws"))]
    Destroy(without_aws::Args),
    /// Whether deployed stacks still are what their templates say (drift detection).
    #[cfg(feature = "aws")]
    Drift(drift::DriftArgs),
    /// Detect drift (this build has no AWS support).
    #[cfg(not(feature = "aws"))]
    Drift(without_aws::Args),
    /// Adopt resources that already exist (made in the console) into a new stack, then deploy
    /// the rest.
    #[cfg(feature = "aws")]
    Import(import_stack::ImportArgs),
    /// Adopt existing resources into a stack (this build has no AWS support).
    #[cfg(not(feature = "aws"))]
    Import(without_aws::Args),
    /// Create an infrastructure crate: stacks defined in Rust, with a test.
    Init(init::InitArgs),
    /// List the stacks of the app.
    List(list::ListArgs),
    /// Print the JSON Schema of stack files.
    Schema,
}

/// Where the stack files are, and which of their environments.
#[derive(Args, Clone, Debug, PartialEq, Eq)]
pub struct StacksDir {
    /// Folder with the stack files.
    #[arg(long = "stacks", value_name = "DIR", default_value = "stacks")]
    pub dir: PathBuf,
    /// The environment of the stack files (their `environments:` key): its stack names,
    /// names and sizes.
    #[arg(long = "env", value_name = "NAME")]
    pub env: Option<String>,
}

/// How a command ended, as the process's exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success = 0,
    /// A stack file or template is invalid, or an operation failed.
    Failed = 1,
    /// The command line asked for something that does not exist.
    Usage = 2,
    /// Ctrl-C (128 + SIGINT, as shells report it).
    #[cfg_attr(not(feature = "aws"), allow(dead_code))]
    Interrupted = 130,
}

pub fn run() -> ExitCode {
    let cli = Cli::parse();
    // These need no project: init makes one.
    let command = match cli.command {
        Command::Schema => return ExitCode::from(schema::run() as u8),
        Command::Init(args) => return ExitCode::from(init::run(args) as u8),
        command => command,
    };
    let project = match config::current() {
        Ok(config) => Project {
            app: cli.app,
            config,
        },
        Err(outcome) => return ExitCode::from(outcome as u8),
    };
    let outcome = match command {
        Command::Synth(args) => synth::run(args, &project),
        Command::Check(args) => check::run(args, &project),
        #[cfg(feature = "aws")]
        Command::Deploy(args) => deploy::run(args, &project),
        #[cfg(feature = "aws")]
        Command::Diff(args) => diff::run(args, &project),
        #[cfg(feature = "aws")]
        Command::Destroy(args) => destroy::run(args, &project),
        #[cfg(not(feature = "aws"))]
        Command::Deploy(_) => without_aws::run("deploy"),
        #[cfg(not(feature = "aws"))]
        Command::Diff(_) => without_aws::run("diff"),
        #[cfg(not(feature = "aws"))]
        Command::Destroy(_) => without_aws::run("destroy"),
        #[cfg(feature = "aws")]
        Command::Drift(args) => drift::run(args, &project),
        #[cfg(not(feature = "aws"))]
        Command::Drift(_) => without_aws::run("drift"),
        #[cfg(feature = "aws")]
        Command::Import(args) => import_stack::run(args, &project),
        #[cfg(not(feature = "aws"))]
        Command::Import(_) => without_aws::run("import"),
        // Run above, before the project is read.
        Command::Init(_) | Command::Schema => Outcome::Success,
        Command::List(args) => list::run(&args, &project),
    };
    ExitCode::from(outcome as u8)
}
