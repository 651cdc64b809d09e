//! The cloud assembly: what an app produced (its stacks' templates and what deploying them
//! needs), the one thing `list`, `check`, `diff`, `deploy` and `destroy` work from, whether the
//! app is the stack files or a Rust program (the CDK's `cdk.out`).
//!
//! On disk it is a directory (`cfnforge.out/` by default) holding [`MANIFEST_FILE`] and one
//! template file per stack. A Rust app hands its assembly to the command as one JSON document on
//! standard output ([`Assembly::to_json`]); the command writes the directory. The library itself
//! reads and writes no files: it builds and reads the text.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use crate::constructs::{Lookup, LookupKind, NetworkRef};
use crate::rules::Suppression;

/// The manifest's file name inside the assembly directory.
pub const MANIFEST_FILE: &str = "manifest.json";

/// The manifest format this library writes and reads.
pub const VERSION: u32 = 1;

/// An assembly: the manifest and the text of every template it names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Assembly {
    pub manifest: Manifest,
    /// Template file name (as in [`StackArtifact::template_file`]) to the rendered template.
    pub templates: IndexMap<String, String>,
}

/// `manifest.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// [`VERSION`] when written by this library.
    pub version: u32,
    /// The stacks, in the order the app defined them.
    pub stacks: Vec<StackArtifact>,
}

/// One stack of the assembly and everything deploying it needs besides its template.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StackArtifact {
    /// The CloudFormation stack name.
    pub name: String,
    /// The template's file name in the assembly directory: `<name>.template.json`.
    pub template_file: String,
    /// Where the app says the stack goes; `deploy --region` and the AWS configuration decide
    /// when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Tags on the stack (CloudFormation passes them on to the resources).
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub tags: IndexMap<String, String>,
    #[serde(default)]
    pub termination_protection: bool,
    /// Names of the stacks of this assembly this one needs deployed first (it imports their
    /// exports, or the app said so).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dependencies: Vec<String>,
    /// Template parameters that `deploy` fills in by looking existing resources up by name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lookups: Vec<LookupArtifact>,
    /// The stack's VPC, however the app names it: name look-ups are scoped to it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc: Option<NetworkRefArtifact>,
    /// Rule suppressions (they are in the template's Metadata too).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub suppressions: Vec<Suppression>,
    /// Export names the template's outputs define.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exports: Vec<String>,
    /// Export names the template reads with `Fn::ImportValue` (literal names only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub imports: Vec<String>,
    /// Where the stack was defined, for messages: a stack file's path or a Rust construct path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// [`Lookup`] as written in the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LookupArtifact {
    pub parameter: String,
    pub kind: LookupKindArtifact,
    pub names: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LookupKindArtifact {
    Vpc,
    Subnet,
    SecurityGroup,
}

/// [`NetworkRef`] as written in the manifest: `{"id": ...}`, `{"name": ...}` or
/// `{"import": ...}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum NetworkRefArtifact {
    Id(String),
    Name(String),
    Import(String),
}

/// Why an assembly could not be read.
#[derive(Debug, thiserror::Error)]
pub enum AssemblyError {
    #[error("not a cfnforge assembly: {0}")]
    Json(#[from] serde_json::Error),
    #[error("assembly version {found} is not supported (this cfnforge reads version {VERSION})")]
    Version { found: u32 },
    #[error("stack {stack}: its template {file} is not in the assembly")]
    MissingTemplate { stack: String, file: String },
    #[error("stack {0} appears twice in the assembly")]
    DuplicateStack(String),
    #[error("stack {stack} depends on {dependency}, which is not in the assembly")]
    UnknownDependency { stack: String, dependency: String },
    #[error("the stacks depend on each other in a cycle: {}", .0.join(" -> "))]
    Cycle(Vec<String>),
    #[error("no stack \"{name}\" in the assembly (stacks: {})", .known.join(", "))]
    UnknownStack { name: String, known: Vec<String> },
}

/// A stack of a deploy or destroy and the stacks of the same run that must be done before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub stack: String,
    pub after: Vec<String>,
}

impl Assembly {
    /// An assembly of these stacks and templates, checked as [`Assembly::from_json`] checks.
    pub fn new(
        manifest: Manifest,
        templates: IndexMap<String, String>,
    ) -> Result<Assembly, AssemblyError> {
        let assembly = Assembly {
            manifest,
            templates,
        };
        assembly.validate()?;
        Ok(assembly)
    }

    /// The assembly as one JSON document (what a Rust app prints for the command).
    pub fn to_json(&self) -> String {
        // A struct of strings, maps and vectors always serializes.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Reads the document [`Assembly::to_json`] wrote, and checks it holds together.
    pub fn from_json(text: &str) -> Result<Assembly, AssemblyError> {
        let assembly: Assembly = serde_json::from_str(text)?;
        assembly.validate()?;
        Ok(assembly)
    }

    /// Builds an assembly from a manifest and a function that reads the template files it
    /// names (the command reads them from the assembly directory).
    pub fn from_manifest<E>(
        manifest: Manifest,
        mut read: impl FnMut(&str) -> Result<Option<String>, E>,
    ) -> Result<Result<Assembly, AssemblyError>, E> {
        let mut templates = IndexMap::new();
        for stack in &manifest.stacks {
            match read(&stack.template_file)? {
                Some(body) => {
                    templates.insert(stack.template_file.clone(), body);
                }
                None => {
                    return Ok(Err(AssemblyError::MissingTemplate {
                        stack: stack.name.clone(),
                        file: stack.template_file.clone(),
                    }));
                }
            }
        }
        let assembly = Assembly {
            manifest,
            templates,
        };
        Ok(assembly.validate().map(|()| assembly))
    }

    /// The manifest as `manifest.json` holds it.
    pub fn manifest_json(&self) -> String {
        serde_json::to_string_pretty(&self.manifest).unwrap_or_default()
    }

    /// Reads `manifest.json`.
    pub fn manifest_from_json(text: &str) -> Result<Manifest, AssemblyError> {
        let manifest: Manifest = serde_json::from_str(text)?;
        if manifest.version != VERSION {
            return Err(AssemblyError::Version {
                found: manifest.version,
            });
        }
        Ok(manifest)
    }

    /// The stack named `name`.
    pub fn stack(&self, name: &str) -> Option<&StackArtifact> {
        self.manifest.stacks.iter().find(|s| s.name == name)
    }

    /// The template text of a stack of this assembly.
    pub fn template(&self, stack: &StackArtifact) -> Option<&str> {
        self.templates.get(&stack.template_file).map(String::as_str)
    }

    fn validate(&self) -> Result<(), AssemblyError> {
        if self.manifest.version != VERSION {
            return Err(AssemblyError::Version {
                found: self.manifest.version,
            });
        }
        let mut seen = std::collections::HashSet::new();
        for stack in &self.manifest.stacks {
            if !seen.insert(stack.name.as_str()) {
                return Err(AssemblyError::DuplicateStack(stack.name.clone()));
            }
            if !self.templates.contains_key(&stack.template_file) {
                return Err(AssemblyError::MissingTemplate {
                    stack: stack.name.clone(),
                    file: stack.template_file.clone(),
                });
            }
        }
        for stack in &self.manifest.stacks {
            for dependency in &stack.dependencies {
                if !seen.contains(dependency.as_str()) {
                    return Err(AssemblyError::UnknownDependency {
                        stack: stack.name.clone(),
                        dependency: dependency.clone(),
                    });
                }
            }
        }
        if let Some(cycle) = self.cycle() {
            return Err(AssemblyError::Cycle(cycle));
        }
        Ok(())
    }

    /// A cycle of dependencies, as the path around it (`a -> b -> a`), if there is one.
    fn cycle(&self) -> Option<Vec<String>> {
        // Depth-first search; `path` is the chain being followed.
        fn visit<'a>(
            assembly: &'a Assembly,
            stack: &'a str,
            path: &mut Vec<&'a str>,
            done: &mut std::collections::HashSet<&'a str>,
        ) -> Option<Vec<String>> {
            if let Some(start) = path.iter().position(|s| *s == stack) {
                let mut cycle: Vec<String> = path[start..].iter().map(|s| s.to_string()).collect();
                cycle.push(stack.to_string());
                return Some(cycle);
            }
            if done.contains(stack) {
                return None;
            }
            path.push(stack);
            for dependency in assembly.stack(stack).map_or(&[][..], |s| &s.dependencies) {
                if let Some(cycle) = visit(assembly, dependency, path, done) {
                    return Some(cycle);
                }
            }
            path.pop();
            done.insert(stack);
            None
        }
        let mut done = std::collections::HashSet::new();
        self.manifest
            .stacks
            .iter()
            .find_map(|s| visit(self, &s.name, &mut Vec::new(), &mut done))
    }

    /// The stacks named (all when `names` is empty), and unless `exclusively` the stacks they
    /// depend on, directly or not, in the order to deploy them: each after its dependencies,
    /// otherwise in the manifest's order. Each step waits for its dependencies in the run.
    pub fn deploy_plan(
        &self,
        names: &[String],
        exclusively: bool,
    ) -> Result<Vec<Step>, AssemblyError> {
        let mut chosen = self.named(names)?;
        if !exclusively {
            let mut next = 0;
            while next < chosen.len() {
                if let Some(stack) = self.stack(&chosen[next]) {
                    for dependency in &stack.dependencies {
                        if !chosen.contains(dependency) {
                            chosen.push(dependency.clone());
                        }
                    }
                }
                next += 1;
            }
        }
        // Through stacks left out too (`--exclusively`): they are deployed already.
        let waits = |stack: &StackArtifact| -> Vec<String> {
            let needs = self.needs(&stack.name);
            chosen
                .iter()
                .filter(|c| needs.contains(*c))
                .cloned()
                .collect()
        };
        Ok(self.ordered(&chosen, waits))
    }

    /// The stacks named (all when `names` is empty) in the order to destroy them: each after the
    /// stacks of the run that depend on it.
    pub fn destroy_plan(&self, names: &[String]) -> Result<Vec<Step>, AssemblyError> {
        let chosen = self.named(names)?;
        let waits = |stack: &StackArtifact| -> Vec<String> {
            chosen
                .iter()
                .filter(|c| self.needs(c).contains(&stack.name))
                .cloned()
                .collect()
        };
        Ok(self.ordered(&chosen, waits))
    }

    /// The stacks `stack` depends on, directly or through others.
    fn needs(&self, stack: &str) -> std::collections::HashSet<String> {
        let mut needs = std::collections::HashSet::new();
        let mut next = vec![stack.to_string()];
        while let Some(name) = next.pop() {
            for dependency in self.stack(&name).map_or(&[][..], |s| &s.dependencies) {
                if needs.insert(dependency.clone()) {
                    next.push(dependency.clone());
                }
            }
        }
        needs
    }

    /// The names, checked, once each; every stack for none.
    fn named(&self, names: &[String]) -> Result<Vec<String>, AssemblyError> {
        if names.is_empty() {
            return Ok(self
                .manifest
                .stacks
                .iter()
                .map(|s| s.name.clone())
                .collect());
        }
        let mut chosen: Vec<String> = Vec::new();
        for name in names {
            if self.stack(name).is_none() {
                return Err(AssemblyError::UnknownStack {
                    name: name.clone(),
                    known: self
                        .manifest
                        .stacks
                        .iter()
                        .map(|s| s.name.clone())
                        .collect(),
                });
            }
            if !chosen.contains(name) {
                chosen.push(name.clone());
            }
        }
        Ok(chosen)
    }

    /// The chosen stacks, each after the ones it waits for, otherwise in the manifest's order.
    /// The assembly has no cycle (checked when it was made), so every stack gets its turn.
    fn ordered(
        &self,
        chosen: &[String],
        waits: impl Fn(&StackArtifact) -> Vec<String>,
    ) -> Vec<Step> {
        let mut pending: Vec<Step> = self
            .manifest
            .stacks
            .iter()
            .filter(|s| chosen.contains(&s.name))
            .map(|s| Step {
                stack: s.name.clone(),
                after: waits(s),
            })
            .collect();
        let mut order: Vec<Step> = Vec::with_capacity(pending.len());
        while !pending.is_empty() {
            let ready = pending
                .iter()
                .position(|step| {
                    step.after
                        .iter()
                        .all(|a| order.iter().any(|o| &o.stack == a))
                })
                // Only a cycle leaves nothing ready; take the next to end rather than loop.
                .unwrap_or(0);
            order.push(pending.remove(ready));
        }
        order
    }
}

/// The template file name of a stack.
pub fn template_file_name(stack: &str) -> String {
    format!("{stack}.template.json")
}

impl From<&Lookup> for LookupArtifact {
    fn from(lookup: &Lookup) -> Self {
        LookupArtifact {
            parameter: lookup.parameter.clone(),
            kind: lookup.kind.into(),
            names: lookup.names.clone(),
        }
    }
}

impl From<&LookupArtifact> for Lookup {
    fn from(lookup: &LookupArtifact) -> Self {
        Lookup {
            parameter: lookup.parameter.clone(),
            kind: lookup.kind.into(),
            names: lookup.names.clone(),
        }
    }
}

impl From<LookupKind> for LookupKindArtifact {
    fn from(kind: LookupKind) -> Self {
        match kind {
            LookupKind::Vpc => LookupKindArtifact::Vpc,
            LookupKind::Subnet => LookupKindArtifact::Subnet,
            LookupKind::SecurityGroup => LookupKindArtifact::SecurityGroup,
        }
    }
}

impl From<LookupKindArtifact> for LookupKind {
    fn from(kind: LookupKindArtifact) -> Self {
        match kind {
            LookupKindArtifact::Vpc => LookupKind::Vpc,
            LookupKindArtifact::Subnet => LookupKind::Subnet,
            LookupKindArtifact::SecurityGroup => LookupKind::SecurityGroup,
        }
    }
}

impl From<&NetworkRef> for NetworkRefArtifact {
    fn from(reference: &NetworkRef) -> Self {
        match reference {
            NetworkRef::Id(id) => NetworkRefArtifact::Id(id.clone()),
            NetworkRef::Name(name) => NetworkRefArtifact::Name(name.clone()),
            NetworkRef::Import(export) => NetworkRefArtifact::Import(export.clone()),
        }
    }
}

impl From<&NetworkRefArtifact> for NetworkRef {
    fn from(reference: &NetworkRefArtifact) -> Self {
        match reference {
            NetworkRefArtifact::Id(id) => NetworkRef::Id(id.clone()),
            NetworkRefArtifact::Name(name) => NetworkRef::Name(name.clone()),
            NetworkRefArtifact::Import(export) => NetworkRef::Import(export.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stack(name: &str, dependencies: &[&str]) -> StackArtifact {
        StackArtifact {
            name: name.into(),
            template_file: template_file_name(name),
            region: Some("ap-southeast-1".into()),
            tags: IndexMap::new(),
            termination_protection: false,
            dependencies: dependencies.iter().map(|d| d.to_string()).collect(),
            lookups: vec![LookupArtifact {
                parameter: "VpcId".into(),
                kind: LookupKindArtifact::Vpc,
                names: vec!["band-up-vpc".into()],
            }],
            vpc: Some(NetworkRefArtifact::Name("band-up-vpc".into())),
            suppressions: Vec::new(),
            exports: Vec::new(),
            imports: Vec::new(),
            source: None,
        }
    }

    fn assembly(stacks: Vec<StackArtifact>) -> Assembly {
        let templates = stacks
            .iter()
            .map(|s| (s.template_file.clone(), "{}".to_string()))
            .collect();
        Assembly {
            manifest: Manifest {
                version: VERSION,
                stacks,
            },
            templates,
        }
    }

    #[test]
    fn an_assembly_reads_back_what_it_wrote() {
        let written = assembly(vec![stack("a", &[]), stack("b", &["a"])]);
        let read = Assembly::from_json(&written.to_json()).expect("reads");
        assert_eq!(read, written);
        let manifest = Assembly::manifest_from_json(&written.manifest_json()).expect("reads");
        assert_eq!(manifest, written.manifest);
        assert!(written.manifest_json().contains(r#""kind": "vpc""#));
        assert!(written.manifest_json().contains(r#""name": "band-up-vpc""#));
    }

    #[test]
    fn an_assembly_that_does_not_hold_together_is_refused() {
        let mut missing = assembly(vec![stack("a", &[])]);
        missing.templates.clear();
        assert!(matches!(
            Assembly::from_json(&missing.to_json()),
            Err(AssemblyError::MissingTemplate { .. })
        ));
        let unknown = assembly(vec![stack("b", &["a"])]);
        assert!(matches!(
            Assembly::from_json(&unknown.to_json()),
            Err(AssemblyError::UnknownDependency { .. })
        ));
        let twice = assembly(vec![stack("a", &[]), stack("a", &[])]);
        assert!(matches!(
            Assembly::from_json(&twice.to_json()),
            Err(AssemblyError::DuplicateStack(_))
        ));
        let mut newer = assembly(vec![stack("a", &[])]);
        newer.manifest.version = VERSION + 1;
        assert!(matches!(
            Assembly::from_json(&newer.to_json()),
            Err(AssemblyError::Version { .. })
        ));
        assert!(matches!(
            Assembly::from_json("{\"manifest\": 1}"),
            Err(AssemblyError::Json(_))
        ));
    }

    #[test]
    fn a_cycle_between_stacks_is_refused_naming_them() {
        let cycle = assembly(vec![
            stack("a", &["b"]),
            stack("b", &["c"]),
            stack("c", &["a"]),
        ]);
        match Assembly::from_json(&cycle.to_json()) {
            Err(e @ AssemblyError::Cycle(_)) => {
                assert_eq!(
                    e.to_string(),
                    "the stacks depend on each other in a cycle: a -> b -> c -> a"
                );
            }
            other => panic!("{other:?}"),
        }
    }

    fn names(steps: &[Step]) -> Vec<(&str, Vec<&str>)> {
        steps
            .iter()
            .map(|s| {
                (
                    s.stack.as_str(),
                    s.after.iter().map(String::as_str).collect(),
                )
            })
            .collect()
    }

    #[test]
    fn a_deploy_goes_in_dependency_order_with_the_dependencies_of_what_is_named() {
        // c is listed first but needs a; b needs nothing.
        let app = assembly(vec![stack("c", &["a"]), stack("b", &[]), stack("a", &[])]);
        let app = Assembly::from_json(&app.to_json()).expect("valid");
        assert_eq!(
            names(&app.deploy_plan(&[], false).unwrap()),
            [("b", vec![]), ("a", vec![]), ("c", vec!["a"])]
        );
        assert_eq!(
            names(&app.deploy_plan(&["c".into()], false).unwrap()),
            [("a", vec![]), ("c", vec!["a"])]
        );
        assert_eq!(
            names(&app.deploy_plan(&["c".into()], true).unwrap()),
            [("c", vec![])]
        );
        // Through a stack left out.
        let chain = assembly(vec![
            stack("c", &["b"]),
            stack("b", &["a"]),
            stack("a", &[]),
        ]);
        assert_eq!(
            names(&chain.deploy_plan(&["c".into(), "a".into()], true).unwrap()),
            [("a", vec![]), ("c", vec!["a"])]
        );
        assert!(matches!(
            app.deploy_plan(&["d".into()], false),
            Err(AssemblyError::UnknownStack { .. })
        ));
    }

    #[test]
    fn a_destroy_goes_in_reverse_dependency_order() {
        let app = assembly(vec![
            stack("a", &[]),
            stack("b", &["a"]),
            stack("c", &["b"]),
        ]);
        assert_eq!(
            names(&app.destroy_plan(&[]).unwrap()),
            [("c", vec![]), ("b", vec!["c"]), ("a", vec!["b", "c"])]
        );
        // c needs a through b, which stays.
        assert_eq!(
            names(&app.destroy_plan(&["a".into(), "c".into()]).unwrap()),
            [("c", vec![]), ("a", vec!["c"])]
        );
    }
}
