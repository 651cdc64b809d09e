//! `cfnforge deploy`.

use crate::cli::output::outln;
use std::collections::HashMap;
use std::path::PathBuf;

use clap::Args;
use indexmap::IndexMap;

use crate::cli::aws::{AwsArgs, key_value, request, runtime};
use crate::cli::interrupt::Interrupt;
use crate::cli::source;
use crate::cli::terminal::Terminal;
use crate::cli::{Outcome, Project, StacksDir, report};
use cfnforge::render::Format;
use cfnforge_deploy::cloud::aws::AwsCloud;
use cfnforge_deploy::{
    self as deploy, Approval, DeployOptions, DeployOutcome, DeployRequest, Ran, in_order,
};

#[derive(Args)]
pub struct DeployArgs {
    /// Stacks to deploy (stack name, or a stack file's name without extension), after the
    /// stacks they depend on; may be left out when the app has one stack.
    #[arg(value_name = "STACK")]
    stacks: Vec<String>,
    /// Deploy every stack of the app.
    #[arg(long, conflicts_with = "stacks")]
    all: bool,
    /// Deploy only the stacks named, not the stacks they depend on.
    #[arg(long)]
    exclusively: bool,
    /// How many independent stacks deploy at once; a stack still waits for those it depends on.
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..))]
    concurrency: u16,
    #[command(flatten)]
    dir: StacksDir,
    #[command(flatten)]
    aws: AwsArgs,
    /// Set a template parameter instead of looking it up (repeatable).
    #[arg(long = "parameter", visible_alias = "parameters", value_name = "KEY=VALUE", value_parser = key_value)]
    parameters: Vec<(String, String)>,
    /// Allow replacing or removing stateful resources (their data is lost).
    #[arg(long)]
    allow_replacement: bool,
    /// When to ask before executing: never, broadening (security groups added or changed), any-change.
    #[arg(long, value_enum, default_value = "broadening")]
    require_approval: ApprovalArg,
    /// Answer yes to every question.
    #[arg(long, short = 'y')]
    yes: bool,
    /// Create the change set for review and stop.
    #[arg(long)]
    no_execute: bool,
    /// S3 bucket for templates over 51,200 bytes (default: `bucket` in cfnforge.toml, then
    /// cfnforge-assets-ACCOUNT-REGION, created on first use).
    #[arg(long, value_name = "BUCKET")]
    bucket: Option<String>,
    /// Put resources changed outside CloudFormation back to the template, through a
    /// drift-aware change set (DeploymentMode=REVERT_DRIFT).
    #[arg(long)]
    revert_drift: bool,
    /// Write the stacks' outputs as JSON ({"stack": {"Key": "Value"}}).
    #[arg(long, value_name = "FILE")]
    outputs_file: Option<PathBuf>,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ApprovalArg {
    Never,
    Broadening,
    AnyChange,
}

pub fn run(args: DeployArgs, project: &Project) -> Outcome {
    if let Err(outcome) = args.aws.check_profile() {
        return outcome;
    }
    let source = project.source(&args.dir);
    // As the CDK: with several stacks, which ones is said, or --all.
    let unnamed = args.stacks.is_empty() && !args.all;
    if let (true, source::Source::Files(dir)) = (unnamed, &source) {
        let files = cfnforge::stackfile::discover(&dir.dir).unwrap_or_default();
        if files.len() > 1 {
            return several(
                files
                    .iter()
                    .filter_map(|f| f.file_stem())
                    .map(|s| s.to_string_lossy().into_owned())
                    .collect(),
            );
        }
    }
    let loaded = match source::load(
        &source,
        &args.stacks,
        Format::Yaml,
        &project.out_dir(None),
        Some("not deployed"),
    ) {
        Ok(loaded) => loaded,
        Err(outcome) => return outcome,
    };
    let mut outcome = loaded.outcome;
    let assembly = &loaded.assembly;
    if unnamed && assembly.manifest.stacks.len() > 1 {
        return several(
            assembly
                .manifest
                .stacks
                .iter()
                .map(|s| s.name.clone())
                .collect(),
        );
    }
    let plan = match assembly.deploy_plan(&loaded.names, args.exclusively) {
        Ok(plan) => plan,
        Err(e) => {
            report::error(&e.to_string());
            return Outcome::Usage;
        }
    };
    let mut requests: HashMap<String, (DeployRequest, Option<String>)> = HashMap::new();
    for step in &plan {
        let Some(stack) = assembly.stack(&step.stack) else {
            continue;
        };
        match request(assembly, stack) {
            Ok(request) => {
                requests.insert(stack.name.clone(), (request, stack.region.clone()));
            }
            Err(o) => return o,
        }
    }
    let runtime = match runtime() {
        Ok(runtime) => runtime,
        Err(outcome) => return outcome,
    };
    let options = DeployOptions {
        parameters: args.parameters.clone(),
        allow_replacement: args.allow_replacement,
        approval: match args.require_approval {
            ApprovalArg::Never => Approval::Never,
            ApprovalArg::Broadening => Approval::Broadening,
            ApprovalArg::AnyChange => Approval::AnyChange,
        },
        yes: args.yes,
        no_execute: args.no_execute,
        pacing: crate::cli::aws::pacing(),
        bucket: args.bucket.clone().or(project.config.bucket.clone()),
        revert_drift: args.revert_drift,
        show_account: true,
        given_parameters: None,
    };
    let concurrency = usize::from(args.concurrency);
    let mut all_outputs: IndexMap<String, IndexMap<String, String>> = IndexMap::new();
    runtime.block_on(async {
        let interrupt = Interrupt::listen();
        let mut clouds: HashMap<String, AwsCloud> = HashMap::new();
        for (name, (_, region)) in &requests {
            clouds.insert(name.clone(), args.aws.connect(region.as_deref()).await);
        }
        // Several stacks: an export one of them would change or remove while a deployed stack
        // imports it stops the run before any stack starts (deploy checks each stack again).
        if plan.len() > 1 {
            let mut refused = false;
            for step in &plan {
                let (Some((request, _)), Some(cloud)) =
                    (requests.get(&step.stack), clouds.get(&step.stack))
                else {
                    continue;
                };
                let checked = deploy::exports_in_use(
                    cloud,
                    &step.stack,
                    &request.template,
                    &options.pacing,
                )
                .await;
                match checked {
                    Ok(uses) if uses.is_empty() => {}
                    Ok(uses) => {
                        refused = true;
                        outcome = report::deploy_error(&deploy::DeployError::ExportsInUse {
                            stack: step.stack.clone(),
                            uses,
                            destroying: false,
                        });
                    }
                    Err(e) => {
                        refused = true;
                        outcome = report::deploy_error(&e);
                    }
                }
            }
            if refused {
                report::error("nothing was deployed");
                return;
            }
        }
        let (requests, clouds, options, interrupt) = (&requests, &clouds, &options, &interrupt);
        let ran = in_order(&plan, concurrency, move |stack: &str| {
            let stack = stack.to_string();
            async move {
                let (Some((request, _)), Some(cloud)) = (requests.get(&stack), clouds.get(&stack))
                else {
                    return Err(Outcome::Failed);
                };
                report::info(&format!(
                    "{stack}: deploying to {}",
                    cloud.region().unwrap_or("the default region")
                ));
                let mut ui = if concurrency > 1 {
                    Terminal::for_one_of_several(interrupt.clone(), &stack)
                } else {
                    Terminal::new(interrupt.clone())
                };
                let result = deploy::deploy(cloud, request, options, &mut ui).await;
                ui.finish();
                match result {
                    Ok(DeployOutcome::ChangeSetCreated { name, id }) => {
                        report::info(&format!(
                            "{stack}: change set {name} is ready for review and was not executed\n  {id}\n  execute it with: aws cloudformation execute-change-set --change-set-name {id}"
                        ));
                        Ok(None)
                    }
                    Ok(DeployOutcome::NoChanges { outputs }) => {
                        print_outputs(&stack, &outputs);
                        Ok(Some(outputs))
                    }
                    Ok(DeployOutcome::Deployed { status, outputs }) => {
                        report::info(&format!("{stack}: {status}"));
                        print_outputs(&stack, &outputs);
                        Ok(Some(outputs))
                    }
                    Err(e) => Err(report::deploy_error(&e)),
                }
            }
        })
        .await;
        let failed: Vec<String> = ran
            .iter()
            .filter(|(_, r)| matches!(r, Ran::Failed(_)))
            .map(|(s, _)| s.clone())
            .collect();
        for (stack, result) in ran {
            match result {
                Ran::Done(Some(outputs)) => {
                    all_outputs.insert(stack, outputs.into_iter().collect());
                }
                Ran::Done(None) => {}
                Ran::Failed(o) => {
                    if outcome != Outcome::Interrupted {
                        outcome = o;
                    }
                }
                Ran::NotStarted => {
                    report::info(&format!(
                        "{stack}: not deployed: {} did not deploy",
                        failed.join(", ")
                    ));
                }
            }
        }
    });
    if let Some(path) = &args.outputs_file {
        let missing: Vec<&str> = plan
            .iter()
            .map(|step| step.stack.as_str())
            .filter(|stack| !all_outputs.contains_key(*stack))
            .collect();
        if all_outputs.is_empty() {
            // An empty file would read as "deployed, no outputs" to whatever reads it next.
            report::info(&format!(
                "{}: not written: no stack was deployed",
                path.display()
            ));
        } else {
            let text = serde_json::to_string_pretty(&all_outputs).unwrap_or_default();
            if let Err(e) = std::fs::write(path, text + "\n") {
                report::error(&format!("{}: {e}", path.display()));
                outcome = Outcome::Failed;
            } else if !missing.is_empty() {
                report::info(&format!(
                    "{}: written with the outputs of {} only; not deployed: {}",
                    path.display(),
                    all_outputs.keys().cloned().collect::<Vec<_>>().join(", "),
                    missing.join(", ")
                ));
            }
        }
    }
    outcome
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

/// `deploy` without STACK when the app has several.
fn several(stacks: Vec<String>) -> Outcome {
    report::error(&format!(
        "the app has {} stacks: name the ones to deploy (cfnforge deploy STACK...), or deploy them all with --all",
        stacks.len()
    ));
    report::info(&format!("  stacks: {}", stacks.join(", ")));
    Outcome::Usage
}
