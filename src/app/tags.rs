//! The stack's tags on every resource that takes tags, in the property and form its schema
//! gives (`resources::tagging`). A tag the resource already has keeps its value; a tags
//! property given as an intrinsic function is left alone.

use indexmap::IndexMap;

use crate::resources::{self, TagFormat};
use crate::template::{Template, Value};

/// Adds the tags to every taggable resource of the template.
pub(crate) fn apply(template: &mut Template, tags: &IndexMap<String, String>) {
    if tags.is_empty() {
        return;
    }
    for resource in template.resources.values_mut() {
        let Some(tagging) = resources::tagging(&resource.type_name) else {
            continue;
        };
        let current = resource
            .properties
            .entry(tagging.property.to_string())
            .or_insert_with(|| match tagging.format {
                TagFormat::Map => Value::Map(IndexMap::new()),
                _ => Value::List(Vec::new()),
            });
        match (tagging.format, current) {
            (TagFormat::Map, Value::Map(map)) => {
                for (key, value) in tags {
                    map.entry(key.clone())
                        .or_insert_with(|| Value::from(value.as_str()));
                }
            }
            (TagFormat::List | TagFormat::ListPropagateAtLaunch, Value::List(items)) => {
                for (key, value) in tags {
                    let has = items.iter().any(|item| match item {
                        Value::Map(tag) => tag.get("Key") == Some(&Value::from(key.as_str())),
                        _ => false,
                    });
                    if has {
                        continue;
                    }
                    let mut tag = IndexMap::new();
                    tag.insert("Key".to_string(), Value::from(key.as_str()));
                    tag.insert("Value".to_string(), Value::from(value.as_str()));
                    if tagging.format == TagFormat::ListPropagateAtLaunch {
                        tag.insert("PropagateAtLaunch".to_string(), Value::from(true));
                    }
                    items.push(Value::Map(tag));
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::{Intrinsic, Resource};
    use serde_json::json;

    fn resource(type_name: &str, properties: serde_json::Value) -> Resource {
        let mut resource = Resource::new(type_name);
        if let Value::Map(map) = Value::from_json(properties) {
            resource.properties = map;
        }
        resource
    }

    #[test]
    fn every_taggable_resource_gets_the_tags_in_its_own_form() {
        let mut template = Template::new();
        template.add_resource("Group", resource("AWS::EC2::SecurityGroup", json!({})));
        template.add_resource(
            "Param",
            resource("AWS::SSM::Parameter", json!({"Tags": {"team": "cache"}})),
        );
        template.add_resource(
            "Asg",
            resource("AWS::AutoScaling::AutoScalingGroup", json!({})),
        );
        template.add_resource("Vault", resource("AWS::Backup::BackupVault", json!({})));
        template.add_resource(
            "Rule",
            resource("AWS::EC2::SecurityGroupIngress", json!({})),
        );
        template.add_resource(
            "Tagged",
            resource(
                "AWS::SQS::Queue",
                json!({"Tags": [{"Key": "project", "Value": "other"}]}),
            ),
        );
        let mut computed = resource("AWS::SNS::Topic", json!({}));
        computed
            .properties
            .insert("Tags".into(), Intrinsic::ref_("AWS::NoValue").into());
        template.add_resource("Computed", computed);

        let tags: IndexMap<String, String> = [("project", "bandup"), ("team", "web")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        apply(&mut template, &tags);
        let props = |id: &str| serde_json::to_value(&template.resources[id].properties).unwrap();
        assert_eq!(
            props("Group"),
            json!({"Tags": [{"Key": "project", "Value": "bandup"}, {"Key": "team", "Value": "web"}]})
        );
        assert_eq!(
            props("Param"),
            json!({"Tags": {"team": "cache", "project": "bandup"}})
        );
        assert_eq!(
            props("Asg")["Tags"][0],
            json!({"Key": "project", "Value": "bandup", "PropagateAtLaunch": true})
        );
        assert_eq!(
            props("Vault"),
            json!({"BackupVaultTags": {"project": "bandup", "team": "web"}})
        );
        assert_eq!(props("Rule"), json!({}));
        assert_eq!(
            props("Tagged")["Tags"],
            json!([{"Key": "project", "Value": "other"}, {"Key": "team", "Value": "web"}])
        );
        assert_eq!(props("Computed"), json!({"Tags": {"Ref": "AWS::NoValue"}}));
    }
}
