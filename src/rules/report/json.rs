//! The report for scripts. Field names are stable:
//! `{summary: {errors, warnings, infos, suppressed, fails, fails_strict},
//!   findings: [{rule, level, resource, property, path, message, title, why, fix, controls,
//!               suppressed, reason}],
//!   unused_suppressions: [{rule, resource, reason}]}`;
//! each finding is a [`Diagnostic`](crate::diagnostic::Diagnostic)'s JSON.

use serde_json::{Value, json};

use super::super::Report;

pub fn json(report: &Report) -> Value {
    let findings: Vec<Value> = report.findings.iter().map(|f| f.to_json()).collect();
    json!({
        "summary": {
            "errors": report.errors().count(),
            "warnings": report.warnings().count(),
            "infos": report.infos().count(),
            "suppressed": report.suppressed().count(),
            "fails": report.fails(false),
            "fails_strict": report.fails(true),
        },
        "findings": findings,
        "unused_suppressions": report.unused_suppressions,
    })
}
