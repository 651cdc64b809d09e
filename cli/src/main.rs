//! The `cfnforge` command line: parses arguments, calls the library, renders results and errors.

// Printing goes through cli::output, which survives a closed pipe.
#![warn(clippy::print_stdout, clippy::print_stderr)]

mod cli;

fn main() -> std::process::ExitCode {
    cli::run()
}
