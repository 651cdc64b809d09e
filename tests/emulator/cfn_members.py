"""DescribeCacheClusters answers the member clusters of replication groups, as ElastiCache does.

moto 5.2.5 lists a replication group's MemberClusters but keeps no cache cluster for them:
DescribeCacheClusters with a member's ID answers CacheClusterNotFound, and without one it
leaves them out. The API reference (DescribeCacheClusters): "Returns information about all
provisioned clusters if no cluster identifier is specified, or about a specific cache cluster
if a cluster identifier is supplied." A replication group's nodes are such clusters (their
ReplicationGroupId names the group), and they carry what DescribeReplicationGroups does not:
CacheSubnetGroupName, SecurityGroups, EngineVersion, CacheParameterGroup. Each member is made
afresh from its group at every call, so it always shows the group as it is now.
"""

import inspect
from typing import Any

from moto.elasticache.exceptions import CacheClusterNotFound
from moto.elasticache.models import CacheCluster, ElastiCacheBackend

_describe_cache_clusters = ElastiCacheBackend.describe_cache_clusters


def _member(backend: ElastiCacheBackend, group: Any, cluster_id: str) -> CacheCluster:
    arguments = {
        "account_id": backend.account_id,
        "region_name": backend.region_name,
        "cache_cluster_id": cluster_id,
        "cache_node_type": group.cache_node_type,
        "replication_group_id": group.replication_group_id,
        "num_cache_nodes": 1,
        "engine": group.engine,
        "engine_version": group.engine_version,
        "cache_parameter_group_name": group.cache_parameter_group_name,
        "cache_subnet_group_name": group.cache_subnet_group_name,
        "transit_encryption_enabled": group.transit_encryption_enabled,
        "network_type": group.network_type,
        "ip_discovery": group.ip_discovery,
        "preferred_maintenance_window": group.preferred_maintenance_window,
        "port": group.port,
        "auto_minor_version_upgrade": group.auto_minor_version_upgrade,
        "snapshot_retention_limit": group.snapshot_retention_limit,
        "snapshot_window": group.snapshot_window,
        "security_group_ids": group.security_group_ids,
        "log_delivery_configurations": [],
    }
    parameters = inspect.signature(CacheCluster.__init__).parameters
    cluster = CacheCluster(**{p: arguments.get(p) for p in parameters if p != "self"})
    cluster.cache_cluster_create_time = group.replication_group_create_time
    return cluster


def _members(backend: ElastiCacheBackend) -> dict[str, Any]:
    return {
        member: group
        for group in backend.replication_groups.values()
        for member in group.member_clusters
    }


def _describe_with_members(
    self: ElastiCacheBackend, cache_cluster_id: str | None = None
) -> list[CacheCluster]:
    members = _members(self)
    if cache_cluster_id and cache_cluster_id not in self.cache_clusters:
        if cache_cluster_id in members:
            return [_member(self, members[cache_cluster_id], cache_cluster_id)]
        raise CacheClusterNotFound(cache_cluster_id)
    own = _describe_cache_clusters(self, cache_cluster_id)
    if cache_cluster_id:
        return own
    return own + [_member(self, g, m) for m, g in members.items() if m not in self.cache_clusters]


ElastiCacheBackend.describe_cache_clusters = _describe_with_members
