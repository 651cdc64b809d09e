//! `cfnforge import`: adopt resources that already exist (made in the console) into a new
//! stack, then deploy the rest.

use crate::cli::output::outln;

use clap::Args;

use crate::cli::aws::{AwsArgs, key_value, request, runtime};
use crate::cli::interrupt::Interrupt;
use crate::cli::source;
use crate::cli::terminal::Terminal;
use crate::cli::{Outcome, Project, StacksDir, report};
use cfnforge::render::Format;
use cfnforge_deploy::{self as deploy, Approval, DeployOptions, DeployOutcome, ImportPlan, shown};

#[derive(Args)]
pub struct ImportArgs {
    /// The stack whose resources already exist (stack name, or a stack file's name).
    #[arg(value_name = "STACK")]
    stack: String,
    /// Print what exists, how it differs and what would run; change nothing.
    #[arg(long)]
    dry_run: bool,
    #[command(flatten)]
    dir: StacksDir,
    #[command(flatten)]
    aws: AwsArgs,
    /// Set a template parameter instead of looking it up (repeatable).
    #[arg(long = "parameter", value_name = "KEY=VALUE", value_parser = key_value)]
    parameters: Vec<(String, String)>,
    /// For the deploy after the import: when to ask before executing (never, broadening,
    /// any-change), as for `deploy`.
    #[arg(long, value_enum, default_value = "broadening")]
    require_approval: ApprovalArg,
    /// Answer yes to every question.
    #[arg(long, short = 'y')]
    yes: bool,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ApprovalArg {
    Never,
    Broadening,
    AnyChange,
}

pub fn run(args: ImportArgs, project: &Project) -> Outcome {
    let source = project.source(&args.dir);
    let loaded = match source::load(
        &source,
        std::slice::from_ref(&args.stack),
        Format::Yaml,
        &project.out_dir(None),
        Some("not imported"),
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
    let Some(stack) = plan
        .iter()
        .find(|s| loaded.names.is_empty() || s.stack == args.stack)
        .and_then(|s| assembly.stack(&s.stack))
    else {
        report::error(&format!("no stack {} in the app", args.stack));
        return Outcome::Usage;
    };
    let request = match request(assembly, stack) {
        Ok(request) => request,
        Err(outcome) => return outcome,
    };
    let runtime = match runtime() {
        Ok(runtime) => runtime,
        Err(outcome) => return outcome,
    };
    let options = DeployOptions {
        parameters: args.parameters.clone(),
        allow_replacement: false,
        approval: match args.require_approval {
            ApprovalArg::Never => Approval::Never,
            ApprovalArg::Broadening => Approval::Broadening,
            ApprovalArg::AnyChange => Approval::AnyChange,
        },
        yes: args.yes,
        no_execute: false,
        pacing: crate::cli::aws::pacing(),
        bucket: project.config.bucket.clone(),
        revert_drift: false,
        show_account: true,
        given_parameters: None,
    };
    runtime.block_on(async {
        let cloud = args.aws.connect(stack.region.as_deref()).await;
        let name = stack.name.as_str();
        report::info(&format!(
            "{name}: looking for its resources in {}",
            cloud.region().unwrap_or("the default region")
        ));
        let plan = match deploy::plan_import(&cloud, &request, &options).await {
            Ok(plan) => plan,
            Err(e) => return report::deploy_error(&e),
        };
        print_plan(&plan);
        if args.dry_run {
            // The refusal the import itself would give, with the stack-file values to write.
            if let Some(refusal) = deploy::import_refusal(&plan) {
                return report::deploy_error(&refusal);
            }
            outln!("dry run: nothing was changed");
            return Outcome::Success;
        }
        let interrupt = Interrupt::listen();
        let mut ui = Terminal::new(interrupt.clone());
        let result = deploy::import(&cloud, &request, &plan, &options, &mut ui).await;
        ui.finish();
        match result {
            Ok(outcome) => {
                if let DeployOutcome::Deployed { status, .. } = &outcome.imported {
                    report::info(&format!(
                        "{name}: {status}: imported {}",
                        plan.found
                            .iter()
                            .map(|f| f.logical_id.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                }
                match &outcome.deployed {
                    Some(DeployOutcome::Deployed { status, outputs }) => {
                        report::info(&format!("{name}: {status}"));
                        print_outputs(name, outputs);
                    }
                    Some(DeployOutcome::NoChanges { outputs }) => {
                        report::info(&format!(
                            "{name}: the stack matches the stack file, nothing more to deploy"
                        ));
                        print_outputs(name, outputs);
                    }
                    _ => {}
                }
                Outcome::Success
            }
            Err(e) => report::deploy_error(&e),
        }
    })
}

fn print_plan(plan: &ImportPlan) {
    let stack = &plan.stack;
    if plan.found.is_empty() {
        outln!("{stack}: none of its resources exist; `cfnforge deploy {stack}` creates them");
    } else {
        outln!("{stack}: found in AWS, to import:");
        for found in &plan.found {
            outln!(
                "  = {} {} ({} {})",
                found.resource_type,
                found.logical_id,
                found.identifier.0,
                found.physical_id
            );
        }
    }
    if !plan.missing.is_empty() {
        outln!("not found, created by the deploy after the import:");
        for (logical_id, type_name) in &plan.missing {
            outln!("  + {type_name} {logical_id}");
        }
    }
    let downgrade = format!(": {}", cfnforge::facts::elasticache::DOWNGRADE);
    for (differences, heading, why) in [
        (
            &plan.replacing,
            "differences that would replace the resource (refused):",
            "",
        ),
        (
            &plan.unreachable,
            "differences the deploy after the import could not make (refused):",
            downgrade.as_str(),
        ),
    ] {
        if differences.is_empty() {
            continue;
        }
        outln!("{heading}");
        for d in differences {
            outln!(
                "  ! {}.{}: {} in AWS, {} in the stack file{why}{}",
                d.logical_id,
                d.property,
                shown(d.live.as_ref()),
                shown(d.template.as_ref()),
                d.key
                    .map(|k| format!(" (stack-file key {k})"))
                    .unwrap_or_default()
            );
        }
    }
    if !plan.in_place.is_empty() {
        outln!("differences the deploy after the import changes in place:");
        for d in &plan.in_place {
            outln!(
                "  ~ {}.{}: {} -> {}",
                d.logical_id,
                d.property,
                shown(d.live.as_ref()),
                shown(d.template.as_ref())
            );
        }
    }
    if !plan.console_only.is_empty() {
        outln!("set in AWS, left to CloudFormation's default by the stack file:");
        for d in &plan.console_only {
            outln!(
                "  ? {}.{} = {}",
                d.logical_id,
                d.property,
                shown(d.live.as_ref())
            );
        }
    }
    if !plan.retained_for_import.is_empty() {
        outln!(
            "imported with DeletionPolicy Retain (CloudFormation requires one; the deploy after the import sets the stack file's): {}",
            plan.retained_for_import.join(", ")
        );
    }
}

fn print_outputs(stack: &str, outputs: &[(String, String)]) {
    if outputs.is_empty() {
        return;
    }
    outln!("Outputs of {stack}:");
    for (key, value) in outputs {
        outln!("  {key} = {value}");
    }
}
