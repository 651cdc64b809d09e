//! `cfnforge schema`.

use crate::cli::Outcome;
use crate::cli::output::outln;

pub fn run() -> Outcome {
    match serde_json::to_string_pretty(&cfnforge::stackfile::json_schema()) {
        Ok(text) => {
            outln!("{text}");
            Outcome::Success
        }
        Err(e) => {
            crate::cli::report::error(&format!("cannot render the schema: {e}"));
            Outcome::Failed
        }
    }
}
