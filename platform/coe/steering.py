"""Starting and steering workflows from the API: the Temporal client or a clear 503, and
updates whose refusals (validators) become CONFLICT errors that say why."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from coe.errors import ConflictError, ServiceUnavailableError

if TYPE_CHECKING:
    from temporalio.client import Client


def client(temporal: Client | None, what: str = "rollouts and transfers") -> Client:
    if temporal is None:
        raise ServiceUnavailableError(
            f"Temporal is not reachable: {what} cannot be started or steered right now"
        )
    return temporal


async def update(
    temporal: Client | None,
    workflow_id: str,
    name: str,
    argument: Any,
    result_type: type | None = None,
    **about: str,
) -> Any:
    """Run the update `name` (its answer decoded as `result_type`); `about` (e.g.
    rollout=ID) goes into the error's details."""
    from temporalio.client import RPCError, WorkflowUpdateFailedError

    handle = client(temporal).get_workflow_handle(workflow_id)
    subject = " ".join(f"{kind} {value}" for kind, value in about.items())
    try:
        return await handle.execute_update(name, argument, result_type=result_type)
    except WorkflowUpdateFailedError as error:
        cause = error.cause.message if hasattr(error.cause, "message") else str(error.cause)
        raise ConflictError(f"refused: {cause}", **about) from None
    except RPCError as error:
        raise ConflictError(f"{subject} cannot take {name} now: {error.message}", **about) from None


async def query(
    temporal: Client | None, workflow_id: str, name: str, result_type: type, **about: str
) -> Any:
    """Ask a running workflow a query (its current state, not the database's mirror)."""
    from temporalio.client import RPCError, WorkflowQueryFailedError

    try:
        return (
            await client(temporal)
            .get_workflow_handle(workflow_id)
            .query(name, result_type=result_type)
        )
    except (RPCError, WorkflowQueryFailedError) as error:
        subject = " ".join(f"{kind} {value}" for kind, value in about.items())
        raise ConflictError(f"{subject} cannot be asked now: {error}", **about) from None
