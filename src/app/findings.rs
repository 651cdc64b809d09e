//! The one place where the app takes in what the other layers find (the cache construct, the
//! template checks, the rules): [`Diagnostic`]s, given the stack and the construct path of what
//! they are about.

use std::fmt;

use super::AppError;
use crate::checks;
use crate::constructs::{CacheProps, Stack, ValkeyCache};
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules;

/// A diagnostic about a stack of an app, with the construct path of the resource or construct
/// it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StackDiagnostic {
    pub stack: String,
    /// `bandup-redis/BandupRedis/SecurityGroup`, when the diagnostic is about a resource or a
    /// construct's props.
    pub construct: Option<String>,
    pub diagnostic: Diagnostic,
}

/// `queues/Bad: error: template Resources.Bad.Properties.X: message`: the construct path (or
/// the stack), then the diagnostic as the commands show it.
impl fmt::Display for StackDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = self.construct.as_deref().unwrap_or(&self.stack);
        write!(f, "{at}: {}", self.diagnostic)
    }
}

impl StackDiagnostic {
    pub fn is_error(&self) -> bool {
        self.diagnostic.is_error()
    }

    /// A diagnostic of the stack's template: its resource gives the construct path.
    pub(crate) fn in_template(stack: &Stack, diagnostic: Diagnostic) -> StackDiagnostic {
        StackDiagnostic {
            stack: stack.name.clone(),
            construct: diagnostic
                .location
                .resource()
                .map(|logical_id| stack.construct_path(logical_id)),
            diagnostic,
        }
    }

    /// The template path it is at, for a template location.
    pub(crate) fn template_path(&self) -> Option<&str> {
        self.diagnostic.location.template_path()
    }
}

/// The template checks of one stack, as `synth` runs them for a stack file: the template and
/// the region's resource types.
pub(crate) fn check_template(stack: &Stack) -> Vec<StackDiagnostic> {
    let mut report = checks::check(&stack.template);
    if let Some(region) = &stack.region {
        report
            .diagnostics
            .extend(checks::check_region(&stack.template, region));
    }
    report
        .diagnostics
        .into_iter()
        .map(|d| StackDiagnostic::in_template(stack, d))
        .collect()
}

/// The body size check of a rendered template.
pub(crate) fn check_body(stack: &Stack, bytes: usize) -> Option<StackDiagnostic> {
    checks::check_body_size(bytes).map(|d| StackDiagnostic::in_template(stack, d))
}

/// The rules' unsuppressed errors and warnings, with the stack's suppressions applied
/// (informational findings never fail a stack and are left out).
pub(crate) fn check_rules(stack: &Stack) -> Result<Vec<StackDiagnostic>, AppError> {
    let report = rules::check(&stack.template, &stack.suppressions).map_err(|source| {
        AppError::Suppression {
            stack: stack.name.clone(),
            source,
        }
    })?;
    Ok(report
        .active()
        .filter(|finding| finding.severity != Severity::Info)
        .map(|finding| StackDiagnostic::in_template(stack, finding.clone()))
        .collect())
}

impl Stack {
    /// Adds the cache construct ([`ValkeyCache`]) under the scope `id`: its resources get logical
    /// IDs from the scope's path (`BandupRedis`, `BandupRedisSecurityGroup`,
    /// `BandupRedisSubnetGroup` for the ID `bandup-redis` or `BandupRedis` at the top of the
    /// stack, the IDs a stack file gives the same cache). Errors in the props are an
    /// [`AppError::Construct`]; warnings are reported when the app is synthesized.
    pub fn add_cache(&mut self, id: &str, props: &CacheProps) -> Result<ValkeyCache, AppError> {
        let (path, built) = self.scope_with_path(id, |stack| Ok(ValkeyCache::add(stack, props)))?;
        match built {
            Ok(cache) => {
                let warnings = cache.warnings.iter().map(|warning| StackDiagnostic {
                    stack: self.name.clone(),
                    construct: Some(path.clone()),
                    diagnostic: warning.clone(),
                });
                self.tree.warnings.extend(warnings);
                Ok(cache)
            }
            Err(diagnostics) => Err(AppError::Construct {
                stack: self.name.clone(),
                path,
                diagnostics,
            }),
        }
    }
}
