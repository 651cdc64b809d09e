//! What several rules need to know about a template: its caches, their engines and ports, and
//! which of its security groups guard a cache.

use crate::template::{Resource, Template, Value};

use super::props::{self, Known};

pub const REPLICATION_GROUP: &str = "AWS::ElastiCache::ReplicationGroup";
pub const CACHE_CLUSTER: &str = "AWS::ElastiCache::CacheCluster";
pub const SERVERLESS_CACHE: &str = "AWS::ElastiCache::ServerlessCache";
pub const SECURITY_GROUP: &str = "AWS::EC2::SecurityGroup";

/// The kinds of ElastiCache resource that hold data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheKind {
    ReplicationGroup,
    CacheCluster,
    Serverless,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Valkey,
    Redis,
    Memcached,
}

impl Engine {
    pub fn parse(name: &str) -> Option<Engine> {
        match name.to_ascii_lowercase().as_str() {
            "valkey" => Some(Engine::Valkey),
            "redis" => Some(Engine::Redis),
            "memcached" => Some(Engine::Memcached),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Engine::Valkey => "Valkey",
            Engine::Redis => "Redis OSS",
            Engine::Memcached => "Memcached",
        }
    }

    /// The engine's name in the ElastiCache API (`Engine`).
    pub fn api_name(self) -> &'static str {
        match self {
            Engine::Valkey => "valkey",
            Engine::Redis => "redis",
            Engine::Memcached => "memcached",
        }
    }

    pub fn default_port(self) -> i64 {
        match self {
            Engine::Valkey | Engine::Redis => 6379,
            Engine::Memcached => 11211,
        }
    }

    /// Valkey or Redis OSS: replication, snapshots, AUTH.
    pub fn is_redis_like(self) -> bool {
        matches!(self, Engine::Valkey | Engine::Redis)
    }
}

/// A cache resource in the template.
#[derive(Debug)]
pub struct Cache<'a> {
    pub id: &'a str,
    pub kind: CacheKind,
    pub resource: &'a Resource,
    /// Logical IDs of the template's security groups the cache uses.
    pub security_groups: Vec<&'a str>,
}

impl<'a> Cache<'a> {
    fn new(template: &'a Template, id: &'a str, resource: &'a Resource) -> Option<Cache<'a>> {
        let (kind, groups_key) = match resource.type_name.as_str() {
            REPLICATION_GROUP => (CacheKind::ReplicationGroup, "SecurityGroupIds"),
            CACHE_CLUSTER => (CacheKind::CacheCluster, "VpcSecurityGroupIds"),
            SERVERLESS_CACHE => (CacheKind::Serverless, "SecurityGroupIds"),
            _ => return None,
        };
        let security_groups = match props::list(&resource.properties, groups_key) {
            Known::Is(items) => items
                .iter()
                .filter_map(props::referenced_resource)
                .filter(|group| {
                    template
                        .resources
                        .get(*group)
                        .is_some_and(|r| r.type_name == SECURITY_GROUP)
                })
                .collect(),
            _ => Vec::new(),
        };
        Some(Cache {
            id,
            kind,
            resource,
            security_groups,
        })
    }

    pub fn props(&self) -> &'a indexmap::IndexMap<String, Value> {
        &self.resource.properties
    }

    /// The engine as written (a replication group without one runs Redis OSS).
    pub fn engine_name(&self) -> Known<&'a str> {
        match props::string(self.props(), "Engine") {
            Known::Absent if self.kind == CacheKind::ReplicationGroup => Known::Is("redis"),
            engine => engine,
        }
    }

    /// The engine, when it is known and one ElastiCache has.
    pub fn engine(&self) -> Option<Engine> {
        self.engine_name().literal().and_then(Engine::parse)
    }

    /// Valkey or Redis OSS: every replication group (whatever an intrinsic picks), and a cache
    /// cluster or serverless cache whose engine is known to be one of them.
    pub fn is_redis_like(&self) -> bool {
        self.kind == CacheKind::ReplicationGroup || self.engine().is_some_and(Engine::is_redis_like)
    }

    /// The engine version as written (`MajorEngineVersion` for a serverless cache).
    pub fn engine_version(&self) -> Known<&'a str> {
        let key = match self.kind {
            CacheKind::Serverless => "MajorEngineVersion",
            _ => "EngineVersion",
        };
        props::string(self.props(), key)
    }

    /// The port clients connect to; `None` when an intrinsic sets it or the engine is unknown.
    pub fn port(&self) -> Option<i64> {
        let default = self.engine()?.default_port();
        match self.kind {
            // A serverless cache has no Port property.
            CacheKind::Serverless => Some(default),
            _ => props::integer(self.props(), "Port").or(default),
        }
    }
}

/// The template and what the rules share about it.
#[derive(Debug)]
pub struct Context<'a> {
    pub template: &'a Template,
    pub caches: Vec<Cache<'a>>,
}

impl<'a> Context<'a> {
    pub fn new(template: &'a Template) -> Context<'a> {
        let caches = template
            .resources
            .iter()
            .filter_map(|(id, resource)| Cache::new(template, id, resource))
            .collect();
        Context { template, caches }
    }

    /// The template's resources of one type, in template order.
    pub fn resources_of(
        &self,
        type_name: &'a str,
    ) -> impl Iterator<Item = (&'a str, &'a Resource)> {
        self.template
            .resources
            .iter()
            .filter(move |(_, r)| r.type_name == type_name)
            .map(|(id, r)| (id.as_str(), r))
    }

    pub fn caches_of(&self, kind: CacheKind) -> impl Iterator<Item = &Cache<'a>> {
        self.caches.iter().filter(move |c| c.kind == kind)
    }

    /// The caches a security group of the template guards.
    pub fn caches_behind(&self, group: &str) -> impl Iterator<Item = &Cache<'a>> {
        self.caches
            .iter()
            .filter(move |c| c.security_groups.contains(&group))
    }
}
