//! [`Cloud`] on the AWS SDK for Rust, with the standard credential chain.

use aws_config::BehaviorVersion;
use aws_config::retry::RetryConfig;
use aws_sdk_cloudformation as cfn;
use aws_sdk_cloudformation::error::{DisplayErrorContext, ProvideErrorMetadata};
use aws_sdk_ec2 as ec2;

use super::{
    ChangeSetDescription, ChangeSetRequest, ChangeSetSummary, ChangeSetType, Cloud, CloudError,
    Found, ResourceChange, StackDescription, StackEvent,
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
    ec2: ec2::Client,
    region: Option<String>,
}

impl AwsCloud {
    pub async fn connect(connection: &Connection) -> AwsCloud {
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            // The SDK retries throttling and transient errors itself before we see them.
            .retry_config(RetryConfig::standard().with_max_attempts(5));
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
        AwsCloud {
            region: config.region().map(|r| r.to_string()),
            cloudformation: cfn::Client::new(&config),
            ec2: ec2::Client::new(&config),
        }
    }

    /// The region the clients call, if one was found.
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }
}

/// Turns an SDK error into a [`CloudError`], keeping AWS's code and message.
fn error<E>(operation: &str, err: cfn::error::SdkError<E>) -> CloudError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    use cfn::error::SdkError;
    let code = err.code().map(str::to_string);
    let message = err
        .message()
        .map(str::to_string)
        .unwrap_or_else(|| DisplayErrorContext(&err).to_string());
    let operation = operation.to_string();
    // The SDK reports missing credentials as a dispatch failure with a page of provider
    // attempts; say what to do instead.
    if matches!(err, SdkError::DispatchFailure(_)) && message.contains("credential") {
        return CloudError::Api {
            operation,
            code: None,
            message: "no AWS credentials found: configure them as for the AWS CLI (aws configure, \
                      AWS_PROFILE, SSO, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)"
                .to_string(),
        };
    }
    let throttled = matches!(
        code.as_deref(),
        Some("Throttling" | "ThrottlingException" | "RequestLimitExceeded")
    ) || message.contains("Rate exceeded");
    if throttled {
        return CloudError::Throttled { operation, message };
    }
    match err {
        // Connection failures (nothing listening, DNS) are not retried again here: the SDK's
        // own retries have already waited for them, and the endpoint is most likely wrong.
        SdkError::TimeoutError(_) | SdkError::ResponseError(_) => {
            CloudError::Transient { operation, message }
        }
        _ => CloudError::Api {
            operation,
            code,
            message,
        },
    }
}

fn does_not_exist(err: &CloudError) -> bool {
    matches!(err, CloudError::Api { message, .. } if message.contains("does not exist"))
}

fn ec2_found(id: Option<&str>, tags: &[ec2::types::Tag], extra: &str) -> Option<Found> {
    let id = id?.to_string();
    let name = tags
        .iter()
        .find(|t| t.key() == Some("Name"))
        .and_then(|t| t.value())
        .unwrap_or("-");
    Some(Found {
        label: format!("{id} (Name {name}{extra})"),
        id,
    })
}

fn filter(name: &str, value: &str) -> ec2::types::Filter {
    ec2::types::Filter::builder()
        .name(name)
        .values(value)
        .build()
}

impl Cloud for AwsCloud {
    async fn describe_stack(&self, name: &str) -> Result<Option<StackDescription>, CloudError> {
        let result = self
            .cloudformation
            .describe_stacks()
            .stack_name(name)
            .send()
            .await
            .map_err(|e| error("DescribeStacks", e));
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
            .map_err(|e| error("GetTemplate", e));
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
        };
        let output = self
            .cloudformation
            .create_change_set()
            .stack_name(&request.stack_name)
            .change_set_name(&request.change_set_name)
            .change_set_type(change_set_type)
            .template_body(&request.template_body)
            .description(&request.description)
            .set_parameters(Some(parameters))
            .set_tags(Some(tags))
            .send()
            .await
            .map_err(|e| error("CreateChangeSet", e))?;
        Ok(output.id().unwrap_or(&request.change_set_name).to_string())
    }

    async fn describe_change_set(&self, id: &str) -> Result<ChangeSetDescription, CloudError> {
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
                .set_next_token(token)
                .send()
                .await
                .map_err(|e| error("DescribeChangeSet", e))?;
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
                        replacement: rc.replacement().map(|r| r.as_str().to_string()),
                    });
                }
            }
            token = output.next_token().map(str::to_string);
            if token.is_none() {
                return Ok(description);
            }
        }
    }

    async fn delete_change_set(&self, id: &str) -> Result<(), CloudError> {
        self.cloudformation
            .delete_change_set()
            .change_set_name(id)
            .send()
            .await
            .map_err(|e| error("DeleteChangeSet", e))?;
        Ok(())
    }

    async fn execute_change_set(&self, id: &str) -> Result<(), CloudError> {
        self.cloudformation
            .execute_change_set()
            .change_set_name(id)
            .send()
            .await
            .map_err(|e| error("ExecuteChangeSet", e))?;
        Ok(())
    }

    async fn stack_events(&self, stack_id: &str) -> Result<Vec<StackEvent>, CloudError> {
        let output = self
            .cloudformation
            .describe_stack_events()
            .stack_name(stack_id)
            .send()
            .await
            .map_err(|e| error("DescribeStackEvents", e))?;
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

    async fn delete_stack(&self, name: &str) -> Result<(), CloudError> {
        self.cloudformation
            .delete_stack()
            .stack_name(name)
            .send()
            .await
            .map_err(|e| error("DeleteStack", e))?;
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
            .map_err(|e| error("UpdateTerminationProtection", e))?;
        Ok(())
    }

    async fn vpcs_named(&self, name: &str) -> Result<Vec<Found>, CloudError> {
        let output = self
            .ec2
            .describe_vpcs()
            .filters(filter("tag:Name", name))
            .send()
            .await
            .map_err(|e| error("DescribeVpcs", e))?;
        Ok(output
            .vpcs()
            .iter()
            .filter_map(|v| ec2_found(v.vpc_id(), v.tags(), ""))
            .collect())
    }

    async fn subnets_named(
        &self,
        vpc_id: Option<&str>,
        name: &str,
    ) -> Result<Vec<Found>, CloudError> {
        let mut request = self
            .ec2
            .describe_subnets()
            .filters(filter("tag:Name", name));
        if let Some(vpc) = vpc_id {
            request = request.filters(filter("vpc-id", vpc));
        }
        let output = request
            .send()
            .await
            .map_err(|e| error("DescribeSubnets", e))?;
        Ok(output
            .subnets()
            .iter()
            .filter_map(|s| {
                let place = format!(
                    ", {} in {}",
                    s.availability_zone().unwrap_or("-"),
                    s.vpc_id().unwrap_or("-")
                );
                ec2_found(s.subnet_id(), s.tags(), &place)
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
            let mut request = self
                .ec2
                .describe_security_groups()
                .filters(filter(key, name));
            if let Some(vpc) = vpc_id {
                request = request.filters(filter("vpc-id", vpc));
            }
            let output = request
                .send()
                .await
                .map_err(|e| error("DescribeSecurityGroups", e))?;
            for group in output.security_groups() {
                let place = format!(
                    ", group name {} in {}",
                    group.group_name().unwrap_or("-"),
                    group.vpc_id().unwrap_or("-")
                );
                if let Some(f) = ec2_found(group.group_id(), group.tags(), &place)
                    && !found.iter().any(|g| g.id == f.id)
                {
                    found.push(f);
                }
            }
        }
        Ok(found)
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
                .map_err(|e| error("ListChangeSets", e))?;
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
}
