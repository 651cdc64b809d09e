//! Checks that use the generated facts of the vendored schemas (not the fixed registry of
//! `fixtures`): nested properties, write-only attributes, and the types a region has.

use super::{check, check_region};
use crate::template::{Intrinsic, Output, Resource, Template, Value};

fn template_with(id: &str, type_name: &str, properties: serde_json::Value) -> Template {
    let mut resource = Resource::new(type_name);
    if let Value::Map(map) = Value::from_json(properties) {
        resource.properties = map;
    }
    let mut template = Template::new();
    template.add_resource(id, resource);
    template
}

fn errors(template: &Template) -> Vec<String> {
    check(template).errors().map(ToString::to_string).collect()
}

#[test]
fn nested_properties_are_checked_against_the_schema_at_any_depth() {
    let template = template_with(
        "Group",
        "AWS::EC2::SecurityGroup",
        serde_json::json!({
            "GroupDescription": "web",
            "SecurityGroupIngress": [
                {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443},
                {"IpProtocol": "tcp", "FromPrt": 80},
                {"FromPort": 22},
            ],
        }),
    );
    assert_eq!(
        errors(&template),
        [
            "error: template Resources.Group.Properties.SecurityGroupIngress[1].FromPrt: \
             AWS::EC2::SecurityGroup has no property \"FromPrt\" here (did you mean \"FromPort\"?)",
            "error: template Resources.Group.Properties.SecurityGroupIngress[2]: \
             AWS::EC2::SecurityGroup needs the property \"IpProtocol\"",
        ]
    );
}

#[test]
fn nested_checks_follow_recursive_definitions_and_skip_intrinsics() {
    // WAFv2 rule statements nest themselves (And/Or/Not statements hold statements).
    let template = template_with(
        "Acl",
        "AWS::WAFv2::WebACL",
        serde_json::json!({
            "Scope": "REGIONAL",
            "DefaultAction": {"Allow": {}},
            "VisibilityConfig": {
                "SampledRequestsEnabled": true, "CloudWatchMetricsEnabled": true, "MetricName": "acl"
            },
            "Rules": [{
                "Name": "r", "Priority": 1, "Action": {"Block": {}},
                "VisibilityConfig": {
                    "SampledRequestsEnabled": true, "CloudWatchMetricsEnabled": true, "MetricName": "r"
                },
                "Statement": {"NotStatement": {"Statement": {"NotStatement": {
                    "Statement": {"GeoMatchStatement": {"CountryCodes": {"Ref": "Codes"}, "Bogus": 1}}
                }}}},
            }],
        }),
    );
    let found = errors(&template);
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(
        found[0].contains("Statement.NotStatement.Statement.GeoMatchStatement.Bogus"),
        "{found:?}"
    );
    // The Ref itself is the other error (no such parameter), not its shape.
    assert!(found[1].contains("\"Codes\""), "{found:?}");
}

#[test]
fn get_att_on_a_write_only_property_is_refused() {
    let mut template = template_with(
        "Db",
        "AWS::RDS::DBInstance",
        serde_json::json!({"DBInstanceClass": "db.t4g.micro", "Engine": "postgres"}),
    );
    template.add_output(
        "Password",
        Output::new(Intrinsic::get_att("Db", "MasterUserPassword")),
    );
    template.add_output(
        "Address",
        Output::new(Intrinsic::get_att("Db", "Endpoint.Address")),
    );
    let found = errors(&template);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with("error: template Outputs.Password.Value")
            && found[0].contains("write-only property of AWS::RDS::DBInstance"),
        "{found:?}"
    );
}

#[test]
fn a_region_without_the_type_is_an_error_at_the_resource() {
    let template = template_with(
        "Auth",
        "AWS::AppFabric::AppAuthorization",
        serde_json::json!({}),
    );
    let missing = check_region(&template, "ap-southeast-1");
    assert_eq!(missing.len(), 1);
    assert_eq!(
        missing[0].location.template_path(),
        Some("Resources.Auth.Type")
    );
    assert_eq!(missing[0].location.resource(), Some("Auth"));
    assert!(
        missing[0].message.starts_with(
            "AWS::AppFabric::AppAuthorization is not available in region ap-southeast-1"
        ),
        "{}",
        missing[0].message
    );
    assert!(check_region(&template, "us-east-1").is_empty());
    // A region cfnforge does not know yet is not held against the stack.
    assert!(check_region(&template, "xx-new-1").is_empty());
}
