//! Bringing a stack to a state a change set can start from.

use std::time::Instant;

use super::{
    Answer, DeployError, DeployOptions, Ui, confirm, event_ids, follow, is_ours, is_settled, retry,
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
) -> Result<Option<StackDescription>, DeployError> {
    let pacing = &options.pacing;
    loop {
        let Some(current) = retry(pacing, || cloud.describe_stack(stack)).await? else {
            return Ok(None);
        };
        let status = current.status.as_str();
        match status {
            "REVIEW_IN_PROGRESS" => {
                // A CREATE change set that was never executed (`--no-execute`, a deploy
                // stopped at its question, or someone else's) left an empty stack. Deleting
                // it deletes its change sets: only with consent, and only if they are ours.
                let change_sets =
                    retry(pacing, || cloud.list_change_sets(&current.stack_id)).await?;
                let foreign: Vec<String> = change_sets
                    .iter()
                    .filter(|c| !is_ours(c))
                    .map(|c| c.name.clone())
                    .collect();
                if !foreign.is_empty() {
                    return Err(DeployError::ForeignChangeSets {
                        stack: stack.to_string(),
                        change_sets: foreign,
                    });
                }
                let held = if change_sets.is_empty() {
                    "no change set".to_string()
                } else {
                    let names: Vec<&str> = change_sets.iter().map(|c| c.name.as_str()).collect();
                    format!(
                        "only cfnforge's unexecuted change sets {} (another cfnforge deploy may still be waiting on one)",
                        names.join(", ")
                    )
                };
                let question = format!(
                    "Stack {stack} is REVIEW_IN_PROGRESS: no resources, {held}. Delete it and create it again?"
                );
                ask(options, ui, &question, stack, status)?;
                ui.info(&format!(
                    "{stack}: REVIEW_IN_PROGRESS with no resources; deleting it with {held}"
                ));
                delete_and_follow(cloud, stack, &current.stack_id, options, ui, Instant::now())
                    .await?;
            }
            "ROLLBACK_COMPLETE" | "ROLLBACK_FAILED" => {
                let question = format!(
                    "Stack {stack} is {status} after a failed create and cannot be updated. Delete it and create it again?"
                );
                ask(options, ui, &question, stack, status)?;
                delete_and_follow(cloud, stack, &current.stack_id, options, ui, Instant::now())
                    .await?;
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
                follow(cloud, &current.stack_id, seen, pacing, ui, Instant::now()).await?;
            }
            _ => return Ok(Some(current)),
        }
    }
}

/// Asks before deleting a stack a deploy cannot start from.
fn ask(
    options: &DeployOptions,
    ui: &mut dyn Ui,
    question: &str,
    stack: &str,
    status: &str,
) -> Result<(), DeployError> {
    match confirm(options, ui, question) {
        Answer::Yes => Ok(()),
        Answer::No => Err(DeployError::NotApproved(format!(
            "stack {stack} was left {status}"
        ))),
        Answer::NoTerminal => Err(DeployError::NotApproved(format!(
            "stack {stack} is {status} and must be deleted first: run again on a terminal, or with --yes"
        ))),
        Answer::Interrupted => Err(DeployError::InterruptedAtQuestion(format!(
            "stack {stack} was left {status}; nothing was started"
        ))),
    }
}

async fn delete_and_follow<C: Cloud>(
    cloud: &C,
    stack: &str,
    stack_id: &str,
    options: &DeployOptions,
    ui: &mut dyn Ui,
    started: Instant,
) -> Result<(), DeployError> {
    let pacing = &options.pacing;
    let seen = event_ids(cloud, stack_id, pacing).await?;
    // One token for the deletion and its retries: a retry after a lost answer does not delete
    // twice (ClientRequestToken).
    let token = unique_name("cfnforge-delete");
    retry(pacing, || cloud.delete_stack(stack_id, &token)).await?;
    let (gone, failed) = follow(cloud, stack_id, seen, pacing, ui, started).await?;
    if gone.status != "DELETE_COMPLETE" {
        return Err(DeployError::Failed {
            stack: stack.to_string(),
            status: gone.status,
            root_cause: failed.map(Box::new),
        });
    }
    Ok(())
}
