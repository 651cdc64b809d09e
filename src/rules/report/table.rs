//! The rule table for the README, generated from the registry so that it cannot drift.

use super::super::registry;

/// A Markdown table: ID, level, what the rule checks, why it matters, mapped controls.
pub fn markdown_table() -> String {
    let cell = |text: &str| text.replace('|', "\\|");
    let mut out =
        String::from("| ID | Level | What | Why | Controls |\n| --- | --- | --- | --- | --- |\n");
    for rule in registry::all() {
        let controls = if rule.controls.is_empty() {
            "–".to_string()
        } else {
            rule.controls.join(", ")
        };
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            rule.id,
            rule.level,
            cell(rule.title),
            cell(rule.why),
            controls
        ));
    }
    out
}
