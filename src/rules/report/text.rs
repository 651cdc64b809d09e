//! The report for people: active findings grouped by resource, each with why and how to fix
//! it; then the suppressed ones with their reasons; then a summary line.

use std::fmt::Write;

use super::super::Report;
use super::{place, plural};
use crate::diagnostic::Diagnostic;

pub fn text(report: &Report) -> String {
    if report.findings.is_empty() && report.unused_suppressions.is_empty() {
        return "No findings.\n".to_string();
    }
    let mut out = String::new();
    let mut active: Vec<&Diagnostic> = report.active().collect();
    // Keep the resources' order; within a resource, errors first.
    let mut groups: Vec<Option<&str>> = Vec::new();
    for finding in &active {
        if !groups.contains(&finding.location.resource()) {
            groups.push(finding.location.resource());
        }
    }
    active.sort_by_key(|f| {
        let group = groups.iter().position(|g| *g == f.location.resource());
        (group, f.severity)
    });
    // Findings come grouped by resource: start a heading whenever the resource changes.
    let mut current: Option<Option<&str>> = None;
    for finding in &active {
        let resource = finding.location.resource();
        if current != Some(resource) {
            if current.is_some() {
                out.push('\n');
            }
            let _ = writeln!(out, "{}", resource.unwrap_or("Stack"));
            current = Some(resource);
        }
        let at = match (finding.location.property(), stack_file(finding)) {
            (Some(p), Some(key)) => format!(" {key} ({p})"),
            (None, Some(key)) => format!(" {key}"),
            (Some(p), None) => format!(" ({p})"),
            (None, None) => String::new(),
        };
        let _ = writeln!(
            out,
            "  {}{}{at}: {}",
            finding.severity,
            rule_id(finding),
            finding.message
        );
        if let Some(rule) = finding.rule {
            let _ = writeln!(out, "    why: {}", rule.why);
            let _ = writeln!(out, "    fix: {}", finding.fix().unwrap_or(rule.fix));
        }
    }
    let suppressed: Vec<&Diagnostic> = report.suppressed().collect();
    if !suppressed.is_empty() {
        if !active.is_empty() {
            out.push('\n');
        }
        out.push_str("Suppressed\n");
        for finding in suppressed {
            let from = stack_file(finding).map_or(String::new(), |key| format!(" ({key})"));
            let _ = writeln!(
                out,
                "  {}{} {}{from}: {}",
                finding.severity,
                rule_id(finding),
                place(finding),
                finding.message
            );
            let _ = writeln!(
                out,
                "    reason: {}",
                finding.suppressed.as_deref().unwrap_or_default()
            );
        }
    }
    if !report.unused_suppressions.is_empty() {
        if !report.findings.is_empty() {
            out.push('\n');
        }
        out.push_str("Suppressions that match no finding\n");
        for s in &report.unused_suppressions {
            let _ = writeln!(
                out,
                "  {} {}: {}",
                s.rule,
                s.resource.as_deref().unwrap_or("(whole stack)"),
                s.reason
            );
        }
    }
    let _ = writeln!(
        out,
        "\n{}, {}, {}; {}",
        plural(report.errors().count(), "error", "errors"),
        plural(report.warnings().count(), "warning", "warnings"),
        plural(report.infos().count(), "info", "info"),
        plural(report.suppressed().count(), "suppressed", "suppressed"),
    );
    out
}

/// ` CF-EC-005`: the rule's ID after a space, for a finding of a rule.
fn rule_id(finding: &Diagnostic) -> String {
    finding
        .rule_id()
        .map_or(String::new(), |id| format!(" {id}"))
}

/// The stack-file key a finding comes from, with its line: `cache.replicas, line 16`.
fn stack_file(finding: &Diagnostic) -> Option<String> {
    let origin = finding.origin.as_ref()?;
    Some(format!("{}, line {}", origin.key, origin.position.line))
}
