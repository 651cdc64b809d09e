"""Read AWS::SSM::Parameter's Tags as CloudFormation does: a map.

The CloudFormation User Guide (AWS::SSM::Parameter, Tags): "Optional metadata that you assign to
a resource in the form of an arbitrary set of tags (key-value pairs)", Type: Json, written
`Tags: {Key: Value}`, unlike most types' list of `{Key, Value}`. moto 5.2.5 passes the map on
to PutParameter, which takes a list: it stores the parameter, then fails on the tags, and the
stack loses track of the resource (ListStackResources then tries to create it again and answers
ParameterAlreadyExists). Hand PutParameter the map as the list it takes.
"""

from typing import Any

from moto.ssm.models import Parameter

_create = Parameter.create_from_cloudformation_json.__func__  # type: ignore[attr-defined]


def _create_with_map_tags(
    cls: type, resource_name: str, cloudformation_json: Any, *args: Any, **kwargs: Any
) -> Any:
    properties = cloudformation_json.get("Properties", {})
    tags = properties.get("Tags")
    if isinstance(tags, dict):
        properties = dict(properties, Tags=[{"Key": k, "Value": v} for k, v in tags.items()])
        cloudformation_json = dict(cloudformation_json, Properties=properties)
    return _create(cls, resource_name, cloudformation_json, *args, **kwargs)


Parameter.create_from_cloudformation_json = classmethod(_create_with_map_tags)  # type: ignore[method-assign]
