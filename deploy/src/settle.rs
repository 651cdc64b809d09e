//! Bringing a stack to a state a change set can start from.

use std::time::Instant;

use super::{
    Answer, DeployError, DeployOptions, Ui, confirm, event_ids, follow, is_settled, retry,
    unique_name,
};
use crate::cloud::{Cloud, StackDescription};

/// Brings the stack to a state a change set can start from: waits for an operation in
/// progress, offers to delete a stack a failed create left behind, explains the states
/// that need a person.
pub(super) async fn settle<C: Cloud>(
    cloud: &C,
    stack: &str,
    options: &DeployOptions,
    ui: &mut dyn Ui,
    started: Instant,
) -> Result<Option<StackDescription>, DeployError> {
    let pacing = &options.pacing;
    loop {
        let Some(current) = retry(pacing, || cloud.describe_stack(stack)).await? else {
            return Ok(None);
        };
        let status = current.status.as_str();
        match status {
            "REVIEW_IN_PROGRESS" => {
                // A CREATE change set that was never executed (`--no-execute`, or a deploy
                // stopped at its question) left an empty stack: delete it with its change sets
                // and create it again.
                ui.info(&format!(
                    "{stack}: REVIEW_IN_PROGRESS with no resources; replacing its unexecuted change set"
                ));
                let seen = event_ids(cloud, &current.stack_id, pacing).await?;
                let token = unique_name("cfnforge-delete");
                retry(pacing, || cloud.delete_stack(&current.stack_id, &token)).await?;
                follow(cloud, &current.stack_id, seen, pacing, ui, started).await?;
            }
            "ROLLBACK_COMPLETE" | "ROLLBACK_FAILED" => {
                let question = format!(
                    "Stack {stack} is {status} after a failed create and cannot be updated. Delete it and create it again?"
                );
                match confirm(options, ui, &question) {
                    Answer::Yes => {}
                    Answer::No => {
                        return Err(DeployError::NotApproved(format!(
                            "stack {stack} was left {status}"
                        )));
                    }
                    Answer::NoTerminal => {
                        return Err(DeployError::NotApproved(format!(
                            "stack {stack} is {status} and must be deleted first: run again on a terminal, or with --yes"
                        )));
                    }
                }
                let seen = event_ids(cloud, &current.stack_id, pacing).await?;
                let token = unique_name("cfnforge-delete");
                retry(pacing, || cloud.delete_stack(&current.stack_id, &token)).await?;
                let (gone, failed) =
                    follow(cloud, &current.stack_id, seen, pacing, ui, started).await?;
                if gone.status != "DELETE_COMPLETE" {
                    return Err(DeployError::Failed {
                        stack: stack.to_string(),
                        status: gone.status,
                        root_cause: failed.map(Box::new),
                    });
                }
            }
            "UPDATE_ROLLBACK_FAILED" => {
                return Err(DeployError::StackState {
                    stack: stack.to_string(),
                    status: status.to_string(),
                    advice: format!(
                        "fix the cause, then continue the rollback with `aws cloudformation continue-update-rollback --stack-name {stack}` (add --resources-to-skip for resources that cannot roll back) and deploy again"
                    ),
                });
            }
            "DELETE_FAILED" => {
                return Err(DeployError::StackState {
                    stack: stack.to_string(),
                    status: status.to_string(),
                    advice: "see why in the stack events, fix it, and run `cfnforge destroy` again"
                        .to_string(),
                });
            }
            s if !is_settled(s) => {
                ui.info(&format!(
                    "{stack}: waiting for the operation in progress ({s}) to end"
                ));
                let seen = event_ids(cloud, &current.stack_id, pacing).await?;
                follow(cloud, &current.stack_id, seen, pacing, ui, started).await?;
            }
            _ => return Ok(Some(current)),
        }
    }
}
