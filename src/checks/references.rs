//! Checks on the intrinsic functions inside a value: what `Ref`, `Fn::GetAtt`, `Fn::Sub`,
//! `Fn::If`, `Condition` and `Fn::FindInMap` name must exist, and inside a resource they make it
//! depend on the resources they name.

use crate::template::{Intrinsic, Pseudo, Value, sub_variables};

use super::Checker;
use super::suggest::did_you_mean;

/// Where a value sits, which decides what it may refer to.
#[derive(Debug, Clone, Copy)]
pub(super) enum Place {
    /// In the resource at this position of `Resources`: references are dependencies.
    Resource(usize),
    Output,
    /// An output's export name, which CloudFormation resolves before creating any resource.
    ExportName,
    /// In `Conditions`, which CloudFormation evaluates before creating any resource.
    Condition,
}

impl Checker<'_> {
    /// Checks every intrinsic function in `value`, which sits at `path`.
    pub(super) fn check_value(&mut self, value: &Value, path: &str, place: Place) {
        let mut nodes = Vec::new();
        value.walk(path, &mut |path, node| nodes.push((path.to_string(), node)));
        for (path, node) in nodes {
            self.check_node(&path, node, place);
        }
    }

    fn check_node(&mut self, path: &str, node: &Value, place: Place) {
        if let Some((function, problem)) = node.malformed_intrinsic() {
            self.error(path, format!("malformed {function}: {problem}"));
            return;
        }
        let Some(function) = node.as_intrinsic() else {
            return;
        };
        match function {
            Intrinsic::Ref(name) => self.check_ref(path, name, "Ref", place),
            Intrinsic::GetAtt {
                resource,
                attribute,
            } => self.check_get_att(path, resource, attribute, "Fn::GetAtt", place),
            Intrinsic::Sub { template, vars } => {
                for name in sub_variables(template) {
                    if vars.contains_key(name) {
                        continue;
                    }
                    let via = format!("Fn::Sub variable \"${{{name}}}\"");
                    match name.split_once('.') {
                        Some((resource, attribute)) => {
                            self.check_get_att(path, resource, attribute, &via, place)
                        }
                        None => self.check_ref(path, name, &via, place),
                    }
                }
            }
            Intrinsic::If { condition, .. } | Intrinsic::Condition(condition) => {
                self.check_condition_exists(path, condition, function.name())
            }
            Intrinsic::FindInMap {
                map,
                top_key,
                second_key,
                default,
            } => {
                // With a DefaultValue, missing keys are what the default is for.
                let keys = default.is_none().then_some((top_key, second_key));
                self.check_find_in_map(path, map, keys)
            }
            _ => {}
        }
    }

    /// `via` is how the reference is written, for the message: `Ref`, `Fn::Sub variable "${X}"`.
    fn check_ref(&mut self, path: &str, name: &str, via: &str, place: Place) {
        let template = self.template;
        if Pseudo::from_name(name).is_some() || template.parameters.contains_key(name) {
            return;
        }
        if let Some(index) = template.resources.get_index_of(name) {
            self.refer_to_resource(path, index, name, via, place);
            return;
        }
        let known = template
            .parameters
            .keys()
            .chain(template.resources.keys())
            .map(String::as_str)
            .chain(Pseudo::ALL.map(Pseudo::name));
        self.error(
            path,
            format!(
                "{via} names \"{name}\", which is not a parameter, resource or pseudo parameter{}",
                did_you_mean(name, known)
            ),
        );
    }

    fn check_get_att(
        &mut self,
        path: &str,
        resource: &str,
        attribute: &str,
        via: &str,
        place: Place,
    ) {
        let template = self.template;
        let Some((index, _, found)) = template.resources.get_full(resource) else {
            let message = if template.parameters.contains_key(resource) {
                format!("{via} refers to \"{resource}\", which is a parameter, not a resource")
            } else {
                format!(
                    "{via} refers to resource \"{resource}\", which is not in the template{}",
                    did_you_mean(resource, template.resources.keys().map(String::as_str))
                )
            };
            self.error(path, message);
            return;
        };
        self.refer_to_resource(path, index, resource, via, place);
        // Besides its read-only attributes, a registry type's properties can be read with
        // Fn::GetAtt too (`SecurityGroup.VpcId`), as cfn-lint also accepts.
        if let Some(info) = (self.type_info)(&found.type_name)
            && info.write_only.contains(&attribute)
        {
            self.error(
                path,
                format!(
                    "{via} refers to \"{attribute}\" of \"{resource}\", a write-only property of \
                     {}: CloudFormation never returns it",
                    found.type_name
                ),
            );
        } else if let Some(info) = (self.type_info)(&found.type_name)
            && !info.attributes.contains(&attribute)
            && !info.properties.contains(&attribute)
        {
            let has = if info.attributes.is_empty() {
                "it has none".to_string()
            } else {
                format!("it has: {}", info.attributes.join(", "))
            };
            self.error(
                path,
                format!(
                    "{via} refers to attribute \"{attribute}\" that {} \"{resource}\" does not \
                     have ({has})",
                    found.type_name
                ),
            );
        }
    }

    fn refer_to_resource(&mut self, path: &str, index: usize, name: &str, via: &str, place: Place) {
        match place {
            Place::Resource(from) => {
                if let Some(dependencies) = self.dependencies.get_mut(from) {
                    dependencies.insert(index);
                }
            }
            Place::Output => {}
            Place::ExportName => self.error(
                path,
                format!(
                    "{via} refers to resource \"{name}\", but an export name cannot depend on a \
                     resource"
                ),
            ),
            Place::Condition => self.error(
                path,
                format!(
                    "{via} refers to resource \"{name}\", but conditions can only refer to \
                     parameters and pseudo parameters"
                ),
            ),
        }
    }

    /// `via` is the field or function naming the condition, for the message.
    pub(super) fn check_condition_exists(&mut self, path: &str, name: &str, via: &str) {
        let conditions = &self.template.conditions;
        if !conditions.contains_key(name) {
            let hint = did_you_mean(name, conditions.keys().map(String::as_str));
            self.error(
                path,
                format!("{via} refers to condition \"{name}\", which is not in Conditions{hint}"),
            );
        }
    }

    /// Checks the names that are literals; computed ones are only known at deploy time. `keys`
    /// are checked too when given.
    fn check_find_in_map(&mut self, path: &str, map: &Value, keys: Option<(&Value, &Value)>) {
        let Some(map) = map.as_str() else { return };
        let mappings = &self.template.mappings;
        let Some(mapping) = mappings.get(map) else {
            let hint = did_you_mean(map, mappings.keys().map(String::as_str));
            self.error(
                path,
                format!(
                    "Fn::FindInMap refers to mapping \"{map}\", which is not in Mappings{hint}"
                ),
            );
            return;
        };
        let Some((top_key, second_key)) = keys else {
            return;
        };
        let Some(top_key) = top_key.as_str() else {
            return;
        };
        let Some(second_level) = mapping.get(top_key) else {
            let hint = did_you_mean(top_key, mapping.keys().map(String::as_str));
            self.error(
                path,
                format!("Fn::FindInMap: mapping \"{map}\" has no key \"{top_key}\"{hint}"),
            );
            return;
        };
        if let Some(second_key) = second_key.as_str()
            && !second_level.contains_key(second_key)
        {
            let hint = did_you_mean(second_key, second_level.keys().map(String::as_str));
            self.error(
                path,
                format!(
                    "Fn::FindInMap: mapping \"{map}\" has no key \"{second_key}\" under \
                     \"{top_key}\"{hint}"
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use indexmap::IndexMap;

    use super::super::Severity;
    use super::super::fixtures::*;
    use crate::template::{Intrinsic, Output, Pseudo, Template, Value};

    #[test]
    fn ref_names_a_parameter_resource_or_pseudo_parameter() {
        let mut template = good_template();
        template.resources["Cache"].properties["SecurityGroupIds"] = Value::List(vec![
            Intrinsic::ref_("CacheSecurityGroupp").into(),
            Intrinsic::ref_("VpcId").into(),
            Pseudo::NoValue.to_ref().into(),
        ]);
        assert_one(
            &template,
            Severity::Error,
            "Resources.Cache.Properties.SecurityGroupIds[0]",
            "Ref names \"CacheSecurityGroupp\", which is not a parameter, resource or pseudo \
             parameter (did you mean \"CacheSecurityGroup\"?)",
        );
    }

    #[test]
    fn get_att_names_an_existing_resource() {
        let mut template = good_template();
        let properties = &mut template.resources["Cache"].properties;
        properties["SecurityGroupIds"] =
            Value::List(vec![Intrinsic::get_att("CacheGroup", "GroupId").into()]);
        properties["Engine"] = Intrinsic::get_att("VpcId", "Id").into();
        assert_all(
            &template,
            &[
                (
                    Severity::Error,
                    "Resources.Cache.Properties.Engine",
                    "Fn::GetAtt refers to \"VpcId\", which is a parameter, not a resource",
                ),
                (
                    Severity::Error,
                    "Resources.Cache.Properties.SecurityGroupIds[0]",
                    "Fn::GetAtt refers to resource \"CacheGroup\", which is not in the template",
                ),
            ],
        );
    }

    #[test]
    fn get_att_names_an_attribute_of_the_resource_type() {
        let mut template = good_template();
        template.outputs["Endpoint"].value =
            Intrinsic::get_att("Cache", "PrimaryEndpoint.Address").into();
        template.add_output(
            "Subnets",
            Output::new(Intrinsic::get_att("CacheSubnetGroup", "Arn")),
        );
        template.add_output(
            "Vpc",
            Output::new(Intrinsic::get_att("CacheSecurityGroup", "VpcId")),
        );
        assert_all(
            &template,
            &[
                (
                    Severity::Error,
                    "Outputs.Endpoint.Value",
                    "Fn::GetAtt refers to attribute \"PrimaryEndpoint.Address\" that \
                     AWS::ElastiCache::ReplicationGroup \"Cache\" does not have (it has: \
                     ConfigurationEndPoint.Address, ConfigurationEndPoint.Port, \
                     PrimaryEndPoint.Address, ",
                ),
                (
                    Severity::Error,
                    "Outputs.Subnets.Value",
                    "AWS::ElastiCache::SubnetGroup \"CacheSubnetGroup\" does not have (it has \
                     none)",
                ),
            ],
        );
    }

    #[test]
    fn get_att_on_types_without_a_schema_is_not_judged() {
        let mut template = good_template();
        template.add_resource("Queue", resource("AWS::SQS::Queue", vec![]));
        template.add_output(
            "Queue",
            Output::new(Intrinsic::get_att("Queue", "Anything")),
        );
        assert_eq!(diagnostics(&template), vec![]);
    }

    #[test]
    fn fn_sub_variables_are_checked_except_escapes_and_its_own_variables() {
        let mut template = good_template();
        template.add_output(
            "Url",
            Output::new(Intrinsic::sub_with(
                "${Cache.PrimaryEndpoint.Address}:${Port}/${!Literal}/${Missing}/${AWS::Region}",
                [("Port", Value::from("6379"))],
            )),
        );
        assert_all(
            &template,
            &[
                (
                    Severity::Error,
                    "Outputs.Url.Value",
                    "Fn::Sub variable \"${Cache.PrimaryEndpoint.Address}\" refers to attribute \
                     \"PrimaryEndpoint.Address\" that AWS::ElastiCache::ReplicationGroup",
                ),
                (
                    Severity::Error,
                    "Outputs.Url.Value",
                    "Fn::Sub variable \"${Missing}\" names \"Missing\", which is not a parameter",
                ),
            ],
        );
    }

    #[test]
    fn fn_if_and_condition_name_existing_conditions() {
        let mut template = good_template();
        template.add_condition(
            "IsProd",
            Intrinsic::equals(Intrinsic::ref_("VpcId"), "vpc-1"),
        );
        template.add_condition(
            "IsProdInEu",
            Intrinsic::And(vec![
                Intrinsic::condition("IsProd").into(),
                Intrinsic::condition("InEu").into(),
            ]),
        );
        template.resources["Cache"].properties["NumCacheClusters"] =
            Intrinsic::if_("IsProduction", 2, 1).into();
        assert_all(
            &template,
            &[
                (
                    Severity::Error,
                    "Resources.Cache.Properties.NumCacheClusters",
                    "Fn::If refers to condition \"IsProduction\", which is not in Conditions",
                ),
                (
                    Severity::Error,
                    "Conditions.IsProdInEu.Fn::And[1]",
                    "Condition refers to condition \"InEu\", which is not in Conditions",
                ),
            ],
        );
    }

    #[test]
    fn conditions_cannot_refer_to_resources() {
        let mut template = good_template();
        template.add_condition(
            "SameGroup",
            Intrinsic::equals(Intrinsic::ref_("CacheSecurityGroup"), "sg-1"),
        );
        assert_one(
            &template,
            Severity::Error,
            "Conditions.SameGroup.Fn::Equals[0]",
            "Ref refers to resource \"CacheSecurityGroup\", but conditions can only refer to \
             parameters and pseudo parameters",
        );
    }

    #[test]
    fn fn_find_in_map_names_an_existing_mapping_and_keys() {
        let mut template = good_template();
        template.mappings.insert(
            "Sizes".into(),
            IndexMap::from([(
                "prod".into(),
                IndexMap::from([("NodeType".into(), Value::from("cache.r7g.large"))]),
            )]),
        );
        let properties = &mut template.resources["Cache"].properties;
        properties["CacheNodeType"] =
            Intrinsic::find_in_map("Sizes", Pseudo::Region.to_ref(), "Anything").into();
        properties["Engine"] = Intrinsic::find_in_map("Size", "prod", "NodeType").into();
        properties["EngineVersion"] = Intrinsic::find_in_map("Sizes", "dev", "NodeType").into();
        properties["NumCacheClusters"] = Intrinsic::find_in_map("Sizes", "prod", "Nodes").into();
        assert_all(
            &template,
            &[
                (
                    Severity::Error,
                    "Resources.Cache.Properties.Engine",
                    "Fn::FindInMap refers to mapping \"Size\", which is not in Mappings (did you \
                     mean \"Sizes\"?)",
                ),
                (
                    Severity::Error,
                    "Resources.Cache.Properties.EngineVersion",
                    "mapping \"Sizes\" has no key \"dev\"",
                ),
                (
                    Severity::Error,
                    "Resources.Cache.Properties.NumCacheClusters",
                    "mapping \"Sizes\" has no key \"Nodes\" under \"prod\"",
                ),
            ],
        );
    }

    #[test]
    fn fn_find_in_map_with_a_default_value_may_miss_keys_but_not_the_mapping() {
        let mut template = good_template();
        template.mappings.insert(
            "Sizes".into(),
            IndexMap::from([("prod".into(), IndexMap::new())]),
        );
        let properties = &mut template.resources["Cache"].properties;
        properties["CacheNodeType"] =
            Intrinsic::find_in_map_or("Sizes", "dev", "NodeType", "cache.t4g.micro").into();
        properties["Engine"] = Intrinsic::find_in_map_or("Size", "prod", "Engine", "x").into();
        assert_one(
            &template,
            Severity::Error,
            "Resources.Cache.Properties.Engine",
            "Fn::FindInMap refers to mapping \"Size\", which is not in Mappings",
        );
    }

    #[test]
    fn findings_inside_a_function_point_at_its_argument() {
        let mut template = good_template();
        template.add_condition("IsProd", Intrinsic::equals(Intrinsic::ref_("VpcId"), "x"));
        template.resources["Cache"].properties["NumCacheClusters"] = Intrinsic::if_(
            "IsProd",
            2,
            Intrinsic::select(0, Intrinsic::split(",", Intrinsic::ref_("Count"))),
        )
        .into();
        assert_one(
            &template,
            Severity::Error,
            "Resources.Cache.Properties.NumCacheClusters.Fn::If[2].Fn::Select[1].Fn::Split[1]",
            "Ref names \"Count\"",
        );
    }

    #[test]
    fn a_condition_key_outside_and_or_not_is_data() {
        let mut template = good_template();
        let policy = serde_json::json!({
            "Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*",
                           "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]
        });
        let rule = serde_json::json!({"Condition": {"Bool": {"aws:SecureTransport": "false"}}});
        template.add_resource(
            "Guard",
            resource(
                "Custom::Guard",
                vec![
                    ("Policy", Value::from_json(policy)),
                    ("Rule", Value::from_json(rule)),
                ],
            ),
        );
        assert_eq!(diagnostics(&template), vec![]);

        let mut template = good_template();
        template.conditions.insert(
            "Either".into(),
            Value::from_json(serde_json::json!({"Fn::Or": [{"Condition": 1}]})),
        );
        assert_one(
            &template,
            Severity::Error,
            "Conditions.Either",
            "malformed Fn::Or: Fn::Or expects a condition name as a string",
        );
    }

    #[test]
    fn malformed_intrinsics_are_reported_where_they_are() {
        let mut template = good_template();
        template.resources["Cache"].properties["SecurityGroupIds"] = Value::from_json(
            serde_json::json!([{"Fn::GetAtt": "CacheSecurityGroup"}, {"Ref": ["A"]}]),
        );
        assert_all(
            &template,
            &[
                (
                    Severity::Error,
                    "Resources.Cache.Properties.SecurityGroupIds[0]",
                    "malformed Fn::GetAtt: Fn::GetAtt expects \"Resource.Attribute\"",
                ),
                (
                    Severity::Error,
                    "Resources.Cache.Properties.SecurityGroupIds[1]",
                    "malformed Ref: Ref expects a logical ID as a string",
                ),
            ],
        );
    }

    #[test]
    fn odd_templates_do_not_panic() {
        let odd = serde_json::json!({
            "Resources": {
                "": {"Type": "", "DependsOn": ["", ""], "Properties": {
                    "A": {"Fn::Sub": "${} ${.} ${X. } ${unclosed"},
                    "B": {"Fn::GetAtt": ["", ""]},
                    "C": {"Fn::FindInMap": [{"Ref": "AWS::Region"}, "", ""]},
                    "D": {"Fn::If": ["", {"Condition": ""}, null]},
                    "E": {"Ref": "é".repeat(300)}
                }}
            },
            "Outputs": {"": {"Value": null, "Export": {"Name": null}}}
        });
        let template: Template = serde_json::from_value(odd).unwrap();
        assert!(!diagnostics(&template).is_empty());
    }
}
