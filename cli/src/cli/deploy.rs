//! `cfnforge deploy`.

use crate::cli::output::outln;
use std::path::PathBuf;

use clap::Args;
use indexmap::IndexMap;

use crate::cli::aws::{AwsArgs, key_value, open, start};
use crate::cli::interrupt::Interrupt;
use crate::cli::terminal::Terminal;
use crate::cli::{Outcome, StacksDir, report};
use cfnforge_deploy::{self as deploy, Approval, DeployOptions, DeployOutcome};

#[derive(Args)]
pub struct DeployArgs {
    /// Stacks to deploy (stack name or file name without extension); all when none.
    #[arg(value_name = "STACK")]
    stacks: Vec<String>,
    #[command(flatten)]
    dir: StacksDir,
    #[command(flatten)]
    aws: AwsArgs,
    /// Set a template parameter instead of looking it up (repeatable).
    #[arg(long = "parameter", value_name = "KEY=VALUE", value_parser = key_value)]
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

pub fn run(args: DeployArgs) -> Outcome {
    let config = match crate::cli::config::current() {
        Ok(config) => config,
        Err(outcome) => return outcome,
    };
    let (files, mut outcome, runtime) = match start(&args.dir, &args.stacks) {
        Ok(started) => started,
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
        bucket: args.bucket.clone().or(config.bucket),
    };
    let mut all_outputs: IndexMap<String, IndexMap<String, String>> = IndexMap::new();
    runtime.block_on(async {
        let interrupt = Interrupt::listen();
        for file in &files {
            let (request, cloud) = match open(file, &args.aws).await {
                Ok(opened) => opened,
                Err(o) => {
                    outcome = o;
                    continue;
                }
            };
            let stack = request.stack_name.clone();
            report::info(&format!(
                "{stack}: deploying to {}",
                cloud.region().unwrap_or("the default region")
            ));
            let mut ui = Terminal::new(interrupt.clone());
            let result = deploy::deploy(&cloud, &request, &options, &mut ui).await;
            ui.finish();
            match result {
                Ok(DeployOutcome::ChangeSetCreated { name, id }) => {
                    report::info(&format!(
                        "{stack}: change set {name} is ready for review and was not executed\n  {id}\n  execute it with: aws cloudformation execute-change-set --change-set-name {id}"
                    ));
                }
                Ok(DeployOutcome::NoChanges { outputs }) => {
                    print_outputs(&stack, &outputs);
                    all_outputs.insert(stack, outputs.into_iter().collect());
                }
                Ok(DeployOutcome::Deployed { status, outputs }) => {
                    report::info(&format!("{stack}: {status}"));
                    print_outputs(&stack, &outputs);
                    all_outputs.insert(stack, outputs.into_iter().collect());
                }
                Err(e) => {
                    outcome = report::deploy_error(&e);
                }
            }
            if outcome == Outcome::Interrupted {
                break;
            }
        }
    });
    if let Some(path) = &args.outputs_file {
        let text = serde_json::to_string_pretty(&all_outputs).unwrap_or_default();
        if let Err(e) = std::fs::write(path, text + "\n") {
            report::error(&format!("{}: {e}", path.display()));
            outcome = Outcome::Failed;
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
