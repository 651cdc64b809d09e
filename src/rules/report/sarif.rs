//! SARIF 2.1.0 for code-scanning tools: one run, every rule in `tool.driver.rules`, one result
//! per finding located in the stack file and at the resource's logical ID; suppressed findings
//! carry an `inSource` suppression with the reason as justification.

use std::collections::HashMap;

use serde_json::{Value, json};

use super::super::{Finding, Level, Report, registry};

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

fn result(finding: &Finding, artifact_uri: &str, lines: Option<&HashMap<String, usize>>) -> Value {
    let mut physical = json!({"artifactLocation": {"uri": artifact_uri}});
    let line = finding
        .resource
        .as_ref()
        .and_then(|r| lines.and_then(|lines| lines.get(r)));
    if let Some(line) = line {
        physical["region"] = json!({"startLine": line});
    }
    let mut location = json!({"physicalLocation": physical});
    if let Some(resource) = &finding.resource {
        location["logicalLocations"] = json!([{
            "name": resource,
            "fullyQualifiedName": qualified_name(resource, finding.property.as_deref()),
            "kind": "resource",
        }]);
    }
    let index = registry::all()
        .iter()
        .position(|r| r.id == finding.rule.id)
        .expect("a registered rule");
    let mut result = json!({
        "ruleId": finding.rule.id,
        "ruleIndex": index,
        "level": level(finding.rule.level),
        "message": {"text": finding.message},
        "locations": [location],
    });
    if let Some(reason) = &finding.suppressed {
        result["suppressions"] = json!([{"kind": "inSource", "justification": reason}]);
    }
    result
}

/// `Resources.Cache.Properties.Port`; resource attributes sit beside `Properties`.
fn qualified_name(resource: &str, property: Option<&str>) -> String {
    match property {
        None => format!("Resources.{resource}"),
        Some(attribute @ ("DeletionPolicy" | "UpdateReplacePolicy")) => {
            format!("Resources.{resource}.{attribute}")
        }
        Some(property) => format!("Resources.{resource}.Properties.{property}"),
    }
}
