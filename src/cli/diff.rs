//! `cfnforge diff`.

use crate::cli::output::outln;
use clap::Args;

use crate::cli::aws::{AwsArgs, open, start};
use crate::cli::{Outcome, StacksDir, report};
use cfnforge::deploy::{self, Pacing};
use cfnforge::diff::{Change, TemplateDiff, diff};
use cfnforge::template::{Template, Value};

#[derive(Args)]
pub struct DiffArgs {
    /// Stacks to compare (stack name or file name without extension); all when none.
    #[arg(value_name = "STACK")]
    stacks: Vec<String>,
    #[command(flatten)]
    dir: StacksDir,
    #[command(flatten)]
    aws: AwsArgs,
    /// Exit 1 when there are differences.
    #[arg(long)]
    fail: bool,
}

pub fn run(args: DiffArgs) -> Outcome {
    let (files, mut outcome, runtime) = match start(&args.dir, &args.stacks) {
        Ok(started) => started,
        Err(outcome) => return outcome,
    };
    runtime.block_on(async {
        for file in &files {
            let (request, cloud) = match open(file, &args.aws).await {
                Ok(opened) => opened,
                Err(o) => {
                    outcome = o;
                    continue;
                }
            };
            let stack = &request.stack_name;
            let deployed = match deploy::deployed_template(&cloud, stack, &Pacing::default()).await
            {
                Ok(deployed) => deployed,
                Err(e) => {
                    outcome = report::deploy_error(&e);
                    continue;
                }
            };
            if deployed.is_none() {
                outln!("Stack {stack} does not exist yet: everything is new.");
            }
            let changes = diff(
                &deployed.unwrap_or_else(Template::default),
                &request.template,
            );
            print(stack, &changes);
            if args.fail && !changes.is_empty() && outcome == Outcome::Success {
                outcome = Outcome::Failed;
            }
        }
    });
    outcome
}

fn print(stack: &str, changes: &TemplateDiff) {
    if changes.is_empty() {
        outln!("Stack {stack}: no differences");
        return;
    }
    outln!("Stack {stack}");
    for r in &changes.resources {
        let sign = match r.change {
            Change::Added => "+",
            Change::Removed => "-",
            Change::Modified => "~",
        };
        let mut marks = Vec::new();
        if r.replacement {
            marks.push("replacement");
        }
        if r.stateful && (r.replacement || r.change == Change::Removed) {
            marks.push("data at risk");
        }
        if r.security {
            marks.push("security");
        }
        let marks = if marks.is_empty() {
            String::new()
        } else {
            format!(" [{}]", marks.join(", "))
        };
        outln!("{sign} {} {}{marks}", r.type_name, r.logical_id);
        if r.change == Change::Modified {
            for p in &r.properties {
                let replaces = if p.replaces { " (replaces)" } else { "" };
                match (&p.old, &p.new) {
                    // Lists (ingress rules, subnet IDs) show the items that went and came.
                    (Some(Value::List(old)), Some(Value::List(new))) => {
                        outln!("    ~ {}:{replaces}", p.path);
                        for item in old.iter().filter(|i| !new.contains(i)) {
                            outln!("        - {}", json(item));
                        }
                        for item in new.iter().filter(|i| !old.contains(i)) {
                            outln!("        + {}", json(item));
                        }
                    }
                    _ => outln!(
                        "    ~ {}: {} -> {}{replaces}",
                        p.path,
                        show(&p.old),
                        show(&p.new)
                    ),
                }
            }
        }
    }
    for (name, change) in &changes.parameters {
        outln!("{} Parameter {name}", sign(*change));
    }
    for (name, change) in &changes.outputs {
        outln!("{} Output {name}", sign(*change));
    }
}

fn sign(change: Change) -> &'static str {
    match change {
        Change::Added => "+",
        Change::Removed => "-",
        Change::Modified => "~",
    }
}

fn show(value: &Option<Value>) -> String {
    match value {
        None => "(absent)".to_string(),
        Some(v) => json(v),
    }
}

fn json(value: &Value) -> String {
    serde_json::to_string(value).unwrap_or_default()
}
