//! Reading property values as literals: a rule judges a literal, and leaves alone a value that
//! only deploy time knows (an intrinsic function or a dynamic reference).

use indexmap::IndexMap;

use crate::template::{Intrinsic, Value};

/// A property's value as far as the template tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Known<T> {
    /// Not set: CloudFormation's default applies.
    Absent,
    /// Set by an intrinsic function or a dynamic reference, or of a type this reader does not
    /// take (the template checks report type errors).
    Unknown,
    Is(T),
}

impl<T: Copy> Known<T> {
    /// The value, with `default` for an absent property; `None` when unknown.
    pub fn or(self, default: T) -> Option<T> {
        match self {
            Known::Absent => Some(default),
            Known::Unknown => None,
            Known::Is(v) => Some(v),
        }
    }

    pub fn literal(self) -> Option<T> {
        match self {
            Known::Is(v) => Some(v),
            _ => None,
        }
    }
}

/// The property, unless it is missing, null or `Ref: AWS::NoValue` (which removes it).
pub fn get<'a>(map: &'a IndexMap<String, Value>, key: &str) -> Option<&'a Value> {
    match map.get(key)? {
        Value::Null => None,
        Value::Fn(f) if matches!(&**f, Intrinsic::Ref(name) if name == "AWS::NoValue") => None,
        value => Some(value),
    }
}

/// A dynamic reference (`{{resolve:ssm:...}}`, `{{resolve:secretsmanager:...}}`): CloudFormation
/// puts the value in at deploy time.
pub fn is_dynamic_reference(text: &str) -> bool {
    text.contains("{{resolve:")
}

/// A boolean; CloudFormation also takes the strings `"true"` and `"false"`.
pub fn boolean(map: &IndexMap<String, Value>, key: &str) -> Known<bool> {
    match get(map, key) {
        None => Known::Absent,
        Some(Value::Bool(b)) => Known::Is(*b),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("true") => Known::Is(true),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("false") => Known::Is(false),
        Some(_) => Known::Unknown,
    }
}

/// An integer; CloudFormation also takes one written as a string.
pub fn integer(map: &IndexMap<String, Value>, key: &str) -> Known<i64> {
    match get(map, key) {
        None => Known::Absent,
        Some(Value::Number(n)) => n.as_i64().map_or(Known::Unknown, Known::Is),
        Some(Value::String(s)) => s.trim().parse().map_or(Known::Unknown, Known::Is),
        Some(_) => Known::Unknown,
    }
}

/// A string that is not a dynamic reference.
pub fn string<'a>(map: &'a IndexMap<String, Value>, key: &str) -> Known<&'a str> {
    match get(map, key) {
        None => Known::Absent,
        Some(Value::String(s)) if !is_dynamic_reference(s) => Known::Is(s),
        Some(_) => Known::Unknown,
    }
}

/// A literal list (whose items may still be intrinsics).
pub fn list<'a>(map: &'a IndexMap<String, Value>, key: &str) -> Known<&'a [Value]> {
    match get(map, key) {
        None => Known::Absent,
        Some(Value::List(items)) => Known::Is(items),
        Some(_) => Known::Unknown,
    }
}

/// The logical ID a value points at: `Ref: X`, or `Fn::GetAtt: [X, attribute]`.
pub fn referenced_resource(value: &Value) -> Option<&str> {
    match value.as_intrinsic()? {
        Intrinsic::Ref(name) => Some(name),
        Intrinsic::GetAtt { resource, .. } => Some(resource),
        _ => None,
    }
}

/// `major.minor` of a version such as `7.2`, `5.0.6` or Redis OSS's `6.x`.
pub fn major_minor(version: &str) -> Option<(u32, u32)> {
    let mut parts = version.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = match parts.next() {
        None | Some("x") => 0,
        Some(minor) => minor.parse().ok()?,
    };
    Some((major, minor))
}
