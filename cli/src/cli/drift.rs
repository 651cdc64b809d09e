//! `cfnforge drift`: whether deployed stacks still are what their templates say.

use crate::cli::output::outln;

use clap::Args;

use crate::cli::aws::{AwsArgs, runtime};
use crate::cli::source;
use crate::cli::{Outcome, Project, StacksDir, report};
use cfnforge::render::Format;
use cfnforge_deploy::{self as deploy, DriftReport};

#[derive(Args)]
pub struct DriftArgs {
    /// Stacks to check (stack name, or a stack file's name); all when none.
    #[arg(value_name = "STACK")]
    stacks: Vec<String>,
    /// Exit 1 when a resource has drifted.
    #[arg(long)]
    fail: bool,
    #[command(flatten)]
    dir: StacksDir,
    #[command(flatten)]
    aws: AwsArgs,
}

pub fn run(args: DriftArgs, project: &Project) -> Outcome {
    let source = project.source(&args.dir);
    let loaded = match source::load(
        &source,
        &args.stacks,
        Format::Yaml,
        &project.out_dir(None),
        None,
    ) {
        Ok(loaded) => loaded,
        Err(outcome) => return outcome,
    };
    let assembly = &loaded.assembly;
    let plan = match assembly.deploy_plan(&loaded.names, true) {
        Ok(plan) => plan,
        Err(e) => {
            report::error(&e.to_string());
            return Outcome::Usage;
        }
    };
    let runtime = match runtime() {
        Ok(runtime) => runtime,
        Err(outcome) => return outcome,
    };
    let pacing = crate::cli::aws::pacing();
    let mut outcome = loaded.outcome;
    runtime.block_on(async {
        for step in &plan {
            let Some(stack) = assembly.stack(&step.stack) else {
                continue;
            };
            let cloud = args.aws.connect(stack.region.as_deref()).await;
            match deploy::detect_drift(&cloud, &stack.name, &pacing).await {
                Ok(report) => {
                    let drifted = show(&stack.name, &report);
                    if drifted && args.fail && outcome == Outcome::Success {
                        outcome = Outcome::Failed;
                    }
                }
                Err(e) => outcome = report::deploy_error(&e),
            }
        }
    });
    outcome
}

/// Prints a stack's drift like `diff` prints changes; whether anything drifted.
pub fn show(stack: &str, report: &DriftReport) -> bool {
    let drifted: Vec<_> = report.drifted().collect();
    if drifted.is_empty() {
        let unchecked = report
            .resources
            .iter()
            .filter(|r| r.status == "NOT_CHECKED")
            .count();
        outln!(
            "{stack}: no drift ({} resources in sync{})",
            report.resources.len() - unchecked,
            if unchecked > 0 {
                format!(", {unchecked} not checked")
            } else {
                String::new()
            }
        );
        return false;
    }
    outln!(
        "{stack}: drifted ({} of {} resources)",
        drifted.len(),
        report.resources.len()
    );
    for resource in drifted {
        let id = resource.physical_id.as_deref().unwrap_or("-");
        if resource.status == "DELETED" {
            outln!(
                "- {} {} ({id}): deleted outside CloudFormation",
                resource.resource_type,
                resource.logical_id
            );
            continue;
        }
        outln!(
            "~ {} {} ({id})",
            resource.resource_type,
            resource.logical_id
        );
        for d in &resource.differences {
            let security = if deploy::is_security(&resource.resource_type, &d.path) {
                " [security]"
            } else {
                ""
            };
            match d.kind.as_str() {
                "ADD" => outln!(
                    "    + {}: {} (not in the template){security}",
                    d.path,
                    d.actual
                ),
                "REMOVE" => outln!(
                    "    - {}: {} (gone from the resource){security}",
                    d.path,
                    d.expected
                ),
                _ => outln!(
                    "    ~ {}: {} -> {} (template -> actual){security}",
                    d.path,
                    d.expected,
                    d.actual
                ),
            }
        }
    }
    true
}

/// The drifted resources as JSON, for `diff --drift --format json`.
pub fn to_json(report: &DriftReport) -> serde_json::Value {
    serde_json::Value::Array(
        report
            .drifted()
            .map(|r| {
                serde_json::json!({
                    "logicalId": r.logical_id,
                    "type": r.resource_type,
                    "physicalId": r.physical_id,
                    "status": r.status,
                    "properties": r.differences.iter().map(|d| serde_json::json!({
                        "path": d.path,
                        "expected": d.expected,
                        "actual": d.actual,
                        "difference": d.kind,
                        "security": deploy::is_security(&r.resource_type, &d.path),
                    })).collect::<Vec<_>>(),
                })
            })
            .collect(),
    )
}
