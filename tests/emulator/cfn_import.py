"""Resource import (IMPORT change sets) and GetTemplateSummary's ResourceIdentifierSummaries,
which moto 5.2.5 lacks: it takes ChangeSetType=IMPORT for a CREATE and makes every resource
anew, and its GetTemplateSummary has no ResourceIdentifierSummaries.

The API reference, CreateChangeSet:
- ChangeSetType: "To create a change set for an import operation, specify IMPORT."
- ResourcesToImport: "The resources to import into your stack." Each a ResourceToImport:
  ResourceType, LogicalResourceId, ResourceIdentifier ("A key-value pair that identifies the
  target resource. The key is an identifier property (for example, BucketName for
  AWS::S3::Bucket resources) and the value is the actual property value (for example,
  MyS3Bucket)").
The CloudFormation User Guide, "Import AWS resources into a CloudFormation stack": "Each
resource to import must have a DeletionPolicy attribute"; the import operation "can't create,
update or delete" other resources; during the import the stack is IMPORT_IN_PROGRESS and ends
IMPORT_COMPLETE (IMPORT_ROLLBACK_* on failure); a resource can belong to one stack only.
DescribeChangeSet reports each imported resource as a ResourceChange with Action "Import".

GetTemplateSummary (API reference): ResourceIdentifierSummaries, "A list of resource identifier
summaries that describe the target resources of an import operation and the properties you can
provide during the import to identify the target resources", each with ResourceType,
LogicalResourceIds and ResourceIdentifiers. Only types CloudFormation can import are listed:
here the ones the emulator can take over (their primaryIdentifier in the registry schemas).

A change of DeletionPolicy or UpdateReplacePolicy alone is not an update of the resource
("DeletionPolicy attribute" in the User Guide: the policy is CloudFormation's, kept on the
stack): moto would re-create the resource (its security group update deletes the group and
makes a new one); here such a resource is left as it is.
"""

from typing import Any

from moto.cloudformation.exceptions import ValidationError
from moto.cloudformation.models import ChangeSet, CloudFormationBackend, Change
from moto.cloudformation.parsing import ResourceMap, clean_json
from moto.cloudformation.responses import CloudFormationResponse
from moto.ec2.models import ec2_backends

from . import cfn_elasticache

# primaryIdentifier of each importable type (the registry schemas in schemas/).
IDENTIFIERS = {
    "AWS::EC2::SecurityGroup": ["Id"],
    "AWS::ElastiCache::SubnetGroup": ["CacheSubnetGroupName"],
    "AWS::ElastiCache::ReplicationGroup": ["ReplicationGroupId"],
}

POLICIES = ("DeletionPolicy", "UpdateReplacePolicy")


def _without_policies(resource: Any) -> Any:
    if isinstance(resource, dict):
        return {k: v for k, v in resource.items() if k not in POLICIES}
    return resource


# -- GetTemplateSummary --------------------------------------------------------------------

_get_template_summary = CloudFormationResponse.get_template_summary


def _template_summary_with_identifiers(self: CloudFormationResponse) -> Any:
    result = _get_template_summary(self)
    summary = result.result
    body = self._get_param("TemplateBody")
    if self._get_param("StackName"):
        body = self.cloudformation_backend.get_stack(self._get_param("StackName")).template
    resources = parsing_template(body).get("Resources", {}) if body else {}
    by_type: dict[str, list[str]] = {}
    for logical_id, resource in resources.items():
        if resource.get("Type") in IDENTIFIERS:
            by_type.setdefault(resource["Type"], []).append(logical_id)
    summary["ResourceIdentifierSummaries"] = [
        {
            "ResourceType": type_,
            "LogicalResourceIds": ids,
            "ResourceIdentifiers": IDENTIFIERS[type_],
        }
        for type_, ids in by_type.items()
    ]
    return result


def parsing_template(body: str) -> dict[str, Any]:
    from moto.cloudformation.models import Stack

    return Stack.parse_template(body)


CloudFormationResponse.get_template_summary = _template_summary_with_identifiers


# -- CreateChangeSet with ChangeSetType=IMPORT ---------------------------------------------


def _resources_to_import(response: CloudFormationResponse) -> list[dict[str, Any]]:
    """ResourcesToImport, with each ResourceIdentifier as a dict."""
    resources = []
    for member in response._get_param("ResourcesToImport", []) or []:
        identifier = member.get("ResourceIdentifier") or {}
        if isinstance(identifier, list):  # [{"key": ..., "value": ...}]
            identifier = {e.get("key"): e.get("value") for e in identifier}
        resources.append({**member, "ResourceIdentifier": dict(identifier)})
    return resources


def _exists(account_id: str, region: str, type_: str, identifier: str) -> bool:
    backend = cfn_elasticache._backend(account_id, region)
    if type_ == "AWS::EC2::SecurityGroup":
        return ec2_backends[account_id][region].get_security_group_from_id(identifier) is not None
    if type_ == "AWS::ElastiCache::SubnetGroup":
        return identifier in backend.cache_subnet_groups
    if type_ == "AWS::ElastiCache::ReplicationGroup":
        return identifier in backend.replication_groups
    return False


def _in_a_stack(backend: CloudFormationBackend, type_: str, identifier: str) -> str | None:
    for stack in backend.stacks.values():
        if stack.status in ("DELETE_COMPLETE", "REVIEW_IN_PROGRESS"):
            continue
        for resource in stack.resource_map._parsed_resources.values():
            if (
                getattr(resource, "cf_resource_type", None) == type_
                and getattr(resource, "physical_resource_id", None) == identifier
            ):
                return stack.name
    return None


_create_change_set = CloudFormationResponse.create_change_set


def _create_change_set_with_import(self: CloudFormationResponse) -> Any:
    if self._get_param("ChangeSetType") != "IMPORT":
        return _create_change_set(self)
    backend = self.cloudformation_backend
    stack_name = self._get_param("StackName")
    to_import = _resources_to_import(self)
    if not to_import:
        raise ValidationError(
            message="ResourcesToImport is required when ChangeSetType is IMPORT"
        )
    body = self._get_param("TemplateBody")
    if self._get_param("TemplateURL"):
        body = self._get_stack_from_s3_url(self._get_param("TemplateURL"))
    template = parsing_template(body)
    resources = template.get("Resources", {})
    live = next(
        (
            s
            for s in backend.stacks.values()
            if s.name == stack_name and s.status not in ("DELETE_COMPLETE", "REVIEW_IN_PROGRESS")
        ),
        None,
    )
    existing = live.template_dict.get("Resources", {}) if live is not None else {}
    missing_policy = []
    for item in to_import:
        logical_id = item.get("LogicalResourceId")
        resource = resources.get(logical_id)
        if resource is None:
            raise ValidationError(
                message=f"Resource {logical_id} to import is not in the template"
            )
        if resource.get("Type") != item.get("ResourceType"):
            raise ValidationError(
                message=f"Resource {logical_id} is of type {resource.get('Type')}, "
                f"not {item.get('ResourceType')}"
            )
        keys = IDENTIFIERS.get(item["ResourceType"])
        if keys is None:
            raise ValidationError(
                message=f"ResourceType {item['ResourceType']} does not support import"
            )
        if sorted(item["ResourceIdentifier"]) != sorted(keys):
            raise ValidationError(
                message=f"Invalid ResourceIdentifier for {logical_id}: "
                f"{item['ResourceType']} is identified by {', '.join(keys)}"
            )
        if logical_id in existing:
            raise ValidationError(
                message=f"Resource {logical_id} already exists in stack {stack_name}"
            )
        if "DeletionPolicy" not in resource:
            missing_policy.append(logical_id)
    if missing_policy:
        raise ValidationError(
            message="The following resources to import must have a DeletionPolicy: "
            f"[{', '.join(missing_policy)}]"
        )
    imported = {item["LogicalResourceId"] for item in to_import}
    others = {k: _without_policies(v) for k, v in resources.items() if k not in imported}
    if others != {k: _without_policies(v) for k, v in existing.items()}:
        raise ValidationError(
            message="You have modified resources [...] in your template that are not being "
            "imported. Update, create or delete operations cannot be executed during import "
            "operations."
        )
    # The change set and, for a new stack, the stack in REVIEW_IN_PROGRESS, as moto makes them.
    self.params["ChangeSetType"] = "UPDATE" if live is not None else "CREATE"
    try:
        result = _create_change_set(self)
    finally:
        self.params["ChangeSetType"] = "IMPORT"
    change_set = backend.describe_change_set(result.result["Id"])
    change_set.change_set_type = "IMPORT"
    change_set.resources_to_import = to_import
    change_set.status = "CREATE_COMPLETE"
    change_set.execution_status = "AVAILABLE"
    change_set.status_reason = None
    account, region = backend.account_id, backend.region_name
    changes = []
    for item in to_import:
        (identifier,) = item["ResourceIdentifier"].values()
        owner = _in_a_stack(backend, item["ResourceType"], identifier)
        if not _exists(account, region, item["ResourceType"], identifier) or owner:
            change_set.status = "FAILED"
            change_set.execution_status = "UNAVAILABLE"
            change_set.status_reason = (
                f"Resource {item['LogicalResourceId']} ({identifier}) "
                + (f"already belongs to stack {owner}" if owner else "does not exist")
            )
        change = Change("Import", item["LogicalResourceId"], item["ResourceType"])
        change.physical_resource_id = identifier
        changes.append(change)
    change_set.changes = changes
    return result


CloudFormationResponse.create_change_set = _create_change_set_with_import


# -- ExecuteChangeSet of an IMPORT change set ----------------------------------------------


def _references(value: Any) -> set[str]:
    if isinstance(value, dict):
        if "Ref" in value and isinstance(value["Ref"], str):
            return {value["Ref"]}
        if "Fn::GetAtt" in value:
            target = value["Fn::GetAtt"]
            name = target[0] if isinstance(target, list) else str(target).split(".")[0]
            return {name}
        return set().union(*(_references(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(_references(v) for v in value)) if value else set()
    return set()


def _take_over(
    resource_map: ResourceMap, item: dict[str, Any], resource_json: dict[str, Any]
) -> Any:
    """The model of an existing resource, with the template's properties: nothing is made."""
    account, region = resource_map._account_id, resource_map._region_name
    type_ = item["ResourceType"]
    (identifier,) = item["ResourceIdentifier"].values()
    properties = clean_json(resource_json.get("Properties", {}), resource_map)
    if type_ == "AWS::EC2::SecurityGroup":
        model = ec2_backends[account][region].get_security_group_from_id(identifier)
    elif type_ == "AWS::ElastiCache::SubnetGroup":
        model = cfn_elasticache.ElastiCacheSubnetGroup(
            identifier,
            cfn_elasticache._properties({"Properties": properties}),
            resource_map["AWS::StackName"],
        )
    else:
        model = cfn_elasticache.ElastiCacheReplicationGroup(
            identifier,
            cfn_elasticache._properties({"Properties": properties}),
            resource_map["AWS::StackName"],
            account,
            region,
        )
    model.cf_resource_type = type_
    model.logical_resource_id = item["LogicalResourceId"]
    return model


_apply = ChangeSet.apply


def _apply_import(self: ChangeSet) -> None:
    if self.change_set_type != "IMPORT":
        _apply(self)
        return
    resource_map = self.stack.resource_map
    resource_map._template = self.template_dict
    if self.parameters:
        resource_map.input_parameters = self.parameters
    resource_map.load_mapping()
    resource_map.load_parameters()
    resource_map.load_conditions()
    resource_map._resource_json_map = self.template_dict["Resources"]
    pending = {item["LogicalResourceId"]: item for item in self.resources_to_import}
    while pending:
        ready = [
            logical_id
            for logical_id in pending
            if not (
                _references(self.template_dict["Resources"][logical_id]) & pending.keys()
                - {logical_id}
            )
        ]
        if not ready:
            raise ValidationError(message="Circular dependency between resources to import")
        for logical_id in ready:
            item = pending.pop(logical_id)
            resource_map._parsed_resources[logical_id] = _take_over(
                resource_map, item, self.template_dict["Resources"][logical_id]
            )


ChangeSet.apply = _apply_import


_execute_change_set = CloudFormationBackend.execute_change_set


def _execute_import(
    self: CloudFormationBackend, change_set_name: str, stack_name: str | None = None
) -> None:
    change_set = self.describe_change_set(change_set_name)
    if change_set.change_set_type != "IMPORT":
        _execute_change_set(self, change_set_name, stack_name)
        return
    stack = self.stacks[change_set.stack_id]
    # moto's execute_change_set reports an update (UPDATE_IN_PROGRESS, UPDATE_COMPLETE) for
    # every change set that is not a CREATE: an import is IMPORT_IN_PROGRESS, IMPORT_COMPLETE.
    add_event = stack._add_stack_event

    def import_event(status: str, *args: Any, **kwargs: Any) -> None:
        add_event(status.replace("UPDATE_", "IMPORT_"), *args, **kwargs)

    stack._add_stack_event = import_event
    try:
        _execute_change_set(self, change_set_name, stack_name)
    finally:
        del stack._add_stack_event
    stack.status = "IMPORT_COMPLETE"


CloudFormationBackend.execute_change_set = _execute_import


# -- policy-only changes leave the resource alone -------------------------------------------

_build_resource_diff = ResourceMap.build_resource_diff


def _diff_without_policy_only_changes(
    self: ResourceMap, other_template: dict[str, Any], parameters: Any = None
) -> dict[str, Any]:
    actions = _build_resource_diff(self, other_template, parameters)
    old, new = self._resource_json_map, other_template["Resources"]
    actions["Modify"] = [
        name
        for name in actions["Modify"]
        if old.get(name) == new.get(name)  # a parameter it uses changed
        or _without_policies(old.get(name)) != _without_policies(new.get(name))
    ]
    return actions


ResourceMap.build_resource_diff = _diff_without_policy_only_changes
