//! Following a change set and a stack operation to their end, event by event.

use std::collections::HashSet;
use std::time::Instant;

use super::{DeployError, Pacing, REVIEW_TIMEOUT, Ui, is_settled, retry};
use crate::cloud::{ChangeSetDescription, Cloud, StackDescription, StackEvent};

pub(super) async fn wait_for_change_set<C: Cloud>(
    cloud: &C,
    id: &str,
    pacing: &Pacing,
) -> Result<ChangeSetDescription, DeployError> {
    let mut wait = pacing.first_poll;
    loop {
        let description = retry(pacing, || cloud.describe_change_set(id)).await?;
        if matches!(description.status.as_str(), "CREATE_COMPLETE" | "FAILED") {
            return Ok(description);
        }
        tokio::time::sleep(wait).await;
        wait = (wait * 2).min(pacing.max_poll);
    }
}

pub(super) async fn event_ids<C: Cloud>(
    cloud: &C,
    stack_id: &str,
    pacing: &Pacing,
) -> Result<HashSet<String>, DeployError> {
    Ok(retry(pacing, || cloud.stack_events(stack_id))
        .await?
        .into_iter()
        .map(|e| e.event_id)
        .collect())
}

/// Follows a stack operation to its end: reports each new event, and returns the final
/// description with the first failed resource event (the root cause), if any.
pub async fn follow<C: Cloud>(
    cloud: &C,
    stack_id: &str,
    seen: HashSet<String>,
    pacing: &Pacing,
    ui: &mut dyn Ui,
    started: Instant,
) -> Result<(StackDescription, Option<StackEvent>), DeployError> {
    // Ctrl-C means "stop following" only while this runs.
    ui.following(true);
    let result = follow_until_settled(cloud, stack_id, seen, pacing, ui, started).await;
    ui.following(false);
    result
}

async fn follow_until_settled<C: Cloud>(
    cloud: &C,
    stack_id: &str,
    seen: HashSet<String>,
    pacing: &Pacing,
    ui: &mut dyn Ui,
    started: Instant,
) -> Result<(StackDescription, Option<StackEvent>), DeployError> {
    let mut review_since: Option<Instant> = None;
    let mut feed = EventFeed {
        seen,
        first_failure: None,
    };
    let mut wait = pacing.first_poll;
    loop {
        let news = feed.poll(cloud, stack_id, pacing, ui, started).await?;
        let description = retry(pacing, || cloud.describe_stack(stack_id))
            .await?
            .unwrap_or_else(|| StackDescription {
                stack_id: stack_id.to_string(),
                status: "DELETE_COMPLETE".to_string(),
                ..Default::default()
            });
        if description.status == "REVIEW_IN_PROGRESS" {
            // Executing a change set leaves this state within seconds; a stack that stays here
            // was not the one executed.
            let waited = review_since.get_or_insert_with(Instant::now).elapsed();
            if waited > REVIEW_TIMEOUT {
                return Err(DeployError::StackState {
                    stack: description.name,
                    status: description.status,
                    advice: format!(
                        "it did not start within {} s of executing the change set; look at its change sets in the console",
                        REVIEW_TIMEOUT.as_secs()
                    ),
                });
            }
        } else if is_settled(&description.status) {
            // The last events may have landed between the two calls.
            feed.poll(cloud, stack_id, pacing, ui, started).await?;
            return Ok((description, feed.first_failure));
        }
        if ui.interrupted() {
            return Err(DeployError::Interrupted {
                stack: if description.name.is_empty() {
                    stack_id.to_string()
                } else {
                    description.name
                },
                status: description.status,
            });
        }
        ui.waiting(started.elapsed(), &description.status);
        if news {
            wait = pacing.first_poll;
        }
        tokio::time::sleep(wait).await;
        wait = (wait * 2).min(pacing.max_poll);
    }
}

/// The events of one stack operation, each reported once, oldest first.
struct EventFeed {
    seen: HashSet<String>,
    /// The first resource that failed, with its reason: the root cause.
    first_failure: Option<StackEvent>,
}

impl EventFeed {
    /// Reports the events not seen yet; whether there were any.
    async fn poll<C: Cloud>(
        &mut self,
        cloud: &C,
        stack_id: &str,
        pacing: &Pacing,
        ui: &mut dyn Ui,
        started: Instant,
    ) -> Result<bool, DeployError> {
        let events = retry(pacing, || cloud.stack_events(stack_id)).await?;
        let mut fresh: Vec<StackEvent> = events
            .into_iter()
            .filter(|e| !self.seen.contains(&e.event_id))
            .collect();
        fresh.reverse();
        for event in &fresh {
            self.seen.insert(event.event_id.clone());
            ui.event(started.elapsed(), event);
            if self.first_failure.is_none()
                && event.status.ends_with("_FAILED")
                && event.reason.is_some()
            {
                self.first_failure = Some(event.clone());
            }
        }
        Ok(!fresh.is_empty())
    }
}
