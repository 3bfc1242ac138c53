"""What the workflows share besides their records (see `coe_workflows.records`): how a failure
is told, and how a rule's refusal (`coe.refusals`) answers an update. Imported by the workflow
modules inside `workflow.unsafe.imports_passed_through()`; deterministic, no I/O."""

from __future__ import annotations

from temporalio.exceptions import ActivityError, ApplicationError, ChildWorkflowError

from coe.refusals import Refusal


def cause(error: BaseException) -> str:
    """The innermost message: what actually went wrong at the plant."""
    while isinstance(error, ActivityError | ChildWorkflowError) and error.cause is not None:
        error = error.cause
    return str(error)


def refuse(refusal: Refusal | None) -> None:
    """An update validator's answer: a rule's refusal becomes the `ApplicationError` of its
    type (the API answers FORBIDDEN and BAD_USER_INPUT by it); None lets the update in."""
    if refusal is not None:
        raise ApplicationError(refusal.message, type=refusal.code)
