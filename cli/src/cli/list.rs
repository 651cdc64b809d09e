//! `cfnforge list`.

use crate::cli::output::outln;
use crate::cli::{Outcome, StacksDir, select};

pub fn run(dir: &StacksDir) -> Outcome {
    let (files, outcome) = match select::select(dir, &[]) {
        Ok(selected) => selected,
        Err(outcome) => return outcome,
    };
    for file in files {
        outln!(
            "{}\t{}\t{}",
            file.spec.stack.value,
            file.spec.region.as_ref().map_or("-", |r| r.value.as_str()),
            file.path.display()
        );
    }
    outcome
}
