"""What the workflows share besides their records (see `coe_workflows.records`): how a failure
is told, the reason rule, and the error type of an authorization refusal. Imported by the
workflow modules inside `workflow.unsafe.imports_passed_through()`; deterministic, no I/O."""

from __future__ import annotations

from temporalio.exceptions import ActivityError, ApplicationError, ChildWorkflowError

from coe.errors import BadUserInputError, ForbiddenError
from coe.reasons import reason_problem

# The ApplicationError type of an authorization refusal: the API answers it as FORBIDDEN.
FORBIDDEN = ForbiddenError.code


def cause(error: BaseException) -> str:
    """The innermost message: what actually went wrong at the plant."""
    while isinstance(error, ActivityError | ChildWorkflowError) and error.cause is not None:
        error = error.cause
    return str(error)


def require_reason(reason: str | None, *, required: bool = False) -> None:
    """The API's one reason rule, held here too: nothing the audit trail cannot keep."""
    problem = reason_problem(reason, required=required)
    if problem is not None:
        raise ApplicationError(f"reason: {problem}", type=BadUserInputError.code)
