//! The report for scripts. Field names are stable:
//! `{summary: {errors, warnings, infos, suppressed, fails, fails_strict},
//!   findings: [{rule, level, resource, property, message, title, why, fix, controls,
//!               suppressed, reason}],
//!   unused_suppressions: [{rule, resource, reason}]}`.

use serde_json::{Value, json};

use super::super::Report;

pub fn json(report: &Report) -> Value {
    let findings: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            json!({
                "rule": f.rule.id,
                "level": f.rule.level.name(),
                "resource": f.resource,
                "property": f.property,
                "message": f.message,
                "title": f.rule.title,
                "why": f.rule.why,
                "fix": f.rule.fix,
                "controls": f.rule.controls,
                "suppressed": f.is_suppressed(),
                "reason": f.suppressed,
            })
        })
        .collect();
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
