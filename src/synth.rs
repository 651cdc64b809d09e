//! Synthesis: stack file -> typed spec -> constructs -> template -> checks -> rendered text.

use std::collections::HashMap;
use std::path::PathBuf;

use crate::checks::{self, Diagnostic, Severity};
use crate::constructs::{Stack, ValkeyCache};
use crate::render::{self, Format};
use crate::rules::{self, Suppression, SuppressionError};
use crate::stackfile::{Location, Problem, StackFile};
use crate::template::Value;

/// A synthesized stack and everything found on the way that did not stop it.
#[derive(Debug)]
pub struct Synthesized {
    pub path: PathBuf,
    pub stack: Stack,
    /// Warnings about the stack file, with their location.
    pub problems: Vec<Problem>,
    /// Warnings from the template checks.
    pub diagnostics: Vec<Diagnostic>,
    /// The best-practice and security rules' findings, suppressed ones included. Errors among
    /// them are not stopped here: `check` must still report them; `synth` and `deploy` refuse.
    pub rules: rules::Report,
    /// Where each resource comes from in the stack file (logical ID to location).
    pub origins: HashMap<String, Location>,
}

/// Why a stack could not be synthesized.
#[derive(Debug, thiserror::Error)]
pub enum SynthError {
    #[error("{path}: invalid stack")]
    Invalid {
        path: PathBuf,
        /// Problems in the stack file (errors and the warnings beside them).
        problems: Vec<Problem>,
        /// Problems in the template built from it.
        diagnostics: Vec<Diagnostic>,
    },
    #[error("{path}: {source}")]
    Render {
        path: PathBuf,
        #[source]
        source: render::RenderError,
    },
}

/// Builds the stack a stack file describes and checks its template.
pub fn synthesize(file: &StackFile) -> Result<Synthesized, SynthError> {
    let spec = &file.spec;
    let mut problems = spec.problems();
    let mut stack = Stack::new(spec.stack.value.clone());
    stack.tags = spec.tags();
    stack.template.description = spec.description.as_ref().map(|d| d.value.clone());

    let mut origins = HashMap::new();
    for (key, cache) in spec.cache_specs() {
        let (built, findings) = ValkeyCache::add(&mut stack, &cache.props(&spec.network));
        if let Some(built) = built {
            let at = Location::from(&cache.id);
            for id in [
                built.security_group.logical_id(),
                built.subnet_group.logical_id(),
                built.replication_group.logical_id(),
            ] {
                origins.insert(id.to_string(), at);
            }
        }
        for finding in findings {
            let (location, field_key) = cache.locate(&finding.field, &spec.network);
            let key = if field_key.starts_with("network.") {
                field_key.to_string()
            } else if field_key.is_empty() {
                key.clone()
            } else {
                format!("{key}.{field_key}")
            };
            problems.push(Problem {
                severity: finding.severity,
                location,
                key,
                message: finding.message,
                snippet: None,
            });
        }
    }

    let suppressions: Vec<Suppression> = spec
        .suppressions
        .iter()
        .map(|s| Suppression {
            rule: s.rule.value.clone(),
            resource: s.resource.as_ref().map(|r| r.value.clone()),
            reason: s.reason.value.clone(),
        })
        .collect();
    if !suppressions.is_empty() {
        // Reviewers see every suppression and its reason in the template itself.
        if let Value::Map(entries) = rules::metadata(&suppressions) {
            stack.template.metadata.extend(entries);
        }
    }
    let rule_report = match rules::check(&stack.template, &suppressions) {
        Ok(report) => Some(report),
        Err(e) => {
            problems.push(suppression_problem(file, &e));
            None
        }
    };

    let mut report = checks::check(&stack.template);
    if let Some(region) = &spec.region {
        let missing = checks::check_region(&stack.template, &region.value);
        report.diagnostics.extend(missing);
    }
    let stack_file_failed = problems.iter().any(|p| p.severity == Severity::Error);
    if stack_file_failed || report.has_errors() {
        return Err(SynthError::Invalid {
            path: file.path.clone(),
            problems,
            // Template problems that follow from stack file errors are noise.
            diagnostics: if stack_file_failed {
                Vec::new()
            } else {
                report.diagnostics
            },
        });
    }
    Ok(Synthesized {
        path: file.path.clone(),
        stack,
        problems,
        diagnostics: report.diagnostics,
        rules: rule_report.unwrap_or_default(),
        origins,
    })
}

/// A refused suppression, at the key that is wrong.
fn suppression_problem(file: &StackFile, error: &SuppressionError) -> Problem {
    let index = error.index();
    let spec = file.spec.suppressions.get(index);
    let (location, key) = match (error, spec) {
        (SuppressionError::NoReason { .. }, Some(s)) => (Location::from(&s.reason), "reason"),
        (SuppressionError::UnknownResource { .. }, Some(s)) => (
            s.resource
                .as_ref()
                .map(Location::from)
                .unwrap_or(Location::from(&s.rule)),
            "resource",
        ),
        (_, Some(s)) => (Location::from(&s.rule), "rule"),
        (_, None) => (Location::default(), "rule"),
    };
    Problem {
        severity: Severity::Error,
        location,
        key: format!("suppressions[{index}].{key}"),
        message: error.to_string(),
        snippet: None,
    }
}

impl Synthesized {
    /// The template as text, with the body size checked against CloudFormation's limits.
    pub fn render(&self, format: Format) -> Result<(String, Option<Diagnostic>), SynthError> {
        let text =
            render::render(&self.stack.template, format).map_err(|source| SynthError::Render {
                path: self.path.clone(),
                source,
            })?;
        let size = checks::check_body_size(text.len());
        if let Some(diagnostic) = size.as_ref().filter(|d| d.severity == Severity::Error) {
            return Err(SynthError::Invalid {
                path: self.path.clone(),
                problems: Vec::new(),
                diagnostics: vec![diagnostic.clone()],
            });
        }
        Ok((text, size))
    }

    /// Where a resource comes from in the stack file, if it is known.
    pub fn origin(&self, logical_id: &str) -> Option<Location> {
        self.origins.get(logical_id).copied()
    }
}
