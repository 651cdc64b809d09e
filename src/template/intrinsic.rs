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
    /// `Fn::FindInMap`.
    FindInMap {
        map: Value,
        top_key: Value,
        second_key: Value,
    },
    /// `Fn::Base64`.
    Base64(Value),
    /// `Fn::Cidr`.
    Cidr {
        block: Value,
        count: Value,
        bits: Value,
    },
    /// `{"Condition": name}`: a reference to a named condition inside `Fn::And`, `Fn::Or`, `Fn::Not`.
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
        }
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
            | Intrinsic::Not(v) => {
                if matches!(self, Intrinsic::Not(_)) {
                    Value::List(vec![v.clone()])
                } else {
                    v.clone()
                }
            }
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
            } => Value::List(vec![map.clone(), top_key.clone(), second_key.clone()]),
            Intrinsic::Cidr { block, count, bits } => {
                Value::List(vec![block.clone(), count.clone(), bits.clone()])
            }
        }
    }

    /// Reads an intrinsic from a one-key map. `Ok(None)`: the key is not an intrinsic function;
    /// `Err`: it is one, with arguments of the wrong shape (the message says which).
    pub fn parse(key: &str, arg: &Value) -> Result<Option<Intrinsic>, String> {
        let string = |v: &Value, what: &str| match v {
            Value::String(s) => Ok(s.clone()),
            _ => Err(format!("{key} expects {what} as a string")),
        };
        let list = |n: usize| match arg {
            Value::List(items) if items.len() == n => Ok(items.clone()),
            _ => Err(format!("{key} expects a list of {n} items")),
        };
        let parsed = match key {
            "Ref" => Intrinsic::Ref(string(arg, "a logical ID")?),
            "Condition" => Intrinsic::Condition(string(arg, "a condition name")?),
            "Fn::GetAtt" => match arg {
                Value::String(dotted) => match dotted.split_once('.') {
                    Some((resource, attribute)) => Intrinsic::get_att(resource, attribute),
                    None => return Err(format!("{key} expects \"Resource.Attribute\"")),
                },
                _ => {
                    let items = list(2)?;
                    Intrinsic::get_att(
                        string(&items[0], "the logical ID")?,
                        string(&items[1], "the attribute name")?,
                    )
                }
            },
            "Fn::Sub" => match arg {
                Value::String(template) => Intrinsic::sub(template.clone()),
                _ => {
                    let items = list(2)?;
                    let Value::Map(vars) = &items[1] else {
                        return Err(format!("{key} expects a variable map as its second item"));
                    };
                    Intrinsic::Sub {
                        template: string(&items[0], "the template")?,
                        vars: vars.clone(),
                    }
                }
            },
            "Fn::Join" => {
                let [delimiter, values] = two(list(2)?);
                Intrinsic::Join {
                    delimiter: string(&delimiter, "the delimiter")?,
                    values,
                }
            }
            "Fn::Select" => {
                let [index, list] = two(list(2)?);
                Intrinsic::Select { index, list }
            }
            "Fn::Split" => {
                let [delimiter, source] = two(list(2)?);
                Intrinsic::Split {
                    delimiter: string(&delimiter, "the delimiter")?,
                    source,
                }
            }
            "Fn::GetAZs" => Intrinsic::GetAzs(arg.clone()),
            "Fn::ImportValue" => Intrinsic::ImportValue(arg.clone()),
            "Fn::Base64" => Intrinsic::Base64(arg.clone()),
            "Fn::If" => {
                let items = list(3)?;
                Intrinsic::If {
                    condition: string(&items[0], "the condition name")?,
                    then: items[1].clone(),
                    otherwise: items[2].clone(),
                }
            }
            "Fn::Equals" => {
                let [a, b] = two(list(2)?);
                Intrinsic::Equals(a, b)
            }
            "Fn::And" | "Fn::Or" => {
                let Value::List(items) = arg else {
                    return Err(format!("{key} expects a list of conditions"));
                };
                if key == "Fn::And" {
                    Intrinsic::And(items.clone())
                } else {
                    Intrinsic::Or(items.clone())
                }
            }
            "Fn::Not" => {
                let items = list(1)?;
                Intrinsic::Not(items[0].clone())
            }
            "Fn::FindInMap" => {
                let items = list(3)?;
                Intrinsic::FindInMap {
                    map: items[0].clone(),
                    top_key: items[1].clone(),
                    second_key: items[2].clone(),
                }
            }
            "Fn::Cidr" => {
                let items = list(3)?;
                Intrinsic::Cidr {
                    block: items[0].clone(),
                    count: items[1].clone(),
                    bits: items[2].clone(),
                }
            }
            _ => return Ok(None),
        };
        Ok(Some(parsed))
    }

    /// Direct arguments that are values themselves (for walking a template).
    pub fn children(&self) -> Vec<&Value> {
        match self {
            Intrinsic::Ref(_) | Intrinsic::GetAtt { .. } | Intrinsic::Condition(_) => vec![],
            Intrinsic::Sub { vars, .. } => vars.values().collect(),
            Intrinsic::Join { values: v, .. } | Intrinsic::Split { source: v, .. } => vec![v],
            Intrinsic::Select { index, list } => vec![index, list],
            Intrinsic::GetAzs(v)
            | Intrinsic::ImportValue(v)
            | Intrinsic::Base64(v)
            | Intrinsic::Not(v) => vec![v],
            Intrinsic::If {
                then, otherwise, ..
            } => vec![then, otherwise],
            Intrinsic::Equals(a, b) => vec![a, b],
            Intrinsic::And(items) | Intrinsic::Or(items) => items.iter().collect(),
            Intrinsic::FindInMap {
                map,
                top_key,
                second_key,
            } => vec![map, top_key, second_key],
            Intrinsic::Cidr { block, count, bits } => vec![block, count, bits],
        }
    }
}

fn two(items: Vec<Value>) -> [Value; 2] {
    let mut it = items.into_iter();
    [
        it.next().unwrap_or(Value::Null),
        it.next().unwrap_or(Value::Null),
    ]
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
            Intrinsic::And(vec![Intrinsic::Condition("A".into()).into()]),
            Intrinsic::Or(vec![Intrinsic::Condition("A".into()).into()]),
            Intrinsic::Not(Intrinsic::Condition("A".into()).into()),
            Intrinsic::find_in_map("Map", Pseudo::Region.to_ref(), "Ami"),
            Intrinsic::base64("hello"),
            Intrinsic::cidr("10.0.0.0/16", 4, 8),
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
    fn pseudo_parameters_have_their_cloudformation_names() {
        assert_eq!(Pseudo::UrlSuffix.name(), "AWS::URLSuffix");
        assert_eq!(Pseudo::from_name("AWS::NoValue"), Some(Pseudo::NoValue));
        assert_eq!(Pseudo::from_name("AWS::Nope"), None);
    }
}
