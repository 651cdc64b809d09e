//! `deploy`, `diff` and `destroy` in a build without AWS support: they say how to get one.
//!
//! The AWS SDK is most of a clean build (minutes and gigabytes on a small machine), and `synth`,
//! `check`, `list` and `schema` never call AWS, so the command is built without it unless the
//! `aws` feature is asked for.

use clap::Args as ClapArgs;

use crate::cli::{Outcome, report};

/// Whatever was given: none of it is read.
#[derive(ClapArgs)]
pub struct Args {
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, hide = true)]
    _rest: Vec<String>,
}

pub fn run(command: &str) -> Outcome {
    report::error(&format!(
        "`cfnforge {command}` talks to AWS, and this cfnforge was built without AWS support.\n\
         Install the full command with:  cargo install --locked --path cli --features aws\n\
         or, in the repository, run:     cargo run --features aws -- {command} ..."
    ));
    Outcome::Usage
}
