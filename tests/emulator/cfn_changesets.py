"""Make moto's ExecuteChangeSet refresh the stack's Outputs and Description.

moto 5.2.5 builds a stack's outputs from the template the stack was created
with, and caches each value once read. ExecuteChangeSet applies the change
set's template to the resources only: a stack created through a CREATE change
set has no Outputs at all, and after an UPDATE change set the stack still shows
the old template's outputs with their old values. UpdateStack rebuilds them;
do the same after every change set execution.

moto also builds a change set's stack without the account's exports, so a template
with Fn::ImportValue fails on execution with "No export named ... found" although
CreateStack resolves the same template. CloudFormation resolves Fn::ImportValue
against every export in the account and region whichever way the stack is made
(Fn::ImportValue in the CloudFormation User Guide, "Intrinsic function reference";
ListExports in the API Reference): hand the stack the backend's exports before the
change set is applied.

And moto registers a stack's own exports only in CreateStack and UpdateStack: after a change
set the stack's `Export`s are missing from ListExports, and another stack cannot import them.
ListExports (API Reference): "Lists all exported output values in the account and Region in
which you call this action"; register the stack's exports after each execution, dropping the
ones its new template no longer has.

moto computes a stack's exports afresh from its resources whenever they are asked for, and
DescribeStacks asks for them even once the stack is deleted: reading the `Fn::GetAtt` of an
export then creates the deleted resource again (a replication group comes back after
DELETE_COMPLETE). A deleted stack's resources are gone; it has no exports and no outputs.
"""

from moto.cloudformation.models import CloudFormationBackend, Stack

_execute_change_set = CloudFormationBackend.execute_change_set


def _execute_change_set_and_refresh(
    self: CloudFormationBackend, change_set_name: str, stack_name: str | None = None
) -> None:
    stack = self.describe_change_set(change_set_name).stack
    stack.cross_stack_resources = self.exports
    stack.resource_map.cross_stack_resources = self.exports
    _execute_change_set(self, change_set_name, stack_name)
    stack._parse_template()  # the template execute_change_set just stored
    stack.description = stack.template_dict.get("Description")
    stack.output_map = stack._create_output_map()
    for name in [n for n, e in self.exports.items() if e.exporting_stack_id == stack.stack_id]:
        del self.exports[name]
    for export in stack.exports:
        self.exports[export.name] = export


CloudFormationBackend.execute_change_set = _execute_change_set_and_refresh


_outputs = Stack.outputs
_exports = Stack.exports


def _deleted(stack: Stack) -> bool:
    return stack.status == "DELETE_COMPLETE"


Stack.outputs = property(lambda self: None if _deleted(self) else _outputs.fget(self))
Stack.exports = property(lambda self: [] if _deleted(self) else _exports.fget(self))
