//! The construct tree of a stack: scopes with IDs, and logical IDs that come from the path.
//!
//! A construct path is the stack's name and the IDs of the scopes down to the resource:
//! `bandup-redis/BandupRedis/SecurityGroup`. The logical ID is the path below the stack, each
//! ID in UpperCamelCase, joined, with the IDs `Resource` and `Default` left out (a construct's
//! main resource takes the construct's own name, as in the CDK): `BandupRedisSecurityGroup`,
//! and `BandupRedis` for `bandup-redis/BandupRedis/Resource`. An ID that is already letters
//! and digits keeps its spelling (`DBInstance` stays `DBInstance`; only its first letter is
//! raised); any other is converted (`bandup-redis` gives `BandupRedis`). No hash is added:
//! two paths that give the same logical ID are an error naming both.

use std::collections::HashSet;

use heck::ToUpperCamelCase;
use indexmap::IndexMap;

use super::cross::Import;
use super::{AppError, StackDiagnostic};
use crate::constructs::Stack;
use crate::template::{Handle, ResourceOptions, ResourceType, Section};

/// IDs left out of logical IDs: a construct's main resource or default child.
const LEFT_OUT: [&str; 2] = ["Resource", "Default"];

/// What a stack knows of its constructs besides its template.
#[derive(Debug, Clone, Default)]
pub(crate) struct Tree {
    /// The IDs of the scopes from the stack down to the one being built.
    scope: Vec<String>,
    /// Logical ID to the construct path below the stack (`BandupRedis/SecurityGroup`).
    paths: IndexMap<String, String>,
    /// Values of other stacks this one reads.
    pub(crate) imports: Vec<Import>,
    /// Overrides given (logical ID, path), for judging properties the schema does not know.
    pub(crate) overrides: Vec<(String, String)>,
    /// Warnings of constructs, reported when the app is synthesized.
    pub(crate) warnings: Vec<StackDiagnostic>,
}

impl Tree {
    /// The construct path of a resource; one added to the template directly has the stack
    /// and its logical ID.
    pub(crate) fn construct_path(&self, stack: &str, logical_id: &str) -> String {
        match self.paths.get(logical_id) {
            Some(path) => format!("{stack}/{path}"),
            None => format!("{stack}/{logical_id}"),
        }
    }
}

/// One ID's part of a logical ID.
fn id_part(id: &str) -> String {
    if id.chars().all(|c| c.is_ascii_alphanumeric()) {
        let mut chars = id.chars();
        match chars.next() {
            Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
            None => String::new(),
        }
    } else {
        id.to_upper_camel_case()
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect()
    }
}

/// The logical ID of a path below the stack.
fn logical_id_of(path: &[String]) -> String {
    path.iter()
        .filter(|id| !LEFT_OUT.contains(&id.as_str()))
        .map(|id| id_part(id))
        .collect()
}

impl Stack {
    /// The path below the stack of a child `id` of the scope being built, after checking the ID.
    pub(super) fn child_path(&self, id: &str) -> Result<Vec<String>, AppError> {
        let mut path = self.tree.scope.clone();
        path.push(id.to_string());
        let why = if id.is_empty() {
            Some("is empty")
        } else if id.contains('/') {
            Some("contains \"/\", which separates the IDs of a construct path")
        } else if !id.chars().any(|c| c.is_ascii_alphanumeric()) {
            Some("has no letter or digit to make a logical ID from")
        } else {
            None
        };
        if let Some(why) = why {
            return Err(AppError::InvalidId {
                stack: self.name.clone(),
                path: self.display_path(&path),
                id: id.to_string(),
                why,
            });
        }
        Ok(path)
    }

    pub(super) fn display_path(&self, path: &[String]) -> String {
        std::iter::once(self.name.as_str())
            .chain(path.iter().map(String::as_str))
            .collect::<Vec<_>>()
            .join("/")
    }

    /// Where a logical ID already in the stack came from, for a collision message.
    fn holder(&self, logical_id: &str) -> Option<String> {
        if let Some(path) = self.tree.paths.get(logical_id) {
            Some(format!("{}/{path}", self.name))
        } else if self.template.resources.contains_key(logical_id) {
            Some(format!(
                "{}/{logical_id} (added to the template directly)",
                self.name
            ))
        } else if self.template.parameters.contains_key(logical_id) {
            Some(format!("parameter {logical_id}"))
        } else {
            None
        }
    }

    /// The logical ID for a child `id` of the scope being built, claimed for it.
    pub(super) fn claim(&mut self, id: &str) -> Result<String, AppError> {
        let path = self.child_path(id)?;
        let logical_id = logical_id_of(&path);
        let shown = self.display_path(&path);
        if logical_id.is_empty() {
            return Err(AppError::InvalidId {
                stack: self.name.clone(),
                path: shown,
                id: id.to_string(),
                why: "leaves no logical ID (Resource and Default are left out of logical IDs)",
            });
        }
        if let Some(first) = self.holder(&logical_id) {
            return Err(AppError::DuplicateLogicalId {
                stack: self.name.clone(),
                logical_id,
                first,
                second: shown,
            });
        }
        self.tree.paths.insert(logical_id.clone(), path.join("/"));
        Ok(logical_id)
    }

    /// Adds a typed resource (an L1: `resources::<service>::<Type>`) as the child `id` of the
    /// scope being built; its logical ID comes from the construct path.
    pub fn add<T: ResourceType>(&mut self, id: &str, resource: T) -> Result<Handle<T>, AppError> {
        self.add_with(id, resource, ResourceOptions::default())
    }

    /// [`Stack::add`] with resource attributes (`DependsOn`, `DeletionPolicy`, ...).
    pub fn add_with<T: ResourceType>(
        &mut self,
        id: &str,
        resource: T,
        options: ResourceOptions,
    ) -> Result<Handle<T>, AppError> {
        let logical_id = self.claim(id)?;
        Ok(self.template.add_with(logical_id, resource, options))
    }

    /// Builds a construct under the scope `id`: whatever `build` adds with [`Stack::add`] gets
    /// a path below it, and so does what it adds to the template directly (a resource whose
    /// logical ID is the scope's own takes the ID `Resource`).
    ///
    /// ```
    /// use cfnforge::constructs::Stack;
    /// use cfnforge::resources::ec2;
    ///
    /// let mut stack = Stack::new("network");
    /// let group = stack.scope("Backend", |scope| {
    ///     scope.add("SecurityGroup", ec2::SecurityGroup::new("backend"))
    /// })?;
    /// assert_eq!(group.logical_id(), "BackendSecurityGroup");
    /// assert_eq!(stack.construct_path("BackendSecurityGroup"), "network/Backend/SecurityGroup");
    /// # Ok::<(), cfnforge::app::AppError>(())
    /// ```
    pub fn scope<R>(
        &mut self,
        id: &str,
        build: impl FnOnce(&mut Stack) -> Result<R, AppError>,
    ) -> Result<R, AppError> {
        self.scope_with_path(id, build).map(|(_, built)| built)
    }

    /// [`Stack::scope`], also giving the scope's construct path.
    pub(crate) fn scope_with_path<R>(
        &mut self,
        id: &str,
        build: impl FnOnce(&mut Stack) -> Result<R, AppError>,
    ) -> Result<(String, R), AppError> {
        let path = self.child_path(id)?;
        let shown = self.display_path(&path);
        let before: HashSet<String> = self.template.resources.keys().cloned().collect();
        let duplicates_before = self.template.duplicate_ids().len();
        let outer = std::mem::replace(&mut self.tree.scope, path.clone());
        let built = build(self);
        self.tree.scope = outer;
        let built = built?;

        let prefix = logical_id_of(&path);
        let child = |logical_id: &str| -> String {
            let own = if logical_id == prefix {
                "Resource"
            } else {
                logical_id
                    .strip_prefix(prefix.as_str())
                    .filter(|rest| !rest.is_empty())
                    .unwrap_or(logical_id)
            };
            format!("{}/{own}", path.join("/"))
        };
        if let Some(duplicate) = self.template.duplicate_ids()[duplicates_before..]
            .iter()
            .find(|d| matches!(d.section, Section::Resources | Section::Parameters))
        {
            let logical_id = duplicate.logical_id.clone();
            let first = match self.tree.paths.get(&logical_id) {
                Some(first) => format!("{}/{first}", self.name),
                None if before.contains(&logical_id) => format!(
                    "{}/{logical_id} (added to the template directly)",
                    self.name
                ),
                None => format!("parameter {logical_id}"),
            };
            return Err(AppError::DuplicateLogicalId {
                stack: self.name.clone(),
                second: format!("{}/{}", self.name, child(&logical_id)),
                logical_id,
                first,
            });
        }
        let added: Vec<String> = self
            .template
            .resources
            .keys()
            .filter(|id| !before.contains(*id) && !self.tree.paths.contains_key(*id))
            .cloned()
            .collect();
        for logical_id in added {
            let path = child(&logical_id);
            self.tree.paths.insert(logical_id, path);
        }
        Ok((shown, built))
    }

    /// The logical ID of the scope being built, for constructs that name their resources
    /// after it; `None` at the top of the stack.
    pub fn scope_prefix(&self) -> Option<String> {
        Some(logical_id_of(&self.tree.scope)).filter(|prefix| !prefix.is_empty())
    }

    /// The prefix of the logical IDs of a construct that names its resources itself: inside a
    /// scope, the scope's logical ID; at the top of the stack, `id` in UpperCamelCase (the
    /// cache construct's IDs from before scopes existed: `bandup-redis` gives `BandupRedis`).
    pub fn logical_prefix(&self, id: &str) -> String {
        self.scope_prefix()
            .unwrap_or_else(|| id.to_upper_camel_case())
    }

    /// The construct path of a resource: `bandup-redis/BandupRedis/SecurityGroup`; for one
    /// added to the template directly, the stack's name and its logical ID.
    pub fn construct_path(&self, logical_id: &str) -> String {
        self.tree.construct_path(&self.name, logical_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::ec2;

    fn group() -> ec2::SecurityGroup {
        ec2::SecurityGroup::new("a group")
    }

    #[test]
    fn logical_ids_come_from_the_path_without_resource_and_default() {
        let mut stack = Stack::new("s");
        let top = stack.add("Web", group()).unwrap();
        assert_eq!(top.logical_id(), "Web");
        let (main, inner, deep) = stack
            .scope("bandup-redis", |s| {
                let main = s.add("Resource", group())?;
                let inner = s.add("SecurityGroup", group())?;
                let deep = s.scope("Default", |s| {
                    s.scope("ingress-rules", |s| s.add("DBRule", group()))
                })?;
                Ok((main, inner, deep))
            })
            .unwrap();
        assert_eq!(main.logical_id(), "BandupRedis");
        assert_eq!(inner.logical_id(), "BandupRedisSecurityGroup");
        assert_eq!(deep.logical_id(), "BandupRedisIngressRulesDBRule");
        assert_eq!(
            stack.construct_path("BandupRedisIngressRulesDBRule"),
            "s/bandup-redis/Default/ingress-rules/DBRule"
        );
        assert_eq!(
            stack.construct_path("BandupRedis"),
            "s/bandup-redis/Resource"
        );
        assert_eq!(stack.scope_prefix(), None);
    }

    #[test]
    fn two_paths_with_one_logical_id_are_an_error_naming_both() {
        let mut stack = Stack::new("s");
        stack
            .scope("Cache", |s| s.add("SecurityGroup", group()))
            .unwrap();
        let error = stack
            .scope("CacheSecurity", |s| s.add("Group", group()))
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "s: s/CacheSecurity/Group gives logical ID \"CacheSecurityGroup\", which \
             s/Cache/SecurityGroup already has"
        );
        crate::readme_output::assert_readme_output("logical-id-clash", &format!("{error}\n"), &[]);
        assert_eq!(stack.template.resources.len(), 1, "nothing replaced");

        stack.template.add("Direct", group());
        let error = stack.add("Direct", group()).unwrap_err().to_string();
        assert!(
            error.contains("s/Direct (added to the template directly)"),
            "{error}"
        );
        stack.template.add_parameter(
            "VpcId",
            crate::template::Parameter::new(crate::template::ParameterType::VPC_ID),
        );
        let error = stack.add("vpc-id", group()).unwrap_err().to_string();
        assert!(
            error.contains("which parameter VpcId already has"),
            "{error}"
        );
    }

    #[test]
    fn a_construct_that_adds_to_the_template_directly_is_placed_and_checked_too() {
        let mut stack = Stack::new("s");
        stack
            .scope("Queue", |s| {
                let prefix = s.scope_prefix().unwrap();
                s.template.add(prefix.clone(), group());
                s.template.add(format!("{prefix}DeadLetters"), group());
                s.template.add("Elsewhere", group());
                Ok(())
            })
            .unwrap();
        assert_eq!(stack.construct_path("Queue"), "s/Queue/Resource");
        assert_eq!(
            stack.construct_path("QueueDeadLetters"),
            "s/Queue/DeadLetters"
        );
        assert_eq!(stack.construct_path("Elsewhere"), "s/Queue/Elsewhere");

        let error = stack
            .scope("Other", |s| {
                s.template.add("QueueDeadLetters", group());
                Ok(())
            })
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "s: s/Other/QueueDeadLetters gives logical ID \"QueueDeadLetters\", which \
             s/Queue/DeadLetters already has"
        );
    }

    #[test]
    fn ids_without_letters_or_with_slashes_are_refused() {
        let mut stack = Stack::new("s");
        for (id, why) in [
            ("", "is empty"),
            ("a/b", "separates"),
            ("--", "no letter or digit"),
            ("Resource", "leaves no logical ID"),
        ] {
            let error = stack.add(id, group()).unwrap_err().to_string();
            assert!(error.contains(why), "{id:?}: {error}");
        }
        assert!(stack.template.resources.is_empty());
    }
}
