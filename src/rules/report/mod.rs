//! Reporters: the same [`Report`](super::Report) as text for people, JSON for scripts, SARIF
//! for code-scanning tools, and the rule table for the README. Pure functions: they return
//! text or JSON and print nothing.

mod json;
mod sarif;
mod table;
mod text;

pub use json::json;
pub use sarif::sarif;
pub use table::markdown_table;
pub use text::text;

use crate::diagnostic::Diagnostic;

/// Where a finding is, for people: `Cache.SnapshotRetentionLimit`, `Cache`, or `the stack`.
fn place(finding: &Diagnostic) -> String {
    match (finding.location.resource(), finding.location.property()) {
        (Some(resource), Some(property)) => format!("{resource}.{property}"),
        (Some(resource), None) => resource.to_string(),
        (None, _) => "the stack".to_string(),
    }
}

fn plural(count: usize, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}
