//! Commands, one file each, and the one place errors are rendered for people (`report`).

mod aws;
mod check;
mod deploy;
mod destroy;
mod diff;
mod interrupt;
mod list;
mod output;
mod report;
mod schema;
mod select;
mod synth;
mod terminal;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

/// Infrastructure as code in Rust: typed stacks in, reviewable CloudFormation out.
#[derive(Parser)]
#[command(name = "cfnforge", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Turn stack files into CloudFormation templates.
    Synth(synth::SynthArgs),
    /// Check stacks against best-practice and security rules.
    Check(check::CheckArgs),
    /// Deploy stacks through change sets and follow them to the end.
    Deploy(deploy::DeployArgs),
    /// Compare deployed stacks with their stack files.
    Diff(diff::DiffArgs),
    /// Delete stacks.
    Destroy(destroy::DestroyArgs),
    /// List the stacks in the stacks folder.
    List(StacksDir),
    /// Print the JSON Schema of stack files.
    Schema,
}

/// Where the stack files are.
#[derive(Args, Clone)]
pub struct StacksDir {
    /// Folder with the stack files.
    #[arg(long = "stacks", value_name = "DIR", default_value = "stacks")]
    pub dir: PathBuf,
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
    Interrupted = 130,
}

pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Synth(args) => synth::run(args),
        Command::Check(args) => check::run(args),
        Command::Deploy(args) => deploy::run(args),
        Command::Diff(args) => diff::run(args),
        Command::Destroy(args) => destroy::run(args),
        Command::List(dir) => list::run(&dir),
        Command::Schema => schema::run(),
    };
    ExitCode::from(outcome as u8)
}
