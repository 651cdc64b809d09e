"""CloudFormation support for AWS::ElastiCache::SubnetGroup and ::ReplicationGroup in moto.

moto 5.2.5 implements the ElastiCache API but has no CloudFormation model for
these two types: CreateStack skips them silently, and an Output with
Fn::GetAtt on one makes CreateStack answer HTTP 500. The models below fill
the gap on top of moto's own ElastiCache backend, so whatever a stack creates
is visible through DescribeCacheSubnetGroups and DescribeReplicationGroups.

Registration: moto's parser collects the direct subclasses of
CloudFormationModel (CloudFormationModel.__subclasses__(), cached on first
use), so importing this module before the first stack is parsed is all it
takes. Each model must subclass CloudFormationModel directly, which is why the
shared code lives in functions rather than in a common base class. The module
must also be imported under a dotted name (e.g. emulator.cfn_elasticache):
moto's model metaclass files every model under the second part of its module
name.
"""

import inspect
import logging
import random
import re
import string
from collections.abc import Callable
from typing import Any

from moto.cloudformation.exceptions import (
    UnformattedGetAttTemplateException,
    ValidationError,
)
from moto.core.common_models import CloudFormationModel
from moto.core.utils import camelcase_to_underscores
from moto.elasticache.exceptions import ReplicationGroupNotFound
from moto.elasticache.models import ElastiCacheBackend, elasticache_backends

log = logging.getLogger(__name__)

# Property types from the CloudFormation registry schemas: templates may spell
# numbers and booleans as strings ("6379", "true"), CloudFormation accepts both.
INTEGER_PROPERTIES = {
    "NumCacheClusters",
    "NumNodeGroups",
    "Port",
    "ReplicasPerNodeGroup",
    "SnapshotRetentionLimit",
}
BOOLEAN_PROPERTIES = {
    "AtRestEncryptionEnabled",
    "AutoMinorVersionUpgrade",
    "AutomaticFailoverEnabled",
    "DataTieringEnabled",
    "MultiAZEnabled",
    "TransitEncryptionEnabled",
}

# createOnlyProperties of AWS::ElastiCache::ReplicationGroup in the registry
# schema, less the name (ReplicationGroupId): changing one replaces the group.
REPLICATION_GROUP_CREATE_ONLY = (
    "AtRestEncryptionEnabled",
    "CacheSubnetGroupName",
    "DataTieringEnabled",
    "GlobalReplicationGroupId",
    "KmsKeyId",
    "NetworkType",
    "Port",
    "PreferredCacheClusterAZs",
    "SnapshotArns",
    "SnapshotName",
)

# Properties the emulator can change on a live replication group, each with the
# value it falls back to when the template drops it (moto's own defaults).
# The first six go through moto's modify_replication_group; the rest are plain
# attributes of moto's ReplicationGroup, named like the property.
REPLICATION_GROUP_IN_PLACE: dict[str, Any] = {
    "ReplicationGroupDescription": None,
    "Engine": "redis",
    "CacheNodeType": None,
    "AutomaticFailoverEnabled": False,
    "MultiAZEnabled": False,
    "SnapshotRetentionLimit": 0,
    "SecurityGroupIds": None,
    "EngineVersion": None,
    "SnapshotWindow": "05:00-6:00",
    "PreferredMaintenanceWindow": None,
    "AutoMinorVersionUpgrade": None,
    "TransitEncryptionEnabled": False,
    "TransitEncryptionMode": None,
    "IpDiscovery": "ipv4",
    "NotificationTopicArn": None,
    "CacheParameterGroupName": None,
    "UserGroupIds": [],
    "Tags": [],
}

# Longest names ElastiCache accepts.
REPLICATION_GROUP_ID_MAX = 40
SUBNET_GROUP_NAME_MAX = 255


def _backend(account_id: str, region_name: str) -> ElastiCacheBackend:
    return elasticache_backends[account_id][region_name]


def _properties(cloudformation_json: dict[str, Any]) -> dict[str, Any]:
    def coerce(name: str, value: Any) -> Any:
        if name in INTEGER_PROPERTIES:
            return int(value)
        if name in BOOLEAN_PROPERTIES and not isinstance(value, bool):
            return str(value).lower() == "true"
        return value

    return {k: coerce(k, v) for k, v in cloudformation_json["Properties"].items()}


def _argument(property_name: str) -> str:
    if property_name == "PreferredCacheClusterAZs":
        return "preferred_cache_cluster_azs"  # camelcase_to_underscores: "..._a_zs"
    return camelcase_to_underscores(property_name)


def _call(method: Callable[..., Any], arguments: dict[str, Any]) -> Any:
    """Call a moto backend method, passing None for each parameter not given
    (its parameters have no defaults) and dropping what it does not accept."""
    parameters = inspect.signature(method).parameters
    for name in arguments.keys() - parameters.keys():
        log.warning("%s: moto does not model %s, ignored", method.__name__, name)
    return method(**{p: arguments.get(p) for p in parameters})


def _stack_name(stack_id: str) -> str:
    return stack_id.split("/")[1]  # arn:aws:cloudformation:<region>:<account>:stack/<name>/<uuid>


def _generated_name(stack_name: str, logical_id: str, max_length: int) -> str:
    """The name CloudFormation gives a resource whose template names none:
    "<stack>-<logical id>-<random>", lower-case and cut to fit max_length."""
    suffix = "".join(random.choices(string.ascii_lowercase + string.digits, k=12))
    prefix = re.sub(r"[^a-z0-9]+", "-", f"{stack_name}-{logical_id}".lower())
    return f"{prefix[: max_length - len(suffix) - 1].strip('-')}-{suffix}"


def _created_name(
    props: dict[str, Any], name_property: str, kwargs: dict[str, Any], max_length: int
) -> str:
    # moto passes a resource_name of its own, but it is mixed-case and
    # unbounded for unnamed resources, so the name is decided here.
    # ElastiCache stores names in lower case.
    if name_property in props:
        return props[name_property].lower()
    return _generated_name(_stack_name(kwargs["StackId"]), kwargs["LogicalId"], max_length)


def _updated_name(
    original: Any,
    props: dict[str, Any],
    name_property: str,
    create_only: tuple[str, ...],
    max_length: int,
) -> str:
    """The physical name after an update; a name other than the original's
    means the resource is replaced."""
    explicit = props.get(name_property, "").lower()
    if explicit != original.properties.get(name_property, "").lower():
        return explicit or _generated_name(
            original.stack_name, original.logical_resource_id, max_length
        )
    if all(props.get(p) == original.properties.get(p) for p in create_only):
        return original.name
    if explicit:
        raise ValidationError(
            message="CloudFormation cannot update a stack when a custom-named resource "
            f"requires replacing. Rename {explicit} and update the stack again."
        )
    return _generated_name(original.stack_name, original.logical_resource_id, max_length)


def _create_subnet_group(backend: ElastiCacheBackend, name: str, props: dict[str, Any]) -> None:
    backend.create_cache_subnet_group(
        cache_subnet_group_name=name,
        cache_subnet_group_description=props["Description"],
        subnet_ids=props["SubnetIds"],
        tags=props.get("Tags"),
    )


def _delete_subnet_group(backend: ElastiCacheBackend, name: str) -> None:
    # moto has no DeleteCacheSubnetGroup: drop the group from its store.
    group = backend.cache_subnet_groups.pop(name, None)
    if group is not None:
        backend.tagging_service.delete_all_tags_for_resource(group.arn)


def _create_replication_group(
    backend: ElastiCacheBackend, group_id: str, props: dict[str, Any]
) -> None:
    arguments = {_argument(k): v for k, v in props.items()}
    arguments["replication_group_id"] = group_id
    _call(backend.create_replication_group, arguments)


def _modify_replication_group(
    backend: ElastiCacheBackend, group_id: str, changed: dict[str, Any]
) -> None:
    modify = backend.modify_replication_group
    accepted = inspect.signature(modify).parameters.keys()
    arguments = {k: v for k, v in changed.items() if k in accepted}
    _call(modify, arguments | {"replication_group_id": group_id})
    group = backend.replication_groups[group_id]
    for attribute, value in changed.items():
        if attribute not in accepted:
            setattr(group, attribute, value)
    if "tags" in changed:  # ListTagsForResource reads the tagging service
        backend.tagging_service.delete_all_tags_for_resource(group.arn)
        backend.tagging_service.tag_resource(group.arn, changed["tags"])


class ElastiCacheSubnetGroup(CloudFormationModel):
    """AWS::ElastiCache::SubnetGroup. Ref: the group's name. No attributes."""

    def __init__(self, name: str, properties: dict[str, Any], stack_name: str):
        self.name = name
        self.properties = properties
        self.stack_name = stack_name

    @staticmethod
    def cloudformation_name_type() -> str:
        return "CacheSubnetGroupName"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::ElastiCache::SubnetGroup"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return False

    @property
    def physical_resource_id(self) -> str:
        return self.name

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> "ElastiCacheSubnetGroup":
        props = _properties(cloudformation_json)
        name = _created_name(props, "CacheSubnetGroupName", kwargs, SUBNET_GROUP_NAME_MAX)
        _create_subnet_group(_backend(account_id, region_name), name, props)
        return cls(name, props, _stack_name(kwargs["StackId"]))

    @classmethod
    def update_from_cloudformation_json(  # type: ignore[misc]
        cls,
        original_resource: "ElastiCacheSubnetGroup",
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> "ElastiCacheSubnetGroup":
        backend = _backend(account_id, region_name)
        props = _properties(cloudformation_json)
        name = _updated_name(
            original_resource, props, "CacheSubnetGroupName", (), SUBNET_GROUP_NAME_MAX
        )
        # Description, SubnetIds and Tags change in place. moto has no
        # ModifyCacheSubnetGroup, and re-creating the group under the same name
        # looks the same through the API; a new name is a replacement.
        if name == original_resource.name:
            _delete_subnet_group(backend, name)
            _create_subnet_group(backend, name, props)
        else:
            _create_subnet_group(backend, name, props)
            _delete_subnet_group(backend, original_resource.name)
        return cls(name, props, original_resource.stack_name)

    @classmethod
    def delete_from_cloudformation_json(  # type: ignore[misc]
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> None:
        _delete_subnet_group(_backend(account_id, region_name), resource_name)


class ElastiCacheReplicationGroup(CloudFormationModel):
    """AWS::ElastiCache::ReplicationGroup. Ref: the group's id. Attributes:
    PrimaryEndPoint.Address/.Port and ReaderEndPoint.Address/.Port (cluster
    mode disabled), ConfigurationEndPoint.Address/.Port (cluster mode
    enabled), read from moto's group, ports as strings like CloudFormation."""

    ATTRIBUTES = {
        f"{endpoint}.{field}"
        for endpoint in ("PrimaryEndPoint", "ReaderEndPoint", "ConfigurationEndPoint")
        for field in ("Address", "Port")
    }

    def __init__(
        self,
        name: str,
        properties: dict[str, Any],
        stack_name: str,
        account_id: str,
        region_name: str,
    ):
        self.name = name
        self.properties = properties
        self.stack_name = stack_name
        self.account_id = account_id
        self.region_name = region_name

    @staticmethod
    def cloudformation_name_type() -> str:
        return "ReplicationGroupId"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::ElastiCache::ReplicationGroup"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr in cls.ATTRIBUTES

    @property
    def physical_resource_id(self) -> str:
        return self.name

    def get_cfn_attribute(self, attribute_name: str) -> str:
        group = _backend(self.account_id, self.region_name).replication_groups[self.name]
        if group.cluster_enabled:
            addresses = {"ConfigurationEndPoint": group.configuration_endpoint["address"]}
        else:
            node_group = group.node_groups[0]
            addresses = {
                "PrimaryEndPoint": node_group["primary_endpoint_address"],
                "ReaderEndPoint": node_group["reader_endpoint_address"],
            }
        endpoint, _, field = attribute_name.partition(".")
        if endpoint not in addresses or field not in ("Address", "Port"):
            raise UnformattedGetAttTemplateException()
        return addresses[endpoint] if field == "Address" else str(group.port)

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> "ElastiCacheReplicationGroup":
        props = _properties(cloudformation_json)
        group_id = _created_name(props, "ReplicationGroupId", kwargs, REPLICATION_GROUP_ID_MAX)
        _create_replication_group(_backend(account_id, region_name), group_id, props)
        return cls(group_id, props, _stack_name(kwargs["StackId"]), account_id, region_name)

    @classmethod
    def update_from_cloudformation_json(  # type: ignore[misc]
        cls,
        original_resource: "ElastiCacheReplicationGroup",
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> "ElastiCacheReplicationGroup":
        backend = _backend(account_id, region_name)
        props = _properties(cloudformation_json)
        old = original_resource.properties
        group_id = _updated_name(
            original_resource,
            props,
            "ReplicationGroupId",
            REPLICATION_GROUP_CREATE_ONLY,
            REPLICATION_GROUP_ID_MAX,
        )
        if group_id != original_resource.name:
            _create_replication_group(backend, group_id, props)
            cls.delete_from_cloudformation_json(
                original_resource.name, cloudformation_json, account_id, region_name
            )
        else:
            changed = {p for p in props.keys() | old.keys() if props.get(p) != old.get(p)}
            # Real ElastiCache can also resize (NumCacheClusters, ReplicasPerNodeGroup, ...)
            # in place; moto cannot, and silently ignoring the change would hide it.
            unsupported = changed - REPLICATION_GROUP_IN_PLACE.keys()
            if unsupported:
                raise ValidationError(
                    message=f"The emulator cannot update {', '.join(sorted(unsupported))} "
                    f"of replication group {group_id} in place"
                )
            _modify_replication_group(
                backend,
                group_id,
                {_argument(p): props.get(p, REPLICATION_GROUP_IN_PLACE[p]) for p in changed},
            )
        return cls(group_id, props, original_resource.stack_name, account_id, region_name)

    @classmethod
    def delete_from_cloudformation_json(  # type: ignore[misc]
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> None:
        backend = _backend(account_id, region_name)
        try:
            backend.delete_replication_group(resource_name, retain_primary_cluster=None)
        except ReplicationGroupNotFound:
            return
        # moto only marks the group "deleting"; CloudFormation reports
        # DELETE_COMPLETE once the group is gone, so finish the job.
        group = backend.replication_groups.pop(resource_name)
        backend.tagging_service.delete_all_tags_for_resource(group.arn)
