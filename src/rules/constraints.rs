//! Constraints between a replication group's properties that CloudFormation's schema does not
//! express: ElastiCache rejects the stack at deploy time, minutes into the update.

use super::Hit;
use super::context::{Cache, CacheKind, Context, Engine};
use super::elasticache::replicas;
use super::props::{self, Known};

/// A property that is `false`, or not set and so `false` by default.
fn off(cache: &Cache<'_>, key: &str) -> bool {
    matches!(
        props::boolean(cache.props(), key),
        Known::Is(false) | Known::Absent
    )
}

/// Cluster mode enabled: `ClusterMode: enabled`, or more than one node group.
fn cluster_mode(cache: &Cache<'_>) -> bool {
    let props = cache.props();
    props::string(props, "ClusterMode") == Known::Is("enabled")
        || props::integer(props, "NumNodeGroups")
            .literal()
            .is_some_and(|groups| groups > 1)
}

fn count(n: i64, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// CF-EC-101
pub fn failover_nodes(cx: &Context<'_>, hits: &mut Vec<Hit>) {
    for cache in cx.caches_of(CacheKind::ReplicationGroup) {
        // Cluster mode enabled needs automatic failover whatever the replica count (CF-EC-110).
        if cluster_mode(cache)
            || props::boolean(cache.props(), "AutomaticFailoverEnabled") != Known::Is(true)
        {
            continue;
        }
        if replicas(cache.props()) == Some(0) {
            hits.push(Hit::at(
                cache.id,
                "AutomaticFailoverEnabled",
                "AutomaticFailoverEnabled is true, but the group has a single node: NumCacheClusters must be 2 or more",
            ));
        }
    }
}

/// CF-EC-102
pub fn multi_az_failover(cx: &Context<'_>, hits: &mut Vec<Hit>) {
    for cache in cx.caches_of(CacheKind::ReplicationGroup) {
        if props::boolean(cache.props(), "MultiAZEnabled") == Known::Is(true)
            && off(cache, "AutomaticFailoverEnabled")
        {
            hits.push(Hit::at(
                cache.id,
                "MultiAZEnabled",
                "MultiAZEnabled is true, but AutomaticFailoverEnabled is not",
            ));
        }
    }
}

/// CF-EC-103
pub fn auth_token_transit(cx: &Context<'_>, hits: &mut Vec<Hit>) {
    for cache in cx.caches_of(CacheKind::ReplicationGroup) {
        if props::get(cache.props(), "AuthToken").is_some()
            && off(cache, "TransitEncryptionEnabled")
        {
            hits.push(Hit::at(
                cache.id,
                "AuthToken",
                "an AuthToken needs TransitEncryptionEnabled: true",
            ));
        }
    }
}

/// What is wrong with a literal AUTH token, if anything.
fn auth_token_problem(token: &str) -> Option<String> {
    let length = token.chars().count();
    if !(16..=128).contains(&length) {
        return Some(format!(
            "the AuthToken has {length} characters; ElastiCache takes 16 to 128"
        ));
    }
    if let Some(c) = token
        .chars()
        .find(|c| !(' '..='~').contains(c) || ['/', '"', '@'].contains(c))
    {
        return Some(format!(
            "the AuthToken contains {c:?}; ElastiCache takes printable ASCII characters except /, \" and @"
        ));
    }
    None
}

/// CF-EC-104
pub fn auth_token_format(cx: &Context<'_>, hits: &mut Vec<Hit>) {
    for cache in cx.caches_of(CacheKind::ReplicationGroup) {
        if let Known::Is(token) = props::string(cache.props(), "AuthToken")
            && let Some(problem) = auth_token_problem(token)
        {
            hits.push(Hit::at(cache.id, "AuthToken", problem));
        }
    }
}

/// CF-EC-105
pub fn preferred_azs(cx: &Context<'_>, hits: &mut Vec<Hit>) {
    for cache in cx.caches_of(CacheKind::ReplicationGroup) {
        let props = cache.props();
        if let (Known::Is(zones), Known::Is(nodes)) = (
            props::list(props, "PreferredCacheClusterAZs"),
            props::integer(props, "NumCacheClusters"),
        ) && zones.len() as i64 != nodes
        {
            hits.push(Hit::at(
                cache.id,
                "PreferredCacheClusterAZs",
                format!(
                    "PreferredCacheClusterAZs lists {} for {} (NumCacheClusters)",
                    count(zones.len() as i64, "zone"),
                    count(nodes, "node")
                ),
            ));
        }
    }
}

/// CF-EC-106
pub fn network_type(cx: &Context<'_>, hits: &mut Vec<Hit>) {
    for cache in &cx.caches {
        if cache.kind == CacheKind::Serverless {
            continue;
        }
        let props = cache.props();
        let network = props::string(props, "NetworkType");
        let discovery = props::string(props, "IpDiscovery");
        let old_redis = cache.engine() == Some(Engine::Redis)
            && cache
                .engine_version()
                .literal()
                .and_then(props::major_minor)
                .is_some_and(|v| v < (6, 2));
        if old_redis {
            for (key, value) in [("NetworkType", network), ("IpDiscovery", discovery)] {
                if let Known::Is(value @ ("ipv6" | "dual_stack")) = value {
                    hits.push(Hit::at(
                        cache.id,
                        key,
                        format!("{key} {value} needs Valkey or Redis OSS 6.2 or later"),
                    ));
                }
            }
        }
        match (network.or("ipv4"), discovery.literal()) {
            (Some("ipv4"), Some("ipv6")) => hits.push(Hit::at(
                cache.id,
                "IpDiscovery",
                "IpDiscovery ipv6 needs NetworkType ipv6 or dual_stack; the nodes have IPv4 addresses only",
            )),
            (Some("ipv6"), Some("ipv4")) => hits.push(Hit::at(
                cache.id,
                "IpDiscovery",
                "IpDiscovery ipv4 on NetworkType ipv6: the nodes have IPv6 addresses only",
            )),
            _ => {}
        }
    }
}

/// CF-EC-107
pub fn transit_mode(cx: &Context<'_>, hits: &mut Vec<Hit>) {
    for cache in cx.caches_of(CacheKind::ReplicationGroup) {
        if props::get(cache.props(), "TransitEncryptionMode").is_some()
            && off(cache, "TransitEncryptionEnabled")
        {
            hits.push(Hit::at(
                cache.id,
                "TransitEncryptionMode",
                "TransitEncryptionMode is set, but TransitEncryptionEnabled is not true",
            ));
        }
    }
}

/// CF-EC-108
pub fn retention_range(cx: &Context<'_>, hits: &mut Vec<Hit>) {
    for cache in &cx.caches {
        if let Known::Is(days) = props::integer(cache.props(), "SnapshotRetentionLimit")
            && !(0..=35).contains(&days)
        {
            hits.push(Hit::at(
                cache.id,
                "SnapshotRetentionLimit",
                format!(
                    "SnapshotRetentionLimit is {days} days; ElastiCache keeps backups 0 to 35 days"
                ),
            ));
        }
    }
}

/// CF-EC-109
pub fn node_counts(cx: &Context<'_>, hits: &mut Vec<Hit>) {
    for cache in cx.caches_of(CacheKind::ReplicationGroup) {
        let props = cache.props();
        if let Known::Is(nodes) = props::integer(props, "NumCacheClusters")
            && !(1..=6).contains(&nodes)
        {
            hits.push(Hit::at(
                cache.id,
                "NumCacheClusters",
                format!("NumCacheClusters is {nodes}; a replication group has 1 to 6 nodes"),
            ));
        }
        if let Known::Is(replicas) = props::integer(props, "ReplicasPerNodeGroup")
            && !(0..=5).contains(&replicas)
        {
            hits.push(Hit::at(
                cache.id,
                "ReplicasPerNodeGroup",
                format!("ReplicasPerNodeGroup is {replicas}; a shard has 0 to 5 replicas"),
            ));
        }
    }
}

/// CF-EC-110
pub fn cluster_mode_failover(cx: &Context<'_>, hits: &mut Vec<Hit>) {
    for cache in cx.caches_of(CacheKind::ReplicationGroup) {
        if cluster_mode(cache) && off(cache, "AutomaticFailoverEnabled") {
            hits.push(Hit::at(
                cache.id,
                "AutomaticFailoverEnabled",
                "cluster mode is enabled, but AutomaticFailoverEnabled is not true",
            ));
        }
    }
}

/// What is wrong with a replication group ID, if anything (ElastiCache's naming rules).
fn replication_group_id_problem(id: &str) -> Option<&'static str> {
    if id.is_empty() || id.len() > 40 {
        Some("must be 1 to 40 characters long")
    } else if !id.starts_with(|c: char| c.is_ascii_alphabetic()) {
        Some("must start with a letter")
    } else if !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        Some("may contain only letters, digits and hyphens")
    } else if id.contains("--") {
        Some("must not contain two hyphens in a row")
    } else if id.ends_with('-') {
        Some("must not end with a hyphen")
    } else {
        None
    }
}

/// CF-EC-111
pub fn replication_group_id(cx: &Context<'_>, hits: &mut Vec<Hit>) {
    for cache in cx.caches_of(CacheKind::ReplicationGroup) {
        if let Known::Is(id) = props::string(cache.props(), "ReplicationGroupId")
            && let Some(problem) = replication_group_id_problem(id)
        {
            hits.push(Hit::at(
                cache.id,
                "ReplicationGroupId",
                format!("ReplicationGroupId \"{id}\" {problem}"),
            ));
        }
    }
}
