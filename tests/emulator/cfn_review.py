"""Make moto's change sets belong to their stack, as CloudFormation's do.

moto 5.2.5 keeps one list of change sets for the whole region:
- ListChangeSets ignores StackName and answers every change set of every stack, deleted stacks
  included. The API reference (ListChangeSets, request parameter StackName): "The name or the
  Amazon Resource Name (ARN) of the CloudFormation stack for which you want to list change
  sets." Answer the change sets of that stack only.
- ExecuteChangeSet leaves the stack's other change sets executable. The API reference
  (ExecuteChangeSet): "When you execute a change set, CloudFormation deletes all other change
  sets associated with the stack because they aren't valid for the updated stack." Delete them.
"""

from moto.cloudformation.models import CloudFormationBackend
from moto.cloudformation.responses import CloudFormationResponse
from moto.core.responses import ActionResult

_execute_change_set = CloudFormationBackend.execute_change_set


def _live_stack_id(backend: CloudFormationBackend, name_or_id: str) -> str | None:
    for stack in backend.stacks.values():
        if name_or_id in (stack.name, stack.stack_id):
            return stack.stack_id
    return None


def _list_change_sets_of_the_stack(self: CloudFormationResponse) -> ActionResult:
    stack_id = _live_stack_id(self.cloudformation_backend, self._get_param("StackName"))
    summaries = [
        cs
        for cs in self.cloudformation_backend.change_sets.values()
        if stack_id is not None and cs.stack_id == stack_id
    ]
    return ActionResult({"Summaries": summaries})


def _execute_change_set_and_delete_the_others(
    self: CloudFormationBackend, change_set_name: str, stack_name: str | None = None
) -> None:
    _execute_change_set(self, change_set_name, stack_name)
    executed = self.describe_change_set(change_set_name)
    for key, cs in list(self.change_sets.items()):
        if cs.stack_id == executed.stack_id and cs is not executed:
            del self.change_sets[key]


CloudFormationResponse.list_change_sets = _list_change_sets_of_the_stack
CloudFormationBackend.execute_change_set = _execute_change_set_and_delete_the_others
