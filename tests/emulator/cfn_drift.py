"""Drift detection, which moto 5.2.5 lacks (its server answers "not yet implemented"), for the
security group, the cache subnet group and the replication group.

The API reference:
- DetectStackDrift (StackName, LogicalResourceIds): "Detects whether a stack's actual
  configuration differs, or has drifted, from its expected configuration, as defined in the
  stack template and any values specified as template parameters." Answers
  StackDriftDetectionId.
- DescribeStackDriftDetectionStatus (StackDriftDetectionId): StackId, StackDriftDetectionId,
  StackDriftStatus (DRIFTED | IN_SYNC | UNKNOWN | NOT_CHECKED), DetectionStatus
  (DETECTION_IN_PROGRESS | DETECTION_FAILED | DETECTION_COMPLETE), DetectionStatusReason,
  DriftedStackResourceCount, Timestamp.
- DescribeStackResourceDrifts (StackName, StackResourceDriftStatusFilters): StackResourceDrifts,
  each with StackId, LogicalResourceId, PhysicalResourceId, ResourceType, ExpectedProperties
  and ActualProperties (JSON strings), PropertyDifferences (PropertyPath, ExpectedValue,
  ActualValue, DifferenceType ADD | REMOVE | NOT_EQUAL), StackResourceDriftStatus (IN_SYNC |
  MODIFIED | DELETED | NOT_CHECKED), Timestamp.
The User Guide ("Detect unmanaged configuration changes"): only properties the template sets
are compared (a property left to its default is not drift); list elements are compared by
value, an element only in the resource is ADD, one only in the template REMOVE.

Detection finishes at once here (DETECTION_COMPLETE at the first DescribeStackDriftDetection-
Status). The actual values come from moto's EC2 and ElastiCache backends. moto keeps no
description on security group rules, so rule descriptions are left out of the comparison.
"""

import json
from typing import Any

from moto.cloudformation.exceptions import ValidationError
from moto.cloudformation.parsing import clean_json
from moto.cloudformation.responses import CloudFormationResponse
from moto.core.responses import ActionResult
from moto.core.utils import utcnow
from moto.ec2.models import ec2_backends
from moto.moto_api._internal import mock_random

from . import cfn_elasticache

CHECKED = (
    "AWS::EC2::SecurityGroup",
    "AWS::ElastiCache::SubnetGroup",
    "AWS::ElastiCache::ReplicationGroup",
)


def _tags(pairs: dict[str, str]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in sorted(pairs.items()) if not k.startswith("aws:")]


def _rule(rule: dict[str, Any]) -> dict[str, Any]:
    """A rule as compared: numbers as numbers, no description."""
    out = {k: v for k, v in rule.items() if k != "Description"}
    for port in ("FromPort", "ToPort"):
        if port in out and out[port] is not None:
            out[port] = int(out[port])
    if "IpProtocol" in out:
        out["IpProtocol"] = str(out["IpProtocol"])
    return out


def _actual(account: str, region: str, type_: str, physical_id: str) -> dict[str, Any] | None:
    cache = cfn_elasticache._backend(account, region)
    if type_ == "AWS::EC2::SecurityGroup":
        ec2 = ec2_backends[account][region]
        group = ec2.get_security_group_from_id(physical_id)
        if group is None:
            return None
        ingress = []
        for rule in group.ingress_rules:
            base = {"IpProtocol": rule.ip_protocol, "FromPort": rule.from_port,
                    "ToPort": rule.to_port}
            if rule.source_group.get("GroupId"):
                ingress.append(_rule(base | {"SourceSecurityGroupId": rule.source_group["GroupId"]}))
            if rule.ip_range.get("CidrIp"):
                ingress.append(_rule(base | {"CidrIp": rule.ip_range["CidrIp"]}))
        tags = {t["key"]: t["value"] for t in group.get_tags()}
        return {
            "GroupName": group.name,
            "GroupDescription": group.description,
            "VpcId": group.vpc_id,
            "SecurityGroupIngress": ingress,
            "Tags": _tags(tags),
        }
    if type_ == "AWS::ElastiCache::SubnetGroup":
        group = cache.cache_subnet_groups.get(physical_id)
        if group is None:
            return None
        tags = {t["Key"]: t["Value"] for t in cache.tagging_service.list_tags_for_resource(group.arn)["Tags"]}
        return {
            "CacheSubnetGroupName": physical_id,
            "Description": group.cache_subnet_group_description,
            "SubnetIds": list(group.subnet_ids),
            "Tags": _tags(tags),
        }
    if type_ == "AWS::ElastiCache::ReplicationGroup":
        group = cache.replication_groups.get(physical_id)
        if group is None:
            return None
        tags = {t["Key"]: t["Value"] for t in cache.tagging_service.list_tags_for_resource(group.arn)["Tags"]}
        return {
            "ReplicationGroupId": physical_id,
            "ReplicationGroupDescription": group.description,
            "CacheNodeType": group.cache_node_type,
            "Engine": group.engine,
            "EngineVersion": group.engine_version,
            "AtRestEncryptionEnabled": group.at_rest_encryption_enabled,
            "TransitEncryptionEnabled": group.transit_encryption_enabled,
            "AutomaticFailoverEnabled": group.automatic_failover == "enabled",
            "MultiAZEnabled": group.multi_az == "enabled",
            "SnapshotRetentionLimit": group.snapshot_retention_limit,
            "Port": group.port,
            "NumCacheClusters": len(group.member_clusters),
            "CacheSubnetGroupName": group.cache_subnet_group_name,
            "SecurityGroupIds": list(group.security_group_ids or []),
            "Tags": _tags(tags),
        }
    return None


def _same(expected: Any, actual: Any) -> bool:
    def norm(v: Any) -> Any:
        if isinstance(v, bool):
            return str(v).lower()
        if isinstance(v, (int, float)):
            return str(v)
        if isinstance(v, str):
            return v.lower() if v.lower() in ("true", "false") else v
        if isinstance(v, list):
            return sorted((json.dumps(norm(x), sort_keys=True) for x in v))
        if isinstance(v, dict):
            return {k: norm(x) for k, x in v.items()}
        return v

    return norm(expected) == norm(actual)


def _differences(expected: dict[str, Any], actual: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for name, want in expected.items():
        if name not in actual:
            continue  # not read back here
        have = actual[name]
        if name == "SecurityGroupIngress":
            want = [_rule(r) for r in want]
        if name in ("SecurityGroupIngress", "Tags") and isinstance(want, list) and isinstance(
            have, list
        ):
            for i, item in enumerate(want):
                if not any(_same(item, h) for h in have):
                    found.append({"PropertyPath": f"/{name}/{i}", "ExpectedValue": json.dumps(item),
                                  "ActualValue": "null", "DifferenceType": "REMOVE"})
            for i, item in enumerate(have):
                if not any(_same(item, w) for w in want):
                    found.append({"PropertyPath": f"/{name}/{i}", "ExpectedValue": "null",
                                  "ActualValue": json.dumps(item), "DifferenceType": "ADD"})
        elif not _same(want, have):
            found.append({
                "PropertyPath": f"/{name}",
                "ExpectedValue": want if isinstance(want, str) else json.dumps(want),
                "ActualValue": have if isinstance(have, str) else json.dumps(have),
                "DifferenceType": "NOT_EQUAL",
            })
    return found


def _stack(response: CloudFormationResponse, name: str) -> Any:
    for stack in response.cloudformation_backend.stacks.values():
        if name in (stack.name, stack.stack_id) and stack.status != "DELETE_COMPLETE":
            return stack
    raise ValidationError(message=f"Stack with id {name} does not exist")


def _detections(response: CloudFormationResponse) -> dict[str, Any]:
    backend = response.cloudformation_backend
    if not hasattr(backend, "_drift_detections"):
        backend._drift_detections = {}
    return backend._drift_detections


def _detect(self: CloudFormationResponse) -> ActionResult:
    stack = _stack(self, self._get_param("StackName"))
    only = self._get_param("LogicalResourceIds") or []
    resource_map = stack.resource_map
    drifts = []
    now = utcnow()
    for logical_id, resource_json in stack.template_dict.get("Resources", {}).items():
        if only and logical_id not in only:
            continue
        model = resource_map._parsed_resources.get(logical_id)
        type_ = resource_json.get("Type")
        physical_id = getattr(model, "physical_resource_id", None)
        drift = {
            "StackId": stack.stack_id,
            "LogicalResourceId": logical_id,
            "PhysicalResourceId": physical_id,
            "ResourceType": type_,
            "Timestamp": now,
        }
        if type_ not in CHECKED or model is None:
            drifts.append(drift | {"StackResourceDriftStatus": "NOT_CHECKED"})
            continue
        expected = clean_json(resource_json.get("Properties", {}), resource_map)
        actual = _actual(resource_map._account_id, resource_map._region_name, type_, physical_id)
        if actual is None:
            drifts.append(drift | {"StackResourceDriftStatus": "DELETED",
                                   "ExpectedProperties": json.dumps(expected)})
            continue
        differences = _differences(expected, actual)
        drifts.append(drift | {
            "ExpectedProperties": json.dumps(expected),
            "ActualProperties": json.dumps(actual),
            "PropertyDifferences": differences,
            "StackResourceDriftStatus": "MODIFIED" if differences else "IN_SYNC",
        })
    stack._resource_drifts = drifts
    drifted = sum(1 for d in drifts if d["StackResourceDriftStatus"] in ("MODIFIED", "DELETED"))
    detection_id = str(mock_random.uuid4())
    _detections(self)[detection_id] = {
        "StackId": stack.stack_id,
        "StackDriftDetectionId": detection_id,
        "StackDriftStatus": "DRIFTED" if drifted else "IN_SYNC",
        "DetectionStatus": "DETECTION_COMPLETE",
        "DriftedStackResourceCount": drifted,
        "Timestamp": now,
    }
    stack.drift_status = "DRIFTED" if drifted else "IN_SYNC"
    return ActionResult({"StackDriftDetectionId": detection_id})


def _status(self: CloudFormationResponse) -> ActionResult:
    detection_id = self._get_param("StackDriftDetectionId")
    found = _detections(self).get(detection_id)
    if found is None:
        raise ValidationError(message=f"Drift detection {detection_id} does not exist")
    return ActionResult(found)


def _resource_drifts(self: CloudFormationResponse) -> ActionResult:
    stack = _stack(self, self._get_param("StackName"))
    wanted = self._get_param("StackResourceDriftStatusFilters") or []
    drifts = [
        d for d in getattr(stack, "_resource_drifts", [])
        if not wanted or d["StackResourceDriftStatus"] in wanted
    ]
    return ActionResult({"StackResourceDrifts": drifts})


CloudFormationResponse.detect_stack_drift = _detect
CloudFormationResponse.describe_stack_drift_detection_status = _status
CloudFormationResponse.describe_stack_resource_drifts = _resource_drifts
