//! Assertions for tests of stacks, in the style of the CDK's `assertions` module: a
//! [`Template`] taken from a stack, an app or JSON; patterns written with `serde_json::json!`,
//! in which [`Match`] matchers and [`Capture`]s can stand anywhere.
//!
//! Patterns match deep and partially: an object matches when it has at least the pattern's
//! keys, each matching; a list matches item by item and must have as many items (use
//! [`Match::array_with`] for "contains"). The assertions panic, as `assert!` does, with the
//! closest candidate and its first difference.
//!
//! ```
//! use cfnforge::assertions::{Capture, Match, Template};
//! use cfnforge::constructs::Stack;
//! use cfnforge::resources::ec2;
//! use serde_json::json;
//!
//! let mut stack = Stack::new("network").tag("project", "bandup");
//! stack.add("Backend", ec2::SecurityGroup::new("bandup backend").group_name("backend"))?;
//!
//! let template = Template::from_stack(&stack);
//! template.resource_count_is("AWS::EC2::SecurityGroup", 1);
//! let name = Capture::new();
//! template.has_resource_properties(
//!     "AWS::EC2::SecurityGroup",
//!     json!({
//!         "GroupName": name,
//!         "Tags": Match::array_with(json!([{"Key": "project", "Value": "bandup"}])),
//!         "VpcId": Match::absent(),
//!     }),
//! );
//! assert_eq!(name.as_string(), "backend");
//! # Ok::<(), cfnforge::app::AppError>(())
//! ```
//!
//! A pattern that matches nothing fails with the closest resource:
//!
//! ```should_panic
//! # use cfnforge::assertions::Template;
//! # use serde_json::json;
//! let template = Template::from_json(r#"{"Resources": {"Cache": {
//!     "Type": "AWS::ElastiCache::ReplicationGroup", "Properties": {"Engine": "valkey"}}}}"#)
//!     .unwrap();
//! // panics: "... the closest is Cache, at /Engine: expected \"redis\", found \"valkey\" ..."
//! template.has_resource_properties("AWS::ElastiCache::ReplicationGroup", json!({"Engine": "redis"}));
//! ```

mod matcher;

use std::fmt::Write;

use indexmap::IndexMap;
use serde_json::{Value as Json, json};

pub use matcher::{Capture, Match};

use crate::app::{self, App, AppError};
use crate::constructs::Stack;
use matcher::{Mismatch, Outcome, matches, shown};

/// A template to make assertions on, held as the JSON it renders to.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    json: Json,
}

impl Template {
    /// The stack's template as synthesis leaves it, as far as the stack alone decides it (its
    /// tags on every taggable resource, its suppressions in the `Metadata`); exports that other
    /// stacks' imports add appear with [`Template::from_app`].
    pub fn from_stack(stack: &Stack) -> Template {
        let template = app::finished(stack);
        Template {
            // A template always serializes.
            json: serde_json::to_value(&template).unwrap_or(Json::Null),
        }
    }

    /// A stack's template from the app's synthesis, exports for the other stacks included.
    /// Fails as [`App::synth`] fails, and on a stack the app does not have.
    pub fn from_app(app: &App, stack: &str) -> Result<Template, AppError> {
        let assembly = app.synth()?;
        let text = assembly
            .stack(stack)
            .and_then(|artifact| assembly.template(artifact))
            .ok_or_else(|| AppError::NoSuchStack(stack.to_string()))?;
        Ok(Template {
            json: serde_json::from_str(text).unwrap_or(Json::Null),
        })
    }

    /// A template from its JSON text (an assembly's, say).
    pub fn from_json(text: &str) -> Result<Template, serde_json::Error> {
        Ok(Template {
            json: serde_json::from_str(text)?,
        })
    }

    /// The whole template.
    pub fn to_json(&self) -> &Json {
        &self.json
    }

    fn section(&self, name: &str) -> impl Iterator<Item = (&String, &Json)> {
        self.json
            .get(name)
            .and_then(Json::as_object)
            .into_iter()
            .flatten()
    }

    fn resources_of<'a>(
        &'a self,
        type_name: &'a str,
    ) -> impl Iterator<Item = (&'a String, &'a Json)> {
        self.section("Resources")
            .filter(move |(_, r)| r.get("Type").and_then(Json::as_str) == Some(type_name))
    }

    /// Asserts how many resources of the type the template has.
    ///
    /// # Panics
    /// When the number differs.
    pub fn resource_count_is(&self, type_name: &str, count: usize) {
        let found: Vec<&String> = self.resources_of(type_name).map(|(id, _)| id).collect();
        assert!(
            found.len() == count,
            "expected {count} resource{} of type {type_name}, found {}: {}",
            if count == 1 { "" } else { "s" },
            found.len(),
            if found.is_empty() {
                self.type_summary()
            } else {
                join(&found)
            }
        );
    }

    /// Asserts that a resource of the type has properties matching the pattern.
    ///
    /// # Panics
    /// When none has, naming the closest and its first difference.
    pub fn has_resource_properties(&self, type_name: &str, properties: Json) {
        let candidates = self.resources_of(type_name).map(|(id, r)| {
            (
                id,
                r.get("Properties").cloned().unwrap_or_else(|| json!({})),
            )
        });
        self.assert_some(
            &format!("resource of type {type_name}"),
            &properties,
            candidates,
        );
    }

    /// Asserts that a resource of the type matches the pattern as a whole (`Properties`,
    /// `DeletionPolicy`, `DependsOn`, ...).
    ///
    /// # Panics
    /// When none does, naming the closest and its first difference.
    pub fn has_resource(&self, type_name: &str, resource: Json) {
        let candidates = self.resources_of(type_name).map(|(id, r)| (id, r.clone()));
        self.assert_some(
            &format!("resource of type {type_name}"),
            &resource,
            candidates,
        );
    }

    /// The resources of the type that match the pattern as a whole (`json!({})` for all), by
    /// logical ID.
    pub fn find_resources(&self, type_name: &str, resource: Json) -> IndexMap<String, Json> {
        find(self.resources_of(type_name), &resource)
    }

    /// Asserts that the output `logical_id` (`"*"`: any output) matches the pattern
    /// (`Value`, `Export`, `Description`).
    ///
    /// # Panics
    /// When none does, naming the closest and its first difference.
    pub fn has_output(&self, logical_id: &str, output: Json) {
        let candidates = self
            .section("Outputs")
            .filter(|(id, _)| logical_id == "*" || *id == logical_id)
            .map(|(id, o)| (id, o.clone()));
        let what = if logical_id == "*" {
            "output".to_string()
        } else {
            format!("output {logical_id}")
        };
        self.assert_some(&what, &output, candidates);
    }

    /// The outputs (`"*"`: all, or the one named) that match the pattern, by logical ID.
    pub fn find_outputs(&self, logical_id: &str, output: Json) -> IndexMap<String, Json> {
        let outputs = self
            .section("Outputs")
            .filter(|(id, _)| logical_id == "*" || *id == logical_id);
        find(outputs, &output)
    }

    /// Asserts that the whole template matches the pattern.
    ///
    /// # Panics
    /// When it does not, with the first difference.
    pub fn template_matches(&self, pattern: Json) {
        let outcome = matches(&pattern, Some(&self.json), true);
        if let Some(first) = outcome.mismatches.first() {
            panic!(
                "the template does not match: {} difference(s), the first at {}: {}",
                outcome.mismatches.len(),
                first.path,
                first.message
            );
        }
        outcome.commit();
    }

    /// Passes when at least one candidate matches (their captures are kept); panics with the
    /// closest otherwise.
    fn assert_some<'a>(
        &self,
        what: &str,
        pattern: &Json,
        candidates: impl Iterator<Item = (&'a String, Json)>,
    ) {
        let mut closest: Option<(&String, Json, Vec<Mismatch>)> = None;
        let mut count = 0;
        let mut matched = false;
        for (id, candidate) in candidates {
            count += 1;
            let outcome: Outcome = matches(pattern, Some(&candidate), true);
            if outcome.matched() {
                matched = true;
                outcome.commit();
                continue;
            }
            let better = closest
                .as_ref()
                .is_none_or(|(_, _, best)| outcome.mismatches.len() < best.len());
            if better {
                closest = Some((id, candidate, outcome.mismatches));
            }
        }
        if matched {
            return;
        }
        let Some((id, candidate, mismatches)) = closest else {
            panic!(
                "expected a {what} matching {}, but the template has none: {}",
                shown(pattern),
                self.type_summary()
            );
        };
        let mut message = format!(
            "expected a {what} matching {}; {count} {} none matches; the closest is {id}, at {}: {}",
            shown(pattern),
            if count == 1 {
                "has the type but"
            } else {
                "have the type but"
            },
            mismatches[0].path,
            mismatches[0].message
        );
        if mismatches.len() > 1 {
            let _ = write!(message, " ({} differences in all)", mismatches.len());
        }
        let pretty = serde_json::to_string_pretty(&candidate).unwrap_or_default();
        let _ = write!(message, "\n{id}:\n{pretty}");
        panic!("{message}");
    }

    /// The types the template has, with how many of each, for messages.
    fn type_summary(&self) -> String {
        let mut counts: IndexMap<&str, usize> = IndexMap::new();
        for (_, resource) in self.section("Resources") {
            let type_name = resource.get("Type").and_then(Json::as_str).unwrap_or("?");
            *counts.entry(type_name).or_default() += 1;
        }
        if counts.is_empty() {
            return "it has no resources".to_string();
        }
        let types: Vec<String> = counts.iter().map(|(t, n)| format!("{t} ({n})")).collect();
        format!("it has {}", types.join(", "))
    }
}

fn find<'a>(
    candidates: impl Iterator<Item = (&'a String, &'a Json)>,
    pattern: &Json,
) -> IndexMap<String, Json> {
    let mut found = IndexMap::new();
    for (id, candidate) in candidates {
        let outcome = matches(pattern, Some(candidate), true);
        if outcome.matched() {
            outcome.commit();
            found.insert(id.clone(), candidate.clone());
        }
    }
    found
}

fn join(ids: &[&String]) -> String {
    ids.iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests;
