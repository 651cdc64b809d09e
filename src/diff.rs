//! Differences between a deployed template and a new one, resource by resource and property by
//! property, marking what replaces a resource (from the schemas' create-only properties), what
//! removes or replaces a stateful resource, and what is security-relevant.

mod security;

use std::fmt;

use indexmap::IndexMap;

pub use security::{Direction, Rule, RuleChange};

use crate::facts;
use crate::resources::type_info;
use crate::template::{Resource, Template, Value};

pub use crate::facts::is_stateful;

/// The property that names a resource of this type, if the resource sets it.
pub fn fixed_name(resource: &Resource) -> Option<(&'static str, &Value)> {
    let property = facts::name_property(&resource.type_name)?;
    resource.properties.get(property).map(|v| (property, v))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Added,
    Removed,
    Modified,
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Change::Added => "add",
            Change::Removed => "remove",
            Change::Modified => "modify",
        })
    }
}

/// One property that differs.
#[derive(Debug, Clone, PartialEq)]
pub struct PropertyDiff {
    /// Dotted path under Properties (or a resource attribute such as `DeletionPolicy`).
    pub path: String,
    pub old: Option<Value>,
    pub new: Option<Value>,
    /// A create-only property: changing it replaces the resource.
    pub replaces: bool,
}

/// One resource that differs.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceDiff {
    pub logical_id: String,
    pub type_name: String,
    pub change: Change,
    pub properties: Vec<PropertyDiff>,
    /// The type changed, or a create-only property did.
    pub replacement: bool,
    pub stateful: bool,
    /// Widens network access: a rule (ingress or egress) added, or one broadened.
    pub security: bool,
    /// Security group rules added and removed, each judged widening or not.
    pub rules: Vec<RuleChange>,
    /// For a replacement of a resource with a fixed name: the property and its value.
    pub fixed_name: Option<(String, Value)>,
}

/// Everything that differs between two templates.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TemplateDiff {
    pub resources: Vec<ResourceDiff>,
    /// Outputs and parameters that were added, removed or changed, by name.
    pub outputs: Vec<(String, Change)>,
    pub parameters: Vec<(String, Change)>,
}

impl TemplateDiff {
    pub fn is_empty(&self) -> bool {
        self.resources.is_empty() && self.outputs.is_empty() && self.parameters.is_empty()
    }

    /// Stateful resources that would be replaced or removed.
    pub fn data_at_risk(&self) -> impl Iterator<Item = &ResourceDiff> {
        self.resources
            .iter()
            .filter(|r| r.stateful && (r.replacement || r.change == Change::Removed))
    }

    /// Replacements CloudFormation will refuse because the resource keeps a fixed name.
    pub fn blocked_replacements(&self) -> impl Iterator<Item = &ResourceDiff> {
        self.resources
            .iter()
            .filter(|r| r.replacement && r.change == Change::Modified && r.fixed_name.is_some())
    }

    /// Replication groups whose EngineVersion goes down (`8.1` -> `8.0`): ElastiCache moves a
    /// cache only to a higher version, so CloudFormation's update would fail. Each as the
    /// logical ID, the old version and the new one.
    pub fn lower_engine_versions(&self) -> Vec<(String, String, String)> {
        self.resources
            .iter()
            .filter(|r| {
                r.type_name == "AWS::ElastiCache::ReplicationGroup"
                    && r.change == Change::Modified
                    && !r.replacement
            })
            .flat_map(|r| {
                r.properties
                    .iter()
                    .filter(|p| p.path == "EngineVersion")
                    .filter_map(move |p| {
                        let old = version_text(p.old.as_ref()?)?;
                        let new = version_text(p.new.as_ref()?)?;
                        crate::facts::elasticache::is_downgrade(&old, &new)
                            .then(|| (r.logical_id.clone(), old, new))
                    })
            })
            .collect()
    }

    pub fn security_changes(&self) -> impl Iterator<Item = &ResourceDiff> {
        self.resources.iter().filter(|r| r.security)
    }
}

/// An engine version as text, written as a string or (in a hand-written template) a number;
/// `None` for an intrinsic function, whose value is not known here.
fn version_text(value: &Value) -> Option<String> {
    match serde_json::to_value(value).ok()? {
        serde_json::Value::String(text) => Some(text),
        serde_json::Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

/// Differences from `old` (deployed; empty for a new stack) to `new`.
pub fn diff(old: &Template, new: &Template) -> TemplateDiff {
    let mut resources = Vec::new();
    for (id, new_resource) in &new.resources {
        match old.resources.get(id) {
            None => resources.push(added_or_removed(id, new_resource, Change::Added)),
            Some(old_resource) => {
                if let Some(diff) = modified(id, old_resource, new_resource) {
                    resources.push(diff);
                }
            }
        }
    }
    for (id, old_resource) in &old.resources {
        if !new.resources.contains_key(id) {
            resources.push(added_or_removed(id, old_resource, Change::Removed));
        }
    }
    TemplateDiff {
        resources,
        outputs: keyed_changes(&old.outputs, &new.outputs),
        parameters: keyed_changes(&old.parameters, &new.parameters),
    }
}

fn keyed_changes<T: PartialEq>(
    old: &IndexMap<String, T>,
    new: &IndexMap<String, T>,
) -> Vec<(String, Change)> {
    let mut changes: Vec<(String, Change)> = new
        .iter()
        .filter_map(|(k, v)| match old.get(k) {
            None => Some((k.clone(), Change::Added)),
            Some(o) if o != v => Some((k.clone(), Change::Modified)),
            _ => None,
        })
        .collect();
    changes.extend(
        old.keys()
            .filter(|k| !new.contains_key(*k))
            .map(|k| (k.clone(), Change::Removed)),
    );
    changes
}

fn added_or_removed(id: &str, resource: &Resource, change: Change) -> ResourceDiff {
    let properties = resource
        .properties
        .iter()
        .map(|(k, v)| PropertyDiff {
            path: k.clone(),
            old: (change == Change::Removed).then(|| v.clone()),
            new: (change == Change::Added).then(|| v.clone()),
            replaces: false,
        })
        .collect();
    let rules = match change {
        Change::Removed => security::rule_changes(Some(resource), None),
        _ => security::rule_changes(None, Some(resource)),
    };
    ResourceDiff {
        logical_id: id.to_string(),
        type_name: resource.type_name.clone(),
        change,
        properties,
        replacement: false,
        stateful: is_stateful(&resource.type_name),
        security: rules.iter().any(|r| r.widens),
        rules,
        fixed_name: None,
    }
}

fn modified(id: &str, old: &Resource, new: &Resource) -> Option<ResourceDiff> {
    let create_only: &[&str] = type_info(&new.type_name)
        .map(|t| t.create_only)
        .unwrap_or(&[]);
    let mut properties = Vec::new();
    let keys = new.properties.keys().chain(
        old.properties
            .keys()
            .filter(|k| !new.properties.contains_key(*k)),
    );
    for key in keys {
        let (o, n) = (old.properties.get(key), new.properties.get(key));
        if o != n {
            // A create-only property replaces the resource, as does a nested one under it.
            let replaces = create_only
                .iter()
                .any(|p| p == key || p.starts_with(&format!("{key}.")));
            properties.push(PropertyDiff {
                path: key.clone(),
                old: o.cloned(),
                new: n.cloned(),
                replaces,
            });
        }
    }
    let attributes = [
        (
            "DeletionPolicy",
            attr(&old.options.deletion_policy),
            attr(&new.options.deletion_policy),
        ),
        (
            "UpdateReplacePolicy",
            attr(&old.options.update_replace_policy),
            attr(&new.options.update_replace_policy),
        ),
        (
            "DependsOn",
            list(&old.options.depends_on),
            list(&new.options.depends_on),
        ),
        (
            "Condition",
            attr(&old.options.condition),
            attr(&new.options.condition),
        ),
    ];
    for (name, o, n) in attributes {
        if o != n {
            properties.push(PropertyDiff {
                path: name.to_string(),
                old: o,
                new: n,
                replaces: false,
            });
        }
    }
    let type_changed = old.type_name != new.type_name;
    if properties.is_empty() && !type_changed {
        return None;
    }
    let replacement = type_changed || properties.iter().any(|p| p.replaces);
    let rules = security::rule_changes(Some(old), Some(new));
    let fixed_name = fixed_name(new).map(|(p, v)| (p.to_string(), v.clone()));
    Some(ResourceDiff {
        logical_id: id.to_string(),
        type_name: new.type_name.clone(),
        change: Change::Modified,
        properties,
        replacement,
        stateful: is_stateful(&new.type_name) || is_stateful(&old.type_name),
        security: rules.iter().any(|r| r.widens),
        rules,
        fixed_name: if replacement { fixed_name } else { None },
    })
}

fn attr<T: serde::Serialize>(value: &Option<T>) -> Option<Value> {
    value.as_ref().and_then(|v| Value::from_serialize(v).ok())
}

fn list(values: &[String]) -> Option<Value> {
    (!values.is_empty())
        .then(|| Value::List(values.iter().map(|v| Value::from(v.as_str())).collect()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::{Intrinsic, Output};

    fn cache(port: i64, nodes: i64) -> Template {
        let mut t = Template::new();
        let mut group = Resource::new("AWS::ElastiCache::ReplicationGroup");
        group
            .properties
            .insert("ReplicationGroupDescription".into(), "d".into());
        group
            .properties
            .insert("ReplicationGroupId".into(), "bandup-redis".into());
        group.properties.insert("Port".into(), Value::from(port));
        group
            .properties
            .insert("NumCacheClusters".into(), Value::from(nodes));
        t.add_resource("Cache", group);
        let mut sg = Resource::new("AWS::EC2::SecurityGroup");
        sg.properties.insert("GroupDescription".into(), "g".into());
        t.add_resource("Group", sg);
        t.add_output(
            "Endpoint",
            Output::new(Intrinsic::get_att("Cache", "PrimaryEndPoint.Address")),
        );
        t
    }

    #[test]
    fn identical_templates_have_no_differences() {
        assert!(diff(&cache(6379, 1), &cache(6379, 1)).is_empty());
    }

    #[test]
    fn an_in_place_change_is_not_a_replacement() {
        let d = diff(&cache(6379, 1), &cache(6379, 2));
        assert_eq!(d.resources.len(), 1);
        let r = &d.resources[0];
        assert_eq!((r.change, r.replacement), (Change::Modified, false));
        assert_eq!(r.properties[0].path, "NumCacheClusters");
        assert_eq!(d.data_at_risk().count(), 0);
    }

    #[test]
    fn a_create_only_change_replaces_a_stateful_named_resource() {
        let d = diff(&cache(6379, 1), &cache(6380, 1));
        let r = &d.resources[0];
        assert!(r.replacement && r.stateful);
        assert!(r.properties[0].replaces);
        assert_eq!(d.data_at_risk().count(), 1);
        let blocked: Vec<_> = d.blocked_replacements().collect();
        assert_eq!(
            blocked[0].fixed_name,
            Some((
                "ReplicationGroupId".to_string(),
                Value::from("bandup-redis")
            ))
        );
    }

    #[test]
    fn removal_of_a_stateful_resource_puts_data_at_risk() {
        let mut new = cache(6379, 1);
        new.resources.shift_remove("Cache");
        new.outputs.clear();
        let d = diff(&cache(6379, 1), &new);
        assert_eq!(d.resources[0].change, Change::Removed);
        assert_eq!(d.data_at_risk().count(), 1);
        assert_eq!(d.outputs, vec![("Endpoint".to_string(), Change::Removed)]);
    }

    #[test]
    fn a_new_stack_is_all_additions_and_new_security_groups_are_security_changes() {
        let d = diff(&Template::new(), &cache(6379, 1));
        assert!(d.resources.iter().all(|r| r.change == Change::Added));
        let security: Vec<&str> = d
            .security_changes()
            .map(|r| r.logical_id.as_str())
            .collect();
        assert_eq!(security, ["Group"]);
    }

    #[test]
    fn narrowed_ingress_is_not_a_security_change_but_egress_widening_is() {
        let rule = |cidr: &str| {
            Value::from_json(serde_json::json!([
                {"IpProtocol": "tcp", "FromPort": 6379, "ToPort": 6379, "CidrIp": cidr}
            ]))
        };
        let with = |key: &str, cidr: &str| {
            let mut t = cache(6379, 1);
            t.resources["Group"]
                .properties
                .insert(key.into(), rule(cidr));
            t
        };
        let narrowed = diff(
            &with("SecurityGroupIngress", "10.0.0.0/8"),
            &with("SecurityGroupIngress", "10.1.0.0/16"),
        );
        assert_eq!(narrowed.resources[0].rules.len(), 2);
        assert_eq!(narrowed.security_changes().count(), 0);
        let egress = diff(
            &with("SecurityGroupEgress", "10.0.0.0/8"),
            &with("SecurityGroupEgress", "0.0.0.0/0"),
        );
        assert_eq!(egress.security_changes().count(), 1);
    }

    #[test]
    fn changed_ingress_is_a_security_change() {
        let old = cache(6379, 1);
        let mut new = cache(6379, 1);
        new.resources["Group"].properties.insert(
            "SecurityGroupIngress".into(),
            Value::from_json(serde_json::json!([{"IpProtocol": "tcp", "CidrIp": "0.0.0.0/0"}])),
        );
        let d = diff(&old, &new);
        assert_eq!(d.security_changes().count(), 1);
    }
}
