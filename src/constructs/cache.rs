//! The cache construct: a Valkey (or Redis OSS) replication group with cluster mode disabled,
//! its security group and its cache subnet group, and outputs for its endpoints.

use super::stack::{LookupKind, NetworkRef, Stack};
use crate::diagnostic::{Diagnostic, Diagnostics, Location};
use crate::facts::elasticache as known;
use crate::resources::{ec2, elasticache};
use crate::template::{DeletionPolicy, Handle, Output, ResourceOptions, Value};

/// The cache engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Engine {
    #[default]
    Valkey,
    Redis,
}

impl Engine {
    pub fn name(self) -> &'static str {
        match self {
            Engine::Valkey => "valkey",
            Engine::Redis => "redis",
        }
    }

    /// The engine's name for people.
    pub fn label(self) -> &'static str {
        match self {
            Engine::Valkey => "Valkey",
            Engine::Redis => "Redis OSS",
        }
    }

    /// Engine versions to suggest for a new replication group, oldest first.
    pub fn versions(self) -> &'static [&'static str] {
        known::current_versions(self.name())
    }

    /// Whether ElastiCache has the version (outdated ones included: `check` judges those).
    pub fn has_version(self, version: &str) -> bool {
        known::version_exists(self.name(), version)
    }

    /// The version used when the stack does not name one.
    pub fn default_version(self) -> &'static str {
        match self {
            Engine::Valkey => known::DEFAULT_VALKEY_VERSION,
            Engine::Redis => known::DEFAULT_REDIS_VERSION,
        }
    }
}

/// `NetworkType`: which IP versions the cache's endpoints use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NetworkType {
    #[default]
    Ipv4,
    Ipv6,
    DualStack,
}

impl NetworkType {
    pub fn name(self) -> &'static str {
        match self {
            NetworkType::Ipv4 => "ipv4",
            NetworkType::Ipv6 => "ipv6",
            NetworkType::DualStack => "dual_stack",
        }
    }
}

/// Encryption settings; both on by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Encryption {
    pub at_rest: bool,
    pub in_transit: bool,
}

impl Default for Encryption {
    fn default() -> Self {
        Encryption {
            at_rest: true,
            in_transit: true,
        }
    }
}

/// Everything the cache construct needs. [`CacheProps::new`] gives the seed's defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct CacheProps {
    /// The cache's ID: the start of its resources' logical IDs and, with `fixed_id`, its
    /// `ReplicationGroupId`.
    pub id: String,
    /// Whether `id` is written as the `ReplicationGroupId` (default true). A fixed ID blocks a
    /// replacement (CF-DATA-002); false lets CloudFormation name the group. Changing it on a
    /// deployed stack replaces the group.
    pub fixed_id: bool,
    /// `ReplicationGroupDescription`; `None`: "<engine> cache <id>".
    pub description: Option<String>,
    pub engine: Engine,
    /// `None`: the engine's default version.
    pub version: Option<String>,
    pub node_type: String,
    /// Read replicas beside the primary, 0-5.
    pub replicas: u8,
    pub port: u16,
    pub network_type: NetworkType,
    pub encryption: Encryption,
    pub backup_retention_days: u8,
    pub vpc: NetworkRef,
    pub subnets: Vec<NetworkRef>,
    /// The security group's name (`GroupName`); `None` lets CloudFormation name it.
    pub security_group_name: Option<String>,
    /// The security group's `GroupDescription`, which CloudFormation cannot change in place;
    /// `None`: [`default_security_group_description`].
    pub security_group_description: Option<String>,
    /// Security groups allowed in on the cache port.
    pub allow_from: Vec<NetworkRef>,
    /// The cache subnet group's name; `None` lets CloudFormation name it.
    pub subnet_group_name: Option<String>,
    /// Whether to add stack outputs for the endpoints (a stack has at most 200 outputs).
    pub outputs: bool,
    /// Who may connect: `None` is anyone the security group lets in.
    pub access_control: Option<AccessControl>,
}

/// How clients authenticate to the cache.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccessControl {
    /// RBAC: an existing ElastiCache user group (`UserGroupIds`).
    UserGroup(String),
    /// An AUTH token kept in Secrets Manager, read at deploy time through a dynamic reference,
    /// so it never appears in the template: the secret's name or ARN, and its JSON key.
    AuthTokenSecret { secret: String, key: String },
}

impl CacheProps {
    /// Valkey, `cache.t3.micro`, no replicas, port 6379, IPv4, encryption at rest and in transit,
    /// backups kept one day.
    pub fn new(
        id: impl Into<String>,
        vpc: NetworkRef,
        subnets: Vec<NetworkRef>,
        allow_from: Vec<NetworkRef>,
    ) -> Self {
        CacheProps {
            id: id.into(),
            fixed_id: true,
            description: None,
            engine: Engine::Valkey,
            version: None,
            node_type: "cache.t3.micro".to_string(),
            replicas: 0,
            port: 6379,
            network_type: NetworkType::Ipv4,
            encryption: Encryption::default(),
            backup_retention_days: 1,
            vpc,
            subnets,
            security_group_name: None,
            security_group_description: None,
            allow_from,
            subnet_group_name: None,
            outputs: true,
            access_control: None,
        }
    }

    /// Everything wrong or risky in these props; an error means the cache cannot be built.
    pub fn validate(&self) -> Vec<Diagnostic> {
        let mut findings = Vec::new();
        if let Err(why) = replication_group_id_problem(&self.id) {
            findings.push(Diagnostic::error(
                Location::field("id"),
                format!("replication group ID \"{}\" {why}", self.id),
            ));
        } else if self.id.chars().any(|c| c.is_ascii_uppercase()) {
            findings.push(Diagnostic::warning(
                Location::field("id"),
                format!(
                    "ElastiCache stores the replication group ID in lower case: write \"{}\"",
                    self.id.to_lowercase()
                ),
            ));
        }
        if self
            .description
            .as_ref()
            .is_some_and(|d| d.trim().is_empty())
        {
            findings.push(Diagnostic::error(
                Location::field("description"),
                "the description must not be empty",
            ));
        }
        let version = self
            .version
            .as_deref()
            .unwrap_or(self.engine.default_version());
        if !self.engine.has_version(version) {
            findings.push(Diagnostic::error(
                Location::field("version"),
                format!(
                    "{} has no version \"{version}\"; choose one of {}",
                    self.engine.name(),
                    self.engine.versions().join(", ")
                ),
            ));
        }
        let family_size: Vec<&str> = self.node_type.split('.').collect();
        if family_size.len() != 3
            || family_size[0] != "cache"
            || family_size.iter().any(|p| p.is_empty())
        {
            findings.push(Diagnostic::error(
                Location::field("node_type"),
                format!("node type \"{}\" is not of the form cache.<family>.<size>, such as cache.t3.micro", self.node_type),
            ));
        }
        if self.replicas > 5 {
            findings.push(Diagnostic::error(
                Location::field("replicas"),
                format!("{} replicas: a replication group has 0 to 5", self.replicas),
            ));
        }
        if self.port == 0 {
            findings.push(Diagnostic::error(
                Location::field("port"),
                "the port must be between 1 and 65535",
            ));
        }
        if self.backup_retention_days > 35 {
            findings.push(Diagnostic::error(
                Location::field("backup_retention_days"),
                format!(
                    "{} days: ElastiCache keeps backups 0 to 35 days",
                    self.backup_retention_days
                ),
            ));
        }
        if self.network_type != NetworkType::Ipv4
            && self.engine == Engine::Redis
            && !redis_at_least_6_2(version)
        {
            findings.push(Diagnostic::error(
                Location::field("network_type"),
                format!("{} needs Redis OSS 6.2 or later", self.network_type.name()),
            ));
        }
        if self.subnets.is_empty() {
            findings.push(Diagnostic::error(
                Location::field("subnets"),
                "at least one subnet is needed",
            ));
        }
        if self.allow_from.is_empty() {
            findings.push(Diagnostic::error(
                Location::field("security_group.allow_from"),
                "at least one security group must be allowed in, or nothing can reach the cache",
            ));
        }
        if let Some(name) = &self.subnet_group_name
            && let Err(why) = subnet_group_name_problem(name)
        {
            findings.push(Diagnostic::error(
                Location::field("subnet_group.name"),
                format!("subnet group name \"{name}\" {why}"),
            ));
        }
        if let Some(name) = &self.security_group_name
            && let Err(why) = security_group_name_problem(name)
        {
            findings.push(Diagnostic::error(
                Location::field("security_group.name"),
                format!("security group name \"{name}\" {why}"),
            ));
        }
        if let Some(description) = &self.security_group_description
            && let Err(why) = security_group_description_problem(description)
        {
            findings.push(Diagnostic::error(
                Location::field("security_group.description"),
                format!("security group description \"{description}\" {why}"),
            ));
        }
        if matches!(
            self.access_control,
            Some(AccessControl::AuthTokenSecret { .. })
        ) && !self.encryption.in_transit
        {
            findings.push(Diagnostic::error(
                Location::field("access_control"),
                "an AUTH token needs encryption in transit",
            ));
        }
        // Risky but valid choices (a single node, no access control, no backups) are the
        // rules' business (`cfnforge check`), where they can be suppressed with a reason.
        findings
    }
}

/// The resources a [`ValkeyCache`] added, as typed handles (`Fn::GetAtt` accessors, `Ref`), and
/// the warnings about its props.
#[derive(Debug, Clone)]
pub struct ValkeyCache {
    pub security_group: Handle<ec2::SecurityGroup>,
    pub subnet_group: Handle<elasticache::SubnetGroup>,
    pub replication_group: Handle<elasticache::ReplicationGroup>,
    /// What [`CacheProps::validate`] found that did not stop the cache (severity warning), at
    /// [`Location::Field`]s.
    pub warnings: Vec<Diagnostic>,
    /// Which props field each template property it wrote comes from.
    pub sources: Vec<Source>,
}

/// A template property (or resource attribute) the construct wrote, and the field of
/// [`CacheProps`] it comes from (the names [`Location::Field`] uses), so that a finding about
/// the property can be shown where the props came from. `property` is empty for the resource
/// as a whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub logical_id: String,
    pub property: &'static str,
    pub field: &'static str,
}

impl ValkeyCache {
    /// The props field a resource's property comes from: the property's own entry, else that of
    /// the nearest enclosing property (`SecurityGroupIngress` for
    /// `SecurityGroupIngress[0].CidrIp`), else the resource's. `None`: not one of this cache's
    /// resources.
    pub fn field_of(&self, logical_id: &str, property: Option<&str>) -> Option<&'static str> {
        let mut path = property.unwrap_or_default();
        loop {
            if let Some(source) = self
                .sources
                .iter()
                .find(|s| s.logical_id == logical_id && s.property == path)
            {
                return Some(source.field);
            }
            if path.is_empty() {
                return None;
            }
            path = path.rfind(['.', '[']).map_or("", |end| &path[..end]);
        }
    }
}

/// Records, beside the code that writes them, which field each property comes from.
fn record(sources: &mut Vec<Source>, logical_id: &str, pairs: &[(&'static str, &'static str)]) {
    sources.extend(pairs.iter().map(|&(property, field)| Source {
        logical_id: logical_id.to_string(),
        property,
        field,
    }));
}

impl ValkeyCache {
    /// Validates the props and adds the cache's resources and outputs to the stack.
    ///
    /// `Ok`: the handles of the three resources and the warnings. `Err`: the props have at least
    /// one error; the diagnostics are every one [`CacheProps::validate`] found (errors and the
    /// warnings beside them, in its order), each at a [`Location::Field`], and the stack is
    /// unchanged.
    pub fn add(stack: &mut Stack, props: &CacheProps) -> Result<ValkeyCache, Diagnostics> {
        let found = props.validate();
        if found.iter().any(Diagnostic::is_error) {
            return Err(Diagnostics(found));
        }
        let prefix = stack.logical_prefix(&props.id);
        let version = props
            .version
            .clone()
            .unwrap_or_else(|| props.engine.default_version().to_string());
        let engine_label = props.engine.label();
        let tags = stack.resource_tags();

        let vpc = stack.existing(&props.vpc, LookupKind::Vpc);
        let mut ingress = Vec::new();
        for source in &props.allow_from {
            let label = match source {
                NetworkRef::Id(id) | NetworkRef::Name(id) => id.clone(),
                NetworkRef::Import(export) => format!("import {export}"),
            };
            let group = stack.existing(source, LookupKind::SecurityGroup);
            ingress.push(
                ec2::security_group::Ingress::new("tcp")
                    .from_port(props.port)
                    .to_port(props.port)
                    .source_security_group_id(group)
                    .description(format!("{engine_label} from {label}")),
            );
        }
        let description = props
            .security_group_description
            .clone()
            .unwrap_or_else(|| default_security_group_description(&props.id));
        let mut group = ec2::SecurityGroup::new(description)
            .vpc_id(vpc)
            .security_group_ingress(ingress);
        if let Some(name) = &props.security_group_name {
            group = group.group_name(name);
        }
        if !tags.is_empty() {
            group = group.tags(
                tags.iter()
                    .map(|(k, v)| ec2::security_group::Tag::new(k, v))
                    .collect::<Vec<_>>(),
            );
        }
        let security_group = stack.template.add(format!("{prefix}SecurityGroup"), group);
        let mut sources = Vec::new();
        record(
            &mut sources,
            security_group.logical_id(),
            &[
                ("", "security_group"),
                ("GroupName", "security_group.name"),
                ("GroupDescription", "security_group.description"),
                ("VpcId", "vpc"),
                ("SecurityGroupIngress", "security_group.allow_from"),
                ("Tags", "tags"),
            ],
        );

        let subnets = stack.existing_list("SubnetIds", &props.subnets, LookupKind::Subnet);
        let mut subnet_group = elasticache::SubnetGroup::new(
            format!("Subnets of {engine_label} cache {}", props.id),
            subnets,
        );
        if let Some(name) = &props.subnet_group_name {
            subnet_group = subnet_group.cache_subnet_group_name(name);
        }
        if !tags.is_empty() {
            subnet_group = subnet_group.tags(
                tags.iter()
                    .map(|(k, v)| elasticache::subnet_group::Tag::new(k, v))
                    .collect::<Vec<_>>(),
            );
        }
        let subnet_group = stack
            .template
            .add(format!("{prefix}SubnetGroup"), subnet_group);
        record(
            &mut sources,
            subnet_group.logical_id(),
            &[
                ("", "subnet_group"),
                ("CacheSubnetGroupName", "subnet_group.name"),
                ("Description", "id"),
                ("SubnetIds", "subnets"),
                ("Tags", "tags"),
            ],
        );

        let replicated = props.replicas > 0;
        let mut replication_group = elasticache::ReplicationGroup::new(
            props
                .description
                .clone()
                .unwrap_or_else(|| format!("{engine_label} cache {}", props.id)),
        );
        // Set first, where it always was, so that templates stay the same byte for byte.
        if props.fixed_id {
            replication_group = replication_group.replication_group_id(&props.id);
        }
        let mut replication_group = replication_group
            .engine(props.engine.name())
            .engine_version(version)
            .cache_node_type(&props.node_type)
            .num_cache_clusters(i64::from(props.replicas) + 1)
            .automatic_failover_enabled(replicated)
            .multi_az_enabled(replicated)
            .port(props.port)
            .network_type(props.network_type.name())
            .cache_subnet_group_name(subnet_group.to_ref())
            .security_group_ids(vec![security_group.group_id()])
            .at_rest_encryption_enabled(props.encryption.at_rest)
            .transit_encryption_enabled(props.encryption.in_transit)
            .snapshot_retention_limit(props.backup_retention_days);
        if props.encryption.in_transit {
            replication_group = replication_group.transit_encryption_mode("required");
        }
        match &props.access_control {
            Some(AccessControl::UserGroup(id)) => {
                replication_group = replication_group.user_group_ids(vec![id.as_str()]);
            }
            Some(AccessControl::AuthTokenSecret { secret, key }) => {
                replication_group = replication_group.auth_token(format!(
                    "{{{{resolve:secretsmanager:{secret}:SecretString:{key}}}}}"
                ));
            }
            None => {}
        }
        if props.network_type != NetworkType::Ipv4 {
            replication_group = replication_group.ip_discovery(match props.network_type {
                NetworkType::Ipv6 => "ipv6",
                _ => "ipv4",
            });
        }
        if !tags.is_empty() {
            replication_group = replication_group.tags(
                tags.iter()
                    .map(|(k, v)| elasticache::replication_group::Tag::new(k, v))
                    .collect::<Vec<_>>(),
            );
        }
        // Keep the data: a snapshot is taken when the group is deleted or replaced.
        let options = ResourceOptions::default()
            .deletion_policy(DeletionPolicy::Snapshot)
            .update_replace_policy(DeletionPolicy::Snapshot);
        let replication_group = stack
            .template
            .add_with(prefix.clone(), replication_group, options);
        record(
            &mut sources,
            replication_group.logical_id(),
            &[
                // The group as a whole is the cache's mapping (`cache`).
                ("", ""),
                ("ReplicationGroupId", "fixed_id"),
                ("ReplicationGroupDescription", "description"),
                ("Engine", "engine"),
                ("EngineVersion", "version"),
                ("CacheNodeType", "node_type"),
                ("NumCacheClusters", "replicas"),
                ("AutomaticFailoverEnabled", "replicas"),
                ("MultiAZEnabled", "replicas"),
                ("Port", "port"),
                ("NetworkType", "network_type"),
                ("IpDiscovery", "network_type"),
                ("CacheSubnetGroupName", "subnet_group"),
                ("SecurityGroupIds", "security_group"),
                ("AtRestEncryptionEnabled", "encryption.at_rest"),
                ("TransitEncryptionEnabled", "encryption.in_transit"),
                ("TransitEncryptionMode", "encryption.in_transit"),
                ("SnapshotRetentionLimit", "backup_retention_days"),
                ("AuthToken", "access_control"),
                ("UserGroupIds", "access_control"),
                ("DeletionPolicy", "id"),
                ("UpdateReplacePolicy", "id"),
                ("Tags", "tags"),
            ],
        );

        let endpoint =
            |what: &str, part: &str| format!("{what} endpoint {part} of cache {}", props.id);
        let outputs: Vec<(&str, Value, String)> = {
            let mut outputs = vec![
                (
                    "PrimaryEndpointAddress",
                    replication_group.primary_end_point_address().into(),
                    endpoint("Primary", "address"),
                ),
                (
                    "PrimaryEndpointPort",
                    replication_group.primary_end_point_port().into(),
                    endpoint("Primary", "port"),
                ),
            ];
            if replicated {
                outputs.push((
                    "ReaderEndpointAddress",
                    replication_group.reader_end_point_address().into(),
                    endpoint("Reader", "address"),
                ));
                outputs.push((
                    "ReaderEndpointPort",
                    replication_group.reader_end_point_port().into(),
                    endpoint("Reader", "port"),
                ));
            }
            outputs
        };
        for (name, value, description) in outputs.into_iter().filter(|_| props.outputs) {
            stack.template.add_output(
                format!("{prefix}{name}"),
                Output::new(value).description(description),
            );
        }

        Ok(ValkeyCache {
            security_group,
            subnet_group,
            replication_group,
            warnings: found,
            sources,
        })
    }
}

/// The security group's `GroupDescription` when none is given. `GroupDescription` is
/// create-only, so it must not carry anything that can change in place: it names only the
/// cache's ID (which is create-only itself). The words are the ones every stack deployed
/// before this rule got for a Valkey cache, so those stacks see no change; a Redis OSS stack
/// deployed before it had "Redis OSS cache <id>" and keeps it with `security_group.description`.
pub fn default_security_group_description(id: &str) -> String {
    format!("Valkey cache {id}")
}

/// EC2's rule for `GroupDescription`: at most 255 characters of a-z, A-Z, 0-9, spaces and
/// `._-:/()#,@[]+=&;{}!$*` (API reference, CreateSecurityGroup, GroupDescription).
fn security_group_description_problem(description: &str) -> Result<(), String> {
    if description.is_empty() || description.chars().count() > 255 {
        return Err("must be 1 to 255 characters long".to_string());
    }
    if let Some(bad) = description
        .chars()
        .find(|&c| !(c.is_ascii_alphanumeric() || " ._-:/()#,@[]+=&;{}!$*".contains(c)))
    {
        return Err(format!(
            "may contain only ASCII letters, digits, spaces and ._-:/()#,@[]+=&;{{}}!$* (found {bad:?})"
        ));
    }
    Ok(())
}

/// ElastiCache's rule for replication group IDs.
fn replication_group_id_problem(id: &str) -> Result<(), &'static str> {
    if id.is_empty() || id.len() > 40 {
        return Err("must be 1 to 40 characters long");
    }
    if !id.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return Err("must start with a letter");
    }
    if !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err("may contain only letters, digits and hyphens");
    }
    if id.contains("--") {
        return Err("must not contain two hyphens in a row");
    }
    if id.ends_with('-') {
        return Err("must not end with a hyphen");
    }
    Ok(())
}

fn subnet_group_name_problem(name: &str) -> Result<(), &'static str> {
    if name.is_empty() || name.len() > 255 {
        return Err("must be 1 to 255 characters long");
    }
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err("may contain only letters, digits and hyphens");
    }
    if name.eq_ignore_ascii_case("default") {
        return Err("must not be \"default\"");
    }
    Ok(())
}

fn security_group_name_problem(name: &str) -> Result<(), &'static str> {
    if name.is_empty() || name.len() > 255 {
        return Err("must be 1 to 255 characters long");
    }
    if name.starts_with("sg-") {
        return Err("must not start with \"sg-\"");
    }
    if !name.chars().all(|c| c.is_ascii_graphic() || c == ' ') {
        return Err("may contain only ASCII letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*");
    }
    Ok(())
}

fn redis_at_least_6_2(version: &str) -> bool {
    let mut parts = version.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
    let (major, minor) = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
    (major, minor) >= (6, 2)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::assertions::{Match, Template};
    use crate::diagnostic::Severity;

    fn seed() -> CacheProps {
        let mut props = CacheProps::new(
            "bandup-redis",
            NetworkRef::Name("band-up-vpc".into()),
            vec![
                NetworkRef::Name("private-database-subnet-1".into()),
                NetworkRef::Name("private-database-subnet-2".into()),
            ],
            vec![NetworkRef::Name("ecs-backend-sg".into())],
        );
        props.description = Some("in memory db for bandup".into());
        props.security_group_name = Some("redis-sg".into());
        props.subnet_group_name = Some("bandup-cached-subnet-group".into());
        props
    }

    fn field(diagnostic: &Diagnostic) -> &str {
        match &diagnostic.location {
            Location::Field(field) => field,
            other => panic!("not at a field: {other:?}"),
        }
    }

    fn errors(props: &CacheProps) -> Vec<(String, String)> {
        props
            .validate()
            .into_iter()
            .filter(|f| f.severity == Severity::Error)
            .map(|f| (field(&f).to_string(), f.message))
            .collect()
    }

    #[test]
    fn the_seed_is_valid() {
        assert_eq!(seed().validate(), vec![]);
    }

    #[test]
    fn add_returns_the_handles_with_the_warnings_or_every_diagnostic_and_leaves_the_stack() {
        let mut props = seed();
        props.id = "Bandup-Redis".into();
        let mut stack = Stack::new("s");
        let cache = ValkeyCache::add(&mut stack, &props).expect("a warning does not stop it");
        assert_eq!(cache.replication_group.logical_id(), "BandupRedis");
        assert_eq!(cache.warnings.len(), 1);
        assert_eq!(cache.warnings[0].severity, Severity::Warning);
        assert_eq!(field(&cache.warnings[0]), "id");

        props.port = 0;
        let mut stack = Stack::new("s");
        let error = ValkeyCache::add(&mut stack, &props).expect_err("port 0 stops it");
        let found: Vec<(Severity, &str)> = error.iter().map(|d| (d.severity, field(d))).collect();
        assert_eq!(
            found,
            [(Severity::Warning, "id"), (Severity::Error, "port")]
        );
        assert!(stack.template.resources.is_empty() && stack.lookups.is_empty());
        assert!(
            error
                .to_string()
                .contains("error: port: the port must be between 1 and 65535"),
            "{error}"
        );
    }

    #[test]
    fn replication_group_ids_follow_elasticache_naming_rules() {
        for (id, why) in [
            ("", "1 to 40"),
            ("a".repeat(41).as_str(), "1 to 40"),
            ("1cache", "start with a letter"),
            ("bandup_redis", "letters, digits and hyphens"),
            ("bandup--redis", "two hyphens"),
            ("bandup-", "end with a hyphen"),
        ] {
            let mut props = seed();
            props.id = id.to_string();
            let errors = errors(&props);
            assert_eq!(errors.len(), 1, "{id}: {errors:?}");
            assert_eq!(errors[0].0, "id");
            assert!(errors[0].1.contains(why), "{id}: {}", errors[0].1);
        }
    }

    #[test]
    fn out_of_range_numbers_and_unknown_versions_are_errors() {
        let mut props = seed();
        props.replicas = 6;
        props.port = 0;
        props.backup_retention_days = 36;
        props.version = Some("7.0".into());
        props.node_type = "t3.micro".into();
        let fields: Vec<String> = errors(&props).into_iter().map(|(f, _)| f).collect();
        assert_eq!(
            fields,
            [
                "version",
                "node_type",
                "replicas",
                "port",
                "backup_retention_days"
            ]
        );
    }

    #[test]
    fn nothing_to_connect_is_an_error() {
        let mut props = seed();
        props.subnets.clear();
        props.allow_from.clear();
        props.subnet_group_name = Some("bad name".into());
        let fields: Vec<String> = errors(&props).into_iter().map(|(f, _)| f).collect();
        assert_eq!(
            fields,
            ["subnets", "security_group.allow_from", "subnet_group.name"]
        );
    }

    #[test]
    fn the_seed_builds_three_resources_two_outputs_and_three_lookups() {
        let mut stack = Stack::new("bandup-redis");
        let cache = ValkeyCache::add(&mut stack, &seed()).unwrap();
        assert_eq!(cache.warnings, []);
        let t = &stack.template;
        assert_eq!(
            t.resources.keys().collect::<Vec<_>>(),
            [
                "BandupRedisSecurityGroup",
                "BandupRedisSubnetGroup",
                "BandupRedis"
            ]
        );
        assert_eq!(cache.replication_group.logical_id(), "BandupRedis");
        let template = Template::from_stack(&stack);
        template.has_resource(
            "AWS::ElastiCache::ReplicationGroup",
            json!({
                "Properties": {
                    "NumCacheClusters": 1,
                    "AutomaticFailoverEnabled": false,
                    "TransitEncryptionMode": "required",
                    "SecurityGroupIds": [{"Fn::GetAtt": ["BandupRedisSecurityGroup", "GroupId"]}],
                },
                "DeletionPolicy": "Snapshot",
                "UpdateReplacePolicy": "Snapshot",
            }),
        );
        template.template_matches(json!({
            "Outputs": Match::object_equals(json!({
                "BandupRedisPrimaryEndpointAddress": Match::any_value(),
                "BandupRedisPrimaryEndpointPort": Match::any_value(),
            })),
        }));
        let names: Vec<&str> = stack.lookups.iter().map(|l| l.parameter.as_str()).collect();
        assert_eq!(names, ["VpcId", "EcsBackendSgSecurityGroupId", "SubnetIds"]);
    }

    #[test]
    fn replicas_turn_on_failover_multi_az_and_the_reader_endpoint() {
        let mut props = seed();
        props.replicas = 2;
        let mut stack = Stack::new("s");
        ValkeyCache::add(&mut stack, &props).unwrap();
        let template = Template::from_stack(&stack);
        template.has_resource_properties(
            "AWS::ElastiCache::ReplicationGroup",
            json!({"NumCacheClusters": 3, "MultiAZEnabled": true, "AutomaticFailoverEnabled": true}),
        );
        template.has_output(
            "BandupRedisReaderEndpointAddress",
            json!({"Value": {"Fn::GetAtt": ["BandupRedis", "ReaderEndPoint.Address"]}}),
        );
    }

    /// The create-only properties of every resource the construct emits (from the schemas),
    /// by logical ID and dotted path.
    fn create_only_values(props: &CacheProps, tags: &[(&str, &str)]) -> Vec<(String, Value)> {
        let mut stack = Stack::new("bandup-redis");
        for (k, v) in tags {
            stack.tags.insert(k.to_string(), v.to_string());
        }
        ValkeyCache::add(&mut stack, props).expect("valid props");
        let mut values = Vec::new();
        for (id, resource) in &stack.template.resources {
            let info = crate::resources::type_info(&resource.type_name).expect("a known type");
            for path in info.create_only {
                let mut parts = path.split('.');
                let first = parts.next().unwrap_or_default();
                let mut value = resource.properties.get(first);
                for part in parts {
                    value = match value {
                        Some(Value::Map(map)) => map.get(part),
                        _ => None,
                    };
                }
                let value = value.cloned().unwrap_or(Value::Null);
                values.push((format!("{id}.{path}"), value));
            }
        }
        values
    }

    #[test]
    fn no_updatable_setting_changes_a_create_only_property() {
        type Change = (&'static str, fn(&mut CacheProps));
        let changes: &[Change] = &[
            ("engine", |p| {
                p.engine = Engine::Redis;
                p.version = Some("7.1".into());
            }),
            ("version", |p| p.version = Some("8.2".into())),
            ("node_type", |p| p.node_type = "cache.r7g.large".into()),
            ("replicas", |p| p.replicas = 2),
            ("backup_retention_days", |p| p.backup_retention_days = 7),
            ("description", |p| p.description = Some("another".into())),
            ("allow_from", |p| {
                p.allow_from.push(NetworkRef::Name("ecs-worker-sg".into()))
            }),
            ("in_transit", |p| p.encryption.in_transit = false),
            ("outputs", |p| p.outputs = false),
            ("access_control", |p| {
                p.access_control = Some(AccessControl::UserGroup("ug-1".into()))
            }),
        ];
        // With and without fixed names: the defaults must hold in both.
        let mut unnamed = seed();
        unnamed.security_group_name = None;
        unnamed.subnet_group_name = None;
        unnamed.description = None;
        for base in [seed(), unnamed] {
            let before = create_only_values(&base, &[]);
            assert!(
                before.iter().any(|(p, _)| p.ends_with("GroupDescription")),
                "the walk reaches the security group: {before:?}"
            );
            for (what, change) in changes {
                let mut props = base.clone();
                change(&mut props);
                assert_eq!(
                    props
                        .validate()
                        .iter()
                        .filter(|f| f.severity == Severity::Error)
                        .count(),
                    0,
                    "{what}"
                );
                assert_eq!(create_only_values(&props, &[]), before, "changing {what}");
            }
            assert_eq!(
                create_only_values(&base, &[("team", "cache"), ("env", "prod")]),
                before,
                "changing tags"
            );
        }
    }

    #[test]
    fn the_security_group_description_can_be_pinned_and_is_checked() {
        let mut props = seed();
        props.engine = Engine::Redis;
        props.version = Some("7.1".into());
        let mut stack = Stack::new("s");
        ValkeyCache::add(&mut stack, &props).unwrap();
        assert_eq!(
            stack.template.resources["BandupRedisSecurityGroup"].properties["GroupDescription"],
            Value::from("Valkey cache bandup-redis")
        );
        props.security_group_description = Some("Redis OSS cache bandup-redis".into());
        let mut stack = Stack::new("s");
        ValkeyCache::add(&mut stack, &props).unwrap();
        assert_eq!(
            stack.template.resources["BandupRedisSecurityGroup"].properties["GroupDescription"],
            Value::from("Redis OSS cache bandup-redis")
        );
        props.security_group_description = Some("caf\u{e9} <cache>".into());
        let errors = errors(&props);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].0, "security_group.description");
        assert!(errors[0].1.contains("found"), "{}", errors[0].1);
    }
}
