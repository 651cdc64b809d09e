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
mod drift;
mod exports;
mod follow;
mod import;
mod order;
mod resolve;
mod retry;
mod safety;
mod secrets;
mod settle;
#[cfg(test)]
mod tests;

/// The README's output blocks, for the tests that compare them (shared with tests/).
#[cfg(test)]
#[path = "../../tests/common/readme.rs"]
mod readme_output;
mod upload;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use crate::cloud::{
    ChangeSetRequest, ChangeSetSummary, ChangeSetType, Cloud, CloudError, ResourceChange,
    StackDescription, StackEvent,
};
use cfnforge::constructs::{Lookup, NetworkRef};
use cfnforge::diff;
use cfnforge::parse::{LooseTemplate, parse_loose};
use cfnforge::template::Template;

pub use destroy::{DestroyOutcome, destroy};
pub use drift::{DriftReport, detect_drift, is_security};
pub use exports::{ExportChange, ExportInUse, exports_in_use};
pub use follow::follow;
pub use import::{
    Difference, ImportOutcome, ImportPlan, Imported, import, plan_import,
    refusal as import_refusal, shown,
};
pub use order::{Ran, in_order};
pub use resolve::resolve;
pub(crate) use retry::retry;
use retry::unique_name;
pub use safety::refusals;
pub use upload::{EXPIRE_DAYS, Staged, default_bucket, template_key};

use follow::{event_ids, wait_for_change_set};
use safety::{approve, check_safety, refuse_blocked_replacements, refuse_lower_engine_versions};
use settle::settle;

/// An answer to a question put to the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    Yes,
    No,
    /// Nobody can answer: standard input is not a terminal.
    NoTerminal,
    /// Ctrl-C at the question: stop, with nothing started.
    Interrupted,
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
    /// A stack operation is being followed (`true`), or no longer (`false`): in between, Ctrl-C
    /// means "stop following" (see [`Ui::interrupted`]), and only then.
    fn following(&mut self, _active: bool) {}
    /// Whether the user asked to stop following (Ctrl-C) since following began.
    fn interrupted(&self) -> bool;
    /// A phase begins (resolving names, creating the change set, ...): a line, and the label
    /// of whatever shows that deploy is busy.
    fn phase(&mut self, label: &str) {
        self.info(label);
    }
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
    /// Attempts for a call that is throttled or fails transiently (the only retry layer).
    pub attempts: u32,
    /// First wait before a retry; doubles up to `retry_max`, with jitter (see `retry::backoff`).
    pub retry_base: Duration,
    pub retry_max: Duration,
}

impl Default for Pacing {
    fn default() -> Self {
        Pacing {
            first_poll: Duration::from_millis(100),
            max_poll: Duration::from_secs(1),
            // 8 attempts wait at most 0.5+1+2+4+8+10+10 = 35.5 s, about 27 s on average.
            attempts: 8,
            retry_base: Duration::from_millis(500),
            retry_max: Duration::from_secs(10),
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
    /// The stack's VPC (an ID, a name or an import): name look-ups are scoped to it.
    pub vpc: Option<NetworkRef>,
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
    /// Where templates over 51,200 bytes go (`--bucket`); cfnforge's own bucket when unset.
    pub bucket: Option<String>,
    /// Put resources that drifted back to the template (`DeploymentMode=REVERT_DRIFT`).
    pub revert_drift: bool,
    /// Say which account the deploy goes to (STS GetCallerIdentity), after the names are found.
    pub show_account: bool,
    /// Which of `parameters` were given with `--parameter`, when the others were found by the
    /// stack file's look-ups (an import's plan); `None`: all of them were given.
    pub given_parameters: Option<Vec<String>>,
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
        "the template is {0} bytes; CloudFormation takes at most 1,048,576 (1 MB), even from S3"
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
    /// A stack operation was started (or may have been: its answer was lost), then AWS could
    /// not be reached to follow it. CloudFormation carries on; `status` is the stack's status
    /// where it could still be read.
    #[error("stack {stack}: {started}, but following it failed: {cause}")]
    LostTrack {
        stack: String,
        stack_id: String,
        started: String,
        status: Option<String>,
        cause: Box<CloudError>,
    },
    /// Ctrl-C: CloudFormation carries on; nothing was cancelled.
    #[error("interrupted while stack {stack} was {status}")]
    Interrupted { stack: String, status: String },
    /// Exports other deployed stacks import would be changed or removed (deploy), or would go
    /// with the stack (destroy): CloudFormation would refuse half-way. Nothing was started.
    #[error(
        "stack {stack}: {} still imported by other stacks: {}",
        if *.destroying { "deleting it removes exports" } else { "the deploy changes or removes exports" },
        .uses.iter().map(|u| format!("{} (imported by {})", u.export, u.importers.join(", "))).collect::<Vec<_>>().join("; ")
    )]
    ExportsInUse {
        stack: String,
        uses: Vec<ExportInUse>,
        destroying: bool,
    },
    /// Ctrl-C at a question: nothing was started.
    #[error("interrupted at the question: {0}")]
    InterruptedAtQuestion(String),
    /// The stack was deleted (by someone else) while deploy followed its operation.
    #[error(
        "stack {stack} was deleted while this deploy followed it ({status}): nothing is deployed, and no outputs are reported"
    )]
    StackDeleted { stack: String, status: String },
    /// A stack in review holds change sets cfnforge did not make: deploy will not delete them.
    #[error(
        "stack {stack} is REVIEW_IN_PROGRESS with change sets cfnforge did not create: {}; not deleted. Execute or delete them (aws cloudformation delete-change-set --stack-name {stack} --change-set-name NAME), then deploy again",
        .change_sets.join(", ")
    )]
    ForeignChangeSets {
        stack: String,
        change_sets: Vec<String>,
    },
    /// Someone else changed the stack between this deploy's change set and its execution.
    #[error(
        "change set {change_set} of stack {stack} was not executed: {reason}. Another deploy or person changed the stack meanwhile; run deploy again to see the changes against the stack as it is now"
    )]
    Superseded {
        stack: String,
        change_set: String,
        reason: String,
    },
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

/// Statuses a deploy ends well in.
fn is_deployed(status: &str) -> bool {
    matches!(
        status,
        "CREATE_COMPLETE" | "UPDATE_COMPLETE" | "IMPORT_COMPLETE"
    )
}

/// Reads a deployed template body, JSON or YAML, which cfnforge may not have written:
/// short forms, `Hooks`, `Fn::ForEach`... are read or set aside (see [`parse_loose`]).
pub fn parse_deployed(body: &str) -> Result<LooseTemplate, DeployError> {
    parse_loose(body).map_err(|e| DeployError::DeployedTemplate(e.to_string()))
}

/// How cfnforge names and describes the change sets it creates: what tells them from other
/// people's.
const CHANGE_SET_PREFIX: &str = "cfnforge-";
const CHANGE_SET_DESCRIPTION: &str = "Created by cfnforge deploy";

fn is_ours(change_set: &ChangeSetSummary) -> bool {
    change_set.name.starts_with(CHANGE_SET_PREFIX)
        && change_set.description.as_deref() == Some(CHANGE_SET_DESCRIPTION)
}

/// The deployed template, or `None` for a stack that does not exist.
pub async fn deployed_template<C: Cloud>(
    cloud: &C,
    stack: &str,
    pacing: &Pacing,
) -> Result<Option<LooseTemplate>, DeployError> {
    match retry(pacing, || cloud.get_template(stack)).await? {
        Some(body) => parse_deployed(&body).map(Some),
        None => Ok(None),
    }
}

/// What a comparison with the deployed template leaves out, for people.
pub fn unread_note(stack: &str, unread: &[String]) -> Option<String> {
    (!unread.is_empty()).then(|| {
        format!(
            "{stack}: the deployed template has parts cfnforge does not compare ({}); the change set shows what CloudFormation does with them",
            unread.join(", ")
        )
    })
}

/// Deploys a stack: resolves names, creates a change set, shows it, applies the safety rules,
/// executes it and follows the events to the end.
pub async fn deploy<C: Cloud>(
    cloud: &C,
    request: &DeployRequest,
    options: &DeployOptions,
    ui: &mut dyn Ui,
) -> Result<DeployOutcome, DeployError> {
    run_change_set(cloud, request, options, ui, &[]).await
}

/// A deploy's steps for an IMPORT change set too: with `to_import`, the change set takes those
/// existing resources into the stack (creating it if needed) and changes nothing; it needs no
/// approval, since nothing is created, changed or deleted.
pub(crate) async fn run_change_set<C: Cloud>(
    cloud: &C,
    request: &DeployRequest,
    options: &DeployOptions,
    ui: &mut dyn Ui,
    to_import: &[cloud::ResourceToImport],
) -> Result<DeployOutcome, DeployError> {
    let pacing = &options.pacing;
    let stack = request.stack_name.as_str();
    if request.template_body.len() > cfnforge::checks::MAX_BODY_BYTES {
        return Err(DeployError::TemplateTooLarge(request.template_body.len()));
    }
    let names: usize = request
        .lookups
        .iter()
        .filter(|l| !options.parameters.iter().any(|(k, _)| k == &l.parameter))
        .map(|l| l.names.len())
        .sum();
    if names > 0 {
        ui.phase(&format!(
            "{stack}: resolving {names} name{} through EC2",
            if names == 1 { "" } else { "s" }
        ));
    }
    let parameters = resolve(
        cloud,
        &request.lookups,
        request.vpc.as_ref(),
        &options.parameters,
        pacing,
    )
    .await?;
    for (parameter, value) in &parameters {
        let from = match request.lookups.iter().find(|l| &l.parameter == parameter) {
            _ if match &options.given_parameters {
                Some(given) => given.contains(parameter),
                None => options.parameters.iter().any(|(k, _)| k == parameter),
            } =>
            {
                "--parameter".to_string()
            }
            Some(lookup) => lookup.names.join(", "),
            None => continue,
        };
        ui.info(&format!("  {parameter} = {value}  ({from})"));
    }
    if options.show_account {
        match retry(pacing, || cloud.account_and_region()).await {
            Ok((account, region)) => {
                ui.info(&format!("{stack}: account {account}, region {region}"));
            }
            Err(e) => ui.info(&format!("{stack}: account unknown ({e})")),
        }
    }

    secrets::check_secrets(cloud, stack, &request.template_body, pacing, ui).await?;

    ui.phase(&format!("{stack}: reading the stack's state"));
    let existing = settle(cloud, stack, options, ui).await?;
    if let Some(current) = &existing {
        pending_review(cloud, current, pacing, ui).await?;
    }
    let change_set_type = match &existing {
        _ if !to_import.is_empty() => ChangeSetType::Import,
        Some(_) => ChangeSetType::Update,
        _ => ChangeSetType::Create,
    };
    let deployed = match (change_set_type, &existing) {
        (ChangeSetType::Update, _) | (ChangeSetType::Import, Some(_)) => {
            let loose = deployed_template(cloud, stack, pacing)
                .await?
                .unwrap_or_default();
            if let Some(note) = unread_note(stack, &loose.unread) {
                ui.info(&note);
            }
            loose.template
        }
        _ => Template::default(),
    };
    if let Some(current) = &existing {
        let uses = exports::in_use(
            cloud,
            stack,
            &deployed,
            Some(&request.template),
            &current.outputs,
            pacing,
        )
        .await?;
        if !uses.is_empty() {
            return Err(DeployError::ExportsInUse {
                stack: stack.to_string(),
                uses,
                destroying: false,
            });
        }
    }
    let planned = diff::diff(&deployed, &request.template);
    refuse_blocked_replacements(&planned)?;
    refuse_lower_engine_versions(&planned)?;
    let staged = upload::stage(cloud, request, options, ui).await?;

    // Unique to this deploy, and sent as ClientToken: a retry after a lost answer finds the
    // change set made rather than making a second one. The prefix tells cfnforge's change sets
    // from other people's.
    let name = unique_name(CHANGE_SET_PREFIX.trim_end_matches('-'));
    let change_set_request = ChangeSetRequest {
        stack_name: stack.to_string(),
        change_set_name: name.clone(),
        change_set_type,
        template_body: request.template_body.clone(),
        template_url: staged.map(|s| s.url),
        parameters,
        tags: request.tags.clone(),
        description: CHANGE_SET_DESCRIPTION.to_string(),
        client_token: name.clone(),
        resources_to_import: to_import.to_vec(),
        revert_drift: options.revert_drift && to_import.is_empty(),
    };
    ui.phase(&format!(
        "{stack}: creating change set {name} ({})",
        match change_set_type {
            ChangeSetType::Create => "a new stack",
            ChangeSetType::Update => "an update",
            ChangeSetType::Import => "importing existing resources",
        }
    ));
    let id = match create_change_set(cloud, &change_set_request, pacing).await {
        Ok(id) => id,
        Err(e) if means_no_changes(e.message()) => {
            ui.info(&format!("{stack}: no changes"));
            return Ok(DeployOutcome::NoChanges {
                outputs: existing.map(|s| s.outputs).unwrap_or_default(),
            });
        }
        Err(e) if existing.is_none() && already_exists(&e) => {
            return Err(DeployError::Superseded {
                stack: stack.to_string(),
                change_set: name,
                reason: "the stack was created by someone else after this deploy found none"
                    .to_string(),
            });
        }
        Err(e) => return Err(e.into()),
    };
    let ours = Pending {
        stack,
        id: &id,
        new_stack: existing.is_none(),
    };
    ui.phase(&format!(
        "{stack}: waiting for CloudFormation to work out the changes"
    ));
    let change_set = wait_for_change_set(cloud, &id, pacing).await?;
    if change_set.status == "FAILED" {
        let reason = change_set.status_reason.unwrap_or_default();
        if means_no_changes(&reason) {
            retry(pacing, || cloud.delete_change_set(&id)).await?;
            ui.info(&format!("{stack}: no changes"));
            return Ok(DeployOutcome::NoChanges {
                outputs: existing.map(|s| s.outputs).unwrap_or_default(),
            });
        }
        return Err(ours
            .abandon(cloud, DeployError::ChangeSetFailed(reason), options, ui)
            .await);
    }
    ui.changes(&change_set.changes);
    if existing.is_some() && to_import.is_empty() && !options.revert_drift {
        drift_note(cloud, stack, &change_set.changes, ui).await;
    }

    if let Err(refusal) = check_safety(&planned, Some(&change_set), options.allow_replacement) {
        return Err(ours.abandon(cloud, refusal, options, ui).await);
    }
    if options.no_execute {
        return Ok(DeployOutcome::ChangeSetCreated { name, id });
    }
    if !to_import.is_empty() {
        // Nothing changes: the import takes over what exists.
    } else if let Err(refusal) = approve(&planned, options, ui) {
        return Err(ours.abandon(cloud, refusal, options, ui).await);
    }
    // A question can wait for minutes: someone else may have run their change set since.
    if let Err(stale) = ours.still_executable(cloud, &name, pacing).await {
        return Err(ours.abandon(cloud, stale, options, ui).await);
    }

    let seen = match &existing {
        Some(s) => event_ids(cloud, &s.stack_id, pacing).await?,
        None => HashSet::new(),
    };
    // From here on the stack is known by its ID: a stack of the same name made or deleted by
    // someone else is not this one.
    let stack_id = [
        change_set.stack_id.as_str(),
        existing.as_ref().map_or("", |s| s.stack_id.as_str()),
    ]
    .into_iter()
    .find(|id| !id.is_empty())
    .unwrap_or(stack)
    .to_string();
    let token = format!("{name}-execute");
    // Elapsed times count from here: not the names, the change set, nor a question.
    let started = Instant::now();
    ui.phase(&format!("{stack}: executing change set {name}"));
    match retry(pacing, || cloud.execute_change_set(&id, &token)).await {
        Ok(()) => {}
        // Someone else's change set ran first: CloudFormation deleted or obsoleted ours.
        Err(CloudError::Api {
            code: Some(code),
            message,
            ..
        }) if code.contains("ChangeSetNotFound") || code.contains("InvalidChangeSetStatus") => {
            return Err(DeployError::Superseded {
                stack: stack.to_string(),
                change_set: name,
                reason: message,
            });
        }
        Err(cause) => {
            return Err(lost_track(
                cloud,
                stack,
                &stack_id,
                format!("change set {name} may have been executed (its answer did not arrive)"),
                cause,
            )
            .await);
        }
    }
    let (description, failed) = match follow(cloud, &stack_id, seen, pacing, ui, started).await {
        Err(DeployError::Cloud(cause)) => {
            return Err(lost_track(
                cloud,
                stack,
                &stack_id,
                format!("change set {name} was executed"),
                cause,
            )
            .await);
        }
        other => other?,
    };
    if description.status.starts_with("DELETE_") {
        // Someone deleted the stack under us: its last outputs describe nothing that exists.
        return Err(DeployError::StackDeleted {
            stack: stack.to_string(),
            status: description.status,
        });
    }
    if !is_deployed(&description.status) {
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

/// Says which resources this change set updates had drifted when drift was last detected
/// (DescribeStackResourceDrifts keeps the last detection's result; no new detection is run):
/// their update is worked out from the template, not from what exists. Advisory: a call that
/// fails says nothing.
async fn drift_note<C: Cloud>(cloud: &C, stack: &str, changes: &[ResourceChange], ui: &mut dyn Ui) {
    let Ok(drifts) = cloud.resource_drifts(stack).await else {
        return;
    };
    let updated: Vec<&str> = drifts
        .iter()
        .filter(|d| matches!(d.status.as_str(), "MODIFIED" | "DELETED"))
        .filter(|d| {
            changes
                .iter()
                .any(|c| c.logical_id == d.logical_id && c.action != "Add")
        })
        .map(|d| d.logical_id.as_str())
        .collect();
    if !updated.is_empty() {
        ui.info(&format!(
            "{stack}: {} had drifted when drift was last detected: this change set is worked out from the template, not from what exists; `cfnforge drift {stack}` shows the drift, `deploy --revert-drift` puts it back",
            updated.join(", ")
        ));
    }
}

/// CreateChangeSet, retried. The change set's name is unique to this deploy, so where a retry
/// is told the name is taken, the earlier attempt made it and only its answer was lost: that
/// change set is the one.
async fn create_change_set<C: Cloud>(
    cloud: &C,
    request: &ChangeSetRequest,
    pacing: &Pacing,
) -> Result<String, CloudError> {
    let attempts = std::cell::Cell::new(0u32);
    retry(pacing, || async {
        attempts.set(attempts.get() + 1);
        match cloud.create_change_set(request).await {
            Err(e) if e.is_already_exists() && attempts.get() > 1 => {
                match cloud
                    .describe_change_set_named(&request.stack_name, &request.change_set_name)
                    .await
                {
                    Ok(found) => Ok(found.id),
                    Err(lookup) if lookup.is_retryable() => Err(lookup),
                    // Not ours after all: the name taken is something else's.
                    Err(_) => Err(e),
                }
            }
            other => other,
        }
    })
    .await
}

/// The error for a stack operation that was started (or may have been) and then could not be
/// followed: says so, with the stack's status if it can still be read.
pub(crate) async fn lost_track<C: Cloud>(
    cloud: &C,
    stack: &str,
    stack_id: &str,
    started: String,
    cause: CloudError,
) -> DeployError {
    let status = match cloud.describe_stack(stack_id).await {
        Ok(Some(s)) => Some(s.status),
        Ok(None) => Some("DELETE_COMPLETE".to_string()),
        Err(_) => None,
    };
    DeployError::LostTrack {
        stack: stack.to_string(),
        stack_id: stack_id.to_string(),
        started,
        status,
        cause: Box::new(cause),
    }
}

/// A CREATE change set for a stack that exists: "Stack [NAME] already exists and cannot be
/// created again with the changeSet [NAME]" (a ValidationError; AlreadyExistsException is about
/// the change set's own name).
fn already_exists(e: &CloudError) -> bool {
    matches!(e, CloudError::Api { code, message, .. }
        if message.contains("already exists")
            && !code.as_deref().is_some_and(|c| c.contains("AlreadyExists")))
}

/// Change sets waiting for review on a stack this deploy is about to update: executing ours
/// makes CloudFormation delete them, which another deploy waiting on one will notice.
async fn pending_review<C: Cloud>(
    cloud: &C,
    current: &StackDescription,
    pacing: &Pacing,
    ui: &mut dyn Ui,
) -> Result<(), DeployError> {
    let id = if current.stack_id.is_empty() {
        current.name.as_str()
    } else {
        current.stack_id.as_str()
    };
    let pending: Vec<String> = retry(pacing, || cloud.list_change_sets(id))
        .await?
        .into_iter()
        .filter(|c| c.execution_status.as_deref() == Some("AVAILABLE"))
        .map(|c| describe_change_set_summary(&c))
        .collect();
    if !pending.is_empty() {
        ui.info(&format!(
            "{}: change sets pending review: {}. Executing this deploy's change set makes CloudFormation delete them (another cfnforge deploy waiting on one will stop)",
            current.name,
            pending.join(", ")
        ));
    }
    Ok(())
}

/// A change set's name and who made it, for messages.
fn describe_change_set_summary(change_set: &ChangeSetSummary) -> String {
    let by = if is_ours(change_set) {
        "by cfnforge"
    } else {
        "not by cfnforge"
    };
    format!("{} ({by})", change_set.name)
}

/// The change set this deploy created, until it is executed.
struct Pending<'a> {
    stack: &'a str,
    id: &'a str,
    /// The change set made the stack (CREATE, or an IMPORT into a new stack).
    new_stack: bool,
}

impl Pending<'_> {
    /// Whether the change set can still be executed as reviewed: it exists, is AVAILABLE, and
    /// no other operation runs on the stack.
    async fn still_executable<C: Cloud>(
        &self,
        cloud: &C,
        name: &str,
        pacing: &Pacing,
    ) -> Result<(), DeployError> {
        let stale = |reason: String| DeployError::Superseded {
            stack: self.stack.to_string(),
            change_set: name.to_string(),
            reason,
        };
        let change_set = match retry(pacing, || cloud.describe_change_set(self.id)).await {
            Ok(change_set) => change_set,
            Err(e) if is_not_found(&e) => {
                return Err(stale(
                    "it no longer exists (CloudFormation deletes a stack's other change sets when one is executed)".to_string(),
                ));
            }
            Err(e) => return Err(e.into()),
        };
        if let Some(status) = change_set
            .execution_status
            .as_deref()
            .filter(|s| *s != "AVAILABLE")
        {
            return Err(stale(format!("its execution status is {status}")));
        }
        match retry(pacing, || cloud.describe_stack(self.stack)).await? {
            None => Err(stale("the stack no longer exists".to_string())),
            Some(now) if !is_settled(&now.status) && now.status != "REVIEW_IN_PROGRESS" => {
                Err(stale(format!(
                    "the stack is {} (another operation runs)",
                    now.status
                )))
            }
            Some(_) => Ok(()),
        }
    }

    /// Deletes what this deploy made before it stops without executing: its change set and,
    /// for a CREATE, the empty stack the change set made (only if nobody else has a change set
    /// on it). Returns `why`; a clean-up that fails is reported, not fatal.
    async fn abandon<C: Cloud>(
        &self,
        cloud: &C,
        why: DeployError,
        options: &DeployOptions,
        ui: &mut dyn Ui,
    ) -> DeployError {
        let pacing = &options.pacing;
        match retry(pacing, || cloud.delete_change_set(self.id)).await {
            Ok(()) => {}
            Err(e) if is_not_found(&e) => {}
            Err(e) => {
                ui.info(&format!(
                    "{}: could not delete change set {}: {e}",
                    self.stack, self.id
                ));
                return why;
            }
        }
        if self.new_stack
            && let Err(e) = self.delete_empty_stack(cloud, options, ui).await
        {
            ui.info(&format!(
                "{}: could not delete the empty stack the change set made: {e}",
                self.stack
            ));
        }
        why
    }

    async fn delete_empty_stack<C: Cloud>(
        &self,
        cloud: &C,
        options: &DeployOptions,
        ui: &mut dyn Ui,
    ) -> Result<(), DeployError> {
        let pacing = &options.pacing;
        let Some(stack) = retry(pacing, || cloud.describe_stack(self.stack)).await? else {
            return Ok(());
        };
        if stack.status != "REVIEW_IN_PROGRESS" {
            return Ok(());
        }
        let others = retry(pacing, || cloud.list_change_sets(&stack.stack_id)).await?;
        if !others.is_empty() {
            let names: Vec<String> = others.iter().map(describe_change_set_summary).collect();
            ui.info(&format!(
                "{}: left REVIEW_IN_PROGRESS, it holds other change sets: {}",
                self.stack,
                names.join(", ")
            ));
            return Ok(());
        }
        let token = unique_name("cfnforge-delete");
        retry(pacing, || cloud.delete_stack(&stack.stack_id, &token)).await?;
        ui.info(&format!(
            "{}: deleted this deploy's change set and the empty stack it made",
            self.stack
        ));
        Ok(())
    }
}

fn is_not_found(e: &CloudError) -> bool {
    matches!(e, CloudError::Api { code, message, .. }
        if code.as_deref().is_some_and(|c| c.contains("NotFound")) || message.contains("does not exist"))
}

pub(crate) fn confirm(options: &DeployOptions, ui: &mut dyn Ui, question: &str) -> Answer {
    if options.yes {
        Answer::Yes
    } else {
        ui.confirm(question)
    }
}
