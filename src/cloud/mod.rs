//! Every AWS call cfnforge makes goes through [`Cloud`]: the real SDK in [`aws`], the moto
//! emulator through the same SDK in tests, and scripted stand-ins in the deploy tests.

pub mod aws;

use std::future::Future;

/// A stack as DescribeStacks reports it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StackDescription {
    pub stack_id: String,
    pub name: String,
    pub status: String,
    pub status_reason: Option<String>,
    pub outputs: Vec<(String, String)>,
    pub termination_protection: bool,
}

/// Whether a change set creates the stack or updates it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeSetType {
    Create,
    Update,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ChangeSetRequest {
    pub stack_name: String,
    pub change_set_name: String,
    pub change_set_type: ChangeSetType,
    pub template_body: String,
    pub parameters: Vec<(String, String)>,
    pub tags: Vec<(String, String)>,
    pub description: String,
}

/// A change set and the resource changes it holds.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ChangeSetDescription {
    pub id: String,
    /// CREATE_PENDING, CREATE_IN_PROGRESS, CREATE_COMPLETE, FAILED, ...
    pub status: String,
    pub execution_status: Option<String>,
    pub status_reason: Option<String>,
    pub changes: Vec<ResourceChange>,
}

/// One resource's change in a change set.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ResourceChange {
    /// Add, Modify, Remove, Import, Dynamic.
    pub action: String,
    pub logical_id: String,
    pub resource_type: String,
    /// True, False or Conditional; `None` where the endpoint does not report it.
    pub replacement: Option<String>,
}

/// A change set as ListChangeSets reports it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ChangeSetSummary {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    /// CREATE_PENDING, CREATE_IN_PROGRESS, CREATE_COMPLETE, FAILED, ...
    pub status: String,
    /// AVAILABLE, UNAVAILABLE, EXECUTE_IN_PROGRESS, ..., OBSOLETE.
    pub execution_status: Option<String>,
    /// Seconds since the Unix epoch.
    pub creation_time: Option<f64>,
}

/// One event of a stack.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StackEvent {
    pub event_id: String,
    /// Seconds since the Unix epoch.
    pub timestamp: f64,
    pub logical_id: String,
    pub resource_type: String,
    pub status: String,
    pub reason: Option<String>,
}

/// An existing resource found by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub id: String,
    /// What it is called (Name tag or group name), and where (VPC, AZ), for messages.
    pub label: String,
}

/// What can go wrong talking to AWS.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CloudError {
    /// The API asked us to slow down; worth retrying.
    #[error("{operation}: throttled: {message}")]
    Throttled { operation: String, message: String },
    /// A network or service hiccup; worth retrying.
    #[error("{operation}: {message}")]
    Transient { operation: String, message: String },
    /// Anything else: the message from AWS, with its error code.
    #[error("{operation}: {message}")]
    Api {
        operation: String,
        code: Option<String>,
        message: String,
    },
}

impl CloudError {
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            CloudError::Throttled { .. } | CloudError::Transient { .. }
        )
    }

    pub fn message(&self) -> &str {
        match self {
            CloudError::Throttled { message, .. }
            | CloudError::Transient { message, .. }
            | CloudError::Api { message, .. } => message,
        }
    }
}

/// The AWS calls cfnforge needs: CloudFormation for stacks, EC2 for finding existing network
/// resources by name.
pub trait Cloud {
    /// `None` when the stack does not exist.
    fn describe_stack(
        &self,
        name: &str,
    ) -> impl Future<Output = Result<Option<StackDescription>, CloudError>>;
    /// The deployed template body; `None` when the stack does not exist.
    fn get_template(&self, name: &str) -> impl Future<Output = Result<Option<String>, CloudError>>;
    /// Returns the change set's ID.
    fn create_change_set(
        &self,
        request: &ChangeSetRequest,
    ) -> impl Future<Output = Result<String, CloudError>>;
    fn describe_change_set(
        &self,
        id: &str,
    ) -> impl Future<Output = Result<ChangeSetDescription, CloudError>>;
    fn delete_change_set(&self, id: &str) -> impl Future<Output = Result<(), CloudError>>;
    fn execute_change_set(&self, id: &str) -> impl Future<Output = Result<(), CloudError>>;
    /// The stack's most recent events, newest first.
    fn stack_events(
        &self,
        stack_id: &str,
    ) -> impl Future<Output = Result<Vec<StackEvent>, CloudError>>;
    fn delete_stack(&self, name: &str) -> impl Future<Output = Result<(), CloudError>>;
    fn set_termination_protection(
        &self,
        name: &str,
        enabled: bool,
    ) -> impl Future<Output = Result<(), CloudError>>;
    /// VPCs whose Name tag is `name`.
    fn vpcs_named(&self, name: &str) -> impl Future<Output = Result<Vec<Found>, CloudError>>;
    /// Subnets whose Name tag is `name`, within a VPC when one is given.
    fn subnets_named(
        &self,
        vpc_id: Option<&str>,
        name: &str,
    ) -> impl Future<Output = Result<Vec<Found>, CloudError>>;
    /// Security groups whose group name or Name tag is `name`, within a VPC when one is given.
    fn security_groups_named(
        &self,
        vpc_id: Option<&str>,
        name: &str,
    ) -> impl Future<Output = Result<Vec<Found>, CloudError>>;
    /// The stack's change sets (ListChangeSets), all pages.
    fn list_change_sets(
        &self,
        stack: &str,
    ) -> impl Future<Output = Result<Vec<ChangeSetSummary>, CloudError>>;
}
