//! Synthesis: stack file -> typed spec -> constructs -> template -> checks -> rendered text.

use std::path::PathBuf;

use crate::checks::{self, Diagnostic, Severity};
use crate::constructs::{Stack, ValkeyCache};
use crate::render::{self, Format};
use crate::stackfile::{Problem, StackFile};

/// A synthesized stack and everything found on the way that did not stop it.
#[derive(Debug)]
pub struct Synthesized {
    pub path: PathBuf,
    pub stack: Stack,
    /// Warnings about the stack file, with their location.
    pub problems: Vec<Problem>,
    /// Warnings from the template checks.
    pub diagnostics: Vec<Diagnostic>,
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
    stack.tags = spec.tags.clone();
    stack.template.description = spec.description.as_ref().map(|d| d.value.clone());

    for (key, cache) in spec.cache_specs() {
        let (_, findings) = ValkeyCache::add(&mut stack, &cache.props(&spec.network));
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

    let report = checks::check(&stack.template);
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
    })
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
}
