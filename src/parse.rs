//! Reading a template's text, YAML or JSON, into a [`Template`] (writing one is
//! [`crate::render`]).
//!
//! YAML short forms (`!Ref Vpc`, `!GetAtt Cache.PrimaryEndPoint.Address`, `!Sub ...`) are read
//! into the long form (`Ref: Vpc`), as CloudFormation does. [`parse`] is strict, like
//! CloudFormation: unknown sections and keys, and keys given twice, are errors. [`parse_loose`]
//! is for templates cfnforge did not write (a deployed stack's): it sets aside the parts the model
//! does not hold (`Hooks`, `Fn::ForEach` loops, ...) and names them, so that what it understands
//! can still be compared. [`deletion_policies`] reads only each resource's `DeletionPolicy`.

use std::collections::HashSet;
use std::fmt;

use indexmap::IndexMap;
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value as Json;
use thiserror::Error;

use crate::render::Format;
use crate::template::{Output, Parameter, Resource, Template};

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
    /// An explicit YAML tag that is not one of CloudFormation's short forms: it would silently
    /// be dropped, so it is refused.
    #[error("line {line}, column {column}: the YAML tag `{tag}` is not supported")]
    UnsupportedTag { tag: String, line: u64, column: u64 },
}

fn at(path: &Option<String>) -> String {
    path.as_ref()
        .map(|path| format!(" at {path}"))
        .unwrap_or_default()
}

/// Reads a template. Like CloudFormation, it refuses unknown sections, unknown keys of
/// resources, parameters and outputs, and keys given twice, rather than dropping them. YAML
/// short forms are read as their long form; any other YAML tag is an error rather than being
/// silently dropped.
pub fn parse(text: &str, format: Format) -> Result<Template, ParseError> {
    match format {
        Format::Json => {
            // serde_json keeps the last of a key given twice: refuse them first.
            json_with_path::<DistinctKeys>(text)?;
            json_with_path(text)
        }
        Format::Yaml => match strict_yaml(text) {
            // Short forms need the tag-aware reader, which knows paths but not lines; a
            // template without them keeps exact positions in every error.
            Err(ParseError::UnsupportedTag { tag, .. }) if short_form(&tag).is_some() => {
                from_tree(yaml_tree(text)?, Format::Yaml)
            }
            other => other,
        },
    }
}

/// A template read for comparison, with the parts the model does not hold set aside.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LooseTemplate {
    pub template: Template,
    /// Where the parts set aside were (`Hooks`, `Resources.Fn::ForEach::Topics`), in order.
    pub unread: Vec<String>,
}

/// Reads a template someone else may have written (a deployed stack's): short-form YAML,
/// `Transform`, `Hooks`, `Fn::ForEach` and whatever else CloudFormation accepts that the model
/// does not hold. Such parts are left out of the template and named in `unread`; only text
/// that is not YAML or JSON at all, or a `Resources` section of the wrong shape, is an error.
pub fn parse_loose(text: &str) -> Result<LooseTemplate, ParseError> {
    let (tree, format) = tree(text)?;
    let Json::Object(mut sections) = tree else {
        return Err(invalid(
            format,
            "the template is not a map of sections",
            None,
        ));
    };
    let mut unread = Vec::new();
    // The sections the model holds; anything else (Hooks, a future section) is set aside.
    const KNOWN: &[&str] = &[
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
    sections.retain(|key, _| {
        let known = KNOWN.contains(&key.as_str());
        if !known {
            unread.push(key.clone());
        }
        known
    });
    // A policy given through an intrinsic (`DeletionPolicy: !If [...]`) is set aside on its
    // own, so that the resource's properties are still compared.
    if let Some(Json::Object(resources)) = sections.get_mut("Resources") {
        for (id, resource) in resources.iter_mut() {
            if let Json::Object(attributes) = resource {
                for policy in ["DeletionPolicy", "UpdateReplacePolicy"] {
                    if attributes.get(policy).is_some_and(|p| !p.is_string()) {
                        attributes.remove(policy);
                        unread.push(format!("Resources.{id}.{policy}"));
                    }
                }
            }
        }
    }
    // Entries of these sections that do not read (an `Fn::ForEach` loop, a parameter type or
    // attribute the model lacks) are set aside one by one.
    keep_readable::<Resource>(&mut sections, "Resources", &mut unread);
    keep_readable::<Parameter>(&mut sections, "Parameters", &mut unread);
    keep_readable::<Output>(&mut sections, "Outputs", &mut unread);
    for section in ["Metadata", "Rules", "Mappings", "Conditions", "Description"] {
        if let Some(value) = sections.get(section)
            && serde_json::from_value::<Template>(Json::Object(
                [(section.to_string(), value.clone())].into_iter().collect(),
            ))
            .is_err()
        {
            sections.remove(section);
            unread.push(section.to_string());
        }
    }
    let template = from_tree(Json::Object(sections), format)?;
    Ok(LooseTemplate { template, unread })
}

fn keep_readable<T: for<'de> Deserialize<'de>>(
    sections: &mut serde_json::Map<String, Json>,
    section: &str,
    unread: &mut Vec<String>,
) {
    let Some(Json::Object(entries)) = sections.get_mut(section) else {
        return;
    };
    entries.retain(|key, value| {
        let readable =
            !key.starts_with("Fn::") && serde_json::from_value::<T>(value.clone()).is_ok();
        if !readable {
            unread.push(format!("{section}.{key}"));
        }
        readable
    });
}

/// What a resource's `DeletionPolicy` says, read from a template without reading the rest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PolicyRead {
    /// Not given: CloudFormation deletes the resource (for most types).
    Default,
    /// `Delete`, `Retain`, `RetainExceptOnCreate` or `Snapshot`.
    Given(String),
    /// Given through an intrinsic function (`Fn::If`), whose value depends on the stack.
    Computed,
}

/// Each resource's `DeletionPolicy`, by logical ID, from any template CloudFormation accepts
/// (resources made by `Fn::ForEach` or a transform are not named in it).
pub fn deletion_policies(text: &str) -> Result<IndexMap<String, PolicyRead>, ParseError> {
    let (tree, _) = tree(text)?;
    let mut policies = IndexMap::new();
    if let Some(Json::Object(resources)) = tree.get("Resources") {
        for (id, resource) in resources {
            if id.starts_with("Fn::") {
                continue;
            }
            let policy = match resource.get("DeletionPolicy") {
                None => PolicyRead::Default,
                Some(Json::String(policy)) => PolicyRead::Given(policy.clone()),
                Some(_) => PolicyRead::Computed,
            };
            policies.insert(id.clone(), policy);
        }
    }
    Ok(policies)
}

/// The text as a generic tree in the long form, and which format it was.
fn tree(text: &str) -> Result<(Json, Format), ParseError> {
    if text.trim_start().starts_with('{') {
        serde_json::from_str(text)
            .map(|tree| (tree, Format::Json))
            .map_err(|err| ParseError::Invalid {
                format: Format::Json,
                message: err.to_string(),
                path: None,
                line: Some(err.line() as u64).filter(|&n| n > 0),
                column: Some(err.column() as u64).filter(|&n| n > 0),
            })
    } else {
        yaml_tree(text).map(|tree| (tree, Format::Yaml))
    }
}

fn invalid(format: Format, message: &str, path: Option<String>) -> ParseError {
    ParseError::Invalid {
        format,
        message: message.to_string(),
        path,
        line: None,
        column: None,
    }
}

/// A template from a generic tree, with the path of the first part of the wrong shape.
fn from_tree(tree: Json, format: Format) -> Result<Template, ParseError> {
    serde_path_to_error::deserialize(tree).map_err(|err| {
        let path = key_path(err.path());
        invalid(format, &err.into_inner().to_string(), path)
    })
}

fn strict_yaml(text: &str) -> Result<Template, ParseError> {
    let options = serde_saphyr::options! {
        // Reading into a generic value would otherwise drop tags such as `!Secret`.
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

/// YAML text as a generic tree, short forms turned into the long form. Keys given twice are
/// errors (the YAML reader's default); tags other than the short forms are errors.
fn yaml_tree(text: &str) -> Result<Json, ParseError> {
    let options = serde_saphyr::options! {
        // Tags reach [`Node`], which turns the short forms into the long form and refuses
        // the rest.
        reject_unsupported_tags: false,
        with_snippet: false,
    };
    serde_saphyr::with_deserializer_from_str_with_options(text, options, |deserializer| {
        Node::deserialize(deserializer)
    })
    .map(|node| node.0)
    .map_err(|err| yaml_error(text, err, None))
}

/// A YAML node with its tag applied: `!Ref X` becomes `{"Ref": "X"}`.
struct Node(Json);

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let serde_saphyr::Tagged(Plain(value), tag) =
            serde_saphyr::Tagged::<Plain>::deserialize(deserializer)?;
        let Some(tag) = tag else {
            return Ok(Node(value));
        };
        if tag.starts_with("tag:yaml.org,2002:") {
            // `!!str 8.0` and the like: the reader has already applied them.
            return Ok(Node(value));
        }
        long_form(&tag, value).map(Node).map_err(de::Error::custom)
    }
}

/// The long form of a short-form intrinsic, or why the tag cannot be read.
pub(crate) fn long_form(tag: &str, argument: Json) -> Result<Json, String> {
    let Some(key) = short_form(tag) else {
        return Err(format!("the YAML tag `{tag}` is not supported"));
    };
    // An empty scalar (`!GetAZs ''` reads as a string, `!GetAZs` alone as null) is "".
    let argument = match argument {
        Json::Null => Json::String(String::new()),
        other => other,
    };
    let argument = match (key, argument) {
        // `!GetAtt Cache.PrimaryEndPoint.Address`: the logical ID is before the first dot.
        ("Fn::GetAtt", Json::String(dotted)) => match dotted.split_once('.') {
            Some((id, attribute)) => Json::Array(vec![id.into(), attribute.into()]),
            None => {
                return Err(format!(
                    "`!GetAtt {dotted}` needs a logical ID and an attribute: `!GetAtt Resource.Attribute`"
                ));
            }
        },
        (_, argument) => argument,
    };
    Ok(Json::Object(
        [(key.to_string(), argument)].into_iter().collect(),
    ))
}

/// The long-form key of a short-form tag: `!Ref` -> `Ref`, `!Sub` -> `Fn::Sub`.
fn short_form(tag: &str) -> Option<&'static str> {
    const SHORT_FORMS: &[(&str, &str)] = &[
        ("!Ref", "Ref"),
        ("!Condition", "Condition"),
        ("!And", "Fn::And"),
        ("!Base64", "Fn::Base64"),
        ("!Cidr", "Fn::Cidr"),
        ("!Contains", "Fn::Contains"),
        ("!EachMemberEquals", "Fn::EachMemberEquals"),
        ("!EachMemberIn", "Fn::EachMemberIn"),
        ("!Equals", "Fn::Equals"),
        ("!FindInMap", "Fn::FindInMap"),
        ("!GetAZs", "Fn::GetAZs"),
        ("!GetAtt", "Fn::GetAtt"),
        ("!If", "Fn::If"),
        ("!ImportValue", "Fn::ImportValue"),
        ("!Join", "Fn::Join"),
        ("!Length", "Fn::Length"),
        ("!Not", "Fn::Not"),
        ("!Or", "Fn::Or"),
        ("!RefAll", "Fn::RefAll"),
        ("!Select", "Fn::Select"),
        ("!Split", "Fn::Split"),
        ("!Sub", "Fn::Sub"),
        ("!ToJsonString", "Fn::ToJsonString"),
        ("!Transform", "Fn::Transform"),
        ("!ValueOf", "Fn::ValueOf"),
    ];
    SHORT_FORMS
        .iter()
        .find(|(short, _)| *short == tag)
        .map(|(_, long)| *long)
}

/// A YAML node without its own tag; its children are [`Node`]s.
struct Plain(Json);

impl<'de> Deserialize<'de> for Plain {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(PlainVisitor)
    }
}

struct PlainVisitor;

impl<'de> Visitor<'de> for PlainVisitor {
    type Value = Plain;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a YAML value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Plain, E> {
        Ok(Plain(Json::Bool(v)))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Plain, E> {
        Ok(Plain(Json::from(v)))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Plain, E> {
        Ok(Plain(Json::from(v)))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Plain, E> {
        Ok(Plain(
            serde_json::Number::from_f64(v).map_or(Json::Null, Json::Number),
        ))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Plain, E> {
        Ok(Plain(Json::String(v.to_string())))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Plain, E> {
        Ok(Plain(Json::Null))
    }
    fn visit_none<E: de::Error>(self) -> Result<Plain, E> {
        Ok(Plain(Json::Null))
    }
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Plain, D::Error> {
        Node::deserialize(deserializer).map(|node| Plain(node.0))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<Plain, A::Error> {
        let mut list = Vec::new();
        while let Some(Node(item)) = items.next_element::<Node>()? {
            list.push(item);
        }
        Ok(Plain(Json::Array(list)))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut entries: A) -> Result<Plain, A::Error> {
        let mut map = serde_json::Map::new();
        while let Some(key) = entries.next_key::<String>()? {
            let Node(value) = entries.next_value::<Node>()?;
            if map.contains_key(&key) {
                return Err(de::Error::custom(format_args!("duplicate key `{key}`")));
            }
            map.insert(key, value);
        }
        Ok(Plain(Json::Object(map)))
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

fn yaml_error(text: &str, err: serde_saphyr::Error, path: Option<String>) -> ParseError {
    if let serde_saphyr::Error::UnsupportedTag { tag, location } = &err {
        let (line, column) = tag_position(text, tag, location);
        return ParseError::UnsupportedTag {
            tag: tag.clone(),
            line,
            column,
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
    use serde_json::json;

    use super::*;
    use crate::template::{Intrinsic, Value};

    /// The long form a one-line YAML value reads as.
    fn read_value(yaml: &str) -> Json {
        yaml_tree(&format!("V: {yaml}\n")).unwrap()["V"].clone()
    }

    #[test]
    fn every_short_form_reads_as_its_long_form() {
        let cases: &[(&str, Json)] = &[
            ("!Ref Vpc", json!({"Ref": "Vpc"})),
            (
                "!GetAtt Cache.PrimaryEndPoint.Address",
                json!({"Fn::GetAtt": ["Cache", "PrimaryEndPoint.Address"]}),
            ),
            (
                "!GetAtt [Cache, PrimaryEndPoint.Port]",
                json!({"Fn::GetAtt": ["Cache", "PrimaryEndPoint.Port"]}),
            ),
            (
                "!Sub '${AWS::StackName}-cache'",
                json!({"Fn::Sub": "${AWS::StackName}-cache"}),
            ),
            (
                "!Sub ['${A}-x', {A: !Ref B}]",
                json!({"Fn::Sub": ["${A}-x", {"A": {"Ref": "B"}}]}),
            ),
            (
                "!Join ['-', [a, !Ref B]]",
                json!({"Fn::Join": ["-", ["a", {"Ref": "B"}]]}),
            ),
            (
                "!Select [0, !GetAZs '']",
                json!({"Fn::Select": [0, {"Fn::GetAZs": ""}]}),
            ),
            ("!GetAZs", json!({"Fn::GetAZs": ""})),
            (
                "!If [IsProd, 2, !Ref AWS::NoValue]",
                json!({"Fn::If": ["IsProd", 2, {"Ref": "AWS::NoValue"}]}),
            ),
            (
                "!Equals [!Ref Env, prod]",
                json!({"Fn::Equals": [{"Ref": "Env"}, "prod"]}),
            ),
            (
                "!Not [!Condition IsProd]",
                json!({"Fn::Not": [{"Condition": "IsProd"}]}),
            ),
            (
                "!And [!Condition A, !Condition B]",
                json!({"Fn::And": [{"Condition": "A"}, {"Condition": "B"}]}),
            ),
            (
                "!Or [!Condition A, !Condition B]",
                json!({"Fn::Or": [{"Condition": "A"}, {"Condition": "B"}]}),
            ),
            (
                "!FindInMap [Sizes, !Ref Env, Node]",
                json!({"Fn::FindInMap": ["Sizes", {"Ref": "Env"}, "Node"]}),
            ),
            ("!Base64 hello", json!({"Fn::Base64": "hello"})),
            (
                "!Cidr [10.0.0.0/16, 4, 8]",
                json!({"Fn::Cidr": ["10.0.0.0/16", 4, 8]}),
            ),
            (
                "!ImportValue shared-vpc",
                json!({"Fn::ImportValue": "shared-vpc"}),
            ),
            (
                "!Split [',', !ImportValue subnets]",
                json!({"Fn::Split": [",", {"Fn::ImportValue": "subnets"}]}),
            ),
            ("!Condition IsProd", json!({"Condition": "IsProd"})),
            (
                "!Transform {Name: AWS::Include, Parameters: {Location: s3://b/k}}",
                json!({"Fn::Transform": {"Name": "AWS::Include", "Parameters": {"Location": "s3://b/k"}}}),
            ),
            ("!Length [a, b]", json!({"Fn::Length": ["a", "b"]})),
            (
                "!ToJsonString {a: 1}",
                json!({"Fn::ToJsonString": {"a": 1}}),
            ),
            (
                "!Contains [[a], !Ref P]",
                json!({"Fn::Contains": [["a"], {"Ref": "P"}]}),
            ),
            (
                "!EachMemberEquals [!Ref P, a]",
                json!({"Fn::EachMemberEquals": [{"Ref": "P"}, "a"]}),
            ),
            (
                "!EachMemberIn [!Ref P, [a]]",
                json!({"Fn::EachMemberIn": [{"Ref": "P"}, ["a"]]}),
            ),
            (
                "!RefAll AWS::EC2::VPC::Id",
                json!({"Fn::RefAll": "AWS::EC2::VPC::Id"}),
            ),
            ("!ValueOf [P, Tag]", json!({"Fn::ValueOf": ["P", "Tag"]})),
        ];
        for (yaml, expected) in cases {
            assert_eq!(&read_value(yaml), expected, "{yaml}");
        }
        // Block forms: the tag before a block list or map.
        let block = "V: !If\n  - IsProd\n  - !Sub\n    - '${A}'\n    - A: !Ref B\n  - x\n";
        assert_eq!(
            yaml_tree(block).unwrap()["V"],
            json!({"Fn::If": ["IsProd", {"Fn::Sub": ["${A}", {"A": {"Ref": "B"}}]}, "x"]})
        );
    }

    #[test]
    fn a_getatt_without_a_dot_and_unknown_tags_are_errors() {
        let err = yaml_tree("V: !GetAtt Cache\n").unwrap_err();
        assert!(
            err.to_string().contains("!GetAtt Resource.Attribute"),
            "{err}"
        );
        let err = yaml_tree("A: 1\nV: !Secret x\n").unwrap_err();
        assert!(err.to_string().contains("`!Secret`"), "{err}");
    }

    #[test]
    fn short_form_templates_parse_into_the_model() {
        let text = "Resources:\n  Cache:\n    Type: AWS::ElastiCache::ReplicationGroup\n    \
                    Properties:\n      SecurityGroupIds:\n        - !GetAtt Group.GroupId\n      \
                    Port: !If [Big, 6380, 6379]\n";
        let template = parse(text, Format::Yaml).unwrap();
        let cache = &template.resources["Cache"];
        assert_eq!(
            cache.properties["SecurityGroupIds"],
            Value::List(vec![Intrinsic::get_att("Group", "GroupId").into()])
        );
        assert!(matches!(cache.properties["Port"], Value::Fn(_)));
        // Still strict about everything else.
        let misspelt = format!("{text}    Propertes: {{}}\n");
        let err = parse(&misspelt, Format::Yaml).unwrap_err();
        assert!(err.to_string().contains("Propertes"), "{err}");
    }

    const FOREIGN: &str = "AWSTemplateFormatVersion: '2010-09-09'
Transform: [AWS::LanguageExtensions, AWS::Serverless-2016-10-31]
Hooks:
  Blue:
    Type: AWS::CodeDeploy::BlueGreen
    Properties: {}
Parameters:
  Env:
    Type: String
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  Fn::ForEach::Topics:
    - Name
    - [a, b]
    - Topic${Name}:
        Type: AWS::SNS::Topic
  Cache:
    Type: AWS::ElastiCache::ReplicationGroup
    DeletionPolicy: Retain
    Properties:
      ReplicationGroupDescription: !Sub '${AWS::StackName} cache'
      Port: 6379
  Queue:
    Type: AWS::SQS::Queue
    DeletionPolicy: !If [IsProd, Retain, Delete]
  Bucket:
    Type: AWS::S3::Bucket
Outputs:
  Endpoint:
    Value: !GetAtt Cache.PrimaryEndPoint.Address
";

    #[test]
    fn a_loose_read_sets_aside_what_the_model_does_not_hold() {
        let strict = parse(FOREIGN, Format::Yaml);
        assert!(
            strict.is_err(),
            "Hooks and Fn::ForEach are not in the model"
        );
        let loose = parse_loose(FOREIGN).unwrap();
        assert_eq!(
            loose.unread,
            [
                "Hooks",
                "Resources.Queue.DeletionPolicy",
                "Resources.Fn::ForEach::Topics"
            ]
        );
        assert_eq!(
            loose.template.resources.keys().collect::<Vec<_>>(),
            ["Cache", "Queue", "Bucket"]
        );
        assert!(loose.template.transform.is_some());
        assert_eq!(
            loose.template.outputs["Endpoint"].value,
            Intrinsic::get_att("Cache", "PrimaryEndPoint.Address").into()
        );
        // The same template as JSON reads the same.
        let json = serde_json::to_string(&yaml_tree(FOREIGN).unwrap()).unwrap();
        assert_eq!(parse_loose(&json).unwrap(), loose);
        // Text that is not YAML at all is still an error.
        assert!(parse_loose("Resources: [\n").is_err());
    }

    #[test]
    fn deletion_policies_read_from_any_template() {
        let policies = deletion_policies(FOREIGN).unwrap();
        assert_eq!(
            policies.into_iter().collect::<Vec<_>>(),
            [
                ("Cache".to_string(), PolicyRead::Given("Retain".into())),
                ("Queue".to_string(), PolicyRead::Computed),
                ("Bucket".to_string(), PolicyRead::Default),
            ]
        );
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
