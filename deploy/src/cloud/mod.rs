//! Every AWS call cfnforge makes goes through [`Cloud`]: the real SDK in [`aws`], the moto
//! emulator through the same SDK in tests, and scripted stand-ins in the deploy tests.

pub mod aws;
pub mod ec2;
pub mod live;

use std::future::Future;

use cfnforge::constructs::LookupKind;

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
    /// Takes existing resources into the stack (`ResourcesToImport`); creates nothing.
    Import,
}

/// A resource an IMPORT change set takes over (`ResourceToImport`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceToImport {
    pub resource_type: String,
    pub logical_id: String,
    /// The type's primary identifier properties and their values (`ResourceIdentifier`).
    pub identifier: Vec<(String, String)>,
}

/// Which types of a template CloudFormation can import, and by which properties
/// (GetTemplateSummary's `ResourceIdentifierSummaries`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IdentifierSummary {
    pub resource_type: String,
    pub logical_ids: Vec<String>,
    pub identifiers: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ChangeSetRequest {
    pub stack_name: String,
    pub change_set_name: String,
    pub change_set_type: ChangeSetType,
    pub template_body: String,
    /// Where the template was uploaded when it is too big for `TemplateBody`; sent instead.
    pub template_url: Option<String>,
    pub parameters: Vec<(String, String)>,
    pub tags: Vec<(String, String)>,
    pub description: String,
    /// Sent as `ClientToken`: the same for every retry of this one request, so a retry after a
    /// lost response does not make a second change set.
    pub client_token: String,
    /// For [`ChangeSetType::Import`]: what to take over.
    pub resources_to_import: Vec<ResourceToImport>,
    /// `DeploymentMode=REVERT_DRIFT`: the change set also puts drifted resources back to the
    /// template.
    pub revert_drift: bool,
}

/// A change set and the resource changes it holds.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ChangeSetDescription {
    pub id: String,
    /// The stack it belongs to (an ARN): follow the stack by this, not by its name.
    pub stack_id: String,
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
    /// The resource's physical ID where the change set names it (an Import's identifier).
    pub physical_id: Option<String>,
    /// True, False or Conditional; `None` where the endpoint does not report it.
    pub replacement: Option<String>,
    /// For a Modify: what changes, attribute by attribute (`Details` in DescribeChangeSet).
    pub details: Vec<ChangeDetail>,
}

/// One changed attribute or property of a resource in a change set (a `ResourceChangeDetail`
/// and its `ResourceTargetDefinition`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ChangeDetail {
    /// Properties, Metadata, Tags, DeletionPolicy, ...
    pub attribute: String,
    /// The property's name, for `Properties`.
    pub name: Option<String>,
    /// Never, Conditionally or Always.
    pub requires_recreation: Option<String>,
    /// The values before and after, where the endpoint returns them (`IncludePropertyValues`).
    pub before: Option<String>,
    pub after: Option<String>,
}

/// How sure a change set is that a resource will be replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replacement {
    /// The endpoint did not say.
    Unknown,
    No,
    /// `Conditional`, or a property that `Conditionally` requires recreation: it depends on
    /// values known only while the change runs.
    Maybe,
    Yes,
}

impl ResourceChange {
    /// Replacement judged from `Replacement` and from each detail's `RequiresRecreation`,
    /// whichever says more.
    pub fn replacement(&self) -> Replacement {
        let from_details =
            self.details
                .iter()
                .filter_map(|d| match d.requires_recreation.as_deref() {
                    Some("Always") => Some(Replacement::Yes),
                    Some("Conditionally") => Some(Replacement::Maybe),
                    Some("Never") => Some(Replacement::No),
                    _ => None,
                });
        let reported = match self.replacement.as_deref() {
            Some("True") => Some(Replacement::Yes),
            Some("Conditional") => Some(Replacement::Maybe),
            Some("False") => Some(Replacement::No),
            _ => None,
        };
        reported
            .into_iter()
            .chain(from_details)
            .max_by_key(|r| match r {
                Replacement::Unknown => 0,
                Replacement::No => 1,
                Replacement::Maybe => 2,
                Replacement::Yes => 3,
            })
            .unwrap_or(Replacement::Unknown)
    }
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

/// A resource of a stack, as ListStackResources reports it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StackResource {
    pub logical_id: String,
    pub physical_id: Option<String>,
    pub resource_type: String,
    pub status: String,
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

    /// CloudFormation's answer when a name is taken (stack or change set).
    pub fn is_already_exists(&self) -> bool {
        matches!(self, CloudError::Api { code: Some(code), .. } if code == "AlreadyExistsException")
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
    /// `token` is sent as `ClientRequestToken`: one per execution, reused by its retries.
    fn execute_change_set(
        &self,
        id: &str,
        token: &str,
    ) -> impl Future<Output = Result<(), CloudError>>;
    /// The stack's most recent events, newest first.
    fn stack_events(
        &self,
        stack_id: &str,
    ) -> impl Future<Output = Result<Vec<StackEvent>, CloudError>>;
    /// `token` is sent as `ClientRequestToken`: one per deletion, reused by its retries.
    fn delete_stack(&self, name: &str, token: &str)
    -> impl Future<Output = Result<(), CloudError>>;
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
    /// The stack's resources, every page of them (empty when the stack does not exist).
    fn stack_resources(
        &self,
        stack: &str,
    ) -> impl Future<Output = Result<Vec<StackResource>, CloudError>>;
    /// A change set found by its stack and name (where CreateChangeSet's answer was lost and
    /// its retry found the change set already made).
    fn describe_change_set_named(
        &self,
        stack: &str,
        name: &str,
    ) -> impl Future<Output = Result<ChangeSetDescription, CloudError>>;
    // -- network: VPC-scoped look-ups, exports, templates through S3 --
    /// The value of the export `name` (ListExports); `None` when no stack exports it.
    fn export_value(&self, name: &str) -> impl Future<Output = Result<Option<String>, CloudError>>;
    /// The stacks that import the export `name` (ListImports, every page); empty when no stack
    /// imports it.
    fn list_imports(&self, name: &str) -> impl Future<Output = Result<Vec<String>, CloudError>>;
    /// Every subnet or security group with the names it is known by, in one VPC or (`None`)
    /// everywhere: what a look-up that found nothing suggests instead.
    fn network_names(
        &self,
        kind: LookupKind,
        vpc_id: Option<&str>,
    ) -> impl Future<Output = Result<Vec<Named>, CloudError>>;
    /// The account the credentials belong to (STS GetCallerIdentity) and the region called.
    fn account_and_region(&self) -> impl Future<Output = Result<(String, String), CloudError>>;
    /// Whether a bucket exists and these credentials may use it (HeadBucket).
    fn bucket_exists(&self, bucket: &str) -> impl Future<Output = Result<bool, CloudError>>;
    /// Creates cfnforge's bucket for templates: SSE-S3 encryption, public access blocked,
    /// objects expiring after `expire_days`.
    fn create_asset_bucket(
        &self,
        bucket: &str,
        expire_days: i32,
    ) -> impl Future<Output = Result<(), CloudError>>;
    /// Stores a template body; returns the URL CloudFormation reads it from.
    fn put_template(
        &self,
        bucket: &str,
        key: &str,
        body: &str,
    ) -> impl Future<Output = Result<String, CloudError>>;
    /// The stack's change sets (ListChangeSets), all pages.
    fn list_change_sets(
        &self,
        stack: &str,
    ) -> impl Future<Output = Result<Vec<ChangeSetSummary>, CloudError>>;
    // -- import: which types CloudFormation imports, and what exists --
    /// GetTemplateSummary's `ResourceIdentifierSummaries` for a template body: the types
    /// CloudFormation can import and the properties that identify them.
    fn import_identifiers(
        &self,
        _template_body: &str,
    ) -> impl Future<Output = Result<Vec<IdentifierSummary>, CloudError>> {
        async { Err(unsupported("GetTemplateSummary")) }
    }
    /// The live configuration of an existing resource, in CloudFormation's property shape
    /// (as a template would set it); `None` when nothing has that identifier. Types the
    /// implementation cannot read are an error.
    fn live_resource(
        &self,
        _resource_type: &str,
        _identifier: &str,
    ) -> impl Future<Output = Result<Option<LiveResource>, CloudError>> {
        async { Err(unsupported("reading live resources")) }
    }
    // -- drift --
    /// DetectStackDrift: starts a detection; its ID.
    fn detect_stack_drift(&self, _stack: &str) -> impl Future<Output = Result<String, CloudError>> {
        async { Err(unsupported("DetectStackDrift")) }
    }
    /// DescribeStackDriftDetectionStatus.
    fn drift_detection_status(
        &self,
        _detection_id: &str,
    ) -> impl Future<Output = Result<DriftDetection, CloudError>> {
        async { Err(unsupported("DescribeStackDriftDetectionStatus")) }
    }
    /// DescribeStackResourceDrifts, every page: the last detection's result per resource.
    fn resource_drifts(
        &self,
        _stack: &str,
    ) -> impl Future<Output = Result<Vec<ResourceDrift>, CloudError>> {
        async { Err(unsupported("DescribeStackResourceDrifts")) }
    }
    /// Whether a Secrets Manager secret exists (DescribeSecret), by name or ARN. Stand-ins
    /// that do not model secrets have every secret.
    fn secret_exists(&self, _secret: &str) -> impl Future<Output = Result<bool, CloudError>> {
        async { Ok(true) }
    }
}

/// A drift detection's progress (DescribeStackDriftDetectionStatus).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DriftDetection {
    /// DETECTION_IN_PROGRESS, DETECTION_FAILED, DETECTION_COMPLETE.
    pub detection_status: String,
    /// DRIFTED, IN_SYNC, UNKNOWN, NOT_CHECKED.
    pub stack_drift_status: Option<String>,
    pub reason: Option<String>,
    pub drifted_resources: i32,
}

/// One resource's drift (a `StackResourceDrift`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ResourceDrift {
    pub logical_id: String,
    pub physical_id: Option<String>,
    pub resource_type: String,
    /// IN_SYNC, MODIFIED, DELETED, NOT_CHECKED.
    pub status: String,
    pub differences: Vec<PropertyDifference>,
}

/// A property whose actual value is not the expected one (`PropertyDifference`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PropertyDifference {
    /// `/SecurityGroupIngress/1`.
    pub path: String,
    pub expected: String,
    pub actual: String,
    /// ADD, REMOVE, NOT_EQUAL.
    pub kind: String,
}

/// A resource as it exists, read through the service's own API.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LiveResource {
    /// The physical ID CloudFormation will know it by (`Ref`).
    pub physical_id: String,
    /// Its properties, named and shaped as in a template.
    pub properties: serde_json::Map<String, serde_json::Value>,
    /// Its ARN, where the describe call gives one.
    pub arn: Option<String>,
}

fn unsupported(what: &str) -> CloudError {
    CloudError::Api {
        operation: what.to_string(),
        code: None,
        message: format!("{what} is not available here"),
    }
}

/// A subnet or security group and a name it is known by (Name tag, or group name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    pub id: String,
    pub name: String,
    pub vpc_id: String,
}
