//! A stack under construction: its template, its tags, and the references to existing network
//! resources that `deploy` must look up by name. What an app needs besides (region, termination
//! protection, suppressions, construct paths, cross-stack references) is here too; the methods
//! that build on it live in [`crate::app`].

use heck::ToUpperCamelCase;
use indexmap::IndexMap;

use crate::app::Tree;
use crate::rules::Suppression;
use crate::template::{Intrinsic, Parameter, ParameterType, Template, Val};

/// A reference to something that already exists outside the stack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NetworkRef {
    /// A literal ID (`vpc-...`, `subnet-...`, `sg-...`).
    Id(String),
    /// A Name tag (or a security group's group name), resolved by `deploy` into a parameter.
    Name(String),
    /// An export of another stack, read with `Fn::ImportValue`.
    Import(String),
}

impl NetworkRef {
    /// Reads a plain string: an ID when it has the kind's ID prefix, otherwise a name.
    pub fn parse(text: &str, kind: LookupKind) -> NetworkRef {
        let is_id = text
            .strip_prefix(kind.id_prefix())
            .is_some_and(|rest| !rest.is_empty() && rest.chars().all(|c| c.is_ascii_hexdigit()));
        if is_id {
            NetworkRef::Id(text.to_string())
        } else {
            NetworkRef::Name(text.to_string())
        }
    }
}

/// What kind of existing resource a name stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LookupKind {
    Vpc,
    Subnet,
    SecurityGroup,
}

impl LookupKind {
    pub fn id_prefix(self) -> &'static str {
        match self {
            LookupKind::Vpc => "vpc-",
            LookupKind::Subnet => "subnet-",
            LookupKind::SecurityGroup => "sg-",
        }
    }

    fn parameter_type(self) -> ParameterType {
        match self {
            LookupKind::Vpc => ParameterType::VPC_ID,
            LookupKind::Subnet => ParameterType::SUBNET_ID,
            LookupKind::SecurityGroup => ParameterType::SECURITY_GROUP_ID,
        }
    }

    fn noun(self) -> &'static str {
        match self {
            LookupKind::Vpc => "VPC",
            LookupKind::Subnet => "Subnet",
            LookupKind::SecurityGroup => "Security group",
        }
    }
}

/// A template parameter that stands for existing resources named in the stack file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lookup {
    pub parameter: String,
    pub kind: LookupKind,
    /// One name, or several for a list parameter (the values keep this order).
    pub names: Vec<String>,
}

/// A CloudFormation stack being built.
#[derive(Debug, Clone)]
pub struct Stack {
    pub name: String,
    pub template: Template,
    /// Tags on the stack and on every resource that takes tags.
    pub tags: IndexMap<String, String>,
    pub lookups: Vec<Lookup>,
    /// The VPC the stack's network lives in, however the stack file names it: `deploy` looks
    /// subnets and security groups up inside it.
    pub vpc: Option<NetworkRef>,
    /// The region the stack goes to; `None` leaves it to `deploy --region` and the AWS
    /// configuration.
    pub region: Option<String>,
    /// Whether `deploy` turns the stack's termination protection on.
    pub termination_protection: bool,
    /// Rules of `cfnforge check` that do not apply, each with its reason; synthesis writes them
    /// into the template's `Metadata` too.
    pub suppressions: Vec<Suppression>,
    /// Stacks of the same app to deploy before this one, besides those it imports from.
    pub dependencies: Vec<String>,
    /// Where the stack was defined, for messages: the Rust source line that called
    /// [`Stack::new`].
    pub source: Option<String>,
    /// Construct paths, the scope being built, cross-stack imports and overrides.
    pub(crate) tree: Tree,
}

impl Stack {
    #[track_caller]
    pub fn new(name: impl Into<String>) -> Self {
        let caller = std::panic::Location::caller();
        Stack {
            name: name.into(),
            template: Template::new(),
            tags: IndexMap::new(),
            lookups: Vec::new(),
            vpc: None,
            region: None,
            termination_protection: false,
            suppressions: Vec::new(),
            dependencies: Vec::new(),
            source: Some(format!("{}:{}", caller.file(), caller.line())),
            tree: Tree::default(),
        }
    }

    /// Sets the region the stack goes to.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// Sets the template's `Description`.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.template.description = Some(description.into());
        self
    }

    /// Adds a tag, for the stack and every resource in it that takes tags.
    pub fn tag(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.tags.insert(key.into(), value.into());
        self
    }

    /// Turns termination protection on or off for `deploy`.
    pub fn termination_protection(mut self, on: bool) -> Self {
        self.termination_protection = on;
        self
    }

    /// Suppresses a rule of `cfnforge check` for one resource (its logical ID) or, with
    /// `None`, for the whole stack; the reason is required and shows in reports and in the
    /// template's `Metadata`.
    pub fn suppress(
        &mut self,
        rule: impl Into<String>,
        resource: Option<&str>,
        reason: impl Into<String>,
    ) {
        self.suppressions.push(Suppression {
            rule: rule.into(),
            resource: resource.map(str::to_string),
            reason: reason.into(),
        });
    }

    /// Deploys `other` (a stack of the same app) before this one.
    pub fn add_dependency(&mut self, other: &Stack) {
        if !self.dependencies.contains(&other.name) {
            self.dependencies.push(other.name.clone());
        }
    }

    /// The value for one existing resource: a literal ID, a `Ref` to a parameter that `deploy`
    /// fills in from the name, or an import.
    pub fn existing(&mut self, reference: &NetworkRef, kind: LookupKind) -> Val<String> {
        if kind == LookupKind::Vpc {
            self.vpc = Some(reference.clone());
        }
        match reference {
            NetworkRef::Id(id) => Val::from(id),
            NetworkRef::Import(export) => Intrinsic::import_value(export.as_str()).into(),
            NetworkRef::Name(name) => {
                // A stack lives in one VPC; other kinds are told apart by name.
                let parameter = match kind {
                    LookupKind::Vpc => "VpcId".to_string(),
                    _ => format!("{}{}", name.to_upper_camel_case(), kind_suffix(kind)),
                };
                self.lookup_parameter(parameter, kind.parameter_type(), kind, vec![name.clone()])
                    .into()
            }
        }
    }

    /// The value for a list of existing resources. Names become one `List<...>` parameter when
    /// every entry is a name; otherwise each entry stands on its own.
    pub fn existing_list(
        &mut self,
        parameter: &str,
        references: &[NetworkRef],
        kind: LookupKind,
    ) -> Val<Vec<Val<String>>> {
        let names: Vec<String> = references
            .iter()
            .filter_map(|r| match r {
                NetworkRef::Name(name) => Some(name.clone()),
                _ => None,
            })
            .collect();
        if !names.is_empty() && names.len() == references.len() {
            let list = ParameterType::list_of(kind.parameter_type());
            return self
                .lookup_parameter(parameter.to_string(), list, kind, names)
                .into();
        }
        Val::Lit(references.iter().map(|r| self.existing(r, kind)).collect())
    }

    fn lookup_parameter(
        &mut self,
        base: String,
        type_: ParameterType,
        kind: LookupKind,
        names: Vec<String>,
    ) -> Intrinsic {
        // The same names share a parameter; different names that spell the same parameter
        // name (`ecs-backend-sg`, `Ecs Backend Sg`) get a numbered one.
        let mut parameter = base.clone();
        let mut n = 2;
        while let Some(existing) = self.lookups.iter().find(|l| l.parameter == parameter) {
            if existing.kind == kind && existing.names == names {
                return Intrinsic::Ref(parameter);
            }
            parameter = format!("{base}{n}");
            n += 1;
        }
        {
            let quoted: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
            let noun = if names.len() > 1 {
                format!("{}s", kind.noun())
            } else {
                kind.noun().to_string()
            };
            let description = format!(
                "{noun} {} (cfnforge deploy looks it up by name)",
                quoted.join(", ")
            );
            self.template.add_parameter(
                parameter.clone(),
                Parameter::new(type_).description(description),
            );
            self.lookups.push(Lookup {
                parameter: parameter.clone(),
                kind,
                names,
            });
        }
        Intrinsic::Ref(parameter)
    }

    /// The stack's tags in CloudFormation's `[{Key, Value}]` shape, for resources that take them.
    pub fn resource_tags(&self) -> Vec<(String, String)> {
        self.tags
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }
}

fn kind_suffix(kind: LookupKind) -> &'static str {
    match kind {
        LookupKind::Vpc => "VpcId",
        LookupKind::Subnet => "SubnetId",
        LookupKind::SecurityGroup => "SecurityGroupId",
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::assertions::{Match, Template};

    #[test]
    fn ids_are_recognised_by_prefix_and_hex_digits() {
        assert_eq!(
            NetworkRef::parse("vpc-0abc123", LookupKind::Vpc),
            NetworkRef::Id("vpc-0abc123".into())
        );
        assert_eq!(
            NetworkRef::parse("vpc-main", LookupKind::Vpc),
            NetworkRef::Name("vpc-main".into())
        );
        assert_eq!(
            NetworkRef::parse("sg-0123", LookupKind::Vpc),
            NetworkRef::Name("sg-0123".into())
        );
    }

    #[test]
    fn names_become_typed_parameters_once() {
        let mut stack = Stack::new("s");
        let a = stack.existing(
            &NetworkRef::Name("ecs-backend-sg".into()),
            LookupKind::SecurityGroup,
        );
        let b = stack.existing(
            &NetworkRef::Name("ecs-backend-sg".into()),
            LookupKind::SecurityGroup,
        );
        assert_eq!(a, b);
        assert_eq!(stack.lookups.len(), 1);
        Template::from_stack(&stack).template_matches(json!({
            "Parameters": Match::object_equals(json!({
                "EcsBackendSgSecurityGroupId": {
                    "Type": "AWS::EC2::SecurityGroup::Id",
                    "Description": Match::string_like_regexp(r#"^Security group "ecs-backend-sg" "#),
                },
            })),
        }));
    }

    #[test]
    fn different_names_with_the_same_parameter_name_get_their_own_parameter() {
        let mut stack = Stack::new("s");
        let a = stack.existing(
            &NetworkRef::Name("ecs-backend-sg".into()),
            LookupKind::SecurityGroup,
        );
        let b = stack.existing(
            &NetworkRef::Name("Ecs Backend Sg".into()),
            LookupKind::SecurityGroup,
        );
        assert_ne!(a, b);
        let parameters: Vec<&str> = stack.lookups.iter().map(|l| l.parameter.as_str()).collect();
        assert_eq!(
            parameters,
            [
                "EcsBackendSgSecurityGroupId",
                "EcsBackendSgSecurityGroupId2"
            ]
        );
    }

    #[test]
    fn subnet_names_become_one_list_parameter_and_mixed_lists_stay_lists() {
        let mut stack = Stack::new("s");
        let names = [NetworkRef::Name("a".into()), NetworkRef::Name("b".into())];
        let value = stack.existing_list("SubnetIds", &names, LookupKind::Subnet);
        assert_eq!(value, Intrinsic::ref_("SubnetIds").into());
        assert_eq!(
            stack.template.parameters["SubnetIds"].type_.to_string(),
            "List<AWS::EC2::Subnet::Id>"
        );
        let mixed = [
            NetworkRef::Id("subnet-1".into()),
            NetworkRef::Import("X".into()),
        ];
        let value = stack.existing_list("Other", &mixed, LookupKind::Subnet);
        assert_eq!(
            value,
            Val::Lit(vec![
                Val::from("subnet-1"),
                Intrinsic::import_value("X").into()
            ])
        );
    }
}
