//! Renders errors, warnings and findings for people, on standard error. The only place that
//! turns library errors into text.

use crate::cli::output::errln;
use std::path::Path;

#[cfg(feature = "aws")]
use crate::cli::Outcome;
use cfnforge::checks::Diagnostic;
use cfnforge::rules::Level;
use cfnforge::stackfile::{Problem, StackFileError};
use cfnforge::synth::{SynthError, Synthesized};
#[cfg(feature = "aws")]
use cfnforge_deploy::DeployError;

pub fn error(message: &str) {
    errln!("error: {message}");
}

pub fn info(message: &str) {
    errln!("{message}");
}

pub fn problem(path: &Path, problem: &Problem) {
    let key = if problem.key.is_empty() {
        String::new()
    } else {
        format!("{}: ", problem.key)
    };
    errln!(
        "{}: {}:{}:{}: {key}{}",
        problem.severity,
        path.display(),
        problem.location.line,
        problem.location.column,
        problem.message
    );
    if let Some(snippet) = &problem.snippet {
        errln!("{snippet}");
    }
}

pub fn diagnostic(path: &Path, diagnostic: &Diagnostic) {
    errln!(
        "{}: {}: template {}: {}",
        diagnostic.severity,
        path.display(),
        diagnostic.path,
        diagnostic.message
    );
}

pub fn stack_file_error(e: &StackFileError) {
    match e {
        StackFileError::Invalid { path, problems } => {
            for p in problems {
                problem(path, p);
            }
        }
        other => error(&other.to_string()),
    }
}

pub fn synth_error(e: &SynthError) {
    match e {
        SynthError::Invalid {
            path,
            problems,
            diagnostics,
        } => {
            for p in problems {
                problem(path, p);
            }
            for d in diagnostics {
                diagnostic(path, d);
            }
        }
        other => error(&other.to_string()),
    }
}

/// Reports why a deploy or destroy stopped; returns the exit outcome it means.
#[cfg(feature = "aws")]
pub fn deploy_error(e: &DeployError) -> Outcome {
    match e {
        DeployError::Interrupted { stack, status } => {
            errln!(
                "interrupted: stack {stack} is {status} and CloudFormation carries on; nothing was cancelled.\n  follow it with: aws cloudformation describe-stack-events --stack-name {stack}\n  or in the console, or run cfnforge deploy again once it is done"
            );
            Outcome::Interrupted
        }
        DeployError::LostTrack {
            stack_id, status, ..
        } => {
            error(&e.to_string());
            let status = match status {
                Some(status) => format!("The stack is {status}."),
                None => "Its status could not be read either.".to_string(),
            };
            errln!(
                "  CloudFormation carries on; nothing was cancelled. {status}\n  look at it with: aws cloudformation describe-stack-events --stack-name {stack_id}\n  then run the same cfnforge command again: it waits for the operation to end and finishes the job"
            );
            Outcome::Failed
        }
        DeployError::InterruptedAtQuestion(what) => {
            errln!("interrupted: {what}");
            Outcome::Interrupted
        }
        DeployError::Refused { reason, remedy } => {
            error(reason);
            errln!("  {remedy}");
            Outcome::Failed
        }
        DeployError::Failed {
            root_cause: Some(cause),
            ..
        } => {
            error(&e.to_string());
            errln!(
                "  root cause: {} ({}) {}: {}",
                cause.logical_id,
                cause.resource_type,
                cause.status,
                cause.reason.as_deref().unwrap_or("")
            );
            Outcome::Failed
        }
        other => {
            error(&other.to_string());
            Outcome::Failed
        }
    }
}

/// Prints the rules' unsuppressed errors and warnings (info findings are for `check`). Returns
/// whether there were errors.
pub fn rule_findings(synthesized: &Synthesized) -> bool {
    let mut errors = false;
    for finding in synthesized.rules.active() {
        let level = finding.level();
        if level == Level::Info {
            continue;
        }
        errors |= level == Level::Error;
        let resource = finding.resource.as_deref().unwrap_or("stack");
        let place = finding
            .resource
            .as_deref()
            .and_then(|r| synthesized.origin(r))
            .map(|l| format!(":{}:{}", l.line, l.column))
            .unwrap_or_default();
        let property = finding
            .property
            .as_deref()
            .map(|p| format!(".{p}"))
            .unwrap_or_default();
        errln!(
            "{}: {}{place}: {} {resource}{property}: {}",
            level.name(),
            synthesized.path.display(),
            finding.rule.id,
            finding.message
        );
    }
    if errors {
        errln!(
            "  fix the stack, or suppress a rule that does not apply under `suppressions:` with the reason (cfnforge check shows why each rule matters)"
        );
    }
    errors
}
