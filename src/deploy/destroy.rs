//! Deleting a stack.

use std::time::Instant;

use super::{
    Answer, DeployError, DeployOptions, Ui, confirm, deployed_template, event_ids, follow, retry,
};
use crate::cloud::Cloud;

/// What `destroy` found and did.
#[derive(Debug, Clone, PartialEq)]
pub enum DestroyOutcome {
    NotFound,
    Deleted {
        /// Resources CloudFormation keeps (Retain) or snapshots (Snapshot) on delete.
        kept: Vec<(String, String)>,
    },
}

/// Deletes a stack after confirmation, honouring termination protection, and follows it.
pub async fn destroy<C: Cloud>(
    cloud: &C,
    stack: &str,
    options: &DeployOptions,
    ui: &mut dyn Ui,
) -> Result<DestroyOutcome, DeployError> {
    let pacing = &options.pacing;
    let started = Instant::now();
    let Some(current) = retry(pacing, || cloud.describe_stack(stack)).await? else {
        return Ok(DestroyOutcome::NotFound);
    };
    if current.termination_protection {
        return Err(DeployError::Refused {
            reason: format!("stack {stack} has termination protection"),
            remedy: format!(
                "if it really should go, turn it off first: aws cloudformation update-termination-protection --no-enable-termination-protection --stack-name {stack}"
            ),
        });
    }
    let deployed = deployed_template(cloud, stack, pacing)
        .await?
        .unwrap_or_default();
    let kept: Vec<(String, String)> = deployed
        .resources
        .iter()
        .filter_map(|(id, r)| {
            r.options
                .deletion_policy
                .map(|p| (id.clone(), format!("{p:?}")))
        })
        .filter(|(_, p)| p != "Delete")
        .collect();
    for (id, policy) in &kept {
        ui.info(&format!(
            "{id}: DeletionPolicy {policy}: {}",
            match policy.as_str() {
                "Snapshot" => "a final snapshot is kept",
                _ => "the resource is kept, outside the stack",
            }
        ));
    }
    let question = format!(
        "Delete stack {stack} and its {} resources?",
        deployed.resources.len()
    );
    match confirm(options, ui, &question) {
        Answer::Yes => {}
        Answer::No => {
            return Err(DeployError::NotApproved(format!(
                "stack {stack} was not deleted"
            )));
        }
        Answer::NoTerminal => {
            return Err(DeployError::NotApproved(
                "confirmation needed and no terminal to ask on: pass --yes".to_string(),
            ));
        }
        Answer::Interrupted => {
            return Err(DeployError::InterruptedAtQuestion(format!(
                "stack {stack} was not deleted"
            )));
        }
    }
    let seen = event_ids(cloud, &current.stack_id, pacing).await?;
    retry(pacing, || cloud.delete_stack(&current.stack_id)).await?;
    let (end, failed) = follow(cloud, &current.stack_id, seen, pacing, ui, started).await?;
    if end.status != "DELETE_COMPLETE" {
        return Err(DeployError::Failed {
            stack: stack.to_string(),
            status: end.status,
            root_cause: failed.map(Box::new),
        });
    }
    Ok(DestroyOutcome::Deleted { kept })
}
