//! Escape hatches: a resource of any type with its properties as JSON (the CDK's
//! `CfnResource`), and overrides of any part of a resource already in the stack.
//!
//! Both are checked against the vendored schemas when the app is synthesized, like every other
//! resource: an unknown property is an error. The one exception is a property set through an
//! override that the schema does not know (AWS launched it after the schemas were vendored):
//! that is a warning, and the property goes to CloudFormation as it is.

use super::{AppError, StackDiagnostic, short};
use crate::checks::did_you_mean;
use crate::constructs::Stack;
use crate::diagnostic::{Diagnostic, Location};
use crate::resources::{self, Shape};
use crate::template::{Handle, Intrinsic, Resource, ResourceOptions, Value};

/// A resource of any type, its properties given as JSON. `Stack::add_resource` adds it.
#[derive(Debug, Clone, PartialEq)]
pub struct CfnResource {
    /// `AWS::Service::Type`.
    pub type_name: String,
    /// A JSON object (or `null` for none). Intrinsic functions are written in their long form
    /// (`{"Ref": "Name"}`).
    pub properties: serde_json::Value,
    pub options: ResourceOptions,
}

impl CfnResource {
    pub fn new(type_name: impl Into<String>, properties: serde_json::Value) -> Self {
        CfnResource {
            type_name: type_name.into(),
            properties,
            options: ResourceOptions::default(),
        }
    }

    /// Sets the resource attributes (`DependsOn`, `DeletionPolicy`, ...).
    pub fn options(mut self, options: ResourceOptions) -> Self {
        self.options = options;
        self
    }
}

impl Handle<CfnResource> {
    /// `Fn::GetAtt` of the resource. Not checked here: synthesis checks the attribute against
    /// the type's schema.
    pub fn get_att(&self, attribute: &str) -> Intrinsic {
        self.attribute(attribute)
    }
}

/// Namespaces whose types cfnforge has schemas for: a type there that it does not know is a
/// misspelling (or newer than the schemas). Other namespaces (`Custom::`, private and
/// third-party registry types) are taken as they are.
const KNOWN_NAMESPACES: [&str; 2] = ["AWS::", "Alexa::"];

impl Stack {
    /// Adds a resource of any type with its properties as JSON, as the child `id` of the scope
    /// being built.
    ///
    /// ```
    /// use cfnforge::app::CfnResource;
    /// use cfnforge::constructs::Stack;
    /// use serde_json::json;
    ///
    /// let mut stack = Stack::new("queues");
    /// let queue = stack.add_resource(
    ///     "Jobs",
    ///     CfnResource::new("AWS::SQS::Queue", json!({"VisibilityTimeout": 120})),
    /// )?;
    /// assert_eq!(queue.logical_id(), "Jobs");
    /// assert!(stack.add_resource("Bad", CfnResource::new("AWS::SQS::Queu", json!({}))).is_err());
    /// # Ok::<(), cfnforge::app::AppError>(())
    /// ```
    pub fn add_resource(
        &mut self,
        id: &str,
        resource: CfnResource,
    ) -> Result<Handle<CfnResource>, AppError> {
        let at = self.display_path(&self.child_path(id)?);
        let type_name = &resource.type_name;
        if resources::type_info(type_name).is_none()
            && KNOWN_NAMESPACES.iter().any(|ns| type_name.starts_with(ns))
        {
            let names = resources::all_types().iter().map(|t| t.type_name);
            return Err(AppError::UnknownType {
                stack: self.name.clone(),
                path: at.clone(),
                type_name: type_name.clone(),
                hint: did_you_mean(type_name, names),
            });
        }
        let properties = match Value::from_json(resource.properties) {
            Value::Map(map) => map,
            Value::Null => Default::default(),
            other => {
                return Err(AppError::PropertiesNotAnObject {
                    stack: self.name.clone(),
                    path: at.clone(),
                    got: kind(&other),
                });
            }
        };
        let logical_id = self.claim(id)?;
        self.template.add_resource(
            logical_id.clone(),
            Resource {
                type_name: resource.type_name,
                properties,
                options: resource.options,
            },
        );
        Ok(Handle::new(logical_id))
    }

    /// Sets any part of a resource already in the stack, by a dotted path from the resource's
    /// top: `Properties.A.B`, `DeletionPolicy`, `Metadata.x`. Objects on the way are created;
    /// a number steps into a list; `\.` is a dot inside a key. A property the vendored schema
    /// does not know is allowed this way only, with a warning at synthesis.
    pub fn add_override(
        &mut self,
        logical_id: &str,
        path: &str,
        value: impl Into<Value>,
    ) -> Result<(), AppError> {
        let value = serde_json::to_value(value.into())
            .map_err(|e| self.override_error(logical_id, path, e.to_string()))?;
        self.apply_override(logical_id, path, Some(value))
    }

    /// [`Stack::add_override`] below `Properties`: `add_property_override(id, "A.B", v)`.
    pub fn add_property_override(
        &mut self,
        logical_id: &str,
        path: &str,
        value: impl Into<Value>,
    ) -> Result<(), AppError> {
        self.add_override(logical_id, &format!("Properties.{path}"), value)
    }

    /// Removes any part of a resource by the same paths as [`Stack::add_override`]; removing
    /// what is not there does nothing.
    pub fn add_deletion_override(&mut self, logical_id: &str, path: &str) -> Result<(), AppError> {
        self.apply_override(logical_id, path, None)
    }

    fn override_error(&self, logical_id: &str, path: &str, why: String) -> AppError {
        AppError::Override {
            stack: self.name.clone(),
            logical_id: logical_id.to_string(),
            path: path.to_string(),
            why,
        }
    }

    fn apply_override(
        &mut self,
        logical_id: &str,
        path: &str,
        value: Option<serde_json::Value>,
    ) -> Result<(), AppError> {
        let Some(resource) = self.template.resources.get(logical_id) else {
            return Err(AppError::UnknownResource {
                stack: self.name.clone(),
                logical_id: logical_id.to_string(),
                what: format!("override {path}"),
                hint: did_you_mean(
                    logical_id,
                    self.template.resources.keys().map(String::as_str),
                ),
            });
        };
        let parts = split_path(path);
        let changed = overridden(resource, &parts, value)
            .map_err(|why| self.override_error(logical_id, path, why))?;
        self.template
            .resources
            .insert(logical_id.to_string(), changed);
        if parts.first().map(String::as_str) == Some("Properties") && parts.len() > 1 {
            self.tree
                .overrides
                .push((logical_id.to_string(), path.to_string()));
        }
        Ok(())
    }
}

/// A path's parts: split at dots, `\.` being a dot inside a part.
fn split_path(path: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut part = String::new();
    let mut chars = path.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'.') => {
                part.push('.');
                chars.next();
            }
            '.' => parts.push(std::mem::take(&mut part)),
            c => part.push(c),
        }
    }
    parts.push(part);
    parts
}

/// The resource with the override applied (`None`: removed), read back as CloudFormation
/// would: an attribute that is not a resource attribute is refused.
fn overridden(
    resource: &Resource,
    parts: &[String],
    value: Option<serde_json::Value>,
) -> Result<Resource, String> {
    if parts.iter().any(String::is_empty) {
        return Err("the path has an empty part".to_string());
    }
    if parts.first().map(String::as_str) == Some("Type") {
        return Err("the type cannot be overridden; add a resource of the other type".to_string());
    }
    let mut tree = serde_json::to_value(resource).map_err(|e| e.to_string())?;
    let Some((last, above)) = parts.split_last() else {
        return Err("the path is empty".to_string());
    };
    let mut node = &mut tree;
    for (depth, part) in above.iter().enumerate() {
        node = match node {
            serde_json::Value::Object(map) => {
                if value.is_none() && !map.contains_key(part) {
                    return Ok(resource.clone());
                }
                map.entry(part.clone())
                    .or_insert_with(|| serde_json::Value::Object(Default::default()))
            }
            serde_json::Value::Array(items) => {
                let index: usize = part.parse().map_err(|_| {
                    format!(
                        "{} is a list: \"{part}\" is not an index",
                        parts[..depth].join(".")
                    )
                })?;
                let len = items.len();
                items.get_mut(index).ok_or_else(|| {
                    format!(
                        "{} has {len} items: there is no item {index}",
                        parts[..depth].join(".")
                    )
                })?
            }
            other => {
                return Err(format!(
                    "{} is {}, not an object",
                    parts[..depth].join("."),
                    kind(&Value::from(other.clone()))
                ));
            }
        };
    }
    match (node, value) {
        (serde_json::Value::Object(map), Some(value)) => {
            map.insert(last.clone(), value);
        }
        (serde_json::Value::Object(map), None) => {
            map.shift_remove(last);
        }
        (serde_json::Value::Array(items), value) => {
            let index: usize = last.parse().map_err(|_| {
                format!("{} is a list: \"{last}\" is not an index", above.join("."))
            })?;
            let len = items.len();
            match value {
                Some(value) if index < len => items[index] = value,
                None if index < len => {
                    items.remove(index);
                }
                None => {}
                Some(_) => {
                    return Err(format!(
                        "{} has {len} items: there is no item {index}",
                        above.join(".")
                    ));
                }
            }
        }
        (other, _) => {
            return Err(format!(
                "{} is {}, not an object",
                above.join("."),
                kind(&Value::from(other.clone()))
            ));
        }
    }
    serde_json::from_value(tree).map_err(|e| e.to_string())
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::List(_) => "a list",
        Value::Map(_) => "an object",
        Value::Fn(_) => "an intrinsic function",
    }
}

/// The properties set through overrides that the vendored schemas do not know, as template
/// paths (`Resources.Id.Properties.NewThing`): the first unknown key of each override path.
pub(crate) fn unknown_overridden(stack: &Stack) -> Vec<String> {
    let mut unknown = Vec::new();
    for (logical_id, path) in &stack.tree.overrides {
        let Some(info) = stack
            .template
            .resources
            .get(logical_id)
            .and_then(|resource| resources::type_info(&resource.type_name))
        else {
            continue;
        };
        let parts = split_path(path);
        if let Some(place) = parts.get(1..).and_then(|parts| first_unknown(info, parts)) {
            unknown.push(format!("Resources.{logical_id}.Properties.{place}"));
        }
    }
    unknown.sort();
    unknown.dedup();
    unknown
}

/// The path (`A.B[0].C`) down to the first key of `parts` (below `Properties`) that the
/// type's schema does not have; `None` when the schema has them all, or leaves the place open.
fn first_unknown(info: &resources::TypeInfo, parts: &[String]) -> Option<String> {
    let (first, rest) = parts.split_first()?;
    let mut at = first.clone();
    if !info.properties.contains(&first.as_str()) {
        return Some(at);
    }
    let mut shape = match info.shape(info.root) {
        Shape::Object { properties, .. } => properties
            .iter()
            .find(|(name, _)| name == first)
            .map(|(_, shape)| *shape),
        _ => None,
    };
    for part in rest {
        shape = match info.shape(shape?) {
            Shape::Object {
                properties, open, ..
            } => {
                at.push('.');
                at.push_str(part);
                match properties.iter().find(|(name, _)| name == part) {
                    Some((_, inner)) => Some(*inner),
                    None if *open => None,
                    None => return Some(at),
                }
            }
            Shape::List(inner) if part.parse::<usize>().is_ok() => {
                at.push_str(&format!("[{part}]"));
                Some(*inner)
            }
            Shape::Map(inner) => {
                at.push('.');
                at.push_str(part);
                Some(*inner)
            }
            _ => None,
        };
    }
    None
}

/// Turns the checks' errors about properties set through overrides that the schemas do not
/// know into one warning each.
pub(crate) fn allow_overridden(stack: &Stack, problems: &mut Vec<StackDiagnostic>) {
    for path in unknown_overridden(stack) {
        let before = problems.len();
        problems.retain(|p| !(p.is_error() && p.template_path() == Some(path.as_str())));
        if problems.len() == before {
            continue;
        }
        let logical_id = path
            .strip_prefix("Resources.")
            .and_then(|rest| rest.split('.').next())
            .unwrap_or_default();
        let type_name = stack
            .template
            .resources
            .get(logical_id)
            .map(|r| r.type_name.as_str())
            .unwrap_or_default();
        let value = lookup(stack, &path)
            .map(|value| format!(": {}", short(value)))
            .unwrap_or_default();
        let warning = Diagnostic::warning(
            Location::template(path.clone()),
            format!(
                "{type_name} has no such property in the vendored schemas (cfn-lint 1.58.0); it \
                 was set through an override and goes to CloudFormation unchecked{value}"
            ),
        );
        problems.push(StackDiagnostic::in_template(stack, warning));
    }
}

/// The value at a template path of the form `Resources.Id.Properties.A.B`.
fn lookup<'a>(stack: &'a Stack, path: &str) -> Option<&'a Value> {
    let rest = path.strip_prefix("Resources.")?;
    let (logical_id, rest) = rest.split_once(".Properties.")?;
    let resource = stack.template.resources.get(logical_id)?;
    let mut parts = rest.split('.');
    let mut value = resource.properties.get(parts.next()?)?;
    for part in parts {
        value = match value {
            Value::Map(map) => map.get(part)?,
            _ => return None,
        };
    }
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_split_at_dots_except_escaped_ones() {
        assert_eq!(split_path("Properties.A.B"), ["Properties", "A", "B"]);
        assert_eq!(
            split_path(r"Metadata.aws\.key.x"),
            ["Metadata", "aws.key", "x"]
        );
        assert_eq!(split_path("A..B"), ["A", "", "B"]);
    }
}
