//! CloudFormation intrinsic functions and pseudo parameters, typed.
//!
//! Every intrinsic renders in its long form (`Ref`, `Fn::GetAtt`, ...) so that any YAML or JSON
//! reader takes it, and parses back from the same form.

use indexmap::IndexMap;
use serde::{Serialize, Serializer, ser::SerializeMap};

use super::value::Value;

/// An intrinsic function call.
#[derive(Debug, Clone, PartialEq)]
pub enum Intrinsic {
    /// `Ref`: a parameter, a resource or a pseudo parameter.
    Ref(String),
    /// `Fn::GetAtt`: an attribute of a resource.
    GetAtt { resource: String, attribute: String },
    /// `Fn::Sub`: a string with `${Name}` variables, optionally with its own variable map.
    Sub {
        template: String,
        vars: IndexMap<String, Value>,
    },
    /// `Fn::Join`: `values` is a list or an intrinsic that returns one.
    Join { delimiter: String, values: Value },
    /// `Fn::Select`.
    Select { index: Value, list: Value },
    /// `Fn::Split`.
    Split { delimiter: String, source: Value },
    /// `Fn::GetAZs` (an empty string means the stack's region).
    GetAzs(Value),
    /// `Fn::ImportValue`: an export of another stack.
    ImportValue(Value),
    /// `Fn::If`.
    If {
        condition: String,
        then: Value,
        otherwise: Value,
    },
    /// `Fn::Equals`.
    Equals(Value, Value),
    /// `Fn::And`.
    And(Vec<Value>),
    /// `Fn::Or`.
    Or(Vec<Value>),
    /// `Fn::Not`.
    Not(Value),
    /// `Fn::FindInMap`; `default` is the `DefaultValue` of the language extensions' fourth
    /// argument (`[Map, TopKey, SecondKey, {DefaultValue: ...}]`).
    FindInMap {
        map: Value,
        top_key: Value,
        second_key: Value,
        default: Option<Value>,
    },
    /// `Fn::Base64`.
    Base64(Value),
    /// `Fn::Cidr`.
    Cidr {
        block: Value,
        count: Value,
        bits: Value,
    },
    /// `Fn::Length` (language extensions): the number of items in a list.
    Length(Value),
    /// `Fn::ToJsonString` (language extensions): an object or list as a JSON string.
    ToJsonString(Value),
    /// `{"Condition": name}`: a reference to a named condition. Only an argument of `Fn::And`,
    /// `Fn::Or` and `Fn::Not` is read as one; anywhere else (an IAM policy's `Condition`
    /// block, say) such a map is data.
    Condition(String),
}

/// The pseudo parameters CloudFormation defines; `Ref` them with [`Pseudo::to_ref`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pseudo {
    Region,
    AccountId,
    StackName,
    StackId,
    Partition,
    UrlSuffix,
    NotificationArns,
    NoValue,
}

impl Pseudo {
    pub const ALL: [Pseudo; 8] = [
        Pseudo::Region,
        Pseudo::AccountId,
        Pseudo::StackName,
        Pseudo::StackId,
        Pseudo::Partition,
        Pseudo::UrlSuffix,
        Pseudo::NotificationArns,
        Pseudo::NoValue,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Pseudo::Region => "AWS::Region",
            Pseudo::AccountId => "AWS::AccountId",
            Pseudo::StackName => "AWS::StackName",
            Pseudo::StackId => "AWS::StackId",
            Pseudo::Partition => "AWS::Partition",
            Pseudo::UrlSuffix => "AWS::URLSuffix",
            Pseudo::NotificationArns => "AWS::NotificationARNs",
            Pseudo::NoValue => "AWS::NoValue",
        }
    }

    pub fn from_name(name: &str) -> Option<Pseudo> {
        Pseudo::ALL.into_iter().find(|p| p.name() == name)
    }

    pub fn to_ref(self) -> Intrinsic {
        Intrinsic::Ref(self.name().to_string())
    }
}

impl Intrinsic {
    pub fn ref_(name: impl Into<String>) -> Self {
        Intrinsic::Ref(name.into())
    }

    pub fn get_att(resource: impl Into<String>, attribute: impl Into<String>) -> Self {
        Intrinsic::GetAtt {
            resource: resource.into(),
            attribute: attribute.into(),
        }
    }

    pub fn sub(template: impl Into<String>) -> Self {
        Intrinsic::Sub {
            template: template.into(),
            vars: IndexMap::new(),
        }
    }

    pub fn sub_with(
        template: impl Into<String>,
        vars: impl IntoIterator<Item = (impl Into<String>, impl Into<Value>)>,
    ) -> Self {
        Intrinsic::Sub {
            template: template.into(),
            vars: vars
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        }
    }

    pub fn join(delimiter: impl Into<String>, values: impl Into<Value>) -> Self {
        Intrinsic::Join {
            delimiter: delimiter.into(),
            values: values.into(),
        }
    }

    pub fn select(index: impl Into<Value>, list: impl Into<Value>) -> Self {
        Intrinsic::Select {
            index: index.into(),
            list: list.into(),
        }
    }

    pub fn split(delimiter: impl Into<String>, source: impl Into<Value>) -> Self {
        Intrinsic::Split {
            delimiter: delimiter.into(),
            source: source.into(),
        }
    }

    /// `Fn::GetAZs` for the stack's own region.
    pub fn get_azs() -> Self {
        Intrinsic::GetAzs(Value::String(String::new()))
    }

    pub fn import_value(name: impl Into<Value>) -> Self {
        Intrinsic::ImportValue(name.into())
    }

    pub fn if_(
        condition: impl Into<String>,
        then: impl Into<Value>,
        otherwise: impl Into<Value>,
    ) -> Self {
        Intrinsic::If {
            condition: condition.into(),
            then: then.into(),
            otherwise: otherwise.into(),
        }
    }

    pub fn equals(a: impl Into<Value>, b: impl Into<Value>) -> Self {
        Intrinsic::Equals(a.into(), b.into())
    }

    pub fn find_in_map(
        map: impl Into<Value>,
        top_key: impl Into<Value>,
        second_key: impl Into<Value>,
    ) -> Self {
        Intrinsic::FindInMap {
            map: map.into(),
            top_key: top_key.into(),
            second_key: second_key.into(),
            default: None,
        }
    }

    /// `Fn::FindInMap` with a `DefaultValue` for keys the mapping lacks (language extensions).
    pub fn find_in_map_or(
        map: impl Into<Value>,
        top_key: impl Into<Value>,
        second_key: impl Into<Value>,
        default: impl Into<Value>,
    ) -> Self {
        Intrinsic::FindInMap {
            map: map.into(),
            top_key: top_key.into(),
            second_key: second_key.into(),
            default: Some(default.into()),
        }
    }

    /// A reference to a named condition, for the arguments of `Fn::And`, `Fn::Or`, `Fn::Not`.
    pub fn condition(name: impl Into<String>) -> Self {
        Intrinsic::Condition(name.into())
    }

    pub fn length(list: impl Into<Value>) -> Self {
        Intrinsic::Length(list.into())
    }

    pub fn to_json_string(value: impl Into<Value>) -> Self {
        Intrinsic::ToJsonString(value.into())
    }

    pub fn base64(value: impl Into<Value>) -> Self {
        Intrinsic::Base64(value.into())
    }

    pub fn cidr(block: impl Into<Value>, count: impl Into<Value>, bits: impl Into<Value>) -> Self {
        Intrinsic::Cidr {
            block: block.into(),
            count: count.into(),
            bits: bits.into(),
        }
    }

    /// The function's name as it appears in a template.
    pub fn name(&self) -> &'static str {
        match self {
            Intrinsic::Ref(_) => "Ref",
            Intrinsic::GetAtt { .. } => "Fn::GetAtt",
            Intrinsic::Sub { .. } => "Fn::Sub",
            Intrinsic::Join { .. } => "Fn::Join",
            Intrinsic::Select { .. } => "Fn::Select",
            Intrinsic::Split { .. } => "Fn::Split",
            Intrinsic::GetAzs(_) => "Fn::GetAZs",
            Intrinsic::ImportValue(_) => "Fn::ImportValue",
            Intrinsic::If { .. } => "Fn::If",
            Intrinsic::Equals(..) => "Fn::Equals",
            Intrinsic::And(_) => "Fn::And",
            Intrinsic::Or(_) => "Fn::Or",
            Intrinsic::Not(_) => "Fn::Not",
            Intrinsic::FindInMap { .. } => "Fn::FindInMap",
            Intrinsic::Base64(_) => "Fn::Base64",
            Intrinsic::Cidr { .. } => "Fn::Cidr",
            Intrinsic::Length(_) => "Fn::Length",
            Intrinsic::ToJsonString(_) => "Fn::ToJsonString",
            Intrinsic::Condition(_) => "Condition",
        }
    }

    /// The argument in the shape CloudFormation expects under the function's key.
    pub fn argument(&self) -> Value {
        let s = |x: &String| Value::String(x.clone());
        match self {
            Intrinsic::Ref(name) | Intrinsic::Condition(name) => s(name),
            Intrinsic::GetAtt {
                resource,
                attribute,
            } => Value::List(vec![s(resource), s(attribute)]),
            Intrinsic::Sub { template, vars } if vars.is_empty() => s(template),
            Intrinsic::Sub { template, vars } => {
                Value::List(vec![s(template), Value::Map(vars.clone())])
            }
            Intrinsic::Join { delimiter, values } => {
                Value::List(vec![s(delimiter), values.clone()])
            }
            Intrinsic::Select { index, list } => Value::List(vec![index.clone(), list.clone()]),
            Intrinsic::Split { delimiter, source } => {
                Value::List(vec![s(delimiter), source.clone()])
            }
            Intrinsic::GetAzs(v)
            | Intrinsic::ImportValue(v)
            | Intrinsic::Base64(v)
            | Intrinsic::Length(v)
            | Intrinsic::ToJsonString(v) => v.clone(),
            Intrinsic::Not(v) => Value::List(vec![v.clone()]),
            Intrinsic::If {
                condition,
                then,
                otherwise,
            } => Value::List(vec![s(condition), then.clone(), otherwise.clone()]),
            Intrinsic::Equals(a, b) => Value::List(vec![a.clone(), b.clone()]),
            Intrinsic::And(items) | Intrinsic::Or(items) => Value::List(items.clone()),
            Intrinsic::FindInMap {
                map,
                top_key,
                second_key,
                default,
            } => {
                let mut items = vec![map.clone(), top_key.clone(), second_key.clone()];
                if let Some(default) = default {
                    let options = IndexMap::from([(DEFAULT_VALUE.to_string(), default.clone())]);
                    items.push(Value::Map(options));
                }
                Value::List(items)
            }
            Intrinsic::Cidr { block, count, bits } => {
                Value::List(vec![block.clone(), count.clone(), bits.clone()])
            }
        }
    }

    /// Reads an intrinsic from a one-key map. `Ok(None)`: the key is not an intrinsic function;
    /// `Err`: it is one, with arguments of the wrong shape (the message says which).
    ///
    /// `Condition` is not read here: `{"Condition": name}` is a reference to a condition only as
    /// an argument of `Fn::And`, `Fn::Or` and `Fn::Not`, which read their own arguments.
    pub fn parse(key: &str, arg: &Value) -> Result<Option<Intrinsic>, String> {
        let string = |v: &Value, what: &str| match v {
            Value::String(s) => Ok(s.clone()),
            _ => Err(format!("{key} expects {what} as a string")),
        };
        let parsed = match key {
            "Ref" => Intrinsic::Ref(string(arg, "a logical ID")?),
            "Fn::GetAtt" => match arg {
                Value::String(dotted) => match dotted.split_once('.') {
                    Some((resource, attribute)) => Intrinsic::get_att(resource, attribute),
                    None => return Err(format!("{key} expects \"Resource.Attribute\"")),
                },
                _ => {
                    let [resource, attribute] = exactly(key, arg)?;
                    Intrinsic::get_att(
                        string(resource, "the logical ID")?,
                        string(attribute, "the attribute name")?,
                    )
                }
            },
            "Fn::Sub" => match arg {
                Value::String(template) => Intrinsic::sub(template.clone()),
                _ => {
                    let [template, vars] = exactly(key, arg)?;
                    let Value::Map(vars) = vars else {
                        return Err(format!("{key} expects a variable map as its second item"));
                    };
                    Intrinsic::Sub {
                        template: string(template, "the template")?,
                        vars: vars.clone(),
                    }
                }
            },
            "Fn::Join" => {
                let [delimiter, values] = exactly(key, arg)?;
                Intrinsic::join(string(delimiter, "the delimiter")?, values.clone())
            }
            "Fn::Select" => {
                let [index, list] = exactly(key, arg)?;
                Intrinsic::select(index.clone(), list.clone())
            }
            "Fn::Split" => {
                let [delimiter, source] = exactly(key, arg)?;
                Intrinsic::split(string(delimiter, "the delimiter")?, source.clone())
            }
            "Fn::GetAZs" => Intrinsic::GetAzs(arg.clone()),
            "Fn::ImportValue" => Intrinsic::ImportValue(arg.clone()),
            "Fn::Base64" => Intrinsic::Base64(arg.clone()),
            "Fn::If" => {
                let [condition, then, otherwise] = exactly(key, arg)?;
                Intrinsic::if_(
                    string(condition, "the condition name")?,
                    then.clone(),
                    otherwise.clone(),
                )
            }
            "Fn::Equals" => {
                let [a, b] = exactly(key, arg)?;
                Intrinsic::equals(a.clone(), b.clone())
            }
            "Fn::And" | "Fn::Or" => {
                let Value::List(items) = arg else {
                    return Err(format!("{key} expects a list of conditions"));
                };
                let items = items
                    .iter()
                    .map(|item| condition_argument(key, item))
                    .collect::<Result<Vec<_>, _>>()?;
                if key == "Fn::And" {
                    Intrinsic::And(items)
                } else {
                    Intrinsic::Or(items)
                }
            }
            "Fn::Not" => {
                let [condition] = exactly(key, arg)?;
                Intrinsic::Not(condition_argument(key, condition)?)
            }
            "Fn::FindInMap" => {
                let items = match arg {
                    Value::List(items) => items.as_slice(),
                    _ => &[],
                };
                let (keys, default) = match items {
                    [map, top_key, second_key] => ([map, top_key, second_key], None),
                    [map, top_key, second_key, options] => {
                        let Some(default) = default_value(options) else {
                            return Err(format!(
                                "{key} expects {{\"{DEFAULT_VALUE}\": ...}} as its fourth item"
                            ));
                        };
                        ([map, top_key, second_key], Some(default.clone()))
                    }
                    _ => {
                        return Err(format!(
                            "{key} expects a list of 3 items, or 4 with a {DEFAULT_VALUE}"
                        ));
                    }
                };
                let [map, top_key, second_key] = keys.map(Value::clone);
                Intrinsic::FindInMap {
                    map,
                    top_key,
                    second_key,
                    default,
                }
            }
            "Fn::Cidr" => {
                let [block, count, bits] = exactly(key, arg)?;
                Intrinsic::cidr(block.clone(), count.clone(), bits.clone())
            }
            "Fn::Length" | "Fn::ToJsonString" => {
                if !matches!(arg, Value::List(_) | Value::Map(_) | Value::Fn(_)) {
                    let what = if key == "Fn::Length" {
                        "a list"
                    } else {
                        "an object or a list"
                    };
                    return Err(format!(
                        "{key} expects {what} or an intrinsic function that returns one"
                    ));
                }
                if key == "Fn::Length" {
                    Intrinsic::Length(arg.clone())
                } else {
                    Intrinsic::ToJsonString(arg.clone())
                }
            }
            _ => return Ok(None),
        };
        Ok(Some(parsed))
    }

    /// The arguments that are values themselves (for walking a template), each with where it
    /// sits under the function's key: `[1]` for the second item of the argument list, `[1].Name`
    /// for a variable of `Fn::Sub`, empty when the argument is the value itself (`Fn::Base64`).
    pub fn arguments(&self) -> Vec<(String, &Value)> {
        match self {
            Intrinsic::Ref(_) | Intrinsic::GetAtt { .. } | Intrinsic::Condition(_) => vec![],
            Intrinsic::Sub { vars, .. } => vars
                .iter()
                .map(|(name, value)| (format!("[1].{name}"), value))
                .collect(),
            Intrinsic::Join { values: v, .. } | Intrinsic::Split { source: v, .. } => {
                vec![item(1, v)]
            }
            Intrinsic::Select { index, list } => vec![item(0, index), item(1, list)],
            Intrinsic::GetAzs(v)
            | Intrinsic::ImportValue(v)
            | Intrinsic::Base64(v)
            | Intrinsic::Length(v)
            | Intrinsic::ToJsonString(v) => vec![(String::new(), v)],
            Intrinsic::Not(v) => vec![item(0, v)],
            Intrinsic::If {
                then, otherwise, ..
            } => vec![item(1, then), item(2, otherwise)],
            Intrinsic::Equals(a, b) => vec![item(0, a), item(1, b)],
            Intrinsic::And(items) | Intrinsic::Or(items) => {
                items.iter().enumerate().map(|(i, v)| item(i, v)).collect()
            }
            Intrinsic::FindInMap {
                map,
                top_key,
                second_key,
                default,
            } => {
                let mut arguments = vec![item(0, map), item(1, top_key), item(2, second_key)];
                if let Some(default) = default {
                    arguments.push((format!("[3].{DEFAULT_VALUE}"), default));
                }
                arguments
            }
            Intrinsic::Cidr { block, count, bits } => {
                vec![item(0, block), item(1, count), item(2, bits)]
            }
        }
    }
}

/// The key of `Fn::FindInMap`'s optional fourth argument.
const DEFAULT_VALUE: &str = "DefaultValue";

fn item(index: usize, value: &Value) -> (String, &Value) {
    (format!("[{index}]"), value)
}

/// The argument list of `key`, which must have `N` items.
fn exactly<'v, const N: usize>(key: &str, arg: &'v Value) -> Result<&'v [Value; N], String> {
    let items = match arg {
        Value::List(items) => items.as_slice(),
        _ => &[],
    };
    items
        .try_into()
        .map_err(|_| format!("{key} expects a list of {N} items"))
}

/// An argument of `Fn::And`, `Fn::Or` or `Fn::Not`, where `{"Condition": name}` refers to a
/// condition.
fn condition_argument(key: &str, item: &Value) -> Result<Value, String> {
    let Value::Map(map) = item else {
        return Ok(item.clone());
    };
    match (map.len(), map.get("Condition")) {
        (1, Some(Value::String(name))) => Ok(Intrinsic::condition(name.clone()).into()),
        (1, Some(_)) => Err(format!(
            "{key} expects a condition name as a string in {{\"Condition\": ...}}"
        )),
        _ => Ok(item.clone()),
    }
}

/// The value of `{"DefaultValue": value}`.
fn default_value(options: &Value) -> Option<&Value> {
    match options {
        Value::Map(map) if map.len() == 1 => map.get(DEFAULT_VALUE),
        _ => None,
    }
}

impl Serialize for Intrinsic {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(1))?;
        map.serialize_entry(self.name(), &self.argument())?;
        map.end()
    }
}

/// The names a `${...}` in an `Fn::Sub` template refers to, without literal `${!...}` escapes.
pub fn sub_variables(template: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else { break };
        let name = &after[..end];
        if !name.starts_with('!') {
            names.push(name.trim());
        }
        rest = &after[end + 1..];
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sub_variables_skip_escapes() {
        assert_eq!(
            sub_variables("${AWS::Region}-${Cache.PrimaryEndPoint.Address}:${!Literal}"),
            vec!["AWS::Region", "Cache.PrimaryEndPoint.Address"]
        );
    }

    #[test]
    fn every_intrinsic_round_trips_through_its_argument() {
        let cases = vec![
            Intrinsic::ref_("Vpc"),
            Intrinsic::get_att("Cache", "PrimaryEndPoint.Address"),
            Intrinsic::sub("${AWS::StackName}-x"),
            Intrinsic::sub_with("${A}", [("A", Value::from("b"))]),
            Intrinsic::join(",", vec![Value::from("a"), Value::from("b")]),
            Intrinsic::select(0, Intrinsic::get_azs()),
            Intrinsic::split(",", Intrinsic::import_value("Subnets")),
            Intrinsic::if_("Prod", 2, Pseudo::NoValue.to_ref()),
            Intrinsic::equals(Intrinsic::ref_("Env"), "prod"),
            Intrinsic::And(vec![
                Intrinsic::condition("A").into(),
                Intrinsic::equals("a", "b").into(),
            ]),
            Intrinsic::Or(vec![Intrinsic::condition("A").into()]),
            Intrinsic::Not(Intrinsic::condition("A").into()),
            Intrinsic::find_in_map("Map", Pseudo::Region.to_ref(), "Ami"),
            Intrinsic::find_in_map_or("Map", "prod", "Ami", Intrinsic::ref_("DefaultAmi")),
            Intrinsic::base64("hello"),
            Intrinsic::cidr("10.0.0.0/16", 4, 8),
            Intrinsic::length(vec![Value::from("a"), Value::from("b")]),
            Intrinsic::length(Intrinsic::ref_("Subnets")),
            Intrinsic::to_json_string(IndexMap::from([("Key".into(), Value::from(1))])),
            Intrinsic::to_json_string(vec![Value::from("a")]),
        ];
        for intrinsic in cases {
            let parsed = Intrinsic::parse(intrinsic.name(), &intrinsic.argument());
            assert_eq!(parsed, Ok(Some(intrinsic)));
        }
    }

    #[test]
    fn malformed_arguments_are_errors_and_unknown_keys_are_not_intrinsics() {
        assert!(Intrinsic::parse("Fn::GetAtt", &Value::from("NoDot")).is_err());
        assert!(Intrinsic::parse("Fn::Join", &Value::from("x")).is_err());
        assert!(Intrinsic::parse("Ref", &Value::List(vec![])).is_err());
        assert_eq!(Intrinsic::parse("Key", &Value::from("x")), Ok(None));
    }

    #[test]
    fn condition_is_a_function_only_as_an_argument_of_and_or_not() {
        let reference = Value::Map(IndexMap::from([("Condition".into(), Value::from("A"))]));
        assert_eq!(Intrinsic::parse("Condition", &Value::from("A")), Ok(None));
        assert_eq!(
            Intrinsic::parse("Fn::Not", &Value::List(vec![reference.clone()])),
            Ok(Some(Intrinsic::Not(Intrinsic::condition("A").into())))
        );
        let not_a_name = Value::Map(IndexMap::from([("Condition".into(), Value::from(1))]));
        let err = Intrinsic::parse("Fn::And", &Value::List(vec![reference, not_a_name]));
        assert!(err.unwrap_err().contains("condition name as a string"));
    }

    #[test]
    fn find_in_map_takes_a_default_value_as_a_fourth_item() {
        let with = |fourth: Value| {
            let items = vec!["Map".into(), "prod".into(), "Ami".into(), fourth];
            Intrinsic::parse("Fn::FindInMap", &Value::List(items))
        };
        let default = Value::Map(IndexMap::from([("DefaultValue".into(), Value::from("x"))]));
        assert_eq!(
            with(default),
            Ok(Some(Intrinsic::find_in_map_or("Map", "prod", "Ami", "x")))
        );
        let misspelt = Value::Map(IndexMap::from([("Default".into(), Value::from("x"))]));
        assert!(with(misspelt).unwrap_err().contains("DefaultValue"));
        let five = Value::List(vec![Value::from("a"); 5]);
        assert!(Intrinsic::parse("Fn::FindInMap", &five).is_err());
    }

    #[test]
    fn length_and_to_json_string_take_a_list_or_object_not_a_scalar() {
        assert!(Intrinsic::parse("Fn::Length", &Value::from("a,b")).is_err());
        assert!(Intrinsic::parse("Fn::ToJsonString", &Value::from(1)).is_err());
    }

    #[test]
    fn arguments_say_where_they_sit_in_the_argument_list() {
        let places = |f: Intrinsic| -> Vec<String> {
            f.arguments().into_iter().map(|(place, _)| place).collect()
        };
        assert_eq!(places(Intrinsic::if_("C", 1, 2)), ["[1]", "[2]"]);
        assert_eq!(
            places(Intrinsic::sub_with("${A}${B}", [("A", 1), ("B", 2)])),
            ["[1].A", "[1].B"]
        );
        assert_eq!(
            places(Intrinsic::find_in_map_or("M", "a", "b", "c")),
            ["[0]", "[1]", "[2]", "[3].DefaultValue"]
        );
        assert_eq!(places(Intrinsic::base64("x")), [""]);
        assert_eq!(places(Intrinsic::ref_("X")), Vec::<String>::new());
    }

    #[test]
    fn pseudo_parameters_have_their_cloudformation_names() {
        assert_eq!(Pseudo::UrlSuffix.name(), "AWS::URLSuffix");
        assert_eq!(Pseudo::from_name("AWS::NoValue"), Some(Pseudo::NoValue));
        assert_eq!(Pseudo::from_name("AWS::Nope"), None);
    }
}
