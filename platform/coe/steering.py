"""Starting and steering workflows from the API: the Temporal client or a clear 503, and
updates whose refusals (validators) become CONFLICT errors that say why.

The one rule between PostgreSQL and Temporal: **Temporal is never started or steered from
inside an open database transaction.** A mutation's transaction commits first; then the
workflow is started or steered by its deterministic id, idempotently:

- a start uses `start` (id reuse rejected, an id already running is used as it is), so the
  same start retried after a failure does not start a second workflow, and the workflow's
  first activity finds its committed row (and tolerates, retrying a little, one not visible);
- an update carries an update id derived from the request (`update_id`), so the same request
  retried is answered by the first outcome instead of being applied twice;
- what a step *records* (an approval's e-signature, the audit of a person's step, the
  database mirror) is written by the workflow's own activities, queued by the update handler
  once it has changed the workflow's state (see `coe_workflows.records`): nothing the API
  writes can roll back after the workflow has acted on it.

Services therefore never receive the Temporal client for writes: they return a `Send` (what
to tell Temporal), and the resolver awaits it after its unit of work has committed. If that
call then fails, the caller gets SERVICE_UNAVAILABLE saying what is recorded and that
retrying the same request completes it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

from coe.errors import (
    BadUserInputError,
    CoeError,
    ConflictError,
    ForbiddenError,
    NotFoundError,
    ServiceUnavailableError,
)
from coe.rollouts import contract as rollout_contract
from coe.transfers import contract as transfer_contract

if TYPE_CHECKING:
    from temporalio.client import Client, RPCError, WorkflowHandle

T = TypeVar("T")
# What a service asks of Temporal, made by the resolver once the transaction has committed.
Send = Callable[["Client | None"], Awaitable[T]]
# Temporal answers these when it is down or overloaded: worth retrying, not a refusal.
UNREACHABLE = ("UNAVAILABLE", "DEADLINE_EXCEEDED", "RESOURCE_EXHAUSTED", "CANCELLED")

# A validator's ApplicationError `type` names the code its refusal keeps at the API (an
# authorization refusal is FORBIDDEN, as everywhere else); any other refusal is CONFLICT.
REFUSALS: dict[str, type[CoeError]] = {
    kind.code: kind for kind in (ForbiddenError, BadUserInputError, NotFoundError)
}
# What each update does, in the words of "nothing to …" when its workflow has ended.
DOING = {
    rollout_contract.APPROVE: "approve",
    rollout_contract.PAUSE: "pause",
    rollout_contract.RESUME: "resume",
    rollout_contract.ABORT: "abort",
    rollout_contract.RETRY: "retry",
    rollout_contract.SKIP_SITE: "skip",
    transfer_contract.OVERLAY_COMPLETED: "complete",
    transfer_contract.APPROVE_TRANSFER: "approve",
    transfer_contract.EXTEND: "extend",
    transfer_contract.FAIL: "fail",
    transfer_contract.CANCEL: "cancel",
}
# How a workflow that did not return its final state ended, in Temporal.
ENDED = {
    "FAILED": "failed",
    "CANCELED": "was cancelled",
    "TERMINATED": "was terminated",
    "TIMED_OUT": "timed out",
}


def client(temporal: Client | None, what: str = "rollouts and transfers") -> Client:
    if temporal is None:
        raise ServiceUnavailableError(
            f"Temporal is not reachable: {what} cannot be started or steered right now"
        )
    return temporal


def update_id(name: str, request_id: str | None, *keys: str) -> str | None:
    """The update's id for this request (and e.g. the wave it approves): the same request
    sent again (same X-Request-ID) is answered by the first outcome, not applied twice."""
    return ":".join((name, *keys, request_id)) if request_id else None


def _unreachable(error: Exception, doing: str, retry: str, **about: str) -> ServiceUnavailableError:
    return ServiceUnavailableError(
        f"Temporal did not answer while {doing} ({error}); {retry}", **about
    )


def starter(
    workflow: str,
    argument: Any,
    *,
    workflow_id: str,
    task_queue: str,
    recorded: str,
    **about: str,
) -> Send[None]:
    """What starts `workflow` once the caller's transaction has committed (see `start`)."""

    async def send(temporal: Client | None) -> None:
        await start(
            temporal,
            workflow,
            argument,
            workflow_id=workflow_id,
            task_queue=task_queue,
            recorded=recorded,
            **about,
        )

    return send


async def start(
    temporal: Client | None,
    workflow: str,
    argument: Any,
    *,
    workflow_id: str,
    task_queue: str,
    recorded: str,
    **about: str,
) -> None:
    """Start `workflow` as `workflow_id`, once: called again for the same id (a retried
    request), it leaves the running workflow as it is. `recorded` says what is already
    committed, for the SERVICE_UNAVAILABLE a failed call raises."""
    from temporalio.client import RPCError
    from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
    from temporalio.exceptions import WorkflowAlreadyStartedError

    retry = f"{recorded}; send the same request again to start it"
    if temporal is None:
        raise ServiceUnavailableError(f"Temporal is not reachable; {retry}", **about)
    try:
        await temporal.start_workflow(
            workflow,
            argument,
            id=workflow_id,
            task_queue=task_queue,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        )
    except WorkflowAlreadyStartedError:
        return  # it ran already (and ended): this start happened before
    except RPCError as error:
        raise _unreachable(error, f"starting {workflow_id}", retry, **about) from None


async def update(
    temporal: Client | None,
    workflow_id: str,
    name: str,
    argument: Any,
    result_type: type | None = None,
    *,
    id: str | None = None,
    **about: str,
) -> Any:
    """Run the update `name` (its answer decoded as `result_type`), as update `id` (see
    `update_id`); `about` (e.g. rollout=ID) goes into the error's details."""
    from temporalio.client import RPCError, WorkflowUpdateFailedError

    handle = client(temporal).get_workflow_handle(workflow_id)
    subject = " ".join(f"{kind} {value}" for kind, value in about.items())
    try:
        return await handle.execute_update(name, argument, id=id, result_type=result_type)
    except WorkflowUpdateFailedError as error:
        cause = error.cause.message if hasattr(error.cause, "message") else str(error.cause)
        refusal = REFUSALS.get(getattr(error.cause, "type", None) or "", ConflictError)
        raise refusal(f"refused: {cause}", **about) from None
    except RPCError as error:
        if error.status.name in UNREACHABLE:
            retry = f"{subject} may not have taken {name}; send the same request again"
            raise _unreachable(error, f"steering {subject}", retry, **about) from None
        doing = f"nothing to {DOING.get(name, name)}"
        raise await _not_steerable(handle, error, subject, doing, **about) from None


async def query(
    temporal: Client | None, workflow_id: str, name: str, result_type: type, **about: str
) -> Any:
    """Ask a running workflow a query (its current state, not the database's mirror)."""
    from temporalio.client import RPCError, WorkflowQueryFailedError

    handle = client(temporal).get_workflow_handle(workflow_id)
    subject = " ".join(f"{kind} {value}" for kind, value in about.items())
    try:
        return await handle.query(name, result_type=result_type)
    except RPCError as error:
        if error.status.name in UNREACHABLE:
            raise _unreachable(error, f"asking {subject}", "ask again", **about) from None
        doing = "it cannot be asked where it stands"
        raise await _not_steerable(handle, error, subject, doing, **about) from None
    except WorkflowQueryFailedError as error:
        raise ConflictError(f"{subject} cannot be asked now: {error}", **about) from None


async def _not_steerable(
    handle: WorkflowHandle[Any, Any], error: RPCError, subject: str, doing: str, **about: str
) -> CoeError:
    """Temporal's refusal (`workflow execution already completed`, `workflow not found`) in
    the product's words: the rollout or transfer, how it ended, and that `doing` is moot."""
    from temporalio.client import RPCError, WorkflowExecutionStatus

    try:
        described = await handle.describe()
    except RPCError as missing:
        if missing.status.name != "NOT_FOUND":
            return ConflictError(f"{subject} cannot be steered now: {error.message}", **about)
        return ConflictError(
            f"{subject} has no workflow in Temporal (its history is gone, or it never "
            f"started); {doing}",
            **about,
        )
    status = described.status
    if status is None or status == WorkflowExecutionStatus.RUNNING:
        return ConflictError(f"{subject} cannot be steered now: {error.message}", **about)
    if status != WorkflowExecutionStatus.COMPLETED:
        how = ENDED.get(status.name, status.name.lower())
        return ConflictError(
            f"{subject} has ended: its workflow {how} in Temporal; {doing}",
            state=status.name.lower(),
            **about,
        )
    state = await _final_state(handle)
    return ConflictError(f"{subject} has finished ({state}); {doing}", state=state, **about)


async def _final_state(handle: WorkflowHandle[Any, Any]) -> str:
    """A finished rollout's or transfer's last status: what its workflow returned."""
    from temporalio.client import RPCError

    try:
        return str(await handle.result())
    except RPCError:
        return "completed"
