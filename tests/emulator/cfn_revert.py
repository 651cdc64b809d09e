"""CreateChangeSet with DeploymentMode=REVERT_DRIFT, which moto 5.2.5 ignores.

The API reference (CreateChangeSet, DeploymentMode): "REVERT_DRIFT – Creates a drift-aware
change set that brings actual resource states in line with template definitions. Provides a
three-way comparison between actual state, previous deployment state, and desired state." With
the template unchanged, the change set holds a Modify for each resource that has drifted
(drift computed as in cfn_drift.py), and executing it puts their properties back to the
template's. moto's change set would be "didn't contain changes" (the template is the same).
"""

from typing import Any

from moto.cloudformation.models import Change, CloudFormationBackend
from moto.cloudformation.parsing import clean_json
from moto.cloudformation.responses import CloudFormationResponse

from . import cfn_drift, cfn_elasticache

_create_change_set = CloudFormationResponse.create_change_set


def _drifted(stack: Any) -> list[str]:
    resource_map = stack.resource_map
    drifted = []
    for logical_id, resource_json in stack.template_dict.get("Resources", {}).items():
        model = resource_map._parsed_resources.get(logical_id)
        type_ = resource_json.get("Type")
        if type_ not in cfn_drift.CHECKED or model is None:
            continue
        expected = clean_json(resource_json.get("Properties", {}), resource_map)
        actual = cfn_drift._actual(
            resource_map._account_id, resource_map._region_name, type_,
            model.physical_resource_id,
        )
        if actual is not None and cfn_drift._differences(expected, actual):
            drifted.append(logical_id)
    return drifted


def _create_reverting(self: CloudFormationResponse) -> Any:
    if self._get_param("DeploymentMode") != "REVERT_DRIFT":
        return _create_change_set(self)
    backend = self.cloudformation_backend
    result = _create_change_set(self)
    change_set = backend.describe_change_set(result.result["Id"])
    drifted = _drifted(change_set.stack)
    change_set.revert_drift = drifted
    known = {c.logical_resource_id for c in change_set.changes}
    for logical_id in drifted:
        if logical_id not in known:
            type_ = change_set.template_dict["Resources"][logical_id]["Type"]
            change_set.changes.append(Change("Modify", logical_id, type_))
    if drifted and change_set.status == "FAILED":
        change_set.status = "CREATE_COMPLETE"
        change_set.execution_status = "AVAILABLE"
        change_set.status_reason = None
    return result


_execute_change_set = CloudFormationBackend.execute_change_set


def _execute_reverting(
    self: CloudFormationBackend, change_set_name: str, stack_name: str | None = None
) -> None:
    change_set = self.describe_change_set(change_set_name)
    drifted = getattr(change_set, "revert_drift", [])
    _execute_change_set(self, change_set_name, stack_name)
    stack = self.stacks[change_set.stack_id]
    resource_map = stack.resource_map
    account, region = resource_map._account_id, resource_map._region_name
    for logical_id in drifted:
        resource_json = stack.template_dict["Resources"][logical_id]
        model = resource_map._parsed_resources[logical_id]
        properties = clean_json(resource_json.get("Properties", {}), resource_map)
        if resource_json["Type"] == "AWS::ElastiCache::ReplicationGroup":
            props = cfn_elasticache._properties({"Properties": properties})
            cfn_elasticache._modify_replication_group(
                cfn_elasticache._backend(account, region),
                model.name,
                {
                    cfn_elasticache._argument(p): v
                    for p, v in props.items()
                    if p in cfn_elasticache.REPLICATION_GROUP_IN_PLACE
                },
            )
        else:
            updated = type(model).update_from_cloudformation_json(
                model, model.physical_resource_id, {"Properties": properties}, account, region
            )
            for attribute in ("logical_resource_id", "cf_resource_type"):
                if hasattr(model, attribute):
                    setattr(updated, attribute, getattr(model, attribute))
            resource_map._parsed_resources[logical_id] = updated


CloudFormationResponse.create_change_set = _create_reverting
CloudFormationBackend.execute_change_set = _execute_reverting
