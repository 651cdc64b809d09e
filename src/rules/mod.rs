//! Best-practice and security rules for templates, with suppressions that carry a reason.
//!
//! Rules judge the typed template model, so they apply to stacks built in Rust as much as to
//! stack files. Each [`Rule`] has a stable ID, a [`Level`], what it checks, why it matters, how to
//! fix it, and the published controls it corresponds to (AWS Security Hub, cdk-nag's
//! AwsSolutions pack, Checkov).
//!
//! Rule IDs are `CF-<AREA>-<NNN>`: `EC` ElastiCache, `SG` security groups, `DATA` stateful
//! resources keeping their data. In `EC`, `0NN` are best practices and `1NN` constraints that
//! CloudFormation accepts but ElastiCache rejects at deploy time. An ID is never reused.
//!
//! Rules read literals. A property given by an intrinsic function (`Ref`, `Fn::If`, ...) or a
//! dynamic reference (`{{resolve:...}}`) is unknown until deploy time and trips no rule about
//! its value.
//!
//! The rules do no I/O and never print: [`check`] returns a [`Report`], and the reporters
//! ([`text`], [`json`], [`sarif`], [`markdown_table`]) turn it into text or JSON for the caller.

mod constraints;
mod context;
mod data;
mod elasticache;
mod network;
mod props;
mod registry;
mod report;
mod suppress;
#[cfg(test)]
mod tests;

use crate::diagnostic::{Diagnostic, Location};
use crate::template::Template;

pub use registry::{all, get};
pub use report::{json, markdown_table, sarif, text};
pub use suppress::{Suppression, SuppressionError, metadata};

use context::Context;

/// How serious a finding is: the one severity of every [`Diagnostic`]. `Error`: ElastiCache would
/// reject the stack at deploy time, or it is insecure enough that it must not deploy without a
/// suppression that says why; `Warning`: deployable, but against a best practice, fails
/// `--strict`; `Info`: worth knowing, never fails a check.
pub use crate::diagnostic::Severity as Level;

/// A rule: what it checks, why, how to fix a finding, and the published controls it matches.
#[derive(Debug)]
pub struct Rule {
    /// Stable: `CF-EC-001`.
    pub id: &'static str,
    pub level: Level,
    /// What the rule checks, stated as the good state.
    pub title: &'static str,
    pub why: &'static str,
    pub fix: &'static str,
    /// Security Hub (`ElastiCache.4`), cdk-nag (`AwsSolutions-AEC3`) and Checkov (`CKV_AWS_29`)
    /// controls that check the same thing.
    pub controls: &'static [&'static str],
    check: fn(&Context<'_>, &mut Vec<Hit>),
}

/// Rules are the same when their IDs are.
impl PartialEq for Rule {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

impl Eq for Rule {}

/// What a rule's check found, before the rule and suppressions are attached.
#[derive(Debug)]
struct Hit {
    resource: Option<String>,
    property: Option<String>,
    message: String,
}

impl Hit {
    /// A finding about one property (or resource attribute) of a resource.
    fn at(resource: &str, property: impl Into<String>, message: impl Into<String>) -> Hit {
        Hit {
            resource: Some(resource.to_string()),
            property: Some(property.into()),
            message: message.into(),
        }
    }

    /// A finding about a resource as a whole.
    fn on(resource: &str, message: impl Into<String>) -> Hit {
        Hit {
            resource: Some(resource.to_string()),
            property: None,
            message: message.into(),
        }
    }
}

/// Everything the rules found, suppressed findings included.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// In the template's resource order (stack-wide findings last), then in rule order; each
    /// with its `rule` set.
    pub findings: Vec<Diagnostic>,
    /// Suppressions that matched no finding: the stack changed, or the suppression is stale.
    pub unused_suppressions: Vec<Suppression>,
}

impl Report {
    /// Findings not covered by a suppression.
    pub fn active(&self) -> impl Iterator<Item = &Diagnostic> {
        self.findings.iter().filter(|f| !f.is_suppressed())
    }

    /// Findings covered by a suppression, with its reason in `suppressed`.
    pub fn suppressed(&self) -> impl Iterator<Item = &Diagnostic> {
        self.findings.iter().filter(|f| f.is_suppressed())
    }

    /// Unsuppressed errors.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.active_at(Level::Error)
    }

    /// Unsuppressed warnings.
    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.active_at(Level::Warning)
    }

    /// Unsuppressed informational findings.
    pub fn infos(&self) -> impl Iterator<Item = &Diagnostic> {
        self.active_at(Level::Info)
    }

    /// Whether the check fails: any unsuppressed error; with `strict`, any unsuppressed warning
    /// too. Informational findings never fail it.
    pub fn fails(&self, strict: bool) -> bool {
        self.errors().next().is_some() || (strict && self.warnings().next().is_some())
    }

    fn active_at(&self, level: Level) -> impl Iterator<Item = &Diagnostic> {
        self.active().filter(move |f| f.severity == level)
    }
}

/// Runs every rule on the template and applies the suppressions. Fails, before any rule runs,
/// on a suppression without a reason, for an unknown rule or for a resource the template does
/// not have.
pub fn check(
    template: &Template,
    suppressions: &[Suppression],
) -> Result<Report, SuppressionError> {
    suppress::validate(template, suppressions)?;
    let context = Context::new(template);
    let mut findings = Vec::new();
    for rule in all() {
        let mut hits = Vec::new();
        (rule.check)(&context, &mut hits);
        findings.extend(hits.into_iter().map(|hit| {
            let location = match &hit.resource {
                Some(resource) => Location::in_resource(resource, hit.property.as_deref()),
                None => Location::template(hit.property.unwrap_or_default()),
            };
            Diagnostic::of_rule(rule, location, hit.message)
        }));
    }
    // Group by resource in template order; the sort is stable, so rule order stays within.
    let position = |f: &Diagnostic| {
        f.location
            .resource()
            .and_then(|r| template.resources.get_index_of(r))
            .unwrap_or(usize::MAX)
    };
    findings.sort_by_key(position);
    let unused_suppressions = suppress::apply(&mut findings, suppressions);
    Ok(Report {
        findings,
        unused_suppressions,
    })
}
