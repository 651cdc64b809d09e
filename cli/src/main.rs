//! The `cfnforge` command line: parses arguments, calls the library, renders results and errors.

mod cli;

fn main() -> std::process::ExitCode {
    cli::run()
}
