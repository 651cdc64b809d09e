//! What the commands that talk to AWS share: connection flags, the runtime, Ctrl-C, and the
//! synthesis that comes before every deploy and diff.

use clap::Args;

use crate::cli::{Outcome, StacksDir, report, select};
use cfnforge::render::Format;
use cfnforge::stackfile::StackFile;
use cfnforge::synth;
use cfnforge_deploy::cloud::aws::{AwsCloud, Connection};
use cfnforge_deploy::{DeployRequest, Pacing};

/// Where and as whom to call AWS; unset flags come from the environment and AWS config files.
#[derive(Args, Clone)]
pub struct AwsArgs {
    /// AWS region (default: the stack file's `region`, then AWS_REGION and config files).
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
    pub async fn connect(&self, file: &StackFile) -> AwsCloud {
        AwsCloud::connect(&Connection {
            region: self
                .region
                .clone()
                .or_else(|| file.spec.region.as_ref().map(|r| r.value.clone())),
            profile: self.profile.clone(),
            endpoint_url: self.endpoint_url.clone(),
        })
        .await
    }
}

/// The stack files asked for, the outcome so far, and a runtime to talk to AWS with.
pub fn start(
    dir: &StacksDir,
    names: &[String],
) -> Result<(Vec<StackFile>, Outcome, tokio::runtime::Runtime), Outcome> {
    let (files, outcome) = select::select(dir, names)?;
    Ok((files, outcome, runtime()?))
}

fn runtime() -> Result<tokio::runtime::Runtime, Outcome> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            report::error(&format!("cannot start the async runtime: {e}"));
            Outcome::Failed
        })
}

/// Synthesizes a stack and connects to its region: what deploy and diff start each stack with.
pub async fn open(file: &StackFile, aws: &AwsArgs) -> Result<(DeployRequest, AwsCloud), Outcome> {
    let request = prepare(file)?;
    Ok((request, aws.connect(file).await))
}

/// Synthesizes a stack for deploy or diff; errors and warnings are reported here.
fn prepare(file: &StackFile) -> Result<DeployRequest, Outcome> {
    let synthesized = synth::synthesize(file).map_err(|e| {
        report::synth_error(&e);
        Outcome::Failed
    })?;
    if report::synthesized(&synthesized) {
        report::error(&format!(
            "{}: not deployed: the rules found errors",
            synthesized.stack.name
        ));
        return Err(Outcome::Failed);
    }
    let (body, size) = synthesized.render(Format::Yaml).map_err(|e| {
        report::synth_error(&e);
        Outcome::Failed
    })?;
    if let Some(d) = size {
        report::diagnostic(&synthesized.path, &d, None);
    }
    let stack = synthesized.stack;
    Ok(DeployRequest {
        stack_name: stack.name.clone(),
        tags: stack.resource_tags(),
        template: stack.template,
        template_body: body,
        lookups: stack.lookups,
        vpc: stack.vpc,
        termination_protection: file.spec.termination_protection,
    })
}

/// Parses `KEY=VALUE`.
pub fn key_value(text: &str) -> Result<(String, String), String> {
    text.split_once('=')
        .filter(|(k, _)| !k.is_empty())
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .ok_or_else(|| format!("expected KEY=VALUE, got \"{text}\""))
}
