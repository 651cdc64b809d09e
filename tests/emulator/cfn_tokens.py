"""Make moto honour CloudFormation's idempotency tokens, as the API reference describes them.

moto 5.2.5 ignores ClientToken and ClientRequestToken: a CreateChangeSet retried
after its answer was lost makes a second stack and change set, and a retried
ExecuteChangeSet applies the change set again. CloudFormation instead
recognises a retry by its token:

- CreateChangeSet, ClientToken: "A unique identifier for this CreateChangeSet
  request. Specify this token if you plan to retry requests so that
  CloudFormation knows that you're not attempting to create another change set
  with the same name."
  (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateChangeSet.html)
  A retry with a token already used answers as the first call did (Id and
  StackId of the change set it made) and makes nothing. Without a matching
  token, a change set name already used on the stack is AlreadyExistsException,
  as in CloudFormation (moto accepts duplicates).
- ExecuteChangeSet, ClientRequestToken: "... so that CloudFormation knows that
  you're not attempting to execute a change set to update a stack with the same
  name." (API_ExecuteChangeSet.html). A retry with the token of an execution
  already made succeeds without executing again. Executing a change set that is
  no longer AVAILABLE fails with InvalidChangeSetStatus, as in CloudFormation
  (moto applies it again). After an execution CloudFormation deletes the
  stack's other change sets ("CloudFormation deletes all other change sets
  associated with the stack"); so does this.
- DeleteStack, ClientRequestToken: "... so that CloudFormation knows that
  you're not attempting to delete a stack with the same name."
  (API_DeleteStack.html). A retry with a token already used succeeds without
  acting again.
"""

from typing import Any

from moto.cloudformation.exceptions import AlreadyExistsException, CloudFormationError
from moto.cloudformation.responses import CloudFormationResponse
from moto.core.responses import ActionResult, EmptyResult


class InvalidChangeSetStatus(CloudFormationError):
    code = "InvalidChangeSetStatus"


def _tokens(response: CloudFormationResponse) -> dict[tuple[str, str], Any]:
    """Tokens already used, per backend (account and region): (operation, token) -> result."""
    backend = response.cloudformation_backend
    if not hasattr(backend, "_idempotency_tokens"):
        backend._idempotency_tokens = {}
    return backend._idempotency_tokens


_create_change_set = CloudFormationResponse.create_change_set
_execute_change_set = CloudFormationResponse.execute_change_set
_delete_stack = CloudFormationResponse.delete_stack


def create_change_set(self: CloudFormationResponse) -> ActionResult:
    tokens = _tokens(self)
    token = self._get_param("ClientToken")
    stack_name = self._get_param("StackName")
    name = self._get_param("ChangeSetName")
    backend = self.cloudformation_backend
    if token and ("CreateChangeSet", token) in tokens:
        change_set_id, stack_id = tokens[("CreateChangeSet", token)]
        if change_set_id in backend.change_sets:
            return ActionResult({"Id": change_set_id, "StackId": stack_id})
    for change_set in backend.change_sets.values():
        if change_set.change_set_name == name and stack_name in (
            change_set.stack_name,
            change_set.stack_id,
        ):
            raise AlreadyExistsException(f"ChangeSet {name} already exists")
    result = _create_change_set(self)
    if token:
        answer = result.result
        tokens[("CreateChangeSet", token)] = (answer["Id"], answer["StackId"])
    return result


def execute_change_set(self: CloudFormationResponse) -> ActionResult:
    tokens = _tokens(self)
    token = self._get_param("ClientRequestToken")
    backend = self.cloudformation_backend
    change_set = backend.describe_change_set(self._get_param("ChangeSetName"))
    if token and tokens.get(("ExecuteChangeSet", token)) == change_set.change_set_id:
        return EmptyResult()
    if change_set.execution_status != "AVAILABLE":
        raise InvalidChangeSetStatus(
            f"ChangeSet [{change_set.change_set_id}] cannot be executed in its current "
            f"execution status of [{change_set.execution_status}]"
        )
    result = _execute_change_set(self)
    if token:
        tokens[("ExecuteChangeSet", token)] = change_set.change_set_id
    for other in [
        cs_id
        for cs_id, cs in backend.change_sets.items()
        if cs.stack_id == change_set.stack_id and cs_id != change_set.change_set_id
    ]:
        del backend.change_sets[other]
    return result


def delete_stack(self: CloudFormationResponse) -> ActionResult:
    tokens = _tokens(self)
    token = self._get_param("ClientRequestToken")
    if token and ("DeleteStack", token) in tokens:
        return EmptyResult()
    result = _delete_stack(self)
    if token:
        tokens[("DeleteStack", token)] = self._get_param("StackName")
    return result


CloudFormationResponse.create_change_set = create_change_set
CloudFormationResponse.execute_change_set = execute_change_set
CloudFormationResponse.delete_stack = delete_stack
