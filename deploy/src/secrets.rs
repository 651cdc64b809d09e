//! Secrets Manager secrets a template reads through dynamic references
//! (`{{resolve:secretsmanager:NAME:SecretString:KEY}}`, the stack file's
//! `access_control.auth_token_secret`): checked before the change set, because CloudFormation
//! only finds a missing one minutes into creating the resource that reads it.

use super::{DeployError, Pacing, Ui, retry};
use crate::cloud::{Cloud, CloudError};

const PREFIX: &str = "{{resolve:secretsmanager:";

/// The secret IDs (names or ARNs) of every Secrets Manager dynamic reference in `body`, once
/// each, in order.
pub fn referenced_secrets(body: &str) -> Vec<String> {
    let mut secrets: Vec<String> = Vec::new();
    let mut rest = body;
    while let Some(at) = rest.find(PREFIX) {
        rest = &rest[at + PREFIX.len()..];
        let reference = rest.split("}}").next().unwrap_or_default();
        // An ARN has colons of its own: arn:PARTITION:secretsmanager:REGION:ACCOUNT:secret:NAME.
        let parts = if reference.starts_with("arn:") { 7 } else { 1 };
        let id = reference
            .split(':')
            .take(parts)
            .collect::<Vec<_>>()
            .join(":");
        if !id.is_empty() && !secrets.contains(&id) {
            secrets.push(id);
        }
    }
    secrets
}

/// Fails when a secret the template reads does not exist. A check the caller may not make
/// (access denied) is said and skipped: CloudFormation reads the secret with other rights.
pub(super) async fn check_secrets<C: Cloud>(
    cloud: &C,
    stack: &str,
    body: &str,
    pacing: &Pacing,
    ui: &mut dyn Ui,
) -> Result<(), DeployError> {
    let secrets = referenced_secrets(body);
    if secrets.is_empty() {
        return Ok(());
    }
    ui.phase(&format!(
        "{stack}: checking {} in Secrets Manager",
        secrets
            .iter()
            .map(|s| format!("secret {s}"))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    let mut missing = Vec::new();
    for secret in &secrets {
        match retry(pacing, || cloud.secret_exists(secret)).await {
            Ok(true) => {}
            Ok(false) => missing.push(secret.clone()),
            Err(CloudError::Api {
                code: Some(code),
                message,
                ..
            }) if code.contains("AccessDenied") => {
                ui.info(&format!(
                    "{stack}: cannot check secret {secret} ({message}); CloudFormation will read it"
                ));
            }
            Err(e) => return Err(e.into()),
        }
    }
    if missing.is_empty() {
        return Ok(());
    }
    let first = &missing[0];
    Err(DeployError::Refused {
        reason: format!(
            "stack {stack}: the template reads {} from Secrets Manager, which {} not exist in this account and region (access_control.auth_token_secret in the stack file); CloudFormation would fail minutes into creating the cache. Nothing was started.",
            missing
                .iter()
                .map(|s| format!("secret \"{s}\""))
                .collect::<Vec<_>>()
                .join(", "),
            if missing.len() == 1 { "does" } else { "do" }
        ),
        remedy: format!(
            "create it first, with the token under the key the stack file names (16 to 128 printable characters, no @, \" or /): aws secretsmanager create-secret --name {first} --secret-string '{{\"token\":\"...\"}}'; or name a secret that exists"
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::referenced_secrets;

    #[test]
    fn references_are_found_by_name_and_by_arn() {
        let body = r#"AuthToken: "{{resolve:secretsmanager:orders-token:SecretString:token}}"
Other: '{{resolve:secretsmanager:arn:aws:secretsmanager:ap-southeast-1:123456789012:secret:db-AbCdEf:SecretString:password::}}'
Again: "{{resolve:secretsmanager:orders-token}}"
Ssm: "{{resolve:ssm:/x}}""#;
        assert_eq!(
            referenced_secrets(body),
            [
                "orders-token",
                "arn:aws:secretsmanager:ap-southeast-1:123456789012:secret:db-AbCdEf"
            ]
        );
    }
}
