//! Deploying and destroying stacks through change sets, following them to the end, with the
//! safety steps: stateful resources are not replaced or removed without consent, and a
//! replacement CloudFormation would refuse is reported before anything runs.
//!
//! Talks to AWS only through [`Cloud`]; talks to people only through [`Ui`].

mod resolve;
#[cfg(test)]
mod tests;

use std::collections::HashSet;
use std::future::Future;
use std::time::{Duration, Instant};

use crate::checks::MAX_INLINE_BODY_BYTES;
use crate::cloud::{
    ChangeSetDescription, ChangeSetRequest, ChangeSetType, Cloud, CloudError, ResourceChange,
    StackDescription, StackEvent,
};
use crate::constructs::Lookup;
use crate::diff::{self, TemplateDiff, is_stateful};
use crate::render::{self, Format};
use crate::template::Template;

pub use resolve::resolve;

/// An answer to a question put to the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    Yes,
    No,
    /// Nobody can answer: standard input is not a terminal.
    NoTerminal,
}

/// How deploy talks to the person running it. The library never prints.
pub trait Ui {
    fn info(&mut self, message: &str);
    /// The change set's changes, for a table.
    fn changes(&mut self, changes: &[ResourceChange]);
    /// A stack event, `elapsed` since the operation started.
    fn event(&mut self, elapsed: Duration, event: &StackEvent);
    /// Still waiting; `status` is the stack's current status.
    fn waiting(&mut self, elapsed: Duration, status: &str);
    fn confirm(&mut self, question: &str) -> Answer;
    /// A stack operation is running and being followed: from now on Ctrl-C means "stop
    /// following" (see [`Ui::interrupted`]).
    fn following(&mut self) {}
    /// Whether the user asked to stop following (Ctrl-C).
    fn interrupted(&self) -> bool;
}

/// When deploy asks before executing a change set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Approval {
    Never,
    /// When security groups are added or their rules change.
    #[default]
    Broadening,
    AnyChange,
}

/// How often to poll, and how hard to retry.
#[derive(Debug, Clone)]
pub struct Pacing {
    /// First wait between polls; doubles up to `max_poll`.
    pub first_poll: Duration,
    /// Longest wait between polls: deploy notices the end of an operation within this.
    pub max_poll: Duration,
    /// Attempts for a call that is throttled or fails transiently.
    pub attempts: u32,
}

impl Default for Pacing {
    fn default() -> Self {
        Pacing {
            first_poll: Duration::from_millis(100),
            max_poll: Duration::from_secs(1),
            attempts: 8,
        }
    }
}

/// What to deploy.
#[derive(Debug, Clone)]
pub struct DeployRequest {
    pub stack_name: String,
    pub template: Template,
    /// The rendered template, sent inline.
    pub template_body: String,
    pub lookups: Vec<Lookup>,
    pub tags: Vec<(String, String)>,
    pub termination_protection: bool,
}

#[derive(Debug, Clone, Default)]
pub struct DeployOptions {
    pub parameters: Vec<(String, String)>,
    pub allow_replacement: bool,
    pub approval: Approval,
    /// Answer yes to every question.
    pub yes: bool,
    /// Create the change set and stop.
    pub no_execute: bool,
    pub pacing: Pacing,
}

/// How a deploy ended well.
#[derive(Debug, Clone, PartialEq)]
pub enum DeployOutcome {
    /// The stack already matches; the empty change set was deleted.
    NoChanges { outputs: Vec<(String, String)> },
    Deployed {
        status: String,
        outputs: Vec<(String, String)>,
    },
    /// `--no-execute`: the change set waits for review.
    ChangeSetCreated { name: String, id: String },
}

/// Why a deploy or destroy stopped.
#[derive(Debug, thiserror::Error)]
pub enum DeployError {
    #[error("cannot resolve names: {}", .0.join("; "))]
    Lookup(Vec<String>),
    #[error(transparent)]
    Cloud(#[from] CloudError),
    #[error(
        "the template is {0} bytes; CloudFormation takes at most 51,200 inline (S3 upload is not supported yet)"
    )]
    TemplateTooLarge(usize),
    #[error("the deployed template cannot be read: {0}")]
    DeployedTemplate(String),
    /// A safety rule stopped the deploy; `remedy` says what to do.
    #[error("{reason}")]
    Refused { reason: String, remedy: String },
    /// The user said no, or nobody could be asked.
    #[error("{0}")]
    NotApproved(String),
    #[error("change set failed: {0}")]
    ChangeSetFailed(String),
    /// The stack is in a state deploy cannot go on from.
    #[error("stack {stack} is {status}: {advice}")]
    StackState {
        stack: String,
        status: String,
        advice: String,
    },
    /// The operation failed; `root_cause` is the first resource that failed.
    #[error("stack {stack} ended {status}")]
    Failed {
        stack: String,
        status: String,
        root_cause: Option<Box<StackEvent>>,
    },
    /// Ctrl-C: CloudFormation carries on; nothing was cancelled.
    #[error("interrupted while stack {stack} was {status}")]
    Interrupted { stack: String, status: String },
}

/// Calls `call` until it succeeds, fails for good, or runs out of attempts; throttling and
/// transient errors wait longer each time (100 ms, 200 ms, ... up to 5 s).
pub(crate) async fn retry<T, F, Fut>(pacing: &Pacing, mut call: F) -> Result<T, CloudError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, CloudError>>,
{
    let mut wait = pacing.first_poll;
    let mut attempt = 1;
    loop {
        match call().await {
            Err(e) if e.is_retryable() && attempt < pacing.attempts => {
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(Duration::from_secs(5));
                attempt += 1;
            }
            other => return other,
        }
    }
}

const NO_CHANGES: [&str; 2] = ["didn't contain changes", "No updates are to be performed"];

fn means_no_changes(reason: &str) -> bool {
    NO_CHANGES.iter().any(|marker| reason.contains(marker))
}

/// How long a stack may stay REVIEW_IN_PROGRESS after its change set was executed.
const REVIEW_TIMEOUT: Duration = Duration::from_secs(60);

/// Statuses a stack rests in when nothing is running.
fn is_settled(status: &str) -> bool {
    !status.ends_with("_IN_PROGRESS")
}

fn is_success(status: &str) -> bool {
    matches!(
        status,
        "CREATE_COMPLETE" | "UPDATE_COMPLETE" | "IMPORT_COMPLETE" | "DELETE_COMPLETE"
    )
}

/// Parses a deployed template body, JSON or YAML.
pub fn parse_deployed(body: &str) -> Result<Template, DeployError> {
    let format = if body.trim_start().starts_with('{') {
        Format::Json
    } else {
        Format::Yaml
    };
    render::parse(body, format).map_err(|e| DeployError::DeployedTemplate(e.to_string()))
}

/// The deployed template, or an empty one for a stack that does not exist.
pub async fn deployed_template<C: Cloud>(
    cloud: &C,
    stack: &str,
    pacing: &Pacing,
) -> Result<Option<Template>, DeployError> {
    match retry(pacing, || cloud.get_template(stack)).await? {
        Some(body) => parse_deployed(&body).map(Some),
        None => Ok(None),
    }
}

/// Deploys a stack: resolves names, creates a change set, shows it, applies the safety rules,
/// executes it and follows the events to the end.
pub async fn deploy<C: Cloud>(
    cloud: &C,
    request: &DeployRequest,
    options: &DeployOptions,
    ui: &mut dyn Ui,
) -> Result<DeployOutcome, DeployError> {
    let pacing = &options.pacing;
    let started = Instant::now();
    let stack = request.stack_name.as_str();
    if request.template_body.len() > MAX_INLINE_BODY_BYTES {
        return Err(DeployError::TemplateTooLarge(request.template_body.len()));
    }
    let parameters = resolve(cloud, &request.lookups, &options.parameters, pacing).await?;

    let existing = settle(cloud, stack, options, ui, started).await?;
    let change_set_type = match &existing {
        Some(_) => ChangeSetType::Update,
        _ => ChangeSetType::Create,
    };
    let deployed = match change_set_type {
        ChangeSetType::Update => deployed_template(cloud, stack, pacing)
            .await?
            .unwrap_or_default(),
        ChangeSetType::Create => Template::default(),
    };
    let planned = diff::diff(&deployed, &request.template);
    refuse_blocked_replacements(&planned)?;

    let name = format!(
        "cfnforge-{}",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or_default()
    );
    let change_set_request = ChangeSetRequest {
        stack_name: stack.to_string(),
        change_set_name: name.clone(),
        change_set_type,
        template_body: request.template_body.clone(),
        parameters,
        tags: request.tags.clone(),
        description: "Created by cfnforge deploy".to_string(),
    };
    let id = match retry(pacing, || cloud.create_change_set(&change_set_request)).await {
        Ok(id) => id,
        Err(e) if means_no_changes(e.message()) => {
            ui.info(&format!("{stack}: no changes"));
            return Ok(DeployOutcome::NoChanges {
                outputs: existing.map(|s| s.outputs).unwrap_or_default(),
            });
        }
        Err(e) => return Err(e.into()),
    };
    let change_set = wait_for_change_set(cloud, &id, pacing).await?;
    if change_set.status == "FAILED" {
        let reason = change_set.status_reason.unwrap_or_default();
        retry(pacing, || cloud.delete_change_set(&id)).await?;
        if means_no_changes(&reason) {
            ui.info(&format!("{stack}: no changes"));
            return Ok(DeployOutcome::NoChanges {
                outputs: existing.map(|s| s.outputs).unwrap_or_default(),
            });
        }
        return Err(DeployError::ChangeSetFailed(reason));
    }
    ui.changes(&change_set.changes);

    if let Err(refusal) = check_safety(&planned, &change_set, options) {
        retry(pacing, || cloud.delete_change_set(&id)).await?;
        return Err(refusal);
    }
    if options.no_execute {
        return Ok(DeployOutcome::ChangeSetCreated { name, id });
    }
    if let Err(refusal) = approve(&planned, options, ui) {
        retry(pacing, || cloud.delete_change_set(&id)).await?;
        return Err(refusal);
    }

    let seen = match &existing {
        Some(s) => event_ids(cloud, &s.stack_id, pacing).await?,
        None => HashSet::new(),
    };
    retry(pacing, || cloud.execute_change_set(&id)).await?;
    let stack_id = match existing.filter(|s| !s.stack_id.is_empty()) {
        Some(s) => s.stack_id,
        None => stack.to_string(),
    };
    let (description, failed) = follow(cloud, &stack_id, seen, pacing, ui, started).await?;
    if !is_success(&description.status) {
        return Err(DeployError::Failed {
            stack: stack.to_string(),
            status: description.status,
            root_cause: failed.map(Box::new),
        });
    }
    if request.termination_protection && !description.termination_protection {
        retry(pacing, || cloud.set_termination_protection(stack, true)).await?;
        ui.info(&format!("{stack}: termination protection enabled"));
    }
    Ok(DeployOutcome::Deployed {
        status: description.status,
        outputs: description.outputs,
    })
}

/// Brings the stack to a state a change set can start from: waits for an operation in
/// progress, offers to delete a stack a failed create left behind, explains the states
/// that need a person.
async fn settle<C: Cloud>(
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
                retry(pacing, || cloud.delete_stack(&current.stack_id)).await?;
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
                retry(pacing, || cloud.delete_stack(&current.stack_id)).await?;
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

fn confirm(options: &DeployOptions, ui: &mut dyn Ui, question: &str) -> Answer {
    if options.yes {
        Answer::Yes
    } else {
        ui.confirm(question)
    }
}

/// Replacing a resource that keeps a fixed name fails in CloudFormation: say so before
/// anything runs.
fn refuse_blocked_replacements(planned: &TemplateDiff) -> Result<(), DeployError> {
    let blocked: Vec<String> = planned
        .blocked_replacements()
        .map(|r| {
            let (property, value) = r.fixed_name.clone().unwrap_or_default();
            let changed: Vec<&str> = r
                .properties
                .iter()
                .filter(|p| p.replaces)
                .map(|p| p.path.as_str())
                .collect();
            format!(
                "{} ({}) must be replaced because {} changed, but its {property} is fixed to {}",
                r.logical_id,
                r.type_name,
                changed.join(", "),
                serde_json::to_string(&value).unwrap_or_default()
            )
        })
        .collect();
    if blocked.is_empty() {
        return Ok(());
    }
    Err(DeployError::Refused {
        reason: format!(
            "CloudFormation would refuse this deploy (\"cannot update a stack when a custom-named resource requires replacing\"): {}",
            blocked.join("; ")
        ),
        remedy: "give the resource a new name in the same change (or leave the name out so CloudFormation picks one), or revert the change that forces the replacement".to_string(),
    })
}

/// Stateful resources are not replaced or removed without `--allow-replacement`, judged from
/// the change set and, because not every endpoint reports replacement, from the templates.
fn check_safety(
    planned: &TemplateDiff,
    change_set: &ChangeSetDescription,
    options: &DeployOptions,
) -> Result<(), DeployError> {
    let mut at_risk: Vec<String> = planned
        .data_at_risk()
        .map(|r| {
            let what = if r.change == diff::Change::Removed {
                "removed"
            } else {
                "replaced"
            };
            format!("{} ({}) would be {what}", r.logical_id, r.type_name)
        })
        .collect();
    for change in &change_set.changes {
        let replaced = matches!(change.replacement.as_deref(), Some("True" | "Conditional"));
        let removed = change.action == "Remove";
        if is_stateful(&change.resource_type)
            && (replaced || removed)
            && !at_risk
                .iter()
                .any(|r| r.starts_with(&format!("{} (", change.logical_id)))
        {
            let what = if removed { "removed" } else { "replaced" };
            at_risk.push(format!(
                "{} ({}) would be {what}",
                change.logical_id, change.resource_type
            ));
        }
    }
    if at_risk.is_empty() || options.allow_replacement {
        return Ok(());
    }
    Err(DeployError::Refused {
        reason: format!("stateful resources at risk: {}", at_risk.join("; ")),
        remedy: "its data is lost unless a snapshot is restored; if that is intended, deploy again with --allow-replacement".to_string(),
    })
}

fn approve(
    planned: &TemplateDiff,
    options: &DeployOptions,
    ui: &mut dyn Ui,
) -> Result<(), DeployError> {
    let needed = match options.approval {
        Approval::Never => false,
        Approval::AnyChange => true,
        Approval::Broadening => planned.security_changes().next().is_some(),
    };
    if !needed {
        return Ok(());
    }
    let question = match options.approval {
        Approval::AnyChange => "Deploy these changes?".to_string(),
        _ => {
            let ids: Vec<&str> = planned
                .security_changes()
                .map(|r| r.logical_id.as_str())
                .collect();
            format!(
                "These changes widen network access ({}). Deploy them?",
                ids.join(", ")
            )
        }
    };
    match confirm(options, ui, &question) {
        Answer::Yes => Ok(()),
        Answer::No => Err(DeployError::NotApproved(
            "not deployed: the change set was declined".to_string(),
        )),
        Answer::NoTerminal => Err(DeployError::NotApproved(
            "approval needed and no terminal to ask on: pass --yes, or --require-approval never"
                .to_string(),
        )),
    }
}

async fn wait_for_change_set<C: Cloud>(
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

async fn event_ids<C: Cloud>(
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
    ui.following();
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
