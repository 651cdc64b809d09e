//! `cfnforge destroy`.

use clap::Args;

use crate::cli::aws::{AwsArgs, start};
use crate::cli::interrupt::Interrupt;
use crate::cli::terminal::Terminal;
use crate::cli::{Outcome, StacksDir, report};
use cfnforge_deploy::{self as deploy, DeployOptions, DestroyOutcome};

#[derive(Args)]
pub struct DestroyArgs {
    /// Stacks to delete (stack name or file name without extension).
    #[arg(value_name = "STACK", required = true)]
    stacks: Vec<String>,
    #[command(flatten)]
    dir: StacksDir,
    #[command(flatten)]
    aws: AwsArgs,
    /// Do not ask for confirmation.
    #[arg(long, short = 'y')]
    yes: bool,
}

pub fn run(args: DestroyArgs) -> Outcome {
    let (files, mut outcome, runtime) = match start(&args.dir, &args.stacks) {
        Ok(started) => started,
        Err(outcome) => return outcome,
    };
    let options = DeployOptions {
        yes: args.yes,
        pacing: crate::cli::aws::pacing(),
        ..Default::default()
    };
    runtime.block_on(async {
        let interrupt = Interrupt::listen();
        for file in &files {
            let stack = file.spec.stack.value.clone();
            let cloud = args.aws.connect(file).await;
            let mut ui = Terminal::new(interrupt.clone());
            let result = deploy::destroy(&cloud, &stack, &options, &mut ui).await;
            ui.finish();
            match result {
                Ok(DestroyOutcome::NotFound) => report::info(&format!("{stack}: no such stack")),
                Ok(DestroyOutcome::Deleted { .. }) => {
                    report::info(&format!("{stack}: DELETE_COMPLETE"))
                }
                Err(e) => outcome = report::deploy_error(&e),
            }
            if outcome == Outcome::Interrupted {
                break;
            }
        }
    });
    outcome
}
