//! `cfnforge list`.

use crate::cli::output::outln;
use crate::cli::source::{self, Source};
use crate::cli::{Outcome, Project, StacksDir, select};
use cfnforge::render::Format;

pub fn run(dir: &StacksDir, project: &Project) -> Outcome {
    let source = project.source(dir);
    if let Source::Files(_) = source {
        // The stack files are only read: listing them needs no synthesis.
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
        return outcome;
    }
    let out = project.out_dir(None);
    let loaded = match source::load(&source, &[], Format::Json, &out, None) {
        Ok(loaded) => loaded,
        Err(outcome) => return outcome,
    };
    // In dependency order, with what each stack needs first.
    let plan = match loaded.assembly.deploy_plan(&[], false) {
        Ok(plan) => plan,
        Err(e) => {
            crate::cli::report::error(&e.to_string());
            return Outcome::Failed;
        }
    };
    for step in plan {
        let Some(stack) = loaded.assembly.stack(&step.stack) else {
            continue;
        };
        let after = if step.after.is_empty() {
            String::new()
        } else {
            format!("\tafter {}", step.after.join(", "))
        };
        outln!(
            "{}\t{}\t{}{after}",
            stack.name,
            stack.region.as_deref().unwrap_or("-"),
            stack.source.as_deref().unwrap_or("-")
        );
    }
    loaded.outcome
}
