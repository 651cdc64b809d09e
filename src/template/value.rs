//! Values in a template: the generic tree ([`Value`]) every template part is made of, and the typed
//! property value ([`Val`]) that generated resource types use, a literal of the property's own type
//! or an intrinsic function.

use indexmap::IndexMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::intrinsic::Intrinsic;

/// A JSON-like value in which intrinsic functions are typed.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Value {
    #[default]
    Null,
    Bool(bool),
    Number(serde_json::Number),
    String(String),
    List(Vec<Value>),
    Map(IndexMap<String, Value>),
    Fn(Box<Intrinsic>),
}

impl Value {
    /// Converts a JSON tree, recognising one-key maps whose key is an intrinsic function.
    /// A one-key map with an intrinsic's key but malformed arguments stays a plain map:
    /// the template checks report it with its location (see [`Value::malformed_intrinsic`]).
    pub fn from_json(json: serde_json::Value) -> Value {
        match json {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(b),
            serde_json::Value::Number(n) => Value::Number(n),
            serde_json::Value::String(s) => Value::String(s),
            serde_json::Value::Array(items) => {
                Value::List(items.into_iter().map(Value::from_json).collect())
            }
            serde_json::Value::Object(map) => {
                let map: IndexMap<String, Value> = map
                    .into_iter()
                    .map(|(k, v)| (k, Value::from_json(v)))
                    .collect();
                if map.len() == 1
                    && let Some((key, arg)) = map.first()
                    && let Ok(Some(intrinsic)) = Intrinsic::parse(key, arg)
                {
                    return Value::Fn(Box::new(intrinsic));
                }
                Value::Map(map)
            }
        }
    }

    /// Serializes any value (a generated resource's properties, say) into a [`Value`].
    pub fn from_serialize<T: Serialize + ?Sized>(value: &T) -> Result<Value, serde_json::Error> {
        serde_json::to_value(value).map(Value::from_json)
    }

    /// For a one-key map that names an intrinsic function but has arguments of the wrong shape:
    /// the function's name and what is wrong.
    pub fn malformed_intrinsic(&self) -> Option<(String, String)> {
        let Value::Map(map) = self else { return None };
        if map.len() != 1 {
            return None;
        }
        let (key, arg) = map.first()?;
        match Intrinsic::parse(key, arg) {
            Err(message) => Some((key.clone(), message)),
            Ok(_) => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_intrinsic(&self) -> Option<&Intrinsic> {
        match self {
            Value::Fn(f) => Some(f),
            _ => None,
        }
    }

    /// Calls `visit` on this value and every value inside it, with a dotted path relative to
    /// `path`: `SecurityGroupIngress[0].SourceSecurityGroupId`, and for the arguments of an
    /// intrinsic function their place in its argument list, `Fn::If[1]` or `Fn::Sub[1].Name`.
    pub fn walk<'a>(&'a self, path: &str, visit: &mut dyn FnMut(&str, &'a Value)) {
        visit(path, self);
        match self {
            Value::List(items) => {
                for (i, item) in items.iter().enumerate() {
                    item.walk(&format!("{path}[{i}]"), visit);
                }
            }
            Value::Map(map) => {
                for (key, item) in map {
                    item.walk(&dotted(path, key), visit);
                }
            }
            Value::Fn(f) => {
                let function = dotted(path, f.name());
                for (place, item) in f.arguments() {
                    item.walk(&format!("{function}{place}"), visit);
                }
            }
            _ => {}
        }
    }
}

fn dotted(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Null => serializer.serialize_unit(),
            Value::Bool(b) => serializer.serialize_bool(*b),
            Value::Number(n) => n.serialize(serializer),
            Value::String(s) => serializer.serialize_str(s),
            Value::List(items) => items.serialize(serializer),
            Value::Map(map) => map.serialize(serializer),
            Value::Fn(f) => f.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        serde_json::Value::deserialize(deserializer).map(Value::from_json)
    }
}

impl From<serde_json::Value> for Value {
    fn from(json: serde_json::Value) -> Self {
        Value::from_json(json)
    }
}
impl From<Intrinsic> for Value {
    fn from(f: Intrinsic) -> Self {
        Value::Fn(Box::new(f))
    }
}
impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.to_string())
    }
}
impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(s)
    }
}
impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}
impl From<i64> for Value {
    fn from(n: i64) -> Self {
        Value::Number(n.into())
    }
}
impl From<i32> for Value {
    fn from(n: i32) -> Self {
        Value::Number(n.into())
    }
}
impl From<Vec<Value>> for Value {
    fn from(items: Vec<Value>) -> Self {
        Value::List(items)
    }
}
impl From<IndexMap<String, Value>> for Value {
    fn from(map: IndexMap<String, Value>) -> Self {
        Value::Map(map)
    }
}

/// A typed property value: a literal of type `T`, or an intrinsic function that CloudFormation
/// resolves at deploy time. An integer property takes `6379` or a `Ref` to a Number parameter,
/// never the string `"6379"`: there is no conversion from a string to `Val<i64>`.
#[derive(Debug, Clone, PartialEq)]
pub enum Val<T> {
    Lit(T),
    /// Boxed: most properties are literals, and an intrinsic is many times their size.
    Fn(Box<Intrinsic>),
}

impl<T> Val<T> {
    /// The literal, if this is not an intrinsic.
    pub fn literal(&self) -> Option<&T> {
        match self {
            Val::Lit(v) => Some(v),
            Val::Fn(_) => None,
        }
    }
}

impl<T: Serialize> Serialize for Val<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Val::Lit(v) => v.serialize(serializer),
            Val::Fn(f) => f.serialize(serializer),
        }
    }
}

impl<T> From<Intrinsic> for Val<T> {
    fn from(f: Intrinsic) -> Self {
        Val::Fn(Box::new(f))
    }
}

macro_rules! literal_from {
    ($target:ty: $($source:ty => $convert:expr),* $(,)?) => {
        $(impl From<$source> for Val<$target> {
            fn from(v: $source) -> Self {
                let convert: fn($source) -> $target = $convert;
                Val::Lit(convert(v))
            }
        })*
    };
}

literal_from!(String: String => |s| s, &str => |s| s.to_string(), &String => |s| s.clone());
literal_from!(i64: i64 => |n| n, i32 => i64::from, u32 => i64::from, u16 => i64::from, u8 => i64::from);
literal_from!(f64: f64 => |n| n, i32 => f64::from);
literal_from!(bool: bool => |b| b);
literal_from!(Value: Value => |v| v);

impl<T, U: Into<Val<T>>> From<Vec<U>> for Val<Vec<Val<T>>> {
    fn from(items: Vec<U>) -> Self {
        Val::Lit(items.into_iter().map(Into::into).collect())
    }
}

impl<T, K: Into<String>, U: Into<Val<T>>> From<IndexMap<K, U>> for Val<IndexMap<String, Val<T>>> {
    fn from(map: IndexMap<K, U>) -> Self {
        Val::Lit(map.into_iter().map(|(k, v)| (k.into(), v.into())).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::Pseudo;

    #[test]
    fn integer_property_takes_literal_or_intrinsic() {
        let literal: Val<i64> = 6379.into();
        let reference: Val<i64> = Intrinsic::ref_("CachePort").into();
        assert_eq!(serde_json::to_string(&literal).unwrap(), "6379");
        assert_eq!(
            serde_json::to_string(&reference).unwrap(),
            r#"{"Ref":"CachePort"}"#
        );
    }

    #[test]
    fn lists_of_literals_and_intrinsics_mix() {
        let ids: Val<Vec<Val<String>>> = vec![
            Val::from("sg-123"),
            Intrinsic::import_value("BackendSg").into(),
        ]
        .into();
        assert_eq!(
            serde_json::to_string(&ids).unwrap(),
            r#"["sg-123",{"Fn::ImportValue":"BackendSg"}]"#
        );
    }

    #[test]
    fn json_with_intrinsics_becomes_typed() {
        let json = serde_json::json!({"A": {"Ref": "AWS::Region"}, "B": {"Ref": "X", "Other": 1}});
        let Value::Map(map) = Value::from_json(json) else {
            panic!("a map")
        };
        assert_eq!(map["A"], Value::from(Pseudo::Region.to_ref()));
        assert!(
            matches!(map["B"], Value::Map(_)),
            "two keys: not an intrinsic"
        );
    }

    #[test]
    fn malformed_intrinsic_is_kept_and_reported() {
        let value = Value::from_json(serde_json::json!({"Fn::GetAtt": "NoDot"}));
        assert!(matches!(value, Value::Map(_)));
        let (name, message) = value.malformed_intrinsic().unwrap();
        assert_eq!(name, "Fn::GetAtt");
        assert!(message.contains("Resource.Attribute"), "{message}");
    }

    #[test]
    fn a_one_key_condition_map_is_data_outside_and_or_not() {
        let statement = serde_json::json!({
            "Effect": "Allow",
            "Condition": {"Condition": {"Bool": {"aws:SecureTransport": "true"}}},
            "Named": {"Condition": "IsProd"}
        });
        let value = Value::from_json(statement.clone());
        assert!(value.malformed_intrinsic().is_none());
        let mut functions = 0;
        value.walk("", &mut |_, node| {
            functions += usize::from(node.as_intrinsic().is_some());
        });
        assert_eq!(functions, 0);
        assert_eq!(serde_json::to_value(&value).unwrap(), statement);

        let json = serde_json::json!({"Fn::Or": [{"Condition": "IsProd"}, {"Condition": "IsDev"}]});
        let value = Value::from_json(json.clone());
        assert_eq!(
            value,
            Intrinsic::Or(vec![
                Intrinsic::condition("IsProd").into(),
                Intrinsic::condition("IsDev").into()
            ])
            .into()
        );
        assert_eq!(serde_json::to_value(&value).unwrap(), json);
    }

    #[test]
    fn walk_reports_paths() {
        let value = Value::from_json(serde_json::json!({"L": [1, {"Ref": "X"}]}));
        let mut paths = Vec::new();
        value.walk("Properties", &mut |path, _| paths.push(path.to_string()));
        assert_eq!(
            paths,
            vec![
                "Properties",
                "Properties.L",
                "Properties.L[0]",
                "Properties.L[1]"
            ]
        );
    }

    #[test]
    fn walk_gives_each_argument_of_a_function_its_own_path() {
        let value = Value::from(Intrinsic::And(vec![
            Intrinsic::condition("A").into(),
            Intrinsic::Not(Intrinsic::equals(Intrinsic::ref_("Env"), "prod").into()).into(),
        ]));
        let mut paths = Vec::new();
        value.walk("Conditions.X", &mut |path, _| paths.push(path.to_string()));
        assert_eq!(
            paths,
            vec![
                "Conditions.X",
                "Conditions.X.Fn::And[0]",
                "Conditions.X.Fn::And[1]",
                "Conditions.X.Fn::And[1].Fn::Not[0]",
                "Conditions.X.Fn::And[1].Fn::Not[0].Fn::Equals[0]",
                "Conditions.X.Fn::And[1].Fn::Not[0].Fn::Equals[1]",
            ]
        );

        let mut paths = Vec::new();
        Value::from(Intrinsic::base64("x")).walk("", &mut |path, _| paths.push(path.to_string()));
        assert_eq!(paths, vec!["", "Fn::Base64"]);
    }
}
