//! Checks a template before it is rendered: that every reference between its parts resolves,
//! that resources do not depend on each other in a cycle, logical IDs, the properties of the
//! resource types cfnforge has schemas for, and CloudFormation's limits.
//!
//! The checks do no I/O and never fail: they return a [`Report`] for the caller to render.

mod cycles;
#[cfg(test)]
mod fixtures;
mod references;
#[cfg(test)]
mod schema_tests;
pub(crate) mod suggest;

use std::collections::hash_map::Entry;
use std::collections::{BTreeSet, HashMap, HashSet};

use crate::diagnostic::Location;
use crate::resources::{self, Shape, TypeInfo};
use crate::template::{DuplicateId, FORMAT_VERSION, Resource, Section, Template, Value};

use references::Place;
pub(crate) use suggest::did_you_mean;

/// The largest template body CloudFormation accepts inline (`TemplateBody`); larger ones must
/// be uploaded to S3 and passed by URL.
pub const MAX_INLINE_BODY_BYTES: usize = 51_200;
/// The largest template body CloudFormation accepts at all (from S3).
pub const MAX_BODY_BYTES: usize = 1_048_576;

const MAX_RESOURCES: usize = 500;
const MAX_PARAMETERS: usize = 200;
const MAX_OUTPUTS: usize = 200;
const MAX_MAPPINGS: usize = 200;
const MAX_DESCRIPTION_BYTES: usize = 1_024;
const MAX_LOGICAL_ID_CHARS: usize = 255;

pub use crate::diagnostic::{Diagnostic, Severity};

/// A diagnostic at a dotted path into the template (`Resources.Cache.Properties.Port`); an empty
/// path is the template as a whole.
fn error(path: impl Into<String>, message: impl Into<String>) -> Diagnostic {
    Diagnostic::error(Location::template(path), message)
}

fn warning(path: impl Into<String>, message: impl Into<String>) -> Diagnostic {
    Diagnostic::warning(Location::template(path), message)
}

/// Everything the checks found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub diagnostics: Vec<Diagnostic>,
}

impl Report {
    pub fn has_errors(&self) -> bool {
        self.errors().next().is_some()
    }

    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.of(Severity::Error)
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.of(Severity::Warning)
    }

    fn of(&self, severity: Severity) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics
            .iter()
            .filter(move |d| d.severity == severity)
    }
}

/// Checks a template:
/// - `Ref`, `Fn::GetAtt` and `Fn::Sub` variables name a parameter, resource or pseudo parameter
///   (`Fn::GetAtt`: a resource, and an attribute or property its type has when cfnforge has the
///   type's schema); `Fn::If`, `Condition` and resource and output conditions name a condition;
///   `Fn::FindInMap` names a mapping, and keys that exist unless it has a `DefaultValue`; no
///   intrinsic is malformed;
/// - conditions and export names do not refer to resources; export names are unique;
/// - `DependsOn` names another resource (a warning when a reference already implies it), and
///   resources do not depend on each other in a cycle;
/// - resources of types cfnforge has schemas for (every type cfn-lint knows) set their required
///   properties and no unknown ones, nested properties included; `Fn::GetAtt` does not ask
///   for a write-only property;
/// - logical IDs are alphanumeric, at most 255 characters, name one parameter or resource, and
///   were not added twice to a section;
/// - the format version, description lengths and the limits on resources, parameters, outputs
///   and mappings.
pub fn check(template: &Template) -> Report {
    check_with(template, resources::type_info)
}

/// Checks that the region a stack is deployed to has every resource type of its template
/// (an error at the resource's `Type`); types cfnforge has no schema for are not judged.
pub fn check_region(template: &Template, region: &str) -> Vec<Diagnostic> {
    region_findings(template, region, resources::type_info)
}

fn region_findings(template: &Template, region: &str, type_info: TypeLookup) -> Vec<Diagnostic> {
    template
        .resources
        .iter()
        .filter_map(|(id, resource)| {
            let info = type_info(&resource.type_name)?;
            (!info.in_region(region)).then(|| {
                error(
                    format!("Resources.{id}.Type"),
                    format!(
                        "{} is not available in region {region} (by the per-region type \
                         lists of cfn-lint 1.58.0, vendored in schemas/regions.txt)",
                        resource.type_name
                    ),
                )
            })
        })
        .collect()
}

/// Checks the size of a rendered template body: too big to pass inline is a warning (it must go
/// through S3), too big for CloudFormation at all is an error.
pub fn check_body_size(bytes: usize) -> Option<Diagnostic> {
    if bytes > MAX_BODY_BYTES {
        Some(error(
            "",
            format!(
                "the template body is {bytes} bytes; CloudFormation accepts at most \
                 {MAX_BODY_BYTES} bytes (1 MB), even from S3"
            ),
        ))
    } else if bytes > MAX_INLINE_BODY_BYTES {
        Some(warning(
            "",
            format!(
                "the template body is {bytes} bytes, more than the {MAX_INLINE_BODY_BYTES} \
                 CloudFormation accepts inline; it must be uploaded to S3 and passed by URL"
            ),
        ))
    } else {
        None
    }
}

/// Where the checks learn what a resource type has; the unit tests pass a fixed registry so that
/// they do not depend on the generated one.
type TypeLookup = fn(&str) -> Option<&'static TypeInfo>;

fn check_with(template: &Template, type_info: TypeLookup) -> Report {
    let mut checker = Checker {
        template,
        type_info,
        diagnostics: Vec::new(),
        dependencies: vec![BTreeSet::new(); template.resources.len()],
    };
    checker.check_sections();
    checker.check_logical_ids();
    checker.check_resources();
    checker.check_outputs();
    checker.check_conditions();
    checker.check_cycles();
    Report {
        diagnostics: checker.diagnostics,
    }
}

struct Checker<'t> {
    template: &'t Template,
    type_info: TypeLookup,
    diagnostics: Vec<Diagnostic>,
    /// For each resource (by position in `Resources`), the resources it depends on: named by
    /// `Ref`, `Fn::GetAtt`, `Fn::Sub` or `DependsOn`.
    dependencies: Vec<BTreeSet<usize>>,
}

impl Checker<'_> {
    fn error(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.diagnostics.push(error(path, message));
    }

    fn check_sections(&mut self) {
        let template = self.template;
        if let Some(version) = &template.format_version
            && version != FORMAT_VERSION
        {
            self.error(
                "AWSTemplateFormatVersion",
                format!(
                    "\"{version}\" is not a template format version; the only one is \
                     \"{FORMAT_VERSION}\""
                ),
            );
        }
        if let Some(description) = &template.description {
            self.check_description("Description", description);
        }
        if template.resources.is_empty() {
            self.error("Resources", "a template needs at least one resource");
        }
        self.check_count("Resources", template.resources.len(), MAX_RESOURCES);
        self.check_count("Parameters", template.parameters.len(), MAX_PARAMETERS);
        self.check_count("Outputs", template.outputs.len(), MAX_OUTPUTS);
        self.check_count("Mappings", template.mappings.len(), MAX_MAPPINGS);
    }

    fn check_count(&mut self, section: &str, count: usize, limit: usize) {
        if count > limit {
            let what = section.to_lowercase();
            self.error(
                section,
                format!("the template has {count} {what}; CloudFormation allows at most {limit}"),
            );
        }
    }

    fn check_description(&mut self, path: &str, description: &str) {
        let bytes = description.len();
        if bytes > MAX_DESCRIPTION_BYTES {
            self.error(
                path,
                format!(
                    "the description is {bytes} bytes long; at most {MAX_DESCRIPTION_BYTES} \
                     are allowed"
                ),
            );
        }
    }

    fn check_logical_ids(&mut self) {
        let template = self.template;
        let sections = [
            ("Parameters", template.parameters.keys().collect::<Vec<_>>()),
            ("Mappings", template.mappings.keys().collect()),
            ("Resources", template.resources.keys().collect()),
            ("Outputs", template.outputs.keys().collect()),
        ];
        for (section, ids) in sections {
            for id in ids {
                self.check_logical_id(&format!("{section}.{id}"), id);
            }
        }

        // Parameters and resources share one namespace: `Ref` could not tell them apart.
        let mut reported = HashSet::new();
        for id in template.resources.keys() {
            if template.parameters.contains_key(id) {
                reported.insert((Section::Parameters, id.as_str()));
                reported.insert((Section::Resources, id.as_str()));
                self.error(
                    format!("Resources.{id}"),
                    format!("logical ID \"{id}\" is used by both a parameter and a resource"),
                );
            }
        }
        for DuplicateId {
            section,
            logical_id: id,
        } in template.duplicate_ids()
        {
            if !reported.insert((*section, id.as_str())) {
                continue;
            }
            self.error(
                format!("{}.{id}", section.key()),
                format!(
                    "{} \"{id}\" was defined more than once; only the last definition is kept",
                    section.entry()
                ),
            );
        }
    }

    fn check_logical_id(&mut self, path: &str, id: &str) {
        if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric()) {
            self.error(
                path,
                format!(
                    "logical ID \"{id}\" must consist of letters and digits only (A-Z, a-z, 0-9)"
                ),
            );
        }
        let chars = id.chars().count();
        if chars > MAX_LOGICAL_ID_CHARS {
            self.error(
                path,
                format!(
                    "logical ID is {chars} characters long; at most {MAX_LOGICAL_ID_CHARS} \
                     are allowed"
                ),
            );
        }
    }

    fn check_resources(&mut self) {
        let template = self.template;
        for (index, (id, resource)) in template.resources.iter().enumerate() {
            let path = format!("Resources.{id}");
            let options = &resource.options;
            if let Some(condition) = &options.condition {
                self.check_condition_exists(&format!("{path}.Condition"), condition, "Condition");
            }
            if let Some(info) = (self.type_info)(&resource.type_name) {
                self.check_properties_against_schema(&path, id, resource, info);
            }
            for (name, value) in &resource.properties {
                self.check_value(
                    value,
                    &format!("{path}.Properties.{name}"),
                    Place::Resource(index),
                );
            }
            let attributes = [
                ("Metadata", &options.metadata),
                ("CreationPolicy", &options.creation_policy),
                ("UpdatePolicy", &options.update_policy),
            ];
            for (field, value) in attributes {
                if let Some(value) = value {
                    self.check_value(value, &format!("{path}.{field}"), Place::Resource(index));
                }
            }
            // After the values, so that DependsOn can tell whether it adds anything.
            for (position, target) in options.depends_on.iter().enumerate() {
                let at = if options.depends_on.len() == 1 {
                    format!("{path}.DependsOn")
                } else {
                    format!("{path}.DependsOn[{position}]")
                };
                self.check_depends_on(&at, index, id, target);
            }
        }
    }

    fn check_depends_on(&mut self, path: &str, index: usize, id: &str, target: &str) {
        let template = self.template;
        if target == id {
            self.error(path, format!("resource \"{id}\" cannot depend on itself"));
        } else if let Some(target_index) = template.resources.get_index_of(target) {
            if !self.dependencies[index].insert(target_index) {
                self.diagnostics.push(warning(
                    path,
                    format!(
                        "DependsOn \"{target}\" is redundant: \"{id}\" already depends on it \
                         through a Ref, Fn::GetAtt, Fn::Sub or an earlier DependsOn"
                    ),
                ));
            }
        } else if template.parameters.contains_key(target) {
            self.error(
                path,
                format!("DependsOn names \"{target}\", which is a parameter, not a resource"),
            );
        } else {
            let hint = did_you_mean(target, template.resources.keys().map(String::as_str));
            self.error(
                path,
                format!(
                    "DependsOn names \"{target}\", which is not a resource in the template{hint}"
                ),
            );
        }
    }

    fn check_properties_against_schema(
        &mut self,
        path: &str,
        id: &str,
        resource: &Resource,
        info: &TypeInfo,
    ) {
        let type_name = &resource.type_name;
        for required in info.required {
            if !resource.properties.contains_key(*required) {
                self.error(
                    format!("{path}.Properties"),
                    format!("{type_name} \"{id}\" is missing the required property \"{required}\""),
                );
            }
        }
        for (name, value) in &resource.properties {
            if !info.properties.contains(&name.as_str()) {
                let hint = did_you_mean(name, info.properties.iter().copied());
                self.error(
                    format!("{path}.Properties.{name}"),
                    format!("{type_name} \"{id}\" has no property \"{name}\"{hint}"),
                );
            } else if let Shape::Object { properties, .. } = info.shape(info.root)
                && let Some((_, shape)) = properties.iter().find(|(p, _)| p == name)
            {
                self.check_nested(&format!("{path}.Properties.{name}"), value, info, *shape);
            }
        }
    }

    /// Checks a property value against its shape in the schema: unknown and missing keys of
    /// objects the schema closes, at any depth. Intrinsics are not looked into.
    fn check_nested(&mut self, path: &str, value: &Value, info: &TypeInfo, shape: u16) {
        match (info.shape(shape), value) {
            (
                Shape::Object {
                    properties,
                    required,
                    open,
                },
                Value::Map(entries),
            ) => {
                for required in *required {
                    if !entries.contains_key(*required) {
                        self.error(
                            path,
                            format!("{} needs the property \"{required}\"", info.type_name),
                        );
                    }
                }
                for (key, item) in entries {
                    let at = format!("{path}.{key}");
                    match properties.iter().find(|(p, _)| p == key) {
                        Some((_, inner)) => self.check_nested(&at, item, info, *inner),
                        None if !open => {
                            let hint = did_you_mean(key, properties.iter().map(|(p, _)| *p));
                            self.error(
                                at,
                                format!("{} has no property \"{key}\" here{hint}", info.type_name),
                            );
                        }
                        None => {}
                    }
                }
            }
            (Shape::List(inner), Value::List(items)) => {
                for (index, item) in items.iter().enumerate() {
                    self.check_nested(&format!("{path}[{index}]"), item, info, *inner);
                }
            }
            (Shape::Map(inner), Value::Map(entries)) => {
                for (key, item) in entries {
                    self.check_nested(&format!("{path}.{key}"), item, info, *inner);
                }
            }
            _ => {}
        }
    }

    fn check_outputs(&mut self) {
        let template = self.template;
        // Export names must be unique in the account and region; within one template at least
        // that much can be checked.
        let mut exported_by: HashMap<&str, &str> = HashMap::new();
        for (id, output) in &template.outputs {
            let path = format!("Outputs.{id}");
            if let Some(condition) = &output.condition {
                self.check_condition_exists(&format!("{path}.Condition"), condition, "Condition");
            }
            if let Some(description) = &output.description {
                self.check_description(&format!("{path}.Description"), description);
            }
            self.check_value(&output.value, &format!("{path}.Value"), Place::Output);
            let Some(export) = &output.export else {
                continue;
            };
            let name_path = format!("{path}.Export.Name");
            self.check_value(&export.name, &name_path, Place::ExportName);
            match &export.name {
                Value::String(name) if name.is_empty() => {
                    self.error(name_path, "the export name is empty")
                }
                Value::String(name) => match exported_by.entry(name) {
                    Entry::Occupied(first) => self.error(
                        name_path,
                        format!(
                            "export name \"{name}\" is already used by output \"{}\"",
                            first.get()
                        ),
                    ),
                    Entry::Vacant(slot) => {
                        slot.insert(id);
                    }
                },
                Value::Fn(_) => {}
                _ => self.error(
                    name_path,
                    "an export name must be a string or an intrinsic function that returns one",
                ),
            }
        }
    }

    fn check_conditions(&mut self) {
        for (name, value) in &self.template.conditions {
            self.check_value(value, &format!("Conditions.{name}"), Place::Condition);
        }
    }

    fn check_cycles(&mut self) {
        let ids: Vec<&String> = self.template.resources.keys().collect();
        for cycle in cycles::cycles(&self.dependencies) {
            let names: Vec<&str> = cycle.iter().map(|&index| ids[index].as_str()).collect();
            let Some(first) = names.first() else {
                continue;
            };
            self.error(
                format!("Resources.{first}"),
                format!("dependency cycle: {}", names.join(" -> ")),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::*;
    use super::*;
    use crate::template::{Intrinsic, Output, Parameter, ParameterType, ResourceOptions};

    #[test]
    fn a_well_wired_template_has_no_diagnostics() {
        let template = good_template();
        assert_eq!(diagnostics(&template), vec![]);
    }

    #[test]
    fn the_generated_registry_accepts_the_good_template_and_flags_a_misspelt_attribute() {
        assert_eq!(check(&good_template()).diagnostics, vec![]);

        let mut template = good_template();
        template.outputs["Endpoint"].value =
            Intrinsic::get_att("Cache", "PrimaryEndpoint.Address").into();
        let report = check(&template);
        let [only] = report.diagnostics.as_slice() else {
            panic!("expected one diagnostic, got {report:#?}");
        };
        assert_eq!(only.location, Location::template("Outputs.Endpoint.Value"));
        assert!(
            only.message.starts_with(
                "Fn::GetAtt refers to attribute \"PrimaryEndpoint.Address\" that \
                 AWS::ElastiCache::ReplicationGroup \"Cache\" does not have (it has: "
            ),
            "{only}"
        );
        assert!(only.message.contains("PrimaryEndPoint.Address"), "{only}");
    }

    #[test]
    fn diagnostics_are_at_template_paths() {
        let diagnostic = error("Resources.X.Properties.Y", "is wrong");
        assert_eq!(diagnostic.location.resource(), Some("X"));
        assert_eq!(
            diagnostic.to_string(),
            "error: template Resources.X.Properties.Y: is wrong"
        );
        let whole = warning("", "is big");
        assert_eq!(whole.to_string(), "warning: is big");
    }

    #[test]
    fn report_separates_errors_from_warnings() {
        let report = Report {
            diagnostics: vec![warning("A", "w"), error("B", "e"), warning("C", "w")],
        };
        assert!(report.has_errors());
        assert_eq!(
            report
                .errors()
                .map(|d| d.location.template_path())
                .collect::<Vec<_>>(),
            [Some("B")]
        );
        assert_eq!(report.warnings().count(), 2);
        let warnings_only = Report {
            diagnostics: vec![warning("A", "w")],
        };
        assert!(!warnings_only.has_errors());
    }

    #[test]
    fn body_size_over_the_inline_limit_is_a_warning_and_over_1_mb_an_error() {
        assert_eq!(check_body_size(51_200), None);
        let inline = check_body_size(51_201).unwrap();
        assert_eq!(inline.severity, Severity::Warning);
        assert!(inline.message.contains("S3"), "{inline}");
        assert_eq!(
            check_body_size(1_048_576).unwrap().severity,
            Severity::Warning
        );
        let too_big = check_body_size(1_048_577).unwrap();
        assert_eq!(too_big.severity, Severity::Error);
        assert!(too_big.message.contains("1048577 bytes"), "{too_big}");
    }

    #[test]
    fn a_template_needs_a_resource() {
        assert_one(
            &Template::new(),
            Severity::Error,
            "Resources",
            "at least one resource",
        );
    }

    #[test]
    fn section_counts_are_limited() {
        // The minimal template has one resource: 499 more reach the limit.
        let mut resources = minimal_template();
        for n in 0..499 {
            resources.add_resource(format!("Topic{n}"), Resource::new("AWS::SNS::Topic"));
        }
        let mut parameters = minimal_template();
        let mut outputs = minimal_template();
        let mut mappings = minimal_template();
        for n in 0..200 {
            parameters.add_parameter(format!("P{n}"), Parameter::new(ParameterType::String));
            outputs.add_output(format!("O{n}"), Output::new("x"));
            mappings
                .mappings
                .insert(format!("M{n}"), Default::default());
        }
        for at_limit in [&resources, &parameters, &outputs, &mappings] {
            assert_eq!(diagnostics(at_limit), vec![]);
        }

        resources.add_resource("Extra", Resource::new("AWS::SNS::Topic"));
        assert_one(
            &resources,
            Severity::Error,
            "Resources",
            "501 resources; CloudFormation allows at most 500",
        );
        parameters.add_parameter("Extra", Parameter::new(ParameterType::String));
        assert_one(&parameters, Severity::Error, "Parameters", "201 parameters");
        outputs.add_output("Extra", Output::new("x"));
        assert_one(&outputs, Severity::Error, "Outputs", "201 outputs");
        mappings.mappings.insert("Extra".into(), Default::default());
        assert_one(&mappings, Severity::Error, "Mappings", "201 mappings");
    }

    #[test]
    fn descriptions_are_at_most_1024_bytes() {
        let at_limit = minimal_template().with_description("é".repeat(512));
        assert_eq!(diagnostics(&at_limit), vec![]);
        let over = minimal_template().with_description("é".repeat(512) + "x");
        assert_one(&over, Severity::Error, "Description", "1025 bytes");

        let mut output = Output::new("x");
        output.description = Some("x".repeat(1_025));
        let mut template = minimal_template();
        template.add_output("Long", output);
        assert_one(
            &template,
            Severity::Error,
            "Outputs.Long.Description",
            "1025 bytes",
        );
    }

    #[test]
    fn the_format_version_is_2010_09_09() {
        let mut template = minimal_template();
        template.format_version = Some("2010-09-10".into());
        assert_one(
            &template,
            Severity::Error,
            "AWSTemplateFormatVersion",
            "\"2010-09-10\"",
        );
    }

    #[test]
    fn logical_ids_are_alphanumeric_and_at_most_255_characters() {
        let mut template = minimal_template();
        template.add_resource("cache-sg", Resource::new("AWS::SNS::Topic"));
        template.add_resource("Caché", Resource::new("AWS::SNS::Topic"));
        template.add_parameter("", Parameter::new(ParameterType::String));
        template
            .mappings
            .insert("Region_Map".into(), Default::default());
        template.add_output("A".repeat(256), Output::new("x"));
        let long = format!("Outputs.{}", "A".repeat(256));
        assert_all(
            &template,
            &[
                (
                    Severity::Error,
                    "Parameters.",
                    "logical ID \"\" must consist of letters and digits",
                ),
                (
                    Severity::Error,
                    "Mappings.Region_Map",
                    "\"Region_Map\" must consist of letters",
                ),
                (
                    Severity::Error,
                    "Resources.cache-sg",
                    "\"cache-sg\" must consist of letters",
                ),
                (
                    Severity::Error,
                    "Resources.Caché",
                    "\"Caché\" must consist of letters",
                ),
                (Severity::Error, &long, "256 characters long; at most 255"),
            ],
        );
    }

    #[test]
    fn a_logical_id_names_one_parameter_or_resource() {
        let mut shared = minimal_template();
        shared.add_parameter("Topic", Parameter::new(ParameterType::String));
        assert_one(
            &shared,
            Severity::Error,
            "Resources.Topic",
            "used by both a parameter and a resource",
        );

        let mut twice = minimal_template();
        twice.add_resource("Topic", Resource::new("AWS::SQS::Queue"));
        twice.add_resource("Topic", Resource::new("AWS::SQS::Queue"));
        assert_one(
            &twice,
            Severity::Error,
            "Resources.Topic",
            "resource \"Topic\" was defined more than once",
        );
    }

    #[test]
    fn a_duplicate_is_reported_in_the_section_it_was_added_to() {
        let mut template = minimal_template();
        template.add_output("Topic", Output::new("first"));
        template.add_output("Topic", Output::new("second"));
        template.add_parameter("Env", Parameter::new(ParameterType::String));
        template.add_parameter("Env", Parameter::new(ParameterType::String));
        template.add_condition("IsProd", Intrinsic::equals("a", "a"));
        template.add_condition("IsProd", Intrinsic::equals("a", "b"));
        assert_all(
            &template,
            &[
                (
                    Severity::Error,
                    "Outputs.Topic",
                    "output \"Topic\" was defined more than once",
                ),
                (
                    Severity::Error,
                    "Parameters.Env",
                    "parameter \"Env\" was defined more than once",
                ),
                (
                    Severity::Error,
                    "Conditions.IsProd",
                    "condition \"IsProd\" was defined more than once",
                ),
            ],
        );
    }

    #[test]
    fn a_resource_condition_must_exist() {
        let mut template = minimal_template();
        template.resources["Topic"].options = ResourceOptions::default().condition("IsPord");
        template.add_condition("IsProd", Intrinsic::equals("a", "b"));
        assert_one(
            &template,
            Severity::Error,
            "Resources.Topic.Condition",
            "Condition refers to condition \"IsPord\", which is not in Conditions (did you \
             mean \"IsProd\"?)",
        );
    }

    #[test]
    fn depends_on_names_another_existing_resource() {
        let mut template = minimal_template();
        template.add_parameter("Vpc", Parameter::new(ParameterType::VPC_ID));
        template.resources["Topic"].options = ResourceOptions::default()
            .depends_on("Topic")
            .depends_on("Topik")
            .depends_on("Vpc");
        template.add_resource(
            "Queue",
            Resource {
                options: ResourceOptions::default().depends_on("Topc"),
                ..Resource::new("AWS::SQS::Queue")
            },
        );
        assert_all(
            &template,
            &[
                (
                    Severity::Error,
                    "Resources.Topic.DependsOn[0]",
                    "\"Topic\" cannot depend on itself",
                ),
                (
                    Severity::Error,
                    "Resources.Topic.DependsOn[1]",
                    "\"Topik\", which is not a resource in the template (did you mean \"Topic\"?)",
                ),
                (
                    Severity::Error,
                    "Resources.Topic.DependsOn[2]",
                    "\"Vpc\", which is a parameter, not a resource",
                ),
                (
                    Severity::Error,
                    "Resources.Queue.DependsOn",
                    "\"Topc\", which is not a resource",
                ),
            ],
        );
    }

    #[test]
    fn depends_on_what_a_reference_already_implies_is_a_warning() {
        let mut template = good_template();
        template.resources["Cache"].options = ResourceOptions::default()
            .depends_on("CacheSubnetGroup")
            .depends_on("CacheSecurityGroup")
            .depends_on("CacheSecurityGroup");
        template.add_resource(
            "Topic",
            Resource {
                options: ResourceOptions::default().depends_on("Cache"),
                ..Resource::new("AWS::SNS::Topic")
            },
        );
        assert_all(
            &template,
            &[
                (
                    Severity::Warning,
                    "Resources.Cache.DependsOn[0]",
                    "DependsOn \"CacheSubnetGroup\" is redundant: \"Cache\" already depends on it",
                ),
                (
                    Severity::Warning,
                    "Resources.Cache.DependsOn[1]",
                    "is redundant",
                ),
                (
                    Severity::Warning,
                    "Resources.Cache.DependsOn[2]",
                    "is redundant",
                ),
            ],
        );
    }

    #[test]
    fn required_properties_of_known_types_must_be_set() {
        let mut template = good_template();
        template.resources["CacheSubnetGroup"]
            .properties
            .shift_remove("SubnetIds");
        assert_one(
            &template,
            Severity::Error,
            "Resources.CacheSubnetGroup.Properties",
            "AWS::ElastiCache::SubnetGroup \"CacheSubnetGroup\" is missing the required \
             property \"SubnetIds\"",
        );
    }

    #[test]
    fn unknown_properties_of_known_types_are_errors_with_close_names() {
        let mut template = good_template();
        let cache = &mut template.resources["Cache"].properties;
        cache.insert("CacheNodeTyp".into(), Value::from("cache.t4g.micro"));
        cache.insert("Flavour".into(), Value::from("vanilla"));
        template.add_resource(
            "Unknown",
            resource("AWS::Nope::Thing", vec![("Anything", Value::from(1))]),
        );
        assert_all(
            &template,
            &[
                (
                    Severity::Error,
                    "Resources.Cache.Properties.CacheNodeTyp",
                    "AWS::ElastiCache::ReplicationGroup \"Cache\" has no property \
                     \"CacheNodeTyp\" (did you mean \"CacheNodeType\"?)",
                ),
                (
                    Severity::Error,
                    "Resources.Cache.Properties.Flavour",
                    "has no property \"Flavour\"",
                ),
            ],
        );
    }

    #[test]
    fn dependency_cycles_are_reported_once_in_order() {
        let mut template = Template::new();
        template.add_resource(
            "Alpha",
            resource(
                "AWS::SNS::Topic",
                vec![("Name", Intrinsic::ref_("Beta").into())],
            ),
        );
        template.add_resource(
            "Beta",
            resource(
                "AWS::SNS::Topic",
                vec![("Name", Intrinsic::get_att("Gamma", "Arn").into())],
            ),
        );
        template.add_resource(
            "Gamma",
            Resource {
                options: ResourceOptions::default().depends_on("Alpha"),
                ..Resource::new("AWS::SNS::Topic")
            },
        );
        template.add_resource(
            "Delta",
            resource(
                "AWS::SNS::Topic",
                vec![("Name", Intrinsic::ref_("Alpha").into())],
            ),
        );
        assert_one(
            &template,
            Severity::Error,
            "Resources.Alpha",
            "dependency cycle: Alpha -> Beta -> Gamma -> Alpha",
        );
    }

    #[test]
    fn fn_sub_and_self_references_make_cycles_too() {
        let mut template = Template::new();
        template.add_resource(
            "Alpha",
            resource(
                "AWS::SNS::Topic",
                vec![("Name", Intrinsic::sub("${Beta.TopicName}-${Alpha}").into())],
            ),
        );
        template.add_resource(
            "Beta",
            resource(
                "AWS::SNS::Topic",
                vec![("Name", Intrinsic::sub("${Alpha}").into())],
            ),
        );
        assert_one(
            &template,
            Severity::Error,
            "Resources.Alpha",
            "dependency cycle: Alpha -> Alpha",
        );
    }

    #[test]
    fn outputs_are_checked_like_properties() {
        let mut template = good_template();
        template.add_output("Missing", Output::new(Intrinsic::ref_("Cach")));
        assert_one(
            &template,
            Severity::Error,
            "Outputs.Missing.Value",
            "Ref names \"Cach\", which is not a parameter, resource or pseudo parameter (did \
             you mean \"Cache\"?)",
        );
    }

    #[test]
    fn an_output_condition_must_exist() {
        let mut template = good_template();
        template.outputs["Port"].condition = Some("IsProd".into());
        assert_one(
            &template,
            Severity::Error,
            "Outputs.Port.Condition",
            "condition \"IsProd\"",
        );
    }

    #[test]
    fn export_names_are_unique_strings_that_do_not_depend_on_resources() {
        let mut template = good_template();
        template.add_output(
            "Again",
            Output::new("x").export(Intrinsic::sub("${AWS::StackName}-Endpoint")),
        );
        template.add_output("Literal", Output::new("x").export("shared-endpoint"));
        template.add_output("Same", Output::new("x").export("shared-endpoint"));
        template.add_output("Empty", Output::new("x").export(""));
        template.add_output("Number", Output::new("x").export(7));
        template.add_output(
            "OfResource",
            Output::new("x").export(Intrinsic::ref_("Cache")),
        );
        assert_all(
            &template,
            &[
                (
                    Severity::Error,
                    "Outputs.Same.Export.Name",
                    "export name \"shared-endpoint\" is already used by output \"Literal\"",
                ),
                (
                    Severity::Error,
                    "Outputs.Empty.Export.Name",
                    "the export name is empty",
                ),
                (
                    Severity::Error,
                    "Outputs.Number.Export.Name",
                    "must be a string",
                ),
                (
                    Severity::Error,
                    "Outputs.OfResource.Export.Name",
                    "Ref refers to resource \"Cache\", but an export name cannot depend on a \
                     resource",
                ),
            ],
        );
    }
}
