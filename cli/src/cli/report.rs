//! Renders errors, warnings and findings for people, on standard error. The only place that
//! turns library errors into text.

use crate::cli::output::errln;
use std::path::Path;

#[cfg(feature = "aws")]
use crate::cli::Outcome;
use cfnforge::diagnostic::{Diagnostic, Position, Severity};
use cfnforge::stackfile::StackFileError;
use cfnforge::synth::{SynthError, Synthesized};
#[cfg(feature = "aws")]
use cfnforge_deploy::DeployError;

pub fn error(message: &str) {
    errln!("error: {message}");
}

pub fn info(message: &str) {
    errln!("{message}");
}

/// One diagnostic, whatever found it: `error: FILE:LINE:COLUMN: PLACE: MESSAGE`, then the stack
/// file's lines around it when the YAML reader gave them. `file` is the stack file it is reported
/// for; the position is the diagnostic's own (a stack-file key) or `origin`, where the template
/// resource it is about comes from. PLACE is the key, the rule and resource
/// (`CF-EC-005 BandupRedis.NumCacheClusters`) or the template path (`template Resources.X.Type`).
pub fn diagnostic(file: &Path, diagnostic: &Diagnostic, origin: Option<Position>) {
    let position = diagnostic
        .position()
        .or(origin)
        .map(|p| format!(":{}:{}", p.line, p.column))
        .unwrap_or_default();
    let place = diagnostic.place();
    let place = if place.is_empty() {
        String::new()
    } else {
        format!("{place}: ")
    };
    errln!(
        "{}: {}{position}: {place}{}",
        diagnostic.severity,
        file.display(),
        diagnostic.message
    );
    if let Some(snippet) = &diagnostic.snippet {
        errln!("{snippet}");
    }
}

/// An app command that gave no assembly: why, and the first lines it printed.
pub fn app_error(e: &crate::cli::source::AppRunError) {
    error(&e.to_string());
    if let Some(printed) = e.printed() {
        errln!("  its standard output began with:");
        for line in printed.lines() {
            errln!("  | {line}");
        }
    }
}

pub fn stack_file_error(e: &StackFileError) {
    match e {
        StackFileError::Invalid { path, diagnostics } => {
            for d in diagnostics {
                diagnostic(path, d, None);
            }
        }
        other => error(&other.to_string()),
    }
}

pub fn synth_error(e: &SynthError) {
    match e {
        SynthError::Invalid { path, diagnostics } => {
            for d in diagnostics {
                diagnostic(path, d, None);
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
        DeployError::ExportsInUse {
            stack,
            uses,
            destroying,
        } => {
            exports_in_use(stack, uses, *destroying);
            Outcome::Failed
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

/// The "deadly embrace": exports other stacks still import, and the order of steps that gets
/// out of it, as the CDK documents it: the importers first, without the import, then the
/// exporter.
#[cfg(feature = "aws")]
fn exports_in_use(stack: &str, uses: &[cfnforge_deploy::ExportInUse], destroying: bool) {
    use cfnforge_deploy::ExportChange;
    let mut importers: Vec<&str> = Vec::new();
    for u in uses {
        let what = match (destroying, u.change) {
            (true, _) => "deleting it would remove export",
            (false, ExportChange::Removed) => "this deploy would remove export",
            (false, ExportChange::Changed) => "this deploy would change the value of export",
        };
        error(&format!(
            "stack {stack}: {what} {}, which stack {} still imports",
            u.export,
            u.importers.join(", ")
        ));
        for i in &u.importers {
            if !importers.contains(&i.as_str()) {
                importers.push(i);
            }
        }
    }
    errln!(
        "  CloudFormation cannot change or remove an export while a stack imports it: it would fail half-way and roll back. Nothing was started."
    );
    errln!("  Get out of it in this order:");
    let pinned: Vec<String> = uses
        .iter()
        .map(|u| match &u.value {
            Some(value) => format!("{} (now \"{value}\")", u.export),
            None => u.export.clone(),
        })
        .collect();
    if destroying {
        errln!(
            "  1. Delete the importing stacks first (cfnforge destroy {}), or deploy them without Fn::ImportValue of {}.",
            importers.join(" "),
            pinned.join(", ")
        );
        errln!("  2. Then delete {stack}: cfnforge destroy {stack}");
        return;
    }
    errln!(
        "  1. Deploy {} without the import: in place of Fn::ImportValue of {}, use the value itself or drop what uses it; then: cfnforge deploy {} --exclusively",
        importers.join(", "),
        pinned.join(", "),
        importers.join(" ")
    );
    errln!("  2. Deploy {stack}: cfnforge deploy {stack} --exclusively");
    if uses.iter().any(|u| u.change == ExportChange::Changed) {
        errln!(
            "  3. Put the import back in {} and deploy it again: cfnforge deploy {}",
            importers.join(", "),
            importers.join(" ")
        );
    }
}

/// Prints what synthesis found that did not stop it: the stack file's and the template's
/// warnings, then the rules' unsuppressed errors and warnings (info findings are for `check`).
/// Returns whether the rules found errors.
pub fn synthesized(synthesized: &Synthesized) -> bool {
    for d in &synthesized.diagnostics {
        diagnostic(&synthesized.path, d, synthesized.origin_of(d));
    }
    let mut errors = false;
    for finding in synthesized.rules.active() {
        if finding.severity == Severity::Info {
            continue;
        }
        errors |= finding.is_error();
        diagnostic(&synthesized.path, finding, synthesized.origin_of(finding));
        if let Some(fix) = finding.fix() {
            errln!("  fix: {fix}");
        }
    }
    if errors {
        errln!(
            "  fix the stack, or suppress a rule that does not apply under `suppressions:` with the reason (cfnforge check shows why each rule matters)"
        );
    }
    errors
}
