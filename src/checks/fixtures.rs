//! Test fixtures: a fixed registry of resource types, a template that passes every check, and
//! helpers to run the checks and assert on a single finding.

use super::{Diagnostic, Severity, check_with};
use crate::resources::{Shape, TypeInfo};
use crate::template::{Intrinsic, Output, Parameter, ParameterType, Resource, Template, Value};

/// A few types as their schemas describe them (properties trimmed), so that these tests do
/// not depend on the generated registry.
static TYPES: &[TypeInfo] = &[
    TypeInfo {
        type_name: "AWS::EC2::SecurityGroup",
        properties: &[
            "GroupDescription",
            "GroupName",
            "SecurityGroupEgress",
            "SecurityGroupIngress",
            "Tags",
            "VpcId",
        ],
        required: &["GroupDescription"],
        create_only: &["GroupDescription", "GroupName", "VpcId"],
        attributes: &["Id", "GroupId"],
        write_only: &[],
        read_only: &[],
        primary_identifier: &[],
        regions: u64::MAX,
        shapes: &[Shape::Any],
        root: 0,
    },
    TypeInfo {
        type_name: "AWS::ElastiCache::SubnetGroup",
        properties: &["CacheSubnetGroupName", "Description", "SubnetIds", "Tags"],
        required: &["Description", "SubnetIds"],
        create_only: &["CacheSubnetGroupName"],
        attributes: &[],
        write_only: &[],
        read_only: &[],
        primary_identifier: &[],
        regions: u64::MAX,
        shapes: &[Shape::Any],
        root: 0,
    },
    TypeInfo {
        type_name: "AWS::ElastiCache::ReplicationGroup",
        properties: &[
            "AtRestEncryptionEnabled",
            "AutomaticFailoverEnabled",
            "CacheNodeType",
            "CacheSubnetGroupName",
            "Engine",
            "EngineVersion",
            "NumCacheClusters",
            "Port",
            "ReplicationGroupDescription",
            "SecurityGroupIds",
            "TransitEncryptionEnabled",
        ],
        required: &["ReplicationGroupDescription"],
        create_only: &["AtRestEncryptionEnabled", "CacheSubnetGroupName", "Port"],
        attributes: &[
            "ConfigurationEndPoint.Address",
            "ConfigurationEndPoint.Port",
            "PrimaryEndPoint.Address",
            "PrimaryEndPoint.Port",
            "ReadEndPoint.Addresses",
            "ReaderEndPoint.Address",
            "ReaderEndPoint.Port",
        ],
        write_only: &[],
        read_only: &[],
        primary_identifier: &[],
        regions: u64::MAX,
        shapes: &[Shape::Any],
        root: 0,
    },
];

pub(super) fn registry(type_name: &str) -> Option<&'static TypeInfo> {
    TYPES.iter().find(|t| t.type_name == type_name)
}

pub(super) fn resource(type_name: &str, properties: Vec<(&str, Value)>) -> Resource {
    let mut resource = Resource::new(type_name);
    resource.properties = properties
        .into_iter()
        .map(|(name, value)| (name.to_string(), value))
        .collect();
    resource
}

/// A template with one resource of a type the registry does not know, for tests of
/// template-level checks.
pub(super) fn minimal_template() -> Template {
    let mut template = Template::new();
    template.add_resource("Topic", Resource::new("AWS::SNS::Topic"));
    template
}

/// A security group, a subnet group and a replication group wired together with `Ref`,
/// `Fn::GetAtt` and `Fn::Sub`, and outputs for the endpoint. Passes every check.
pub(super) fn good_template() -> Template {
    let mut template = Template::new().with_description("Valkey cache");
    let vpc = template.add_parameter("VpcId", Parameter::new(ParameterType::VPC_ID));
    let subnets = template.add_parameter(
        "SubnetIds",
        Parameter::new(ParameterType::list_of(ParameterType::SUBNET_ID)),
    );
    template.add_resource(
        "CacheSecurityGroup",
        resource(
            "AWS::EC2::SecurityGroup",
            vec![
                (
                    "GroupDescription",
                    Intrinsic::sub("${AWS::StackName} cache").into(),
                ),
                ("VpcId", vpc.into()),
            ],
        ),
    );
    template.add_resource(
        "CacheSubnetGroup",
        resource(
            "AWS::ElastiCache::SubnetGroup",
            vec![
                ("Description", Value::from("Cache subnets")),
                ("SubnetIds", subnets.into()),
            ],
        ),
    );
    let cache = resource(
        "AWS::ElastiCache::ReplicationGroup",
        vec![
            ("ReplicationGroupDescription", Value::from("Valkey cache")),
            ("Engine", Value::from("valkey")),
            ("EngineVersion", Value::from("8.0")),
            ("CacheNodeType", Value::from("cache.t4g.micro")),
            ("NumCacheClusters", Value::from(1)),
            ("TransitEncryptionEnabled", Value::from(true)),
            (
                "CacheSubnetGroupName",
                Intrinsic::ref_("CacheSubnetGroup").into(),
            ),
            (
                "SecurityGroupIds",
                Value::List(vec![
                    Intrinsic::get_att("CacheSecurityGroup", "GroupId").into(),
                ]),
            ),
        ],
    );
    template.add_resource("Cache", cache);
    template.add_output(
        "Endpoint",
        Output::new(Intrinsic::get_att("Cache", "PrimaryEndPoint.Address"))
            .description("Primary endpoint address")
            .export(Intrinsic::sub("${AWS::StackName}-Endpoint")),
    );
    template.add_output(
        "Port",
        Output::new(Intrinsic::sub("${Cache.PrimaryEndPoint.Port}")),
    );
    template
}

pub(super) fn diagnostics(template: &Template) -> Vec<Diagnostic> {
    check_with(template, registry).diagnostics
}

/// Asserts that the checks find exactly one thing, with this severity and path and a message
/// containing `fragment`.
pub(super) fn assert_one(template: &Template, severity: Severity, path: &str, fragment: &str) {
    let found = diagnostics(template);
    let [only] = found.as_slice() else {
        panic!("expected one diagnostic, got {found:#?}");
    };
    assert_eq!(
        (
            only.severity,
            only.location.template_path().unwrap_or_default()
        ),
        (severity, path),
        "{only}"
    );
    assert!(only.message.contains(fragment), "{only}");
}

/// Like [`assert_one`] for several findings, in order.
pub(super) fn assert_all(template: &Template, expected: &[(Severity, &str, &str)]) {
    let found = diagnostics(template);
    assert_eq!(found.len(), expected.len(), "{found:#?}");
    for (diagnostic, (severity, path, fragment)) in found.iter().zip(expected) {
        assert_eq!(
            (
                diagnostic.severity,
                diagnostic.location.template_path().unwrap_or_default(),
            ),
            (*severity, *path),
            "{diagnostic}"
        );
        assert!(diagnostic.message.contains(fragment), "{diagnostic}");
    }
}
