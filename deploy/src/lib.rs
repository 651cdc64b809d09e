//! Deploying and destroying stacks through change sets, following them to the end, with the
//! safety steps: stateful resources are not replaced or removed without consent, and a
//! replacement CloudFormation would refuse is reported before anything runs.
//!
//! Talks to AWS only through [`Cloud`]; talks to people only through [`Ui`].
//!
//! This crate sits on top of the `cfnforge` library, which knows nothing of AWS: the library
//! builds and checks templates, this crate deploys them. It is the only crate that depends on
//! the AWS SDK and an async runtime.

pub mod cloud;
mod destroy;
mod follow;
mod resolve;
mod retry;
mod safety;
mod settle;
#[cfg(test)]
mod tests;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use crate::cloud::{
    ChangeSetRequest, ChangeSetType, Cloud, CloudError, ResourceChange, StackEvent,
};
use cfnforge::checks::MAX_INLINE_BODY_BYTES;
use cfnforge::constructs::Lookup;
use cfnforge::diff;
use cfnforge::render::{self, Format};
use cfnforge::template::Template;

pub use destroy::{DestroyOutcome, destroy};
pub use follow::follow;
pub use resolve::resolve;
pub(crate) use retry::retry;

use follow::{event_ids, wait_for_change_set};
use safety::{approve, check_safety, refuse_blocked_replacements};
use settle::settle;

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

pub(crate) fn confirm(options: &DeployOptions, ui: &mut dyn Ui, question: &str) -> Answer {
    if options.yes {
        Answer::Yes
    } else {
        ui.confirm(question)
    }
}
