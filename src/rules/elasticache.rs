//! ElastiCache best practices: encryption, backups, failover, access control, upgrades,
//! placement, and engines, versions and node types that exist.

use super::Hit;
use super::context::{CacheKind, Context, Engine};
use super::props::{self, Known};
use crate::facts::elasticache::{
    NODE_FAMILIES, PREVIOUS_FAMILIES, current_versions, version_exists,
};

/// CF-EC-001
pub fn at_rest(cx: &Context<'_>, hits: &mut Vec<Hit>) {
    for cache in &cx.caches {
        match (cache.kind, cache.engine()) {
            (CacheKind::ReplicationGroup, engine) => {
                match props::boolean(cache.props(), "AtRestEncryptionEnabled") {
                    Known::Is(false) => hits.push(Hit::at(
                        cache.id,
                        "AtRestEncryptionEnabled",
                        "AtRestEncryptionEnabled is false: snapshots and swapped data are stored unencrypted",
                    )),
                    // ElastiCache encrypts Valkey at rest unless told not to.
                    Known::Absent if engine == Some(Engine::Redis) => hits.push(Hit::at(
                        cache.id,
                        "AtRestEncryptionEnabled",
                        "AtRestEncryptionEnabled is not set, and Redis OSS is not encrypted at rest by default",
                    )),
                    _ => {}
                }
            }
            (CacheKind::CacheCluster, Some(Engine::Redis)) => hits.push(Hit::on(
                cache.id,
                "a standalone Redis OSS cache cluster cannot encrypt data at rest; a replication group can",
            )),
            _ => {}
        }
    }
}

/// CF-EC-002
pub fn in_transit(cx: &Context<'_>, hits: &mut Vec<Hit>) {
    for cache in &cx.caches {
        // A serverless cache always encrypts in transit.
        if cache.kind == CacheKind::Serverless || !cache.is_redis_like() {
            continue;
        }
        let message = match props::boolean(cache.props(), "TransitEncryptionEnabled") {
            Known::Is(false) => "TransitEncryptionEnabled is false: connections are not encrypted",
            Known::Absent => {
                "TransitEncryptionEnabled is not set: connections are not encrypted by default"
            }
            _ => continue,
        };
        hits.push(Hit::at(cache.id, "TransitEncryptionEnabled", message));
    }
}

/// CF-EC-003
pub fn transit_required(cx: &Context<'_>, hits: &mut Vec<Hit>) {
    for cache in cx.caches_of(CacheKind::ReplicationGroup) {
        let props = cache.props();
        if props::boolean(props, "TransitEncryptionEnabled") == Known::Is(true)
            && props::string(props, "TransitEncryptionMode") == Known::Is("preferred")
        {
            hits.push(Hit::at(
                cache.id,
                "TransitEncryptionMode",
                "TransitEncryptionMode is preferred: clients may still connect without TLS",
            ));
        }
    }
}

/// CF-EC-004
pub fn backups(cx: &Context<'_>, hits: &mut Vec<Hit>) {
    for cache in &cx.caches {
        // Memcached has no backups; a serverless cache's default retention is not documented.
        let absent_counts = cache.kind != CacheKind::Serverless;
        if !cache.is_redis_like() {
            continue;
        }
        let message = match props::integer(cache.props(), "SnapshotRetentionLimit") {
            Known::Is(days) if days < 1 => {
                format!("SnapshotRetentionLimit is {days}: no automatic backups")
            }
            Known::Absent if absent_counts => {
                "SnapshotRetentionLimit is not set: the default, 0, takes no automatic backups"
                    .to_string()
            }
            _ => continue,
        };
        hits.push(Hit::at(cache.id, "SnapshotRetentionLimit", message));
    }
}

/// The number of replicas per shard of a replication group; `None` when an intrinsic decides.
pub(super) fn replicas(props: &indexmap::IndexMap<String, crate::template::Value>) -> Option<i64> {
    match props::integer(props, "NumCacheClusters") {
        Known::Is(nodes) => return Some(nodes - 1),
        Known::Unknown => return None,
        Known::Absent => {}
    }
    match props::integer(props, "ReplicasPerNodeGroup") {
        Known::Is(replicas) => return Some(replicas),
        Known::Unknown => return None,
        Known::Absent => {}
    }
    match props::list(props, "NodeGroupConfiguration") {
        Known::Absent => Some(0),
        Known::Unknown => None,
        Known::Is(groups) => groups
            .iter()
            .map(|group| match group {
                crate::template::Value::Map(group) => {
                    props::integer(group, "ReplicaCount").literal()
                }
                _ => None,
            })
            .collect::<Option<Vec<i64>>>()?
            .into_iter()
            .min(),
    }
}

/// CF-EC-005
pub fn failover(cx: &Context<'_>, hits: &mut Vec<Hit>) {
    for cache in &cx.caches {
        match cache.kind {
            CacheKind::ReplicationGroup => {
                let props = cache.props();
                if replicas(props) == Some(0) {
                    hits.push(Hit::at(
                        cache.id,
                        "NumCacheClusters",
                        "a single node: no replica to fail over to, and losing the node loses the data",
                    ));
                    continue;
                }
                let off = |key: &str| {
                    matches!(props::boolean(props, key), Known::Is(false) | Known::Absent)
                };
                let message = match (off("AutomaticFailoverEnabled"), off("MultiAZEnabled")) {
                    (true, true) => {
                        "automatic failover and Multi-AZ are off: a failed primary or zone takes the cache down"
                    }
                    (true, false) => {
                        "automatic failover is off: a failed primary is not replaced by a replica"
                    }
                    (false, true) => {
                        "Multi-AZ is off: the replicas may share the primary's Availability Zone"
                    }
                    (false, false) => continue,
                };
                let property = if off("AutomaticFailoverEnabled") {
                    "AutomaticFailoverEnabled"
                } else {
                    "MultiAZEnabled"
                };
                hits.push(Hit::at(cache.id, property, message));
            }
            CacheKind::CacheCluster if cache.is_redis_like() => {
                hits.push(Hit::on(
                    cache.id,
                    "a standalone cache cluster is a single node with no failover; a replication group has replicas",
                ));
            }
            _ => {}
        }
    }
}

/// CF-EC-006
pub fn access_control(cx: &Context<'_>, hits: &mut Vec<Hit>) {
    for cache in &cx.caches {
        if !cache.is_redis_like() {
            continue;
        }
        let props = cache.props();
        let port = cache
            .port()
            .map_or("the port".to_string(), |p| format!("port {p}"));
        match cache.kind {
            CacheKind::ReplicationGroup => {
                let user_groups = match props::list(props, "UserGroupIds") {
                    Known::Is(groups) => !groups.is_empty(),
                    Known::Unknown => true,
                    Known::Absent => false,
                };
                if props::get(props, "AuthToken").is_none() && !user_groups {
                    hits.push(Hit::on(
                        cache.id,
                        format!(
                            "no AuthToken and no UserGroupIds: any client that reaches {port} can read and write every key"
                        ),
                    ));
                }
            }
            CacheKind::CacheCluster => hits.push(Hit::on(
                cache.id,
                "a standalone cache cluster cannot require AUTH or RBAC; a replication group can",
            )),
            CacheKind::Serverless => {
                if props::get(props, "UserGroupId").is_none() {
                    hits.push(Hit::on(
                        cache.id,
                        format!(
                            "no UserGroupId: any client that reaches {port} can read and write every key"
                        ),
                    ));
                }
            }
        }
    }
}

/// CF-EC-007
pub fn auth_token_secret(cx: &Context<'_>, hits: &mut Vec<Hit>) {
    for cache in cx.caches_of(CacheKind::ReplicationGroup) {
        if let Known::Is(_) = props::string(cache.props(), "AuthToken") {
            hits.push(Hit::at(
                cache.id,
                "AuthToken",
                "the AuthToken is written into the template in plain text",
            ));
        }
    }
}

/// CF-EC-008
pub fn minor_upgrades(cx: &Context<'_>, hits: &mut Vec<Hit>) {
    for cache in &cx.caches {
        if cache.kind != CacheKind::Serverless
            && props::boolean(cache.props(), "AutoMinorVersionUpgrade") == Known::Is(false)
        {
            hits.push(Hit::at(
                cache.id,
                "AutoMinorVersionUpgrade",
                "AutoMinorVersionUpgrade is false: minor versions with security fixes are not applied",
            ));
        }
    }
}

/// CF-EC-009
pub fn subnet_group(cx: &Context<'_>, hits: &mut Vec<Hit>) {
    for cache in &cx.caches {
        let props = cache.props();
        match cache.kind {
            CacheKind::Serverless => {
                if props::get(props, "SubnetIds").is_none() {
                    hits.push(Hit::at(
                        cache.id,
                        "SubnetIds",
                        "no SubnetIds: the cache goes into the default VPC's subnets",
                    ));
                }
            }
            _ => match props::string(props, "CacheSubnetGroupName") {
                Known::Absent => hits.push(Hit::at(
                    cache.id,
                    "CacheSubnetGroupName",
                    "no CacheSubnetGroupName: the cache goes into the default subnet group",
                )),
                Known::Is(name) if name.eq_ignore_ascii_case("default") => hits.push(Hit::at(
                    cache.id,
                    "CacheSubnetGroupName",
                    format!("CacheSubnetGroupName is \"{name}\", the default subnet group"),
                )),
                _ => {}
            },
        }
    }
}

/// CF-EC-010
pub fn engine_known(cx: &Context<'_>, hits: &mut Vec<Hit>) {
    for cache in &cx.caches {
        let Known::Is(name) = cache.engine_name() else {
            continue;
        };
        let engines: &[&str] = match cache.kind {
            CacheKind::ReplicationGroup => &["valkey", "redis"],
            _ => &["valkey", "redis", "memcached"],
        };
        if engines.contains(&name.to_ascii_lowercase().as_str()) {
            continue;
        }
        let message = if Engine::parse(name).is_some() {
            format!(
                "a replication group runs valkey or redis, not \"{name}\"; memcached runs in a cache cluster"
            )
        } else {
            let suggestion = engines
                .iter()
                .min_by_key(|e| strsim::levenshtein(e, &name.to_ascii_lowercase()))
                .expect("engines");
            format!(
                "engine \"{name}\" is not one ElastiCache runs (did you mean \"{suggestion}\"? choose {})",
                engines.join(", ")
            )
        };
        hits.push(Hit::at(cache.id, "Engine", message));
    }
}

/// CF-EC-011
pub fn engine_version(cx: &Context<'_>, hits: &mut Vec<Hit>) {
    for cache in &cx.caches {
        // A serverless cache's MajorEngineVersion is not judged.
        if cache.kind == CacheKind::Serverless {
            continue;
        }
        let Some(engine) = cache.engine().filter(|e| e.is_redis_like()) else {
            continue;
        };
        let choices = current_versions(engine.api_name()).join(", ");
        match cache.engine_version() {
            Known::Is(version) if !version_exists(engine.api_name(), version) => {
                hits.push(Hit::at(
                    cache.id,
                    "EngineVersion",
                    format!(
                        "{} has no version \"{version}\": use {choices}",
                        engine.label()
                    ),
                ))
            }
            Known::Absent if engine == Engine::Valkey => hits.push(Hit::at(
                cache.id,
                "EngineVersion",
                format!("Valkey needs EngineVersion set: use {choices}"),
            )),
            _ => {}
        }
    }
}

/// CF-EC-012
pub fn engine_current(cx: &Context<'_>, hits: &mut Vec<Hit>) {
    for cache in &cx.caches {
        if cache.kind == CacheKind::Serverless || cache.engine() != Some(Engine::Redis) {
            continue;
        }
        let Known::Is(version) = cache.engine_version() else {
            continue;
        };
        if version_exists(Engine::Redis.api_name(), version)
            && props::major_minor(version).is_some_and(|v| v < (6, 2))
        {
            hits.push(Hit::at(
                cache.id,
                "EngineVersion",
                format!("Redis OSS {version} is outdated: use Valkey 8 or Redis OSS 7.1"),
            ));
        }
    }
}

/// What is wrong with a node type, if anything.
fn node_type_problem(node_type: &str) -> Option<String> {
    let parts: Vec<&str> = node_type.split('.').collect();
    let [prefix, family, size] = parts.as_slice() else {
        return Some(format!(
            "node type \"{node_type}\" is not of the form cache.<family>.<size>, such as cache.t4g.micro"
        ));
    };
    if *prefix != "cache" {
        return Some(format!(
            "node type \"{node_type}\" does not start with \"cache.\" (cache.{family}.{size}?)"
        ));
    }
    if PREVIOUS_FAMILIES.contains(family) {
        return Some(format!(
            "{node_type} is a previous-generation node type ElastiCache no longer creates"
        ));
    }
    let Some((_, sizes)) = NODE_FAMILIES.iter().find(|(f, _)| f == family) else {
        let families: Vec<&str> = NODE_FAMILIES.iter().map(|(f, _)| *f).collect();
        return Some(format!(
            "ElastiCache has no node family \"{family}\": use one of {}",
            families.join(", ")
        ));
    };
    if !sizes.contains(size) {
        return Some(format!(
            "cache.{family} has no size \"{size}\": use {}",
            sizes.join(", ")
        ));
    }
    None
}

/// CF-EC-013
pub fn node_type(cx: &Context<'_>, hits: &mut Vec<Hit>) {
    for cache in &cx.caches {
        if let Known::Is(node_type) = props::string(cache.props(), "CacheNodeType")
            && let Some(problem) = node_type_problem(node_type)
        {
            hits.push(Hit::at(cache.id, "CacheNodeType", problem));
        }
    }
}

/// CF-EC-014
pub fn default_port(cx: &Context<'_>, hits: &mut Vec<Hit>) {
    for cache in &cx.caches {
        // A serverless cache's port cannot be chosen.
        if cache.kind == CacheKind::Serverless {
            continue;
        }
        let (Some(engine), Some(port)) = (cache.engine(), cache.port()) else {
            continue;
        };
        if port == engine.default_port() {
            hits.push(Hit::at(
                cache.id,
                "Port",
                format!("port {port} is {}'s default", engine.label()),
            ));
        }
    }
}
