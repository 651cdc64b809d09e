//! Suppressions: a rule switched off for one resource or the whole stack, always with a reason
//! that the report and the template's metadata show.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::registry;
use crate::diagnostic::Diagnostic;
use crate::template::{Template, Value};

/// A rule switched off for a resource, or for the whole stack, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Suppression {
    /// A rule ID: `CF-EC-005`.
    pub rule: String,
    /// The resource's logical ID; `None` suppresses the rule for the whole stack.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    pub reason: String,
}

/// A suppression [`check`](super::check) refuses; `index` is its position in the list given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SuppressionError {
    #[error("suppression of {rule} {} has no reason", Scope(resource))]
    NoReason {
        index: usize,
        rule: String,
        resource: Option<String>,
    },
    #[error("suppression of unknown rule {rule}{}", DidYouMean(suggestion))]
    UnknownRule {
        index: usize,
        rule: String,
        suggestion: Option<String>,
    },
    #[error(
        "suppression of {rule} for resource {resource}, which the template does not have{}",
        DidYouMean(suggestion)
    )]
    UnknownResource {
        index: usize,
        rule: String,
        resource: String,
        suggestion: Option<String>,
    },
}

impl SuppressionError {
    /// The position of the refused suppression in the list given to `check`.
    pub fn index(&self) -> usize {
        match self {
            SuppressionError::NoReason { index, .. }
            | SuppressionError::UnknownRule { index, .. }
            | SuppressionError::UnknownResource { index, .. } => *index,
        }
    }
}

struct Scope<'a>(&'a Option<String>);

impl fmt::Display for Scope<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(resource) => write!(f, "for resource {resource}"),
            None => f.write_str("for the whole stack"),
        }
    }
}

struct DidYouMean<'a>(&'a Option<String>);

impl fmt::Display for DidYouMean<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(suggestion) => write!(f, " (did you mean {suggestion}?)"),
            None => Ok(()),
        }
    }
}

/// The closest candidate, if it is close enough to be a typo.
fn closest<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<String> {
    candidates
        .map(|c| (strsim::levenshtein(word, c), c))
        .filter(|(distance, c)| *distance <= 2.max(c.len() / 3))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, c)| c.to_string())
}

pub(super) fn validate(
    template: &Template,
    suppressions: &[Suppression],
) -> Result<(), SuppressionError> {
    for (index, s) in suppressions.iter().enumerate() {
        if s.reason.trim().is_empty() {
            return Err(SuppressionError::NoReason {
                index,
                rule: s.rule.clone(),
                resource: s.resource.clone(),
            });
        }
        if registry::get(&s.rule).is_none() {
            return Err(SuppressionError::UnknownRule {
                index,
                rule: s.rule.clone(),
                suggestion: closest(&s.rule, registry::all().iter().map(|r| r.id)),
            });
        }
        if let Some(resource) = &s.resource
            && !template.resources.contains_key(resource)
        {
            return Err(SuppressionError::UnknownResource {
                index,
                rule: s.rule.clone(),
                resource: resource.clone(),
                suggestion: closest(resource, template.resources.keys().map(String::as_str)),
            });
        }
    }
    Ok(())
}

/// Marks the findings the suppressions cover (a resource's own suppression before a stack-wide
/// one) and returns the suppressions that covered nothing.
pub(super) fn apply(findings: &mut [Diagnostic], suppressions: &[Suppression]) -> Vec<Suppression> {
    let mut used = vec![false; suppressions.len()];
    for finding in findings.iter_mut() {
        let covers = |s: &Suppression, for_resource: bool| {
            finding.rule_id() == Some(s.rule.as_str())
                && match &s.resource {
                    Some(resource) => {
                        for_resource && finding.location.resource() == Some(resource.as_str())
                    }
                    None => !for_resource,
                }
        };
        let chosen = suppressions
            .iter()
            .position(|s| covers(s, true))
            .or_else(|| suppressions.iter().position(|s| covers(s, false)));
        if let Some(i) = chosen {
            used[i] = true;
            finding.suppressed = Some(suppressions[i].reason.clone());
        }
    }
    suppressions
        .iter()
        .zip(used)
        .filter(|(_, used)| !used)
        .map(|(s, _)| s.clone())
        .collect()
}

/// What the template's `Metadata` section should carry so that a reviewer sees the
/// suppressions: `{"cfnforge": {"suppressions": [{"rule", "resource", "reason"}]}}`.
pub fn metadata(suppressions: &[Suppression]) -> Value {
    Value::from_json(serde_json::json!({ "cfnforge": { "suppressions": suppressions } }))
}
