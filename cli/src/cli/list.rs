//! `cfnforge list`.

use crate::cli::output::outln;
use crate::cli::source::{self, Source};
use crate::cli::{Outcome, Project, StacksDir, report, select};
use cfnforge::render::Format;
use clap::Args;

#[derive(Args)]
pub struct ListArgs {
    /// Stacks to list (stack name, file name without extension, or a stack file's path); all
    /// when none.
    #[arg(value_name = "STACK")]
    stacks: Vec<String>,
    #[command(flatten)]
    dir: StacksDir,
}

pub fn run(args: &ListArgs, project: &Project) -> Outcome {
    let dir = &args.dir;
    let source = project.source(dir);
    if let Source::Files(_) = source {
        // The stack files are only read: listing them needs no synthesis.
        let (files, outcome) = match select::select(dir, &args.stacks) {
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
    let loaded = match source::load(&source, &args.stacks, Format::Json, &out, None) {
        Ok(loaded) => loaded,
        Err(outcome) => return outcome,
    };
    // Named stacks only, when named.
    if let Err(e) = loaded.assembly.deploy_plan(&loaded.names, true) {
        report::error(&e.to_string());
        return Outcome::Usage;
    }
    // In dependency order, with what each stack needs first.
    let plan = match loaded.assembly.deploy_plan(&[], false) {
        Ok(plan) => plan,
        Err(e) => {
            report::error(&e.to_string());
            return Outcome::Failed;
        }
    };
    let named = |step: &cfnforge::assembly::Step| {
        loaded.names.is_empty() || loaded.names.contains(&step.stack)
    };
    for step in plan.into_iter().filter(named) {
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
