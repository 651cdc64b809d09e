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
"""

from moto.cloudformation.models import CloudFormationBackend

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


CloudFormationBackend.execute_change_set = _execute_change_set_and_refresh
