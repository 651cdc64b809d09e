//! Template parameters and their CloudFormation types.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::value::Value;

/// A template parameter with its type and constraints. Reading one refuses unknown keys, as
/// CloudFormation does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct Parameter {
    #[serde(rename = "Type")]
    pub type_: ParameterType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<Value>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allowed_values: Vec<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_pattern: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_length: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_value: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_value: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub constraint_description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_echo: Option<bool>,
}

impl Parameter {
    pub fn new(type_: ParameterType) -> Self {
        Parameter {
            type_,
            description: None,
            default: None,
            allowed_values: Vec::new(),
            allowed_pattern: None,
            min_length: None,
            max_length: None,
            min_value: None,
            max_value: None,
            constraint_description: None,
            no_echo: None,
        }
    }
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }
    pub fn default_value(mut self, value: impl Into<Value>) -> Self {
        self.default = Some(value.into());
        self
    }
    pub fn allowed_values(mut self, values: impl IntoIterator<Item = impl Into<Value>>) -> Self {
        self.allowed_values = values.into_iter().map(Into::into).collect();
        self
    }
    pub fn allowed_pattern(mut self, pattern: impl Into<String>) -> Self {
        self.allowed_pattern = Some(pattern.into());
        self
    }
    pub fn length(mut self, min: u32, max: u32) -> Self {
        self.min_length = Some(min);
        self.max_length = Some(max);
        self
    }
    pub fn range(mut self, min: f64, max: f64) -> Self {
        self.min_value = Some(min);
        self.max_value = Some(max);
        self
    }
    pub fn constraint_description(mut self, text: impl Into<String>) -> Self {
        self.constraint_description = Some(text.into());
        self
    }
    pub fn no_echo(mut self) -> Self {
        self.no_echo = Some(true);
        self
    }
}

/// The AWS-specific parameter types CloudFormation validates against the account.
pub const AWS_SPECIFIC_TYPES: &[&str] = &[
    "AWS::EC2::AvailabilityZone::Name",
    "AWS::EC2::Image::Id",
    "AWS::EC2::Instance::Id",
    "AWS::EC2::KeyPair::KeyName",
    "AWS::EC2::SecurityGroup::GroupName",
    "AWS::EC2::SecurityGroup::Id",
    "AWS::EC2::Subnet::Id",
    "AWS::EC2::Volume::Id",
    "AWS::EC2::VPC::Id",
    "AWS::Route53::HostedZone::Id",
    "AWS::SSM::Parameter::Name",
];

/// A parameter's `Type`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParameterType {
    String,
    Number,
    CommaDelimitedList,
    /// `List<Number>` or `List<AWS::EC2::Subnet::Id>` and the like.
    List(Box<ParameterType>),
    /// One of [`AWS_SPECIFIC_TYPES`], such as `AWS::EC2::VPC::Id`.
    AwsSpecific(&'static str),
    /// `AWS::SSM::Parameter::Value<String>` and the like.
    SsmValue(Box<ParameterType>),
}

impl ParameterType {
    pub const VPC_ID: ParameterType = ParameterType::AwsSpecific("AWS::EC2::VPC::Id");
    pub const SUBNET_ID: ParameterType = ParameterType::AwsSpecific("AWS::EC2::Subnet::Id");
    pub const SECURITY_GROUP_ID: ParameterType =
        ParameterType::AwsSpecific("AWS::EC2::SecurityGroup::Id");

    pub fn list_of(item: ParameterType) -> Self {
        ParameterType::List(Box::new(item))
    }
}

impl fmt::Display for ParameterType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParameterType::String => f.write_str("String"),
            ParameterType::Number => f.write_str("Number"),
            ParameterType::CommaDelimitedList => f.write_str("CommaDelimitedList"),
            ParameterType::List(item) => write!(f, "List<{item}>"),
            ParameterType::AwsSpecific(name) => f.write_str(name),
            ParameterType::SsmValue(item) => write!(f, "AWS::SSM::Parameter::Value<{item}>"),
        }
    }
}

impl FromStr for ParameterType {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let inner = |prefix: &str| {
            s.strip_prefix(prefix)
                .and_then(|rest| rest.strip_suffix('>'))
                .map(|item| item.parse::<ParameterType>())
        };
        if let Some(item) = inner("List<") {
            return Ok(ParameterType::list_of(item?));
        }
        if let Some(item) = inner("AWS::SSM::Parameter::Value<") {
            return Ok(ParameterType::SsmValue(Box::new(item?)));
        }
        match s {
            "String" => Ok(ParameterType::String),
            "Number" => Ok(ParameterType::Number),
            "CommaDelimitedList" => Ok(ParameterType::CommaDelimitedList),
            _ => AWS_SPECIFIC_TYPES
                .iter()
                .find(|name| **name == s)
                .map(|name| ParameterType::AwsSpecific(name))
                .ok_or_else(|| format!("unknown parameter type `{s}`")),
        }
    }
}

impl Serialize for ParameterType {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ParameterType {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameter_types_round_trip_through_their_names() {
        for name in [
            "String",
            "Number",
            "CommaDelimitedList",
            "List<Number>",
            "AWS::EC2::VPC::Id",
            "List<AWS::EC2::Subnet::Id>",
            "AWS::EC2::SecurityGroup::Id",
            "AWS::SSM::Parameter::Value<String>",
            "AWS::SSM::Parameter::Value<List<AWS::EC2::Image::Id>>",
        ] {
            let parsed: ParameterType = name.parse().unwrap();
            assert_eq!(parsed.to_string(), name);
        }
    }

    #[test]
    fn unknown_parameter_type_is_an_error() {
        let err = "AWS::EC2::Vpc::Id".parse::<ParameterType>().unwrap_err();
        assert!(err.contains("AWS::EC2::Vpc::Id"), "{err}");
    }
}
