//! Deleting a stack.

use std::time::Instant;

use super::{
    Answer, DeployError, DeployOptions, Ui, confirm, event_ids, follow, lost_track, retry,
    unique_name,
};
use crate::cloud::Cloud;
use crate::exports::in_use;
use cfnforge::parse::{PolicyRead, deletion_policies, parse_loose};

/// What `destroy` found and did.
#[derive(Debug, Clone, PartialEq)]
pub enum DestroyOutcome {
    NotFound,
    Deleted {
        /// Resources CloudFormation keeps (Retain) or snapshots (Snapshot) on delete.
        kept: Vec<(String, String)>,
        /// Resources whose deletion policy could not be read from the template.
        unknown: Vec<String>,
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
    // The stack lists its resources; the template only adds their deletion policies, when it
    // can be read at all (a stack someone else wrote may use forms cfnforge does not model).
    let body = retry(pacing, || cloud.get_template(&current.stack_id)).await;
    // An export another stack imports cannot go: CloudFormation would fail the deletion.
    if let Ok(Some(body)) = &body
        && let Ok(deployed) = parse_loose(body)
    {
        let uses = in_use(
            cloud,
            stack,
            &deployed.template,
            None,
            &current.outputs,
            pacing,
        )
        .await?;
        if !uses.is_empty() {
            return Err(DeployError::ExportsInUse {
                stack: stack.to_string(),
                uses,
                destroying: true,
            });
        }
    }
    let resources = retry(pacing, || cloud.stack_resources(&current.stack_id)).await?;
    let policies = match body {
        Ok(Some(body)) => deletion_policies(&body).map_err(|e| e.to_string()),
        Ok(None) => Err("the stack has no template".to_string()),
        Err(e) => Err(e.to_string()),
    };
    let mut kept = Vec::new();
    let mut unknown = Vec::new();
    let live: Vec<_> = resources
        .iter()
        .filter(|r| r.status != "DELETE_COMPLETE")
        .collect();
    for resource in &live {
        let id = &resource.logical_id;
        match policies.as_ref().map(|p| p.get(id)) {
            Ok(Some(PolicyRead::Default)) => {}
            Ok(Some(PolicyRead::Given(policy))) if policy == "Delete" => {}
            Ok(Some(PolicyRead::Given(policy))) => kept.push((id.clone(), policy.clone())),
            Ok(Some(PolicyRead::Computed) | None) | Err(_) => unknown.push(id.clone()),
        }
    }
    for (id, policy) in &kept {
        ui.info(&format!(
            "{id}: DeletionPolicy {policy}: {}",
            match policy.as_str() {
                "Snapshot" => "a final snapshot is kept",
                _ => "the resource is kept, outside the stack",
            }
        ));
    }
    if !unknown.is_empty() {
        let why = match &policies {
            Err(e) => format!("the template cannot be read: {e}"),
            Ok(_) => "the template does not give it literally (Fn::ForEach, a transform or Fn::If)"
                .to_string(),
        };
        ui.info(&format!(
            "deletion policy unknown for {} ({why}): they may be kept after the stack is gone",
            unknown.join(", ")
        ));
    }
    let question = format!("Delete stack {stack} and its {} resources?", live.len());
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
    let token = unique_name("cfnforge-delete");
    // Elapsed times count from the deletion, not from the question before it.
    let started = Instant::now();
    if let Err(cause) = retry(pacing, || cloud.delete_stack(&current.stack_id, &token)).await {
        return Err(lost_track(
            cloud,
            stack,
            &current.stack_id,
            "its deletion may have started (the answer did not arrive)".to_string(),
            cause,
        )
        .await);
    }
    let (end, failed) = match follow(cloud, &current.stack_id, seen, pacing, ui, started).await {
        Err(DeployError::Cloud(cause)) => {
            return Err(lost_track(
                cloud,
                stack,
                &current.stack_id,
                "its deletion started".to_string(),
                cause,
            )
            .await);
        }
        other => other?,
    };
    if end.status != "DELETE_COMPLETE" {
        return Err(DeployError::Failed {
            stack: stack.to_string(),
            status: end.status,
            root_cause: failed.map(Box::new),
        });
    }
    Ok(DestroyOutcome::Deleted { kept, unknown })
}
