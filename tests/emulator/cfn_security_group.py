"""Update an AWS::EC2::SecurityGroup in place when only its rules or tags change.

moto 5.2.5 deletes the group and creates a new one (a new GroupId) on every update of the
resource. The resource reference (AWS::EC2::SecurityGroup in the CloudFormation User Guide)
lists GroupDescription, GroupName and VpcId as "Update requires: Replacement" and
SecurityGroupIngress, SecurityGroupEgress and Tags as "Update requires: No interruption": the
group keeps its ID while rules and tags change. Here an update that keeps the three
create-only properties revokes the group's ingress rules and authorizes the template's, and
replaces its tags; any other update is moto's replacement.
"""

from typing import Any

from moto.ec2.models import ec2_backends
from moto.ec2.models.security_groups import SecurityGroup

_update = SecurityGroup.update_from_cloudformation_json.__func__  # type: ignore[attr-defined]


def _update_in_place(
    cls: type[SecurityGroup],
    original_resource: Any,
    new_resource_name: str,
    cloudformation_json: Any,
    account_id: str,
    region_name: str,
) -> SecurityGroup:
    props = cloudformation_json["Properties"]
    kept = (
        props.get("GroupName", original_resource.name) == original_resource.name
        and props.get("GroupDescription") == original_resource.description
        and props.get("VpcId") == original_resource.vpc_id
    )
    if not kept:
        return _update(cls, original_resource, new_resource_name, cloudformation_json,
                       account_id, region_name)
    backend = ec2_backends[account_id][region_name]
    group = original_resource
    if group.ingress_rules:
        backend.revoke_security_group_ingress(
            group_name_or_id=group.id,
            ip_protocol=None,
            from_port=None,
            to_port=None,
            ip_ranges=[],
            security_rule_ids=[rule.id for rule in group.ingress_rules],
            vpc_id=group.vpc_id,
        )
    for rule in props.get("SecurityGroupIngress", []):
        source: dict[str, str] = {}
        if rule.get("SourceSecurityGroupId"):
            source["GroupId"] = rule["SourceSecurityGroupId"]
        ip_ranges = [{"CidrIp": rule["CidrIp"]}] if rule.get("CidrIp") else []
        backend.authorize_security_group_ingress(
            group_name_or_id=group.id,
            ip_protocol=rule["IpProtocol"],
            from_port=rule.get("FromPort"),
            to_port=rule.get("ToPort"),
            ip_ranges=ip_ranges,
            source_groups=[source] if source else [],
            vpc_id=group.vpc_id,
        )
    old = {t["key"]: t["value"] for t in group.get_tags() if not t["key"].startswith("aws:")}
    if old:
        backend.delete_tags([group.id], old)
    new = {t["Key"]: t["Value"] for t in props.get("Tags", [])}
    if new:
        backend.create_tags([group.id], new)
    return group


SecurityGroup.update_from_cloudformation_json = classmethod(_update_in_place)  # type: ignore[assignment]
