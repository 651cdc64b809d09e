//! The CloudFormation template model: sections, parameters, resources with their attributes,
//! outputs. It does no I/O and knows nothing of AWS or the command line.

mod intrinsic;
mod parameter;
mod value;

use std::marker::PhantomData;

use indexmap::IndexMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub use intrinsic::{Intrinsic, Pseudo, sub_variables};
pub use parameter::{Parameter, ParameterType};
pub use value::{Val, Value};

/// The only template format version CloudFormation has.
pub const FORMAT_VERSION: &str = "2010-09-09";

/// A CloudFormation template. Fields are in the order the CloudFormation documentation lists the
/// sections ("Template anatomy"), which is the order they render in. Like CloudFormation, reading
/// one refuses unknown sections, so that a misspelt one is not silently dropped.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct Template {
    #[serde(
        rename = "AWSTemplateFormatVersion",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub format_version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub metadata: IndexMap<String, Value>,
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub parameters: IndexMap<String, Parameter>,
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub rules: IndexMap<String, Value>,
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub mappings: IndexMap<String, IndexMap<String, IndexMap<String, Value>>>,
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub conditions: IndexMap<String, Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transform: Option<Value>,
    #[serde(default)]
    pub resources: IndexMap<String, Resource>,
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub outputs: IndexMap<String, Output>,
    /// Logical IDs that were added twice while building; the checks report them.
    #[serde(skip)]
    duplicate_ids: Vec<DuplicateId>,
}

impl Default for Template {
    fn default() -> Self {
        Template::new()
    }
}

impl Template {
    pub fn new() -> Self {
        Template {
            format_version: Some(FORMAT_VERSION.to_string()),
            description: None,
            metadata: IndexMap::new(),
            parameters: IndexMap::new(),
            rules: IndexMap::new(),
            mappings: IndexMap::new(),
            conditions: IndexMap::new(),
            transform: None,
            resources: IndexMap::new(),
            outputs: IndexMap::new(),
            duplicate_ids: Vec::new(),
        }
    }

    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Adds a typed resource and returns a handle for `Ref` and its typed attributes.
    /// Resources render in the order they were added.
    pub fn add<T: ResourceType>(
        &mut self,
        logical_id: impl Into<String>,
        resource: T,
    ) -> Handle<T> {
        self.add_with(logical_id, resource, ResourceOptions::default())
    }

    /// Adds a typed resource with resource attributes (DependsOn, DeletionPolicy, ...).
    pub fn add_with<T: ResourceType>(
        &mut self,
        logical_id: impl Into<String>,
        resource: T,
        options: ResourceOptions,
    ) -> Handle<T> {
        let logical_id = logical_id.into();
        let properties = match Value::from_serialize(&resource) {
            Ok(Value::Map(map)) => map,
            // Generated resource types are structs of serializable values: always a map.
            _ => IndexMap::new(),
        };
        let resource = Resource {
            type_name: T::TYPE_NAME.to_string(),
            properties,
            options,
        };
        self.add_resource(logical_id.clone(), resource);
        Handle {
            logical_id,
            _type: PhantomData,
        }
    }

    /// Adds an untyped resource (any type, properties as a generic value).
    pub fn add_resource(&mut self, logical_id: impl Into<String>, resource: Resource) {
        let logical_id = logical_id.into();
        self.note_if_taken(Section::Resources, &logical_id);
        self.resources.insert(logical_id, resource);
    }

    /// Adds a parameter and returns a `Ref` to it.
    pub fn add_parameter(
        &mut self,
        logical_id: impl Into<String>,
        parameter: Parameter,
    ) -> Intrinsic {
        let logical_id = logical_id.into();
        self.note_if_taken(Section::Parameters, &logical_id);
        self.parameters.insert(logical_id.clone(), parameter);
        Intrinsic::Ref(logical_id)
    }

    pub fn add_output(&mut self, logical_id: impl Into<String>, output: Output) {
        let logical_id = logical_id.into();
        self.note_if_taken(Section::Outputs, &logical_id);
        self.outputs.insert(logical_id, output);
    }

    pub fn add_condition(&mut self, name: impl Into<String>, condition: Intrinsic) {
        let name = name.into();
        self.note_if_taken(Section::Conditions, &name);
        self.conditions.insert(name, condition.into());
    }

    /// Logical IDs that were added more than once, in the order of the later additions:
    /// to parameters and resources (which share one namespace), outputs or conditions.
    pub fn duplicate_ids(&self) -> &[DuplicateId] {
        &self.duplicate_ids
    }

    fn note_if_taken(&mut self, section: Section, logical_id: &str) {
        let taken = match section {
            Section::Parameters | Section::Resources => {
                self.resources.contains_key(logical_id) || self.parameters.contains_key(logical_id)
            }
            Section::Outputs => self.outputs.contains_key(logical_id),
            Section::Conditions => self.conditions.contains_key(logical_id),
        };
        if taken {
            self.duplicate_ids.push(DuplicateId {
                section,
                logical_id: logical_id.to_string(),
            });
        }
    }
}

/// A logical ID added to a template when it was already taken, with the section of the later
/// addition, which replaced the earlier one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateId {
    pub section: Section,
    pub logical_id: String,
}

/// The sections whose entries are added one by one under a logical ID.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Section {
    Parameters,
    Conditions,
    Resources,
    Outputs,
}

impl Section {
    /// The section's key in a template: `Resources`.
    pub fn key(self) -> &'static str {
        match self {
            Section::Parameters => "Parameters",
            Section::Conditions => "Conditions",
            Section::Resources => "Resources",
            Section::Outputs => "Outputs",
        }
    }

    /// What an entry of the section is called: `resource`.
    pub fn entry(self) -> &'static str {
        match self {
            Section::Parameters => "parameter",
            Section::Conditions => "condition",
            Section::Resources => "resource",
            Section::Outputs => "output",
        }
    }
}

/// A resource type generated from its CloudFormation registry schema.
pub trait ResourceType: Serialize {
    /// `AWS::Service::Type`.
    const TYPE_NAME: &'static str;
}

/// A resource added to a template: `Ref` it, or ask for one of the attributes its type has
/// (generated methods such as `primary_end_point_address()` on `Handle<ReplicationGroup>`).
#[derive(Debug)]
pub struct Handle<T> {
    logical_id: String,
    _type: PhantomData<fn() -> T>,
}

impl<T> Clone for Handle<T> {
    fn clone(&self) -> Self {
        Handle {
            logical_id: self.logical_id.clone(),
            _type: PhantomData,
        }
    }
}

impl<T> Handle<T> {
    /// A handle for a resource the caller added under `logical_id` itself.
    pub(crate) fn new(logical_id: String) -> Self {
        Handle {
            logical_id,
            _type: PhantomData,
        }
    }

    pub fn logical_id(&self) -> &str {
        &self.logical_id
    }

    /// `Ref` to the resource (what it returns depends on the type: an ID, a name, an ARN).
    pub fn to_ref(&self) -> Intrinsic {
        Intrinsic::Ref(self.logical_id.clone())
    }

    /// `Fn::GetAtt` with an attribute name the generated accessors vouch for.
    pub(crate) fn attribute(&self, attribute: &str) -> Intrinsic {
        Intrinsic::get_att(self.logical_id.clone(), attribute)
    }
}

/// A resource in the template: its type, properties and resource attributes. Reading one refuses
/// unknown attributes (`Propertes`, `DependOn`), as CloudFormation does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(from = "ResourceFields")]
pub struct Resource {
    #[serde(rename = "Type")]
    pub type_name: String,
    #[serde(
        rename = "Properties",
        default,
        skip_serializing_if = "IndexMap::is_empty"
    )]
    pub properties: IndexMap<String, Value>,
    /// Flattened only when writing: serde cannot refuse unknown fields through a flattened
    /// struct, so reading lists every attribute itself.
    #[serde(flatten)]
    pub options: ResourceOptions,
}

/// A resource as it is read: every attribute CloudFormation defines, and no other.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
struct ResourceFields {
    #[serde(rename = "Type")]
    type_name: String,
    #[serde(default)]
    properties: IndexMap<String, Value>,
    #[serde(default, deserialize_with = "one_or_many::deserialize")]
    depends_on: Vec<String>,
    #[serde(default)]
    condition: Option<String>,
    #[serde(default)]
    deletion_policy: Option<DeletionPolicy>,
    #[serde(default)]
    update_replace_policy: Option<DeletionPolicy>,
    #[serde(default)]
    metadata: Option<Value>,
    #[serde(default)]
    creation_policy: Option<Value>,
    #[serde(default)]
    update_policy: Option<Value>,
}

impl From<ResourceFields> for Resource {
    fn from(fields: ResourceFields) -> Self {
        Resource {
            type_name: fields.type_name,
            properties: fields.properties,
            options: ResourceOptions {
                depends_on: fields.depends_on,
                condition: fields.condition,
                deletion_policy: fields.deletion_policy,
                update_replace_policy: fields.update_replace_policy,
                metadata: fields.metadata,
                creation_policy: fields.creation_policy,
                update_policy: fields.update_policy,
            },
        }
    }
}

impl Resource {
    pub fn new(type_name: impl Into<String>) -> Self {
        Resource {
            type_name: type_name.into(),
            properties: IndexMap::new(),
            options: ResourceOptions::default(),
        }
    }
}

/// The resource attributes CloudFormation defines beside Type and Properties (read as part of
/// a [`Resource`]).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ResourceOptions {
    #[serde(
        skip_serializing_if = "Vec::is_empty",
        serialize_with = "one_or_many::serialize"
    )]
    pub depends_on: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deletion_policy: Option<DeletionPolicy>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub update_replace_policy: Option<DeletionPolicy>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub creation_policy: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub update_policy: Option<Value>,
}

impl ResourceOptions {
    pub fn depends_on(mut self, logical_id: impl Into<String>) -> Self {
        self.depends_on.push(logical_id.into());
        self
    }
    pub fn condition(mut self, name: impl Into<String>) -> Self {
        self.condition = Some(name.into());
        self
    }
    pub fn deletion_policy(mut self, policy: DeletionPolicy) -> Self {
        self.deletion_policy = Some(policy);
        self
    }
    pub fn update_replace_policy(mut self, policy: DeletionPolicy) -> Self {
        self.update_replace_policy = Some(policy);
        self
    }
    pub fn metadata(mut self, metadata: Value) -> Self {
        self.metadata = Some(metadata);
        self
    }
}

/// What CloudFormation does with a resource's physical resource when it leaves the stack
/// (`DeletionPolicy`) or is replaced (`UpdateReplacePolicy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DeletionPolicy {
    Delete,
    Retain,
    RetainExceptOnCreate,
    Snapshot,
}

/// A stack output, optionally exported for other stacks' `Fn::ImportValue`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct Output {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub value: Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub export: Option<Export>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
}

impl Output {
    pub fn new(value: impl Into<Value>) -> Self {
        Output {
            description: None,
            value: value.into(),
            export: None,
            condition: None,
        }
    }
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }
    pub fn export(mut self, name: impl Into<Value>) -> Self {
        self.export = Some(Export { name: name.into() });
        self
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct Export {
    pub name: Value,
}

/// `DependsOn` takes a single logical ID or a list of them.
mod one_or_many {
    use super::*;

    pub fn serialize<S: Serializer>(ids: &[String], serializer: S) -> Result<S::Ok, S::Error> {
        match ids {
            [one] => serializer.serialize_str(one),
            many => many.serialize(serializer),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Vec<String>, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum OneOrMany {
            One(String),
            Many(Vec<String>),
        }
        Ok(match OneOrMany::deserialize(deserializer)? {
            OneOrMany::One(id) => vec![id],
            OneOrMany::Many(ids) => ids,
        })
    }
}
