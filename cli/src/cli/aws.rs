//! What the commands that talk to AWS share: connection flags, the runtime, and a stack of the
//! assembly as deploy and diff take it.

use clap::Args;

use crate::cli::check::template_format;
use crate::cli::{Outcome, report};
use cfnforge::assembly::{Assembly, StackArtifact};
use cfnforge_deploy::cloud::aws::{AwsCloud, Connection};
use cfnforge_deploy::{DeployRequest, Pacing};

/// Where and as whom to call AWS; unset flags come from the environment and AWS config files.
#[derive(Args, Clone)]
pub struct AwsArgs {
    /// AWS region (default: the stack's `region`, then AWS_REGION and config files).
    #[arg(long)]
    pub region: Option<String>,
    /// Named profile from the AWS config files.
    #[arg(long)]
    pub profile: Option<String>,
    /// Send every AWS call to this endpoint (an emulator); AWS_ENDPOINT_URL works too.
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,
}

/// How deploy polls and retries. `CFNFORGE_RETRY_BASE_MS` sets the first retry wait (the
/// longest is 20 times it); the fault tests shorten it, the default (500 ms, up to 10 s) suits
/// AWS.
pub fn pacing() -> Pacing {
    let mut pacing = Pacing::default();
    if let Some(ms) = std::env::var("CFNFORGE_RETRY_BASE_MS")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
    {
        pacing.retry_base = std::time::Duration::from_millis(ms);
        pacing.retry_max = pacing.retry_base * 20;
    }
    pacing
}

impl AwsArgs {
    /// A connection to `region` (`--region` wins over it).
    pub async fn connect(&self, region: Option<&str>) -> AwsCloud {
        AwsCloud::connect(&Connection {
            region: self.region.clone().or_else(|| region.map(str::to_string)),
            profile: self.profile.clone(),
            endpoint_url: self.endpoint_url.clone(),
        })
        .await
    }
}

pub fn runtime() -> Result<tokio::runtime::Runtime, Outcome> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            report::error(&format!("cannot start the async runtime: {e}"));
            Outcome::Failed
        })
}

/// The assembly's stack as deploy and diff take it: its template read back, and what the
/// manifest says of it.
pub fn request(assembly: &Assembly, stack: &StackArtifact) -> Result<DeployRequest, Outcome> {
    let body = assembly.template(stack).unwrap_or_default();
    let template =
        cfnforge::parse::parse(body, template_format(&stack.template_file)).map_err(|e| {
            report::error(&format!(
                "{}: its template {} cannot be read: {e}",
                stack.name, stack.template_file
            ));
            Outcome::Failed
        })?;
    Ok(DeployRequest {
        stack_name: stack.name.clone(),
        template,
        template_body: body.to_string(),
        lookups: stack.lookups.iter().map(Into::into).collect(),
        vpc: stack.vpc.as_ref().map(Into::into),
        tags: stack
            .tags
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        termination_protection: stack.termination_protection,
    })
}

/// Parses `KEY=VALUE`.
pub fn key_value(text: &str) -> Result<(String, String), String> {
    text.split_once('=')
        .filter(|(k, _)| !k.is_empty())
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .ok_or_else(|| format!("expected KEY=VALUE, got \"{text}\""))
}
