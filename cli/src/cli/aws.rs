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
    /// `--profile` (or `AWS_PROFILE`) names a profile of the AWS config or credentials file.
    /// The SDK would go on without it when credentials are in the environment, and deploy as
    /// someone else than asked: an unknown profile is an error.
    pub fn check_profile(&self) -> Result<(), Outcome> {
        let (name, given_by) = match (&self.profile, std::env::var("AWS_PROFILE")) {
            (Some(name), _) => (name.clone(), "--profile"),
            (None, Ok(name)) if !name.is_empty() => (name, "AWS_PROFILE"),
            _ => return Ok(()),
        };
        let home = std::env::var_os("HOME").map(std::path::PathBuf::from);
        let file = |variable: &str, default: &str| {
            std::env::var_os(variable)
                .map(std::path::PathBuf::from)
                .or_else(|| home.as_ref().map(|h| h.join(".aws").join(default)))
        };
        let config = file("AWS_CONFIG_FILE", "config");
        let credentials = file("AWS_SHARED_CREDENTIALS_FILE", "credentials");
        let read = |path: &Option<std::path::PathBuf>| {
            path.as_ref()
                .and_then(|p| std::fs::read_to_string(p).ok())
                .unwrap_or_default()
        };
        let mut known = profile_names(&read(&config), true);
        for name in profile_names(&read(&credentials), false) {
            if !known.contains(&name) {
                known.push(name);
            }
        }
        if known.contains(&name) {
            return Ok(());
        }
        let files = [config, credentials]
            .iter()
            .flatten()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(" or ");
        let there = if known.is_empty() {
            "they name no profile".to_string()
        } else {
            format!("profiles there: {}", known.join(", "))
        };
        report::error(&format!(
            "profile \"{name}\" ({given_by}) is not in {files} ({there}); \
             AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE say where they are"
        ));
        Err(Outcome::Usage)
    }

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

/// The profiles an AWS config file (`[default]`, `[profile NAME]`) or credentials file
/// (`[NAME]`) defines.
fn profile_names(text: &str, config_file: bool) -> Vec<String> {
    let mut names = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        let Some(section) = line.strip_prefix('[') else {
            continue;
        };
        let Some((section, _)) = section.split_once(']') else {
            continue;
        };
        let section = section.trim();
        let name = if !config_file {
            Some(section)
        } else if section == "default" {
            Some("default")
        } else {
            section
                .strip_prefix("profile")
                .filter(|rest| rest.starts_with(char::is_whitespace))
                .map(str::trim)
        };
        if let Some(name) = name.filter(|n| !n.is_empty())
            && !names.iter().any(|n: &String| n == name)
        {
            names.push(name.to_string());
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::profile_names;

    #[test]
    fn profiles_are_read_as_the_aws_cli_reads_them() {
        let config = "[default]\nregion = x\n[profile dev]\n[ profile  prod ]\n[sso-session corp]\n[services s]\n[stray]\n[profileless]\n";
        assert_eq!(profile_names(config, true), ["default", "dev", "prod"]);
        let credentials = "# c\n[default]\naws_access_key_id = a\n[ci]\n";
        assert_eq!(profile_names(credentials, false), ["default", "ci"]);
    }
}
