//! Rendering a [`Template`] as YAML or JSON, and reading one back.
//!
//! Output is deterministic (sections in the documented order, maps in insertion order) and uses
//! only the long form of intrinsic functions, so any YAML or JSON reader takes it as it is.

use std::collections::HashSet;
use std::fmt;
use std::str::FromStr;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
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

/// Why a template's text could not be read. Lines and columns count from 1.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ParseError {
    /// Not well-formed YAML or JSON, or a part of the wrong shape (an unknown parameter type, a
    /// resource without `Type`, a misspelt section or resource attribute, a key given twice,
    /// ...). The parser's message already names the line and column; `path` is where in the
    /// template it went wrong (`Resources.Cache`), when not at the top.
    #[error("invalid {format} template{}: {message}", at(.path))]
    Invalid {
        format: Format,
        message: String,
        path: Option<String>,
        line: Option<u64>,
        column: Option<u64>,
    },
    /// A YAML short-form intrinsic such as `!Ref Vpc`, which this reader does not support.
    #[error(
        "line {line}, column {column}: the short form `{tag}` is not supported; write the \
         intrinsic function in its long form (`Ref: Vpc` rather than `!Ref Vpc`, \
         `Fn::GetAtt: [Cache, PrimaryEndPoint.Address]` rather than `!GetAtt ...`)"
    )]
    ShortFormIntrinsic { tag: String, line: u64, column: u64 },
    /// Any other explicit YAML tag: it would silently be dropped, so it is refused.
    #[error("line {line}, column {column}: the YAML tag `{tag}` is not supported")]
    UnsupportedTag { tag: String, line: u64, column: u64 },
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

fn at(path: &Option<String>) -> String {
    path.as_ref()
        .map(|path| format!(" at {path}"))
        .unwrap_or_default()
}

/// Reads a template. Like CloudFormation, it refuses unknown sections, unknown keys of
/// resources, parameters and outputs, and keys given twice, rather than dropping them. YAML
/// must use the long form of intrinsic functions: a short-form tag such as `!Ref` is an error
/// rather than being silently dropped.
pub fn parse(text: &str, format: Format) -> Result<Template, ParseError> {
    match format {
        Format::Json => {
            // serde_json keeps the last of a key given twice: refuse them first.
            json_with_path::<DistinctKeys>(text)?;
            json_with_path(text)
        }
        Format::Yaml => {
            let options = serde_saphyr::options! {
                // Reading into a generic value would otherwise drop tags such as `!Ref`.
                reject_unsupported_tags: true,
                // The caller renders errors; a plain message with its position is enough.
                with_snippet: false,
            };
            let mut path = None;
            serde_saphyr::with_deserializer_from_str_with_options(text, options, |deserializer| {
                serde_path_to_error::deserialize(deserializer).map_err(|err| {
                    path = key_path(err.path());
                    err.into_inner()
                })
            })
            .map_err(|err| yaml_error(text, err, path))
        }
    }
}

fn json_with_path<'de, T: Deserialize<'de>>(text: &'de str) -> Result<T, ParseError> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let mut path = None;
    serde_path_to_error::deserialize(&mut deserializer)
        .map_err(|err| {
            path = key_path(err.path());
            err.into_inner()
        })
        .and_then(|value| deserializer.end().map(|()| value))
        .map_err(|err| ParseError::Invalid {
            format: Format::Json,
            message: err.to_string(),
            path,
            // serde_json counts from 1 and uses 0 when it has no position.
            line: Some(err.line() as u64).filter(|&n| n > 0),
            column: Some(err.column() as u64).filter(|&n| n > 0),
        })
}

/// The path serde went down, or `None` at the top of the template.
fn key_path(path: &serde_path_to_error::Path) -> Option<String> {
    let path = path.to_string();
    (path != ".").then_some(path)
}

/// Any JSON value, as long as no object in it has the same key twice.
struct DistinctKeys;

impl<'de> Deserialize<'de> for DistinctKeys {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(DistinctKeys)
    }
}

impl<'de> Visitor<'de> for DistinctKeys {
    type Value = DistinctKeys;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self, E> {
        Ok(self)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self, E> {
        Ok(self)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self, E> {
        Ok(self)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self, E> {
        Ok(self)
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self, E> {
        Ok(self)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self, E> {
        Ok(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<Self, A::Error> {
        while items.next_element::<DistinctKeys>()?.is_some() {}
        Ok(self)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut entries: A) -> Result<Self, A::Error> {
        let mut seen = HashSet::new();
        while let Some(key) = entries.next_key::<String>()? {
            if seen.contains(&key) {
                return Err(de::Error::custom(format_args!("duplicate key `{key}`")));
            }
            entries.next_value::<DistinctKeys>()?;
            seen.insert(key);
        }
        Ok(self)
    }
}

/// The tags of CloudFormation's YAML short forms (`!Ref`, `!GetAtt`, ...).
const SHORT_FORMS: &[&str] = &[
    "!And",
    "!Base64",
    "!Cidr",
    "!Condition",
    "!Equals",
    "!FindInMap",
    "!GetAZs",
    "!GetAtt",
    "!If",
    "!ImportValue",
    "!Join",
    "!Length",
    "!Not",
    "!Or",
    "!Ref",
    "!Select",
    "!Split",
    "!Sub",
    "!ToJsonString",
    "!Transform",
];

fn yaml_error(text: &str, err: serde_saphyr::Error, path: Option<String>) -> ParseError {
    if let serde_saphyr::Error::UnsupportedTag { tag, location } = &err {
        let (line, column) = tag_position(text, tag, location);
        let tag = tag.clone();
        return if SHORT_FORMS.contains(&tag.as_str()) {
            ParseError::ShortFormIntrinsic { tag, line, column }
        } else {
            ParseError::UnsupportedTag { tag, line, column }
        };
    }
    let location = err.location();
    ParseError::Invalid {
        format: Format::Yaml,
        message: err.to_string(),
        path,
        line: location.map(|l| l.line()),
        column: location.map(|l| l.column()),
    }
}

/// Where the tag itself starts: the parser reports the tagged node, which begins after the tag
/// and may be on a later line (`!If` followed by a block list).
fn tag_position(text: &str, tag: &str, node: &serde_saphyr::Location) -> (u64, u64) {
    let before_node = node
        .span()
        .byte_offset()
        .and_then(|offset| usize::try_from(offset).ok())
        .and_then(|offset| text.get(..offset));
    let Some(start) = before_node.and_then(|before| before.rfind(tag)) else {
        return (node.line(), node.column());
    };
    let before_tag = &text[..start];
    let line_start = before_tag.rfind('\n').map_or(0, |i| i + 1);
    let line = before_tag.matches('\n').count() + 1;
    let column = before_tag[line_start..].chars().count() + 1;
    (line as u64, column as u64)
}

#[cfg(test)]
mod tests {
    use indexmap::IndexMap;

    use super::*;
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

    #[test]
    fn yaml_short_form_intrinsics_are_refused_with_their_position() {
        let text = "Resources:\n  Cache:\n    Type: AWS::ElastiCache::ReplicationGroup\n    \
                    Properties:\n      SecurityGroupIds:\n        - !GetAtt Group.GroupId\n";
        let err = parse(text, Format::Yaml).unwrap_err();
        assert_eq!(
            err,
            ParseError::ShortFormIntrinsic {
                tag: "!GetAtt".into(),
                line: 6,
                column: 11
            }
        );
        assert!(err.to_string().contains("long form"), "{err}");

        let in_depends_on = "Resources:\n  A:\n    Type: X\n    DependsOn: !Ref B\n";
        assert!(matches!(
            parse(in_depends_on, Format::Yaml),
            Err(ParseError::ShortFormIntrinsic { tag, line: 4, column: 16 }) if tag == "!Ref"
        ));

        // The tagged node starts on the next line; the position is the tag's own.
        let before_a_block = "Resources:\n  A:\n    Type: X\n    Properties:\n      \
                              N: !If\n        - IsProd\n        - 2\n        - 1\n";
        assert!(matches!(
            parse(before_a_block, Format::Yaml),
            Err(ParseError::ShortFormIntrinsic { tag, line: 5, column: 10 }) if tag == "!If"
        ));
    }

    #[test]
    fn other_yaml_tags_are_refused_and_quoted_bangs_are_strings() {
        let tagged = "Description: !Secret abc\nResources: {}\n";
        assert!(matches!(
            parse(tagged, Format::Yaml),
            Err(ParseError::UnsupportedTag { tag, line: 1, .. }) if tag == "!Secret"
        ));

        let quoted = "Description: '!Ref X'\nResources: {}\n";
        let template = parse(quoted, Format::Yaml).unwrap();
        assert_eq!(template.description.as_deref(), Some("!Ref X"));
    }

    #[test]
    fn parse_errors_carry_line_and_column() {
        let yaml = "Parameters:\n  Vpc:\n    Type: AWS::EC2::Vpc::Id\nResources: {}\n";
        let Err(ParseError::Invalid {
            format,
            message,
            path,
            line,
            column,
        }) = parse(yaml, Format::Yaml)
        else {
            panic!("an unknown parameter type is invalid");
        };
        assert_eq!(
            (format, path.as_deref(), line, column),
            (Format::Yaml, Some("Parameters.Vpc.Type"), Some(3), Some(11))
        );
        assert!(message.contains("AWS::EC2::Vpc::Id"), "{message}");

        let json = "{\n  \"Resources\": {\n    \"A\": {\"Properties\": {}}\n  }\n}\n";
        let Err(ParseError::Invalid {
            format,
            message,
            path,
            line,
            ..
        }) = parse(json, Format::Json)
        else {
            panic!("a resource without Type is invalid");
        };
        assert_eq!(
            (format, path.as_deref(), line),
            (Format::Json, Some("Resources.A"), Some(3))
        );
        assert!(message.contains("Type"), "{message}");
    }

    /// The message, path, line and column of an `Invalid` error.
    fn invalid(text: &str, format: Format) -> (String, Option<String>, Option<u64>, Option<u64>) {
        match parse(text, format) {
            Err(ParseError::Invalid {
                message,
                path,
                line,
                column,
                ..
            }) => (message, path, line, column),
            other => panic!("expected an invalid template, got {other:?}"),
        }
    }

    #[test]
    fn misspelt_resource_attributes_are_errors_naming_the_key_and_where_it_is() {
        let yaml = "Resources:\n  Cache:\n    Type: X\n    Propertes:\n      A: 1\n";
        let (message, path, line, column) = invalid(yaml, Format::Yaml);
        assert!(message.contains("unknown field `Propertes`"), "{message}");
        assert_eq!(
            (path.as_deref(), line, column),
            (Some("Resources.Cache.Propertes"), Some(4), Some(5))
        );

        let json = "{\"Resources\": {\n  \"A\": {\"Type\": \"X\",\n    \"DependOn\": \"B\"}}}";
        let (message, path, line, _) = invalid(json, Format::Json);
        assert!(message.contains("unknown field `DependOn`"), "{message}");
        assert!(message.contains("expected one of"), "{message}");
        assert_eq!(
            (path.as_deref(), line),
            (Some("Resources.A.DependOn"), Some(3))
        );
    }

    #[test]
    fn unknown_sections_and_keys_of_parameters_and_outputs_are_errors() {
        let cases = [
            (
                "Resource:\n  A:\n    Type: X\n",
                "`Resource`",
                Some("Resource"),
                1,
            ),
            (
                "Parameters:\n  P:\n    Type: String\n    Defualt: x\nResources: {}\n",
                "`Defualt`",
                Some("Parameters.P.Defualt"),
                4,
            ),
            (
                "Resources: {}\nOutputs:\n  O:\n    Value: x\n    Exports:\n      Name: x\n",
                "`Exports`",
                Some("Outputs.O.Exports"),
                5,
            ),
            (
                "Resources: {}\nOutputs:\n  O:\n    Value: x\n    Export:\n      Nmae: x\n",
                "`Nmae`",
                Some("Outputs.O.Export.Nmae"),
                6,
            ),
        ];
        for (yaml, key, at, at_line) in cases {
            let (message, path, line, _) = invalid(yaml, Format::Yaml);
            assert!(message.contains(key), "{message}");
            assert_eq!((path.as_deref(), line), (at, Some(at_line)), "{message}");
        }
    }

    #[test]
    fn keys_given_twice_are_errors_in_json_as_in_yaml() {
        let yaml = "Resources:\n  A:\n    Type: X\n  A:\n    Type: Y\n";
        let (message, _, line, _) = invalid(yaml, Format::Yaml);
        assert!(message.contains("duplicate"), "{message}");
        assert_eq!(line, Some(4), "{message}");

        let json = "{\"Resources\": {\n  \"A\": {\"Type\": \"X\", \"Properties\": {\n    \
                    \"Name\": 1,\n    \"Name\": 2}}}}";
        let (message, path, line, _) = invalid(json, Format::Json);
        assert!(message.contains("duplicate key `Name`"), "{message}");
        assert_eq!(
            (path.as_deref(), line),
            (Some("Resources.A.Properties"), Some(4))
        );
    }

    #[test]
    fn invalid_errors_say_where_in_the_template() {
        let err = parse("Resources:\n  A:\n    Typ: X\n", Format::Yaml).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("invalid yaml template at Resources.A.Typ: unknown field `Typ`"),
            "{err}"
        );
        let err = parse("\"x\"", Format::Json).unwrap_err();
        assert!(
            err.to_string().starts_with("invalid json template: "),
            "{err}"
        );
    }
}
