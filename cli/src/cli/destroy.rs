//! `cfnforge destroy`.

use clap::Args;

use crate::cli::aws::{AwsArgs, runtime};
use crate::cli::interrupt::Interrupt;
use crate::cli::source::{self, Source};
use crate::cli::terminal::Terminal;
use crate::cli::{Outcome, Project, StacksDir, report, select};
use cfnforge::assembly::Step;
use cfnforge::render::Format;
use cfnforge_deploy::{self as deploy, DeployOptions, DestroyOutcome, Ran, in_order};

#[derive(Args)]
pub struct DestroyArgs {
    /// Stacks to delete (stack name or file name without extension); the stacks that depend
    /// on others go first.
    #[arg(value_name = "STACK", required_unless_present = "all")]
    stacks: Vec<String>,
    /// Delete every stack of the app, in reverse dependency order.
    #[arg(long, conflicts_with = "stacks")]
    all: bool,
    #[command(flatten)]
    dir: StacksDir,
    #[command(flatten)]
    aws: AwsArgs,
    /// Do not ask for confirmation (`--force` as in the CDK).
    #[arg(long, short = 'y', visible_alias = "force", short_alias = 'f')]
    yes: bool,
}

pub fn run(args: DestroyArgs, project: &Project) -> Outcome {
    if let Err(outcome) = args.aws.check_profile() {
        return outcome;
    }
    let (plan, regions, mut outcome) = match plan(&args, project) {
        Ok(planned) => planned,
        Err(outcome) => return outcome,
    };
    let runtime = match runtime() {
        Ok(runtime) => runtime,
        Err(outcome) => return outcome,
    };
    let options = DeployOptions {
        yes: args.yes,
        pacing: crate::cli::aws::pacing(),
        ..Default::default()
    };
    runtime.block_on(async {
        let interrupt = Interrupt::listen();
        let (options, interrupt, regions, aws) = (&options, &interrupt, &regions, &args.aws);
        // One at a time: a stack goes only once the stacks that import from it are gone.
        let ran = in_order(&plan, 1, move |stack: &str| {
            let stack = stack.to_string();
            async move {
                let region = regions
                    .iter()
                    .find(|(s, _)| *s == stack)
                    .and_then(|(_, r)| r.as_deref());
                let cloud = aws.connect(region).await;
                let mut ui = Terminal::new(interrupt.clone());
                let result = deploy::destroy(&cloud, &stack, options, &mut ui).await;
                ui.finish();
                match result {
                    Ok(DestroyOutcome::NotFound) => {
                        report::info(&format!("{stack}: no such stack"));
                        Ok(())
                    }
                    Ok(DestroyOutcome::Deleted { .. }) => {
                        report::info(&format!("{stack}: DELETE_COMPLETE"));
                        Ok(())
                    }
                    Err(e) => Err(report::deploy_error(&e)),
                }
            }
        })
        .await;
        for (stack, result) in ran {
            match result {
                Ran::Failed(o) => outcome = o,
                Ran::NotStarted => report::info(&format!("{stack}: not deleted")),
                Ran::Done(()) => {}
            }
        }
    });
    outcome
}

/// The stacks in the order to delete them, with their regions. Stack files are only read (a
/// stack whose file no longer synthesizes can still be deleted); an app runs.
#[allow(clippy::type_complexity)]
fn plan(
    args: &DestroyArgs,
    project: &Project,
) -> Result<(Vec<Step>, Vec<(String, Option<String>)>, Outcome), Outcome> {
    let source = project.source(&args.dir);
    if let Source::Files(_) = source {
        let (files, outcome) = select::select(&args.dir, &args.stacks)?;
        let plan = files
            .iter()
            .map(|f| Step {
                stack: f.spec.stack.value.clone(),
                after: Vec::new(),
            })
            .collect();
        let regions = files
            .iter()
            .map(|f| {
                (
                    f.spec.stack.value.clone(),
                    f.spec.region.as_ref().map(|r| r.value.clone()),
                )
            })
            .collect();
        return Ok((plan, regions, outcome));
    }
    let loaded = source::load(
        &source,
        &args.stacks,
        Format::Json,
        &project.out_dir(None),
        None,
    )?;
    let plan = loaded.assembly.destroy_plan(&loaded.names).map_err(|e| {
        report::error(&e.to_string());
        Outcome::Usage
    })?;
    let regions = loaded
        .assembly
        .manifest
        .stacks
        .iter()
        .map(|s| (s.name.clone(), s.region.clone()))
        .collect();
    Ok((plan, regions, loaded.outcome))
}
