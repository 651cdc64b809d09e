"""ListImports, which moto 5.2.5 does not implement (its server answers "not yet implemented").

The API reference (ListImports): "Lists all stacks that are importing an exported output value.
To modify or remove an exported output value, first use this action to see which stacks are
using it." Request: ExportName (required), NextToken. Response: Imports, "a list of stack names
that are importing the specified exported output value", and NextToken. For an export that no
stack imports CloudFormation answers ValidationError "Export 'NAME' is not imported by any
stack." (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ListImports.html)

A stack imports a name when its template holds `Fn::ImportValue` of that literal name (moto
reads the `!ImportValue` short form into the same). Live stacks only: a deleted stack imports
nothing.
"""

from typing import Any

from moto.cloudformation.exceptions import ValidationError
from moto.cloudformation.responses import CloudFormationResponse
from moto.core.responses import ActionResult


def _imports(value: Any, name: str) -> bool:
    if isinstance(value, dict):
        if value.get("Fn::ImportValue") == name:
            return True
        return any(_imports(v, name) for v in value.values())
    if isinstance(value, list):
        return any(_imports(v, name) for v in value)
    return False


def _list_imports(self: CloudFormationResponse) -> ActionResult:
    name = self._get_param("ExportName")
    importers = [
        stack.name
        for stack in self.cloudformation_backend.stacks.values()
        if stack.status != "DELETE_COMPLETE" and _imports(stack.template_dict, name)
    ]
    if not importers:
        raise ValidationError(message=f"Export '{name}' is not imported by any stack.")
    return ActionResult({"Imports": importers})


CloudFormationResponse.list_imports = _list_imports
