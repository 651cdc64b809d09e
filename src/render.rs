//! Rendering a [`Template`] as YAML or JSON (reading one is [`crate::parse`]).
//!
//! Output is deterministic (sections in the documented order, maps in insertion order) and uses
//! only the long form of intrinsic functions, so any YAML or JSON reader takes it as it is.

use std::fmt;
use std::str::FromStr;

use thiserror::Error;

use crate::template::Template;

/// A template's text format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Yaml,
    Json,
}

impl Format {
    /// The file name extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Yaml => "yaml",
            Format::Json => "json",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.extension())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("unknown template format \"{0}\" (expected yaml or json)")]
pub struct UnknownFormat(pub String);

impl FromStr for Format {
    type Err = UnknownFormat;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "yaml" | "yml" => Ok(Format::Yaml),
            "json" => Ok(Format::Json),
            _ => Err(UnknownFormat(s.to_string())),
        }
    }
}

#[derive(Debug, Error)]
pub enum RenderError {
    #[error("could not render the template as YAML: {0}")]
    Yaml(#[from] serde_saphyr::SerializeError),
    #[error("could not render the template as JSON: {0}")]
    Json(#[from] serde_json::Error),
}

/// Renders the template: JSON pretty-printed with two-space indentation, YAML with two-space
/// indentation and block lists; both end with a newline.
pub fn render(template: &Template, format: Format) -> Result<String, RenderError> {
    match format {
        Format::Json => {
            let mut text = serde_json::to_string_pretty(template)?;
            text.push('\n');
            Ok(text)
        }
        Format::Yaml => Ok(serde_saphyr::to_string_with_options(
            template,
            yaml_options(),
        )?),
    }
}

fn yaml_options() -> serde_saphyr::SerializerOptions {
    serde_saphyr::ser_options! {
        indent_step: 2,
        // Lists indented under their key, as in the CloudFormation documentation's examples.
        compact_list_indent: false,
        // Multi-line strings (descriptions, scripts) as literal `|` blocks...
        prefer_block_scalars: true,
        // ...but long one-line strings (ARNs, policies) stay on one line rather than being
        // folded: folding would make diffs of the rendered template noisy.
        folded_wrap_chars: usize::MAX,
        // Quote every string a YAML 1.1 reader (CloudFormation, cfn-lint, PyYAML) would take as
        // something else: `yes`, `on`, `2010-09-09`, `6379`, `0x1F`.
        yaml_12: false,
    }
}

#[cfg(test)]
mod tests {
    use indexmap::IndexMap;

    use super::*;
    use crate::parse::parse;
    use crate::template::{
        DeletionPolicy, Intrinsic, Output, Parameter, ParameterType, Pseudo, Resource,
        ResourceOptions, Value,
    };

    /// A template that uses every section, every intrinsic function, several parameter types,
    /// every resource attribute and strings a careless writer would mangle.
    fn full_template() -> Template {
        let mut template = Template::new().with_description("Cache for the app.\nSecond line.");
        template.metadata.insert(
            "cfnforge".into(),
            Value::Map(IndexMap::from([("Version".into(), Value::from("0.1.0"))])),
        );
        let vpc = template.add_parameter("VpcId", Parameter::new(ParameterType::VPC_ID));
        let subnets = template.add_parameter(
            "SubnetIds",
            Parameter::new(ParameterType::list_of(ParameterType::SUBNET_ID))
                .description("Private subnets"),
        );
        template.add_parameter(
            "Env",
            Parameter::new(ParameterType::String)
                .allowed_values(["prod", "dev", "yes"])
                .default_value("dev")
                .constraint_description("prod or dev"),
        );
        template.add_parameter(
            "Port",
            Parameter::new(ParameterType::Number)
                .default_value(6379)
                .range(1024.0, 65535.0),
        );
        template.add_parameter(
            "Token",
            Parameter::new(ParameterType::String)
                .length(16, 128)
                .allowed_pattern("[a-zA-Z0-9]*")
                .no_echo(),
        );
        template.add_parameter("Zones", Parameter::new(ParameterType::CommaDelimitedList));
        template.add_parameter(
            "ImageId",
            Parameter::new(ParameterType::SsmValue(Box::new(
                ParameterType::AwsSpecific("AWS::EC2::Image::Id"),
            ))),
        );
        template.rules.insert(
            "ProdPort".into(),
            Value::Map(IndexMap::from([(
                "Assertions".into(),
                Value::List(vec![Value::Map(IndexMap::from([(
                    "Assert".into(),
                    Intrinsic::equals(Intrinsic::ref_("Port"), "6379").into(),
                )]))]),
            )])),
        );
        template.mappings.insert(
            "Sizes".into(),
            IndexMap::from([(
                "prod".into(),
                IndexMap::from([
                    ("NodeType".into(), Value::from("cache.r7g.large")),
                    ("on".into(), Value::from("2010-09-09")),
                ]),
            )]),
        );
        template.add_condition("IsProd", Intrinsic::equals(Intrinsic::ref_("Env"), "prod"));
        template.add_condition(
            "IsProdInEu",
            Intrinsic::And(vec![
                Intrinsic::Condition("IsProd".into()).into(),
                Intrinsic::Or(vec![
                    Intrinsic::equals(Pseudo::Region.to_ref(), "eu-west-1").into(),
                    Intrinsic::Not(Intrinsic::equals(Pseudo::Region.to_ref(), "us-east-1").into())
                        .into(),
                ])
                .into(),
            ]),
        );
        template.transform = Some(Value::from("AWS::LanguageExtensions"));

        let mut group = Resource::new("AWS::EC2::SecurityGroup");
        group.properties.insert(
            "GroupDescription".into(),
            Intrinsic::sub("${AWS::StackName} cache").into(),
        );
        group.properties.insert("VpcId".into(), vpc.into());
        group.properties.insert(
            "SecurityGroupIngress".into(),
            Value::List(vec![Value::Map(IndexMap::from([
                ("IpProtocol".into(), Value::from("tcp")),
                ("FromPort".into(), Value::from(6379)),
                ("ToPort".into(), Intrinsic::ref_("Port").into()),
                (
                    "CidrIp".into(),
                    Intrinsic::select(0, Intrinsic::cidr("10.0.0.0/16", 4, 8)).into(),
                ),
            ]))]),
        );
        template.add_resource("CacheSecurityGroup", group);

        let mut subnet_group = Resource::new("AWS::ElastiCache::SubnetGroup");
        subnet_group
            .properties
            .insert("Description".into(), Value::from("yes"));
        subnet_group
            .properties
            .insert("SubnetIds".into(), subnets.into());
        subnet_group.options = ResourceOptions::default().depends_on("CacheSecurityGroup");
        template.add_resource("CacheSubnets", subnet_group);

        let mut cache = Resource::new("AWS::ElastiCache::ReplicationGroup");
        let props = &mut cache.properties;
        props.insert(
            "ReplicationGroupDescription".into(),
            Intrinsic::join(
                " ",
                vec![
                    Value::from("cache"),
                    Intrinsic::ref_("AWS::StackName").into(),
                ],
            )
            .into(),
        );
        props.insert(
            "CacheNodeType".into(),
            Intrinsic::find_in_map("Sizes", Intrinsic::ref_("Env"), "NodeType").into(),
        );
        props.insert(
            "SnapshotName".into(),
            Intrinsic::find_in_map_or("Sizes", Intrinsic::ref_("Env"), "Snapshot", Value::Null)
                .into(),
        );
        props.insert(
            "ReplicasPerNodeGroup".into(),
            Intrinsic::length(Intrinsic::ref_("Zones")).into(),
        );
        props.insert(
            "UserGroupIds".into(),
            Intrinsic::to_json_string(Value::Map(IndexMap::from([(
                "Condition".into(),
                Value::Map(IndexMap::from([(
                    "Bool".into(),
                    Value::Map(IndexMap::from([(
                        "aws:SecureTransport".into(),
                        Value::from("true"),
                    )])),
                )])),
            )])))
            .into(),
        );
        props.insert("Engine".into(), Value::from("valkey"));
        props.insert("EngineVersion".into(), Value::from("8.0"));
        props.insert("Port".into(), Value::from(6379));
        props.insert(
            "NumCacheClusters".into(),
            Intrinsic::if_("IsProd", 2, 1).into(),
        );
        props.insert("AutomaticFailoverEnabled".into(), Value::from(true));
        props.insert(
            "AuthToken".into(),
            Intrinsic::if_("IsProd", Intrinsic::ref_("Token"), Pseudo::NoValue.to_ref()).into(),
        );
        props.insert(
            "PreferredCacheClusterAZs".into(),
            Intrinsic::split(",", Intrinsic::join(",", Intrinsic::get_azs())).into(),
        );
        props.insert(
            "SecurityGroupIds".into(),
            Value::List(vec![
                Intrinsic::get_att("CacheSecurityGroup", "GroupId").into(),
            ]),
        );
        props.insert(
            "CacheSubnetGroupName".into(),
            Intrinsic::ref_("CacheSubnets").into(),
        );
        props.insert(
            "NotificationTopicArn".into(),
            Intrinsic::import_value(Intrinsic::sub_with(
                "${Prefix}-topic",
                [("Prefix", Value::from("shared"))],
            ))
            .into(),
        );
        props.insert(
            "Tags".into(),
            Value::List(vec![Value::Map(IndexMap::from([
                ("Key".into(), Value::from("Script")),
                (
                    "Value".into(),
                    Intrinsic::base64("#!/bin/sh\necho \"on\"\n").into(),
                ),
            ]))]),
        );
        props.insert("Null".into(), Value::Null);
        props.insert(
            "Ratio".into(),
            Value::Number(serde_json::Number::from_f64(0.5).unwrap()),
        );
        cache.options = ResourceOptions::default()
            .depends_on("CacheSecurityGroup")
            .depends_on("CacheSubnets")
            .condition("IsProd")
            .deletion_policy(DeletionPolicy::Snapshot)
            .update_replace_policy(DeletionPolicy::Retain)
            .metadata(Value::from("~"));
        template.add_resource("Cache", cache);

        template.add_output(
            "Endpoint",
            Output::new(Intrinsic::get_att("Cache", "PrimaryEndPoint.Address"))
                .description("Primary endpoint")
                .export(Intrinsic::sub("${AWS::StackName}-Endpoint")),
        );
        let mut port = Output::new(Intrinsic::get_att("Cache", "PrimaryEndPoint.Port"));
        port.condition = Some("IsProd".into());
        template.add_output("Port", port);
        template
    }

    #[test]
    fn format_names_and_extensions() {
        assert_eq!("yaml".parse(), Ok(Format::Yaml));
        assert_eq!("YML".parse(), Ok(Format::Yaml));
        assert_eq!("json".parse(), Ok(Format::Json));
        let err = "toml".parse::<Format>().unwrap_err();
        assert!(err.to_string().contains("\"toml\""), "{err}");
        assert_eq!(Format::Yaml.to_string(), "yaml");
        assert_eq!(Format::Json.extension(), "json");
    }

    #[test]
    fn yaml_round_trips() {
        let template = full_template();
        let text = render(&template, Format::Yaml).unwrap();
        assert_eq!(parse(&text, Format::Yaml).unwrap(), template, "{text}");
    }

    #[test]
    fn json_round_trips() {
        let template = full_template();
        let text = render(&template, Format::Json).unwrap();
        assert_eq!(parse(&text, Format::Json).unwrap(), template, "{text}");
    }

    #[test]
    fn rendering_is_byte_identical_across_runs() {
        for format in [Format::Yaml, Format::Json] {
            let first = render(&full_template(), format).unwrap();
            let second = render(&full_template(), format).unwrap();
            assert_eq!(first, second);
        }
    }

    #[test]
    fn sections_render_in_the_documented_order() {
        let order = [
            "AWSTemplateFormatVersion",
            "Description",
            "Metadata",
            "Parameters",
            "Rules",
            "Mappings",
            "Conditions",
            "Transform",
            "Resources",
            "Outputs",
        ];
        let template = full_template();
        for format in [Format::Yaml, Format::Json] {
            // A top-level key at the start of a line.
            let key = |section: &str| match format {
                Format::Yaml => format!("\n{section}:"),
                Format::Json => format!("\n  \"{section}\":"),
            };
            let text = format!("\n{}", render(&template, format).unwrap());
            let positions: Vec<usize> = order
                .iter()
                .map(|section| text.find(&key(section)).expect(section))
                .collect();
            assert!(positions.is_sorted(), "{format}: {positions:?}\n{text}");
        }
    }

    #[test]
    fn yaml_quotes_strings_that_yaml_1_1_readers_would_retype() {
        let mut resource = Resource::new("AWS::SSM::Parameter");
        let tricky = [
            "yes",
            "on",
            "No",
            "y",
            "2010-09-09",
            "6379",
            "0x1F",
            "1e3",
            "1:30",
            "~",
        ];
        for (i, text) in tricky.iter().enumerate() {
            resource
                .properties
                .insert(format!("P{i}"), Value::from(*text));
        }
        resource
            .properties
            .insert("off".into(), Value::from("plain"));
        let mut template = Template::new();
        template.add_resource("Param", resource);

        let text = render(&template, Format::Yaml).unwrap();
        assert!(
            text.starts_with("AWSTemplateFormatVersion: \"2010-09-09\"\n"),
            "{text}"
        );
        for (i, value) in tricky.iter().enumerate() {
            assert!(
                text.contains(&format!("      P{i}: \"{value}\"\n")),
                "{value}:\n{text}"
            );
        }
        assert!(text.contains("      \"off\": plain\n"), "{text}");
        assert_eq!(parse(&text, Format::Yaml).unwrap(), template);
    }

    #[test]
    fn yaml_uses_long_form_intrinsics_and_indented_lists() {
        let mut resource = Resource::new("AWS::ElastiCache::ReplicationGroup");
        resource.properties.insert(
            "SecurityGroupIds".into(),
            Value::List(vec![
                Intrinsic::ref_("Group").into(),
                Intrinsic::get_att("Other", "GroupId").into(),
            ]),
        );
        let mut template = Template::new();
        template.add_resource("Cache", resource);
        insta::assert_snapshot!(render(&template, Format::Yaml).unwrap(), @r#"
        AWSTemplateFormatVersion: "2010-09-09"
        Resources:
          Cache:
            Type: AWS::ElastiCache::ReplicationGroup
            Properties:
              SecurityGroupIds:
                - Ref: Group
                - "Fn::GetAtt":
                    - Other
                    - GroupId
        "#);
    }

    #[test]
    fn json_is_pretty_printed_with_a_trailing_newline() {
        let mut template = Template::new();
        let mut resource = Resource::new("AWS::EC2::SecurityGroup");
        resource
            .properties
            .insert("VpcId".into(), Intrinsic::ref_("Vpc").into());
        template.add_resource("Group", resource);
        insta::assert_snapshot!(render(&template, Format::Json).unwrap(), @r#"
        {
          "AWSTemplateFormatVersion": "2010-09-09",
          "Resources": {
            "Group": {
              "Type": "AWS::EC2::SecurityGroup",
              "Properties": {
                "VpcId": {
                  "Ref": "Vpc"
                }
              }
            }
          }
        }
        "#);
        assert!(render(&template, Format::Json).unwrap().ends_with("}\n"));
    }

    #[test]
    fn multi_line_strings_render_as_literal_blocks_and_long_lines_stay_whole() {
        let long = "arn:aws:iam::123456789012:policy/".to_string() + &"word ".repeat(30);
        let mut template = Template::new().with_description("First line.\nSecond line.\n");
        let mut resource = Resource::new("AWS::SSM::Parameter");
        resource
            .properties
            .insert("Value".into(), Value::from(long.trim_end()));
        template.add_resource("Param", resource);

        let text = render(&template, Format::Yaml).unwrap();
        assert!(
            text.contains("Description: |\n  First line.\n  Second line.\nResources:"),
            "{text}"
        );
        assert!(
            text.contains(&format!("      Value: {}\n", long.trim_end())),
            "{text}"
        );
        assert_eq!(parse(&text, Format::Yaml).unwrap(), template);
    }
}
