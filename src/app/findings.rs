//! The one place where the app takes in what the other layers find (the cache construct's
//! findings, the template checks' diagnostics, the rules' findings) and turns it into
//! [`Problem`]s with the stack and construct path. When those types change, only this file does.

use std::fmt;

use super::{AppError, Tree};
use crate::checks::{self, Severity};
use crate::constructs::{self, CacheProps, Stack, ValkeyCache};
use crate::rules;

/// An error or warning about a stack of an app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub severity: Severity,
    pub stack: String,
    /// The construct path of what it is about (`bandup-redis/BandupRedis/SecurityGroup`), when
    /// that is known.
    pub construct: Option<String>,
    /// Where: a path into the template (`Resources.BandupRedis.Properties.Port`), or for a
    /// construct's props the field (`port`); empty for the template as a whole.
    pub path: String,
    /// The rule's ID, for a finding of `cfnforge check`'s rules.
    pub rule: Option<String>,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.severity)?;
        match &self.construct {
            Some(construct) => write!(f, "{construct}")?,
            None => write!(f, "{}", self.stack)?,
        }
        if !self.path.is_empty() {
            write!(f, " ({})", self.path)?;
        }
        write!(f, ": ")?;
        if let Some(rule) = &self.rule {
            write!(f, "{rule} ")?;
        }
        write!(f, "{}", self.message)
    }
}

impl Problem {
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    pub(crate) fn warning(
        stack: &str,
        construct: Option<String>,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> Problem {
        Problem {
            severity: Severity::Warning,
            stack: stack.to_string(),
            construct,
            path: path.into(),
            rule: None,
            message: message.into(),
        }
    }
}

/// A template check's diagnostic; its path starts `Resources.<logical ID>` when it is about a
/// resource, which gives the construct path.
pub(crate) fn from_check(stack: &Stack, diagnostic: &checks::Diagnostic) -> Problem {
    Problem {
        severity: diagnostic.severity,
        stack: stack.name.clone(),
        construct: construct_at(stack, &diagnostic.path),
        path: diagnostic.path.clone(),
        rule: None,
        message: diagnostic.message.clone(),
    }
}

/// A rule's unsuppressed finding; informational ones are left out (they never fail a stack).
pub(crate) fn from_rule(stack: &Stack, finding: &rules::Finding) -> Option<Problem> {
    let severity = match finding.level() {
        rules::Level::Error => Severity::Error,
        rules::Level::Warning => Severity::Warning,
        rules::Level::Info => return None,
    };
    const ATTRIBUTES: [&str; 4] = [
        "DeletionPolicy",
        "UpdateReplacePolicy",
        "DependsOn",
        "Condition",
    ];
    let path = match (&finding.resource, &finding.property) {
        (Some(resource), Some(property)) if ATTRIBUTES.contains(&property.as_str()) => {
            format!("Resources.{resource}.{property}")
        }
        (Some(resource), Some(property)) => format!("Resources.{resource}.Properties.{property}"),
        (Some(resource), None) => format!("Resources.{resource}"),
        _ => String::new(),
    };
    Some(Problem {
        severity,
        stack: stack.name.clone(),
        construct: construct_at(stack, &path),
        path,
        rule: Some(finding.rule.id.to_string()),
        message: finding.message.clone(),
    })
}

/// The template checks of one stack, as `synth` runs them for a stack file: the template, the
/// region's resource types, the rendered body's size.
pub(crate) fn check_template(stack: &Stack) -> Vec<Problem> {
    let mut report = checks::check(&stack.template);
    if let Some(region) = &stack.region {
        report
            .diagnostics
            .extend(checks::check_region(&stack.template, region));
    }
    report
        .diagnostics
        .iter()
        .map(|d| from_check(stack, d))
        .collect()
}

/// The body size check of a rendered template.
pub(crate) fn check_body(stack: &Stack, bytes: usize) -> Option<Problem> {
    checks::check_body_size(bytes).map(|d| from_check(stack, &d))
}

/// The rules with the stack's suppressions.
pub(crate) fn check_rules(stack: &Stack) -> Result<Vec<Problem>, AppError> {
    let report = rules::check(&stack.template, &stack.suppressions).map_err(|source| {
        AppError::Suppression {
            stack: stack.name.clone(),
            source,
        }
    })?;
    Ok(report
        .active()
        .filter_map(|finding| from_rule(stack, finding))
        .collect())
}

fn construct_at(stack: &Stack, path: &str) -> Option<String> {
    let logical_id = path.strip_prefix("Resources.")?.split('.').next()?;
    Some(stack.tree.construct_path(&stack.name, logical_id))
}

impl Stack {
    /// Adds the cache construct ([`ValkeyCache`]) under the scope `id`: its resources get logical
    /// IDs from the scope's path (`BandupRedis`, `BandupRedisSecurityGroup`,
    /// `BandupRedisSubnetGroup` for the ID `bandup-redis` or `BandupRedis` at the top of the
    /// stack, the IDs a stack file gives the same cache). Errors in the props are an
    /// [`AppError::Construct`]; warnings are reported when the app is synthesized.
    pub fn add_cache(&mut self, id: &str, props: &CacheProps) -> Result<ValkeyCache, AppError> {
        let (path, (built, findings)) =
            self.scope_with_path(id, |stack| Ok(ValkeyCache::add(stack, props)))?;
        let problems: Vec<Problem> = findings
            .iter()
            .map(|finding| from_construct(&self.name, &path, finding))
            .collect();
        match built {
            Some(cache) if !problems.iter().any(Problem::is_error) => {
                self.tree.warnings.extend(problems);
                Ok(cache)
            }
            _ => Err(AppError::Construct {
                stack: self.name.clone(),
                path,
                problems,
            }),
        }
    }
}

fn from_construct(stack: &str, path: &str, finding: &constructs::Finding) -> Problem {
    Problem {
        severity: finding.severity,
        stack: stack.to_string(),
        construct: Some(path.to_string()),
        path: finding.field.clone(),
        rule: None,
        message: finding.message.clone(),
    }
}

/// Warnings the constructs of a stack reported when they were added.
pub(crate) fn construct_warnings(tree: &Tree) -> impl Iterator<Item = &Problem> {
    tree.warnings.iter()
}
