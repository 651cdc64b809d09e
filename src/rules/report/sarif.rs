//! SARIF 2.1.0 for code-scanning tools: one run, every rule in `tool.driver.rules`, one result
//! per finding located in the stack file and at the resource's logical ID; suppressed findings
//! carry an `inSource` suppression with the reason as justification.

use std::collections::HashMap;

use serde_json::{Value, json};

use super::super::{Level, Report, registry};
use crate::diagnostic::{Diagnostic, Location};

const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

fn level(level: Level) -> &'static str {
    match level {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Info => "note",
    }
}

/// The SARIF log of a report. `artifact_uri` is the stack file (or template) the findings are
/// reported against; `lines` optionally maps a resource's logical ID to its line in that file.
pub fn sarif(report: &Report, artifact_uri: &str, lines: Option<&HashMap<String, usize>>) -> Value {
    let rules: Vec<Value> = registry::all()
        .iter()
        .map(|rule| {
            json!({
                "id": rule.id,
                "shortDescription": {"text": rule.title},
                "fullDescription": {"text": rule.why},
                "help": {"text": rule.fix},
                "defaultConfiguration": {"level": level(rule.level)},
                "properties": {"controls": rule.controls, "level": rule.level.name()},
            })
        })
        .collect();
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|finding| result(finding, artifact_uri, lines))
        .collect();
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "cfnforge",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "results": results,
        }],
    })
}

/// The SARIF result of a diagnostic: its rule (when a rule found it), level and message; where
/// it is in the artifact (a stack-file position: its own or that of the key its property comes
/// from, or else the line `lines` gives for its resource) and
/// in the template (the logical location); a suppression with its reason.
fn result(
    finding: &Diagnostic,
    artifact_uri: &str,
    lines: Option<&HashMap<String, usize>>,
) -> Value {
    let mut physical = json!({"artifactLocation": {"uri": artifact_uri}});
    let resource = finding.location.resource();
    let line = resource.and_then(|r| lines.and_then(|lines| lines.get(r)));
    if let Some(position) = finding.position() {
        physical["region"] = json!({"startLine": position.line, "startColumn": position.column});
    } else if let Some(line) = line {
        physical["region"] = json!({"startLine": line});
    }
    let mut location = json!({"physicalLocation": physical});
    if let (Some(resource), Location::Template { path, .. }) = (resource, &finding.location) {
        location["logicalLocations"] = json!([{
            "name": resource,
            "fullyQualifiedName": path,
            "kind": "resource",
        }]);
    }
    let mut result = json!({});
    if let Some(rule) = finding.rule {
        result["ruleId"] = json!(rule.id);
        if let Some(index) = registry::all().iter().position(|r| r.id == rule.id) {
            result["ruleIndex"] = json!(index);
        }
    }
    result["level"] = json!(level(finding.severity));
    result["message"] = json!({"text": finding.message});
    result["locations"] = json!([location]);
    if let Some(origin) = &finding.origin {
        // The stack-file key that produced the property, and the fix in its terms.
        result["properties"] = json!({"key": origin.key, "fix": finding.fix()});
    }
    if let Some(reason) = &finding.suppressed {
        result["suppressions"] = json!([{"kind": "inSource", "justification": reason}]);
    }
    result
}
