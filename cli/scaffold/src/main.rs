//! Prints the app's assembly as JSON on standard output, which is what `cfnforge --app` reads;
//! warnings and errors go to standard error.

use std::process::ExitCode;

fn main() -> ExitCode {
    match {{crate}}::app().and_then(|app| app.synthesize()) {
        Ok(synthesis) => {
            for warning in &synthesis.warnings {
                eprintln!("{warning}");
            }
            println!("{}", synthesis.assembly.to_json());
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
