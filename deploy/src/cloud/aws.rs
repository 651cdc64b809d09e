//! [`Cloud`] on the AWS SDK for Rust, with the standard credential chain.

use aws_config::BehaviorVersion;
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_sdk_cloudformation as cfn;
use aws_sdk_cloudformation::error::ProvideErrorMetadata;
use aws_sdk_s3 as s3;
use aws_sdk_sts as sts;

use cfnforge::constructs::LookupKind;

use super::ec2::{Ec2, Element};
use super::live;
use super::{
    ChangeDetail, ChangeSetDescription, ChangeSetRequest, ChangeSetSummary, ChangeSetType, Cloud,
    CloudError, DriftDetection, Found, IdentifierSummary, LiveResource, Named, PropertyDifference,
    ResourceChange, ResourceDrift, StackDescription, StackEvent, StackResource,
};

/// Where and as whom to call AWS. Unset fields come from the environment and config files,
/// as with the AWS CLI (`AWS_REGION`, `AWS_PROFILE`, `AWS_ENDPOINT_URL`, ...).
#[derive(Debug, Clone, Default)]
pub struct Connection {
    pub region: Option<String>,
    pub profile: Option<String>,
    pub endpoint_url: Option<String>,
}

/// The SDK clients.
#[derive(Debug, Clone)]
pub struct AwsCloud {
    cloudformation: cfn::Client,
    /// EC2's Query API (see `ec2.rs`: three Describe calls do not need aws-sdk-ec2).
    ec2: Ec2,
    /// ElastiCache's Query API, signed the same way (live reads for `import`).
    elasticache: Ec2,
    /// Secrets Manager's JSON API, called the same way (one DescribeSecret).
    secrets: Ec2,
    s3: s3::Client,
    sts: sts::Client,
    region: Option<String>,
    /// Where each service is called, for messages.
    cloudformation_endpoint: String,
    s3_endpoint: String,
    sts_endpoint: String,
}

impl AwsCloud {
    pub async fn connect(connection: &Connection) -> AwsCloud {
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            // One retry layer only: deploy's (src/deploy/retry.rs), with jittered exponential
            // backoff. It knows what a call means: a retried CreateChangeSet that finds its own
            // change set already made has succeeded, and Ctrl-C is looked at between calls.
            .retry_config(RetryConfig::disabled())
            .timeout_config(
                TimeoutConfig::builder()
                    .connect_timeout(CONNECT_TIMEOUT)
                    .read_timeout(READ_TIMEOUT)
                    .operation_attempt_timeout(ATTEMPT_TIMEOUT)
                    .operation_timeout(ATTEMPT_TIMEOUT)
                    .build(),
            );
        if let Some(region) = &connection.region {
            loader = loader.region(aws_config::Region::new(region.clone()));
        }
        if let Some(profile) = &connection.profile {
            loader = loader.profile_name(profile);
        }
        if let Some(url) = &connection.endpoint_url {
            loader = loader.endpoint_url(url);
        }
        let config = loader.load().await;
        let region = config.region().map(|r| r.to_string());
        let endpoint = |service: &str| match &connection.endpoint_url {
            Some(url) => url.clone(),
            None => format!(
                "https://{service}.{}.amazonaws.com",
                region.as_deref().unwrap_or("<no region>")
            ),
        };
        // The service's own variable (as the SDK reads AWS_ENDPOINT_URL_<SERVICE>), then
        // --endpoint-url, then AWS_ENDPOINT_URL and the config files.
        let endpoint_of = |variable: &str| {
            std::env::var(variable)
                .ok()
                .or_else(|| connection.endpoint_url.clone())
                .or_else(|| config.endpoint_url().map(str::to_string))
        };
        let ec2 = Ec2::new(
            config.credentials_provider(),
            config.region().map(|r| r.as_ref()).unwrap_or("us-east-1"),
            endpoint_of("AWS_ENDPOINT_URL_EC2").as_deref(),
            ATTEMPT_TIMEOUT,
        );
        let elasticache = ec2.elasticache(endpoint_of("AWS_ENDPOINT_URL_ELASTICACHE").as_deref());
        let secrets =
            ec2.secrets_manager(endpoint_of("AWS_ENDPOINT_URL_SECRETS_MANAGER").as_deref());
        AwsCloud {
            cloudformation_endpoint: endpoint("cloudformation"),
            s3_endpoint: endpoint("s3"),
            sts_endpoint: endpoint("sts"),
            region,
            cloudformation: cfn::Client::new(&config),
            secrets,
            ec2,
            elasticache,
            // An emulator answers on one host: buckets go in the path, not the host name.
            s3: s3::Client::from_conf(
                s3::config::Builder::from(&config)
                    .force_path_style(connection.endpoint_url.is_some())
                    .build(),
            ),
            sts: sts::Client::new(&config),
        }
    }

    /// The region the clients call, if one was found.
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }
}

impl AwsCloud {
    /// DescribeChangeSet by ARN, or by name within a stack; every page.
    async fn change_set(
        &self,
        stack: Option<&str>,
        id: &str,
    ) -> Result<ChangeSetDescription, CloudError> {
        let mut description = ChangeSetDescription {
            id: id.to_string(),
            ..Default::default()
        };
        let mut token = None;
        loop {
            let output = self
                .cloudformation
                .describe_change_set()
                .change_set_name(id)
                .set_stack_name(stack.map(str::to_string))
                // BeforeValue/AfterValue per property, where the endpoint supports it.
                .include_property_values(true)
                .set_next_token(token)
                .send()
                .await
                .map_err(|e| error("DescribeChangeSet", &self.cloudformation_endpoint, e))?;
            if let Some(arn) = output.change_set_id() {
                description.id = arn.to_string();
            }
            description.stack_id = output.stack_id().unwrap_or_default().to_string();
            description.status = output
                .status()
                .map(|s| s.as_str().to_string())
                .unwrap_or_default();
            description.execution_status =
                output.execution_status().map(|s| s.as_str().to_string());
            description.status_reason = output.status_reason().map(str::to_string);
            for change in output.changes() {
                if let Some(rc) = change.resource_change() {
                    description.changes.push(ResourceChange {
                        action: rc
                            .action()
                            .map(|a| a.as_str().to_string())
                            .unwrap_or_default(),
                        logical_id: rc.logical_resource_id().unwrap_or_default().to_string(),
                        resource_type: rc.resource_type().unwrap_or_default().to_string(),
                        physical_id: rc.physical_resource_id().map(str::to_string),
                        replacement: rc.replacement().map(|r| r.as_str().to_string()),
                        details: rc.details().iter().filter_map(change_detail).collect(),
                    });
                }
            }
            token = output.next_token().map(str::to_string);
            if token.is_none() {
                return Ok(description);
            }
        }
    }
}

/// How long a call may take. The SDK does not retry (see [`AwsCloud::connect`]): a call that
/// stalls fails within these, deploy's retry tries it again, and Ctrl-C is looked at between
/// calls instead of waiting on a silent connection.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Longest silence while reading an answer.
pub const READ_TIMEOUT: Duration = Duration::from_secs(20);
/// Longest time for one attempt of one call, answer included.
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(30);

/// Turns an SDK error into a [`CloudError`] in words: AWS's code and message when AWS answered,
/// otherwise what happened on the way (which endpoint, refused, reset, timed out, an HTTP status
/// without an AWS error). Never the SDK's debug text.
fn error<E>(operation: &str, endpoint: &str, err: cfn::error::SdkError<E>) -> CloudError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    use cfn::error::SdkError;
    let operation = operation.to_string();
    let code = err.code().map(str::to_string);
    let aws_message = err.message().map(str::to_string);
    let status = err.raw_response().map(|r| r.status().as_u16());
    match &err {
        SdkError::DispatchFailure(failure) => {
            let chain = error_chain(&err);
            // The SDK reports missing credentials as a dispatch failure with a page of provider
            // attempts; say what to do instead.
            if chain.iter().any(|m| m.contains("credential")) {
                return CloudError::Api {
                    operation,
                    code: None,
                    message: "no AWS credentials found: configure them as for the AWS CLI (aws configure, \
                              AWS_PROFILE, SSO, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)"
                        .to_string(),
                };
            }
            let (message, retry) = if failure.is_timeout() {
                let message = if chain.iter().any(|m| m.contains("HTTP read")) {
                    format!(
                        "{endpoint} sent no answer within {} s",
                        READ_TIMEOUT.as_secs()
                    )
                } else {
                    format!(
                        "could not connect to {endpoint} within {} s",
                        CONNECT_TIMEOUT.as_secs()
                    )
                };
                (message, true)
            } else {
                connection_failure(endpoint, &err)
            };
            if retry {
                CloudError::Transient { operation, message }
            } else {
                CloudError::Api {
                    operation,
                    code: None,
                    message,
                }
            }
        }
        SdkError::TimeoutError(_) => CloudError::Transient {
            operation,
            message: format!(
                "no answer from {endpoint} within {} s",
                ATTEMPT_TIMEOUT.as_secs()
            ),
        },
        SdkError::ResponseError(_) => CloudError::Transient {
            operation,
            message: format!(
                "{endpoint} answered{} with a response that is not an AWS answer",
                status.map(|s| format!(" HTTP {s}")).unwrap_or_default()
            ),
        },
        SdkError::ServiceError(_) => service_failure(
            operation,
            endpoint,
            status.unwrap_or_default(),
            code,
            aws_message,
        ),
        _ => CloudError::Api {
            operation,
            code,
            message: format!(
                "the request could not be made: {}",
                error_chain(&err).join(": ")
            ),
        },
    }
}

/// The messages of an error and its sources, outermost first.
fn error_chain(err: &(dyn std::error::Error + 'static)) -> Vec<String> {
    let mut messages = Vec::new();
    let mut next = Some(err);
    while let Some(e) = next {
        messages.push(e.to_string());
        next = e.source();
    }
    messages
}

/// Whether `endpoint` (a URL) is on this machine: localhost or a loopback address.
fn is_local(endpoint: &str) -> bool {
    let rest = endpoint
        .split_once("://")
        .map_or(endpoint, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let authority = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    let host = match authority.strip_prefix('[') {
        Some(bracketed) => bracketed.split(']').next().unwrap_or_default(),
        None => authority.split(':').next().unwrap_or_default(),
    };
    let host = host.to_ascii_lowercase();
    host == "localhost"
        || host.ends_with(".localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// A request that got no answer, in words; and whether it is worth trying again. A refused
/// connection or an unknown host is not retried: the endpoint is most likely wrong.
pub(super) fn connection_failure(
    endpoint: &str,
    err: &(dyn std::error::Error + 'static),
) -> (String, bool) {
    use std::io::ErrorKind;
    let mut kind = None;
    let mut next = Some(err);
    while let Some(e) = next {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            kind = Some(io.kind());
        }
        next = e.source();
    }
    let chain = error_chain(err).join(": ").to_lowercase();
    let innermost = error_chain(err).pop().unwrap_or_default();
    if kind == Some(ErrorKind::ConnectionRefused) || chain.contains("connection refused") {
        let hint = if is_local(endpoint) {
            "nothing listens there on this machine: is the emulator running? \
             Start it, or check --endpoint-url and AWS_ENDPOINT_URL"
        } else {
            "nothing listens there; check the endpoint URL and region"
        };
        (
            format!("could not connect to {endpoint}: connection refused ({hint})"),
            false,
        )
    } else if chain.contains("dns error") || chain.contains("failed to lookup address") {
        (
            format!("could not connect to {endpoint}: its host name does not resolve"),
            false,
        )
    } else if matches!(
        kind,
        Some(ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted | ErrorKind::BrokenPipe)
    ) || chain.contains("connection reset")
    {
        (
            format!("the connection to {endpoint} was reset before an answer arrived"),
            true,
        )
    } else if kind == Some(ErrorKind::UnexpectedEof)
        || chain.contains("connection closed before message completed")
        || chain.contains("incomplete")
    {
        (
            format!("{endpoint} closed the connection without answering"),
            true,
        )
    } else if kind == Some(ErrorKind::TimedOut) || chain.contains("timed out") {
        (format!("the connection to {endpoint} timed out"), true)
    } else {
        (format!("could not reach {endpoint}: {innermost}"), true)
    }
}

/// An HTTP answer that carries an error: throttling and server errors (5xx) are worth
/// retrying; an answer without an AWS error in its body (a proxy's or load balancer's HTML
/// page) is described by its status.
pub(super) fn service_failure(
    operation: String,
    endpoint: &str,
    status: u16,
    code: Option<String>,
    message: Option<String>,
) -> CloudError {
    let throttled = matches!(
        code.as_deref(),
        Some("Throttling" | "ThrottlingException" | "RequestLimitExceeded")
    ) || message
        .as_deref()
        .is_some_and(|m| m.contains("Rate exceeded"));
    let message = match (&code, message) {
        (_, Some(m)) if !m.is_empty() => m,
        (Some(c), _) => format!("{c} (HTTP {status})"),
        (None, _) => format!(
            "{endpoint} answered HTTP {status}{} with no AWS error in the body",
            http_reason(status)
                .map(|r| format!(" {r}"))
                .unwrap_or_default()
        ),
    };
    if throttled {
        CloudError::Throttled { operation, message }
    } else if status >= 500 {
        CloudError::Transient {
            operation,
            message: match code {
                Some(c) => format!("{c}: {message}"),
                None => message,
            },
        }
    } else {
        CloudError::Api {
            operation,
            code,
            message,
        }
    }
}

fn http_reason(status: u16) -> Option<&'static str> {
    Some(match status {
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => return None,
    })
}

/// ElastiCache's answer for a name nothing has (`ReplicationGroupNotFoundFault`,
/// `CacheSubnetGroupNotFoundFault`).
fn is_not_found_code(err: &CloudError) -> bool {
    matches!(err, CloudError::Api { code: Some(code), .. } if code.contains("NotFound"))
}

impl AwsCloud {
    /// The tags of an ElastiCache resource (ListTagsForResource); none without an ARN.
    async fn elasticache_tags(
        &self,
        arn: Option<&str>,
    ) -> Result<Vec<(String, String)>, CloudError> {
        let Some(arn) = arn else {
            return Ok(Vec::new());
        };
        let answer = self
            .elasticache
            .query("ListTagsForResource", &[("ResourceName", arn)])
            .await?;
        Ok(live::elasticache_tags(&answer))
    }
}

fn does_not_exist(err: &CloudError) -> bool {
    matches!(err, CloudError::Api { message, .. } if message.contains("does not exist"))
}

fn ec2_found(id: Option<&str>, item: &Element, extra: &str) -> Option<Found> {
    let id = id?.to_string();
    let name = item.name_tag().unwrap_or("-");
    Some(Found {
        label: format!("{id} (Name {name}{extra})"),
        id,
    })
}

fn change_detail(detail: &cfn::types::ResourceChangeDetail) -> Option<ChangeDetail> {
    let target = detail.target()?;
    Some(ChangeDetail {
        attribute: target
            .attribute()
            .map(|a| a.as_str().to_string())
            .unwrap_or_default(),
        name: target.name().map(str::to_string),
        requires_recreation: target.requires_recreation().map(|r| r.as_str().to_string()),
        before: target.before_value().map(str::to_string),
        after: target.after_value().map(str::to_string),
    })
}

impl Cloud for AwsCloud {
    async fn describe_stack(&self, name: &str) -> Result<Option<StackDescription>, CloudError> {
        let result = self
            .cloudformation
            .describe_stacks()
            .stack_name(name)
            .send()
            .await
            .map_err(|e| error("DescribeStacks", &self.cloudformation_endpoint, e));
        let output = match result {
            Err(e) if does_not_exist(&e) => return Ok(None),
            other => other?,
        };
        Ok(output.stacks().first().map(|stack| StackDescription {
            stack_id: stack.stack_id().unwrap_or_default().to_string(),
            name: stack.stack_name().unwrap_or_default().to_string(),
            status: stack
                .stack_status()
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
            status_reason: stack.stack_status_reason().map(str::to_string),
            outputs: stack
                .outputs()
                .iter()
                .map(|o| {
                    (
                        o.output_key().unwrap_or_default().to_string(),
                        o.output_value().unwrap_or_default().to_string(),
                    )
                })
                .collect(),
            termination_protection: stack.enable_termination_protection().unwrap_or(false),
        }))
    }

    async fn get_template(&self, name: &str) -> Result<Option<String>, CloudError> {
        let result = self
            .cloudformation
            .get_template()
            .stack_name(name)
            .template_stage(cfn::types::TemplateStage::Original)
            .send()
            .await
            .map_err(|e| error("GetTemplate", &self.cloudformation_endpoint, e));
        match result {
            Err(e) if does_not_exist(&e) => Ok(None),
            Err(e) => Err(e),
            Ok(output) => Ok(output.template_body().map(str::to_string)),
        }
    }

    async fn create_change_set(&self, request: &ChangeSetRequest) -> Result<String, CloudError> {
        let parameters = request
            .parameters
            .iter()
            .map(|(k, v)| {
                cfn::types::Parameter::builder()
                    .parameter_key(k)
                    .parameter_value(v)
                    .build()
            })
            .collect();
        let tags = request
            .tags
            .iter()
            .map(|(k, v)| cfn::types::Tag::builder().key(k).value(v).build())
            .collect();
        let change_set_type = match request.change_set_type {
            ChangeSetType::Create => cfn::types::ChangeSetType::Create,
            ChangeSetType::Update => cfn::types::ChangeSetType::Update,
            ChangeSetType::Import => cfn::types::ChangeSetType::Import,
        };
        let to_import: Vec<cfn::types::ResourceToImport> = request
            .resources_to_import
            .iter()
            .map(|r| {
                cfn::types::ResourceToImport::builder()
                    .resource_type(&r.resource_type)
                    .logical_resource_id(&r.logical_id)
                    .set_resource_identifier(Some(r.identifier.iter().cloned().collect()))
                    .build()
            })
            .collect();
        let mut call = self.cloudformation.create_change_set();
        call = match &request.template_url {
            Some(url) => call.template_url(url),
            None => call.template_body(&request.template_body),
        };
        let output = call
            .stack_name(&request.stack_name)
            .change_set_name(&request.change_set_name)
            .change_set_type(change_set_type)
            .description(&request.description)
            .set_parameters(Some(parameters))
            .set_tags(Some(tags))
            .client_token(&request.client_token)
            .set_resources_to_import((!to_import.is_empty()).then_some(to_import))
            .set_deployment_mode(
                request
                    .revert_drift
                    .then_some(cfn::types::DeploymentMode::RevertDrift),
            )
            .send()
            .await
            .map_err(|e| error("CreateChangeSet", &self.cloudformation_endpoint, e))?;
        Ok(output.id().unwrap_or(&request.change_set_name).to_string())
    }

    async fn describe_change_set(&self, id: &str) -> Result<ChangeSetDescription, CloudError> {
        self.change_set(None, id).await
    }

    async fn delete_change_set(&self, id: &str) -> Result<(), CloudError> {
        self.cloudformation
            .delete_change_set()
            .change_set_name(id)
            .send()
            .await
            .map_err(|e| error("DeleteChangeSet", &self.cloudformation_endpoint, e))?;
        Ok(())
    }

    async fn execute_change_set(&self, id: &str, token: &str) -> Result<(), CloudError> {
        self.cloudformation
            .execute_change_set()
            .change_set_name(id)
            .client_request_token(token)
            .send()
            .await
            .map_err(|e| error("ExecuteChangeSet", &self.cloudformation_endpoint, e))?;
        Ok(())
    }

    async fn stack_events(&self, stack_id: &str) -> Result<Vec<StackEvent>, CloudError> {
        let output = self
            .cloudformation
            .describe_stack_events()
            .stack_name(stack_id)
            .send()
            .await
            .map_err(|e| error("DescribeStackEvents", &self.cloudformation_endpoint, e))?;
        Ok(output
            .stack_events()
            .iter()
            .map(|e| StackEvent {
                event_id: e.event_id().unwrap_or_default().to_string(),
                timestamp: e.timestamp().map(|t| t.as_secs_f64()).unwrap_or_default(),
                logical_id: e.logical_resource_id().unwrap_or_default().to_string(),
                resource_type: e.resource_type().unwrap_or_default().to_string(),
                status: e
                    .resource_status()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
                reason: e.resource_status_reason().map(str::to_string),
            })
            .collect())
    }

    async fn delete_stack(&self, name: &str, token: &str) -> Result<(), CloudError> {
        self.cloudformation
            .delete_stack()
            .stack_name(name)
            .client_request_token(token)
            .send()
            .await
            .map_err(|e| error("DeleteStack", &self.cloudformation_endpoint, e))?;
        Ok(())
    }

    async fn set_termination_protection(
        &self,
        name: &str,
        enabled: bool,
    ) -> Result<(), CloudError> {
        self.cloudformation
            .update_termination_protection()
            .stack_name(name)
            .enable_termination_protection(enabled)
            .send()
            .await
            .map_err(|e| {
                error(
                    "UpdateTerminationProtection",
                    &self.cloudformation_endpoint,
                    e,
                )
            })?;
        Ok(())
    }

    async fn vpcs_named(&self, name: &str) -> Result<Vec<Found>, CloudError> {
        let vpcs = self
            .ec2
            .describe("DescribeVpcs", "vpcSet", &[("tag:Name", name)])
            .await?;
        Ok(vpcs
            .iter()
            .filter_map(|v| ec2_found(v.text_of("vpcId"), v, ""))
            .collect())
    }

    async fn subnets_named(
        &self,
        vpc_id: Option<&str>,
        name: &str,
    ) -> Result<Vec<Found>, CloudError> {
        let mut filters = vec![("tag:Name", name)];
        filters.extend(vpc_id.map(|vpc| ("vpc-id", vpc)));
        let subnets = self
            .ec2
            .describe("DescribeSubnets", "subnetSet", &filters)
            .await?;
        Ok(subnets
            .iter()
            .filter_map(|s| {
                let place = format!(
                    ", {} in {}",
                    s.text_of("availabilityZone").unwrap_or("-"),
                    s.text_of("vpcId").unwrap_or("-")
                );
                ec2_found(s.text_of("subnetId"), s, &place)
            })
            .collect())
    }

    async fn security_groups_named(
        &self,
        vpc_id: Option<&str>,
        name: &str,
    ) -> Result<Vec<Found>, CloudError> {
        let mut found: Vec<Found> = Vec::new();
        // A group is known by its group name or by its Name tag: ask for both.
        for key in ["group-name", "tag:Name"] {
            let mut filters = vec![(key, name)];
            filters.extend(vpc_id.map(|vpc| ("vpc-id", vpc)));
            let groups = self
                .ec2
                .describe("DescribeSecurityGroups", "securityGroupInfo", &filters)
                .await?;
            for group in &groups {
                let place = format!(
                    ", group name {} in {}",
                    group.text_of("groupName").unwrap_or("-"),
                    group.text_of("vpcId").unwrap_or("-")
                );
                if let Some(f) = ec2_found(group.text_of("groupId"), group, &place)
                    && !found.iter().any(|g| g.id == f.id)
                {
                    found.push(f);
                }
            }
        }
        Ok(found)
    }

    /// ListStackResources rather than DescribeStackResources, which stops at 100 resources
    /// (CloudFormation API reference, DescribeStackResources: "only the first 100 resources
    /// will be returned"); ListStackResources pages with NextToken.
    async fn stack_resources(&self, stack: &str) -> Result<Vec<StackResource>, CloudError> {
        let mut resources = Vec::new();
        let mut next_token: Option<String> = None;
        loop {
            let result = self
                .cloudformation
                .list_stack_resources()
                .stack_name(stack)
                .set_next_token(next_token.take())
                .send()
                .await
                .map_err(|e| error("ListStackResources", &self.cloudformation_endpoint, e));
            let output = match result {
                Err(e) if does_not_exist(&e) => return Ok(Vec::new()),
                other => other?,
            };
            resources.extend(output.stack_resource_summaries().iter().map(|r| {
                StackResource {
                    logical_id: r.logical_resource_id().unwrap_or_default().to_string(),
                    physical_id: r.physical_resource_id().map(str::to_string),
                    resource_type: r.resource_type().unwrap_or_default().to_string(),
                    status: r
                        .resource_status()
                        .map(|s| s.as_str().to_string())
                        .unwrap_or_default(),
                }
            }));
            match output.next_token() {
                Some(token) if !token.is_empty() => next_token = Some(token.to_string()),
                _ => return Ok(resources),
            }
        }
    }
    async fn describe_change_set_named(
        &self,
        stack: &str,
        name: &str,
    ) -> Result<ChangeSetDescription, CloudError> {
        self.change_set(Some(stack), name).await
    }
    // -- network: VPC-scoped look-ups, exports, templates through S3 --
    async fn export_value(&self, name: &str) -> Result<Option<String>, CloudError> {
        let mut token = None;
        loop {
            let output = self
                .cloudformation
                .list_exports()
                .set_next_token(token)
                .send()
                .await
                .map_err(|e| error("ListExports", &self.cloudformation_endpoint, e))?;
            if let Some(export) = output.exports().iter().find(|e| e.name() == Some(name)) {
                return Ok(export.value().map(str::to_string));
            }
            token = output.next_token().map(str::to_string);
            if token.is_none() {
                return Ok(None);
            }
        }
    }

    async fn list_imports(&self, name: &str) -> Result<Vec<String>, CloudError> {
        let mut stacks = Vec::new();
        let mut token = None;
        loop {
            let output = match self
                .cloudformation
                .list_imports()
                .export_name(name)
                .set_next_token(token)
                .send()
                .await
                .map_err(|e| error("ListImports", &self.cloudformation_endpoint, e))
            {
                Ok(output) => output,
                // How CloudFormation answers for an export nobody imports (and for one that
                // does not exist): "Export 'NAME' is not imported by any stack."
                Err(CloudError::Api { message, .. }) if message.contains("not imported") => {
                    return Ok(stacks);
                }
                Err(e) => return Err(e),
            };
            stacks.extend(output.imports().iter().cloned());
            token = output.next_token().map(str::to_string);
            if token.is_none() {
                return Ok(stacks);
            }
        }
    }

    async fn network_names(
        &self,
        kind: LookupKind,
        vpc_id: Option<&str>,
    ) -> Result<Vec<Named>, CloudError> {
        let filters: Vec<(&str, &str)> = vpc_id.map(|v| ("vpc-id", v)).into_iter().collect();
        let (action, set, id_key) = match kind {
            LookupKind::Subnet => ("DescribeSubnets", "subnetSet", "subnetId"),
            LookupKind::Vpc => ("DescribeVpcs", "vpcSet", "vpcId"),
            LookupKind::SecurityGroup => ("DescribeSecurityGroups", "securityGroupInfo", "groupId"),
        };
        let items = self.ec2.describe(action, set, &filters).await?;
        let mut named = Vec::new();
        for item in &items {
            let Some(id) = item.text_of(id_key) else {
                continue;
            };
            let vpc = item.text_of("vpcId").unwrap_or(id).to_string();
            // A security group is known by its group name and by its Name tag.
            let group_name = match kind {
                LookupKind::SecurityGroup => item.text_of("groupName"),
                _ => None,
            };
            let mut seen: Vec<&str> = Vec::new();
            for name in group_name.into_iter().chain(item.name_tag()) {
                if !seen.contains(&name) {
                    seen.push(name);
                    named.push(Named {
                        id: id.to_string(),
                        name: name.to_string(),
                        vpc_id: vpc.clone(),
                    });
                }
            }
        }
        Ok(named)
    }

    async fn account_and_region(&self) -> Result<(String, String), CloudError> {
        let region = self.region.clone().ok_or_else(|| CloudError::Api {
            operation: "S3".to_string(),
            code: None,
            message: "no region configured: pass --region or set AWS_REGION".to_string(),
        })?;
        let output = self
            .sts
            .get_caller_identity()
            .send()
            .await
            .map_err(|e| error("GetCallerIdentity", &self.sts_endpoint, e))?;
        let account = output.account().unwrap_or_default().to_string();
        Ok((account, region))
    }

    async fn bucket_exists(&self, bucket: &str) -> Result<bool, CloudError> {
        match self.s3.head_bucket().bucket(bucket).send().await {
            Ok(_) => Ok(true),
            // HeadBucket answers 404 for a missing bucket and 403 for someone else's.
            Err(e)
                if e.raw_response()
                    .is_some_and(|r| matches!(r.status().as_u16(), 403 | 404)) =>
            {
                Ok(false)
            }
            Err(e) => Err(error("HeadBucket", &self.s3_endpoint, e)),
        }
    }

    async fn create_asset_bucket(&self, bucket: &str, expire_days: i32) -> Result<(), CloudError> {
        use s3::types::{
            BucketLifecycleConfiguration, BucketLocationConstraint, CreateBucketConfiguration,
            ExpirationStatus, LifecycleExpiration, LifecycleRule, LifecycleRuleFilter,
            PublicAccessBlockConfiguration, ServerSideEncryption, ServerSideEncryptionByDefault,
            ServerSideEncryptionConfiguration, ServerSideEncryptionRule,
        };
        let build = |what: &str, e: s3::error::BuildError| CloudError::Api {
            operation: what.to_string(),
            code: None,
            message: e.to_string(),
        };
        let mut create = self.s3.create_bucket().bucket(bucket);
        // us-east-1 is the one region that takes no location constraint.
        if let Some(region) = self.region.as_deref().filter(|r| *r != "us-east-1") {
            create = create.create_bucket_configuration(
                CreateBucketConfiguration::builder()
                    .location_constraint(BucketLocationConstraint::from(region))
                    .build(),
            );
        }
        create
            .send()
            .await
            .map_err(|e| error("CreateBucket", &self.s3_endpoint, e))?;
        self.s3
            .put_public_access_block()
            .bucket(bucket)
            .public_access_block_configuration(
                PublicAccessBlockConfiguration::builder()
                    .block_public_acls(true)
                    .ignore_public_acls(true)
                    .block_public_policy(true)
                    .restrict_public_buckets(true)
                    .build(),
            )
            .send()
            .await
            .map_err(|e| error("PutPublicAccessBlock", &self.s3_endpoint, e))?;
        let by_default = ServerSideEncryptionByDefault::builder()
            .sse_algorithm(ServerSideEncryption::Aes256)
            .build()
            .map_err(|e| build("PutBucketEncryption", e))?;
        let encryption = ServerSideEncryptionConfiguration::builder()
            .rules(
                ServerSideEncryptionRule::builder()
                    .apply_server_side_encryption_by_default(by_default)
                    .build(),
            )
            .build()
            .map_err(|e| build("PutBucketEncryption", e))?;
        self.s3
            .put_bucket_encryption()
            .bucket(bucket)
            .server_side_encryption_configuration(encryption)
            .send()
            .await
            .map_err(|e| error("PutBucketEncryption", &self.s3_endpoint, e))?;
        let rule = LifecycleRule::builder()
            .id("cfnforge-expire-templates")
            .status(ExpirationStatus::Enabled)
            .filter(LifecycleRuleFilter::builder().prefix("").build())
            .expiration(LifecycleExpiration::builder().days(expire_days).build())
            .build()
            .map_err(|e| build("PutBucketLifecycleConfiguration", e))?;
        let lifecycle = BucketLifecycleConfiguration::builder()
            .rules(rule)
            .build()
            .map_err(|e| build("PutBucketLifecycleConfiguration", e))?;
        self.s3
            .put_bucket_lifecycle_configuration()
            .bucket(bucket)
            .lifecycle_configuration(lifecycle)
            .send()
            .await
            .map_err(|e| error("PutBucketLifecycleConfiguration", &self.s3_endpoint, e))?;
        Ok(())
    }

    async fn put_template(
        &self,
        bucket: &str,
        key: &str,
        body: &str,
    ) -> Result<String, CloudError> {
        self.s3
            .put_object()
            .bucket(bucket)
            .key(key)
            .body(s3::primitives::ByteStream::from(body.as_bytes().to_vec()))
            .send()
            .await
            .map_err(|e| error("PutObject", &self.s3_endpoint, e))?;
        let region = self.region.as_deref().unwrap_or("us-east-1");
        // The virtual-hosted URL CloudFormation reads TemplateURL from.
        Ok(format!("https://{bucket}.s3.{region}.amazonaws.com/{key}"))
    }

    async fn list_change_sets(&self, stack: &str) -> Result<Vec<ChangeSetSummary>, CloudError> {
        let mut found = Vec::new();
        let mut token = None;
        loop {
            let output = self
                .cloudformation
                .list_change_sets()
                .stack_name(stack)
                .set_next_token(token)
                .send()
                .await
                .map_err(|e| error("ListChangeSets", &self.cloudformation_endpoint, e))?;
            found.extend(output.summaries().iter().map(|c| {
                ChangeSetSummary {
                    id: c.change_set_id().unwrap_or_default().to_string(),
                    name: c.change_set_name().unwrap_or_default().to_string(),
                    description: c.description().map(str::to_string),
                    status: c
                        .status()
                        .map(|s| s.as_str().to_string())
                        .unwrap_or_default(),
                    execution_status: c.execution_status().map(|s| s.as_str().to_string()),
                    creation_time: c.creation_time().map(|t| t.as_secs_f64()),
                }
            }));
            token = output.next_token().map(str::to_string);
            if token.is_none() {
                return Ok(found);
            }
        }
    }

    async fn import_identifiers(
        &self,
        template_body: &str,
    ) -> Result<Vec<IdentifierSummary>, CloudError> {
        let output = self
            .cloudformation
            .get_template_summary()
            .template_body(template_body)
            .send()
            .await
            .map_err(|e| error("GetTemplateSummary", &self.cloudformation_endpoint, e))?;
        Ok(output
            .resource_identifier_summaries()
            .iter()
            .map(|s| IdentifierSummary {
                resource_type: s.resource_type().unwrap_or_default().to_string(),
                logical_ids: s.logical_resource_ids().to_vec(),
                identifiers: s.resource_identifiers().to_vec(),
            })
            .collect())
    }

    async fn live_resource(
        &self,
        resource_type: &str,
        identifier: &str,
    ) -> Result<Option<LiveResource>, CloudError> {
        match resource_type {
            "AWS::EC2::SecurityGroup" => {
                let groups = self
                    .ec2
                    .describe(
                        "DescribeSecurityGroups",
                        "securityGroupInfo",
                        &[("group-id", identifier)],
                    )
                    .await?;
                Ok(groups.first().map(live::security_group))
            }
            "AWS::ElastiCache::SubnetGroup" => {
                let answer = match self
                    .elasticache
                    .query(
                        "DescribeCacheSubnetGroups",
                        &[("CacheSubnetGroupName", identifier)],
                    )
                    .await
                {
                    Ok(answer) => answer,
                    Err(e) if is_not_found_code(&e) => return Ok(None),
                    Err(e) => return Err(e),
                };
                let arn = live::subnet_group(&answer, Vec::new()).and_then(|g| g.arn);
                let tags = self.elasticache_tags(arn.as_deref()).await?;
                Ok(live::subnet_group(&answer, tags))
            }
            "AWS::ElastiCache::ReplicationGroup" => {
                let answer = match self
                    .elasticache
                    .query(
                        "DescribeReplicationGroups",
                        &[("ReplicationGroupId", identifier)],
                    )
                    .await
                {
                    Ok(answer) => answer,
                    Err(e) if is_not_found_code(&e) => return Ok(None),
                    Err(e) => return Err(e),
                };
                let Some((first, member)) = live::replication_group(&answer, None, Vec::new())
                else {
                    return Ok(None);
                };
                let cluster = match &member {
                    Some(id) => Some(
                        self.elasticache
                            .query("DescribeCacheClusters", &[("CacheClusterId", id)])
                            .await?,
                    ),
                    None => None,
                };
                let tags = self.elasticache_tags(first.arn.as_deref()).await?;
                Ok(live::replication_group(
                    &answer,
                    cluster.as_ref().and_then(live::cache_cluster),
                    tags,
                )
                .map(|(live, _)| live))
            }
            other => Err(CloudError::Api {
                operation: "reading live resources".to_string(),
                code: None,
                message: format!(
                    "cfnforge cannot read resources of type {other} (it reads {})",
                    live::READABLE.join(", ")
                ),
            }),
        }
    }

    async fn detect_stack_drift(&self, stack: &str) -> Result<String, CloudError> {
        let output = self
            .cloudformation
            .detect_stack_drift()
            .stack_name(stack)
            .send()
            .await
            .map_err(|e| error("DetectStackDrift", &self.cloudformation_endpoint, e))?;
        Ok(output
            .stack_drift_detection_id()
            .unwrap_or_default()
            .to_string())
    }

    async fn drift_detection_status(
        &self,
        detection_id: &str,
    ) -> Result<DriftDetection, CloudError> {
        let output = self
            .cloudformation
            .describe_stack_drift_detection_status()
            .stack_drift_detection_id(detection_id)
            .send()
            .await
            .map_err(|e| {
                error(
                    "DescribeStackDriftDetectionStatus",
                    &self.cloudformation_endpoint,
                    e,
                )
            })?;
        Ok(DriftDetection {
            detection_status: output
                .detection_status()
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
            stack_drift_status: output.stack_drift_status().map(|s| s.as_str().to_string()),
            reason: output.detection_status_reason().map(str::to_string),
            drifted_resources: output.drifted_stack_resource_count().unwrap_or_default(),
        })
    }

    async fn resource_drifts(&self, stack: &str) -> Result<Vec<ResourceDrift>, CloudError> {
        let mut found = Vec::new();
        let mut token = None;
        loop {
            let output = self
                .cloudformation
                .describe_stack_resource_drifts()
                .stack_name(stack)
                .set_next_token(token)
                .send()
                .await
                .map_err(|e| {
                    error(
                        "DescribeStackResourceDrifts",
                        &self.cloudformation_endpoint,
                        e,
                    )
                })?;
            found.extend(output.stack_resource_drifts().iter().map(|d| {
                ResourceDrift {
                    logical_id: d.logical_resource_id().unwrap_or_default().to_string(),
                    physical_id: d.physical_resource_id().map(str::to_string),
                    resource_type: d.resource_type().unwrap_or_default().to_string(),
                    status: d
                        .stack_resource_drift_status()
                        .map(|s| s.as_str().to_string())
                        .unwrap_or_default(),
                    differences: d
                        .property_differences()
                        .iter()
                        .map(|p| PropertyDifference {
                            path: p.property_path().unwrap_or_default().to_string(),
                            expected: p.expected_value().unwrap_or_default().to_string(),
                            actual: p.actual_value().unwrap_or_default().to_string(),
                            kind: p
                                .difference_type()
                                .map(|t| t.as_str().to_string())
                                .unwrap_or_default(),
                        })
                        .collect(),
                }
            }));
            token = output.next_token().map(str::to_string);
            if token.is_none() {
                return Ok(found);
            }
        }
    }

    async fn secret_exists(&self, secret: &str) -> Result<bool, CloudError> {
        let answer = self
            .secrets
            .json(
                "DescribeSecret",
                "secretsmanager.DescribeSecret",
                &serde_json::json!({ "SecretId": secret }),
            )
            .await;
        match answer {
            Ok(_) => Ok(true),
            Err(CloudError::Api {
                code: Some(code), ..
            }) if code == "ResourceNotFoundException" => Ok(false),
            Err(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Error as IoError, ErrorKind};

    /// An error wrapping another, as the SDK's connector errors wrap hyper's and the OS's.
    #[derive(Debug)]
    struct Wrapped(&'static str, IoError);

    impl std::fmt::Display for Wrapped {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(self.0)
        }
    }

    impl std::error::Error for Wrapped {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&self.1)
        }
    }

    fn words(kind: ErrorKind, text: &'static str) -> (String, bool) {
        let err = Wrapped("io error", IoError::new(kind, text));
        connection_failure("http://127.0.0.1:4566", &err)
    }

    #[test]
    fn local_endpoints_are_told_from_remote_ones() {
        for local in [
            "http://127.0.0.1:4566",
            "http://localhost:5000/",
            "http://LOCALHOST",
            "http://[::1]:4566",
            "127.0.0.2:4566",
            "http://moto.localhost:4566",
        ] {
            assert!(is_local(local), "{local}");
        }
        for remote in [
            "https://cloudformation.us-east-1.amazonaws.com",
            "http://10.0.0.5:4566",
            "http://localhost.example.com",
            "http://[2001:db8::1]:4566",
        ] {
            assert!(!is_local(remote), "{remote}");
        }
    }

    #[test]
    fn connection_failures_are_told_apart_and_name_the_endpoint() {
        let (refused, retry) = words(ErrorKind::ConnectionRefused, "Connection refused");
        assert_eq!(
            refused,
            "could not connect to http://127.0.0.1:4566: connection refused (nothing listens there on this machine: is the emulator running? Start it, or check --endpoint-url and AWS_ENDPOINT_URL)"
        );
        assert!(!retry, "a wrong endpoint is not retried");
        let remote = Wrapped(
            "io error",
            IoError::new(ErrorKind::ConnectionRefused, "Connection refused"),
        );
        let (refused, _) = connection_failure(
            "https://cloudformation.ap-southeast-1.amazonaws.com",
            &remote,
        );
        assert_eq!(
            refused,
            "could not connect to https://cloudformation.ap-southeast-1.amazonaws.com: connection refused (nothing listens there; check the endpoint URL and region)"
        );

        let (reset, retry) = words(ErrorKind::ConnectionReset, "Connection reset by peer");
        assert_eq!(
            reset,
            "the connection to http://127.0.0.1:4566 was reset before an answer arrived"
        );
        assert!(retry);

        let (closed, retry) = words(
            ErrorKind::Other,
            "connection closed before message completed",
        );
        assert_eq!(
            closed,
            "http://127.0.0.1:4566 closed the connection without answering"
        );
        assert!(retry);

        let (timed_out, retry) = words(ErrorKind::TimedOut, "operation timed out");
        assert_eq!(
            timed_out,
            "the connection to http://127.0.0.1:4566 timed out"
        );
        assert!(retry);

        let (dns, retry) = words(ErrorKind::Other, "dns error: failed to lookup address");
        assert!(dns.contains("host name does not resolve"), "{dns}");
        assert!(!retry);
    }

    #[test]
    fn an_http_error_without_an_aws_body_is_described_by_its_status() {
        let err = service_failure("DescribeStacks".into(), "http://e", 503, None, None);
        assert_eq!(
            err,
            CloudError::Transient {
                operation: "DescribeStacks".into(),
                message:
                    "http://e answered HTTP 503 Service Unavailable with no AWS error in the body"
                        .into()
            }
        );
        let err = service_failure("DescribeStacks".into(), "http://e", 403, None, None);
        assert!(!err.is_retryable(), "{err:?}");
        assert!(err.message().contains("HTTP 403 Forbidden"), "{err:?}");
    }

    #[test]
    fn aws_errors_keep_their_code_and_server_errors_are_retried() {
        let internal = service_failure(
            "CreateChangeSet".into(),
            "http://e",
            500,
            Some("InternalFailure".into()),
            Some("We encountered an internal error".into()),
        );
        assert_eq!(
            internal,
            CloudError::Transient {
                operation: "CreateChangeSet".into(),
                message: "InternalFailure: We encountered an internal error".into()
            }
        );
        let throttled = service_failure(
            "DescribeVpcs".into(),
            "http://e",
            400,
            Some("Throttling".into()),
            Some("Rate exceeded".into()),
        );
        assert!(matches!(throttled, CloudError::Throttled { .. }));
        let invalid = service_failure(
            "CreateChangeSet".into(),
            "http://e",
            400,
            Some("AlreadyExistsException".into()),
            Some("ChangeSet x already exists".into()),
        );
        assert!(invalid.is_already_exists() && !invalid.is_retryable());
    }
}
