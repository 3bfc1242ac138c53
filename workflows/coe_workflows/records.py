"""Records a workflow writes to PostgreSQL (mirror, audit, e-signatures), one at a time, in
order, by activities — shared by TemplateRollout and ProcessTransfer.

Update handlers change the workflow's state synchronously (before their first `await`, so a
second update's validator already sees it) and only *queue* what is to be recorded; one
writer, started by the workflow's run, writes the queue in order (a handler may then wait,
`caught_up`, to answer its caller once the database shows the step). The run ends (or
continues as new) only when every handler has finished and the queue is empty, so no accepted
step ends the workflow unrecorded.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any, TypeVar

from temporalio import workflow
from temporalio.exceptions import ApplicationError
from temporalio.types import MethodAsyncSingleParam

from coe_workflows.policies import RECORD_RETRY, RECORD_TIMEOUT

T = TypeVar("T")
A = TypeVar("A")
# A record activity by reference (a method of an activities class taking its record), so mypy
# checks that the record queued is the one the activity takes.
RecordActivity = MethodAsyncSingleParam[Any, A, None]


async def record(activity: RecordActivity[A], argument: A) -> None:
    """Write one record now: run its activity with the records' timeout and retry policy."""
    await workflow.execute_activity_method(
        activity, argument, start_to_close_timeout=RECORD_TIMEOUT, retry_policy=RECORD_RETRY
    )


class Records:
    """The queue of a workflow's records and the loop that writes them."""

    def __init__(self) -> None:
        self._queue: list[tuple[RecordActivity[Any], Any]] = []
        self._writing = False
        self._failure: BaseException | None = None
        self._added = 0
        self._written = 0

    def add(self, activity: RecordActivity[A], argument: A) -> None:
        """Queue a record (from an update handler or the run); written in queue order."""
        self._queue.append((activity, argument))
        self._added += 1

    async def caught_up(self) -> None:
        """Wait until what was queued so far is written: an update handler, having changed
        the state, answers its caller once the database shows the step (read-your-writes)."""
        target = self._added
        await workflow.wait_condition(lambda: self._written >= target or self._failure is not None)
        if self._failure is not None:
            raise ApplicationError(f"the step is accepted but not recorded: {self._failure}")

    def settled(self) -> bool:
        """Every handler has finished and every record queued so far is written."""
        return workflow.all_handlers_finished() and not self._queue and not self._writing

    async def drained(self) -> None:
        """Wait until `settled` (e.g. before acting on an approval, or before ending). A
        record that could not be written fails the workflow here, rather than be lost."""
        await workflow.wait_condition(lambda: self.settled() or self._failure is not None)
        if self._failure is not None:
            raise self._failure

    async def during(self, body: Awaitable[T]) -> T:
        """Run the workflow's `body` while the queue is written; whatever way the body ends
        (a result, continue-as-new, a failure), every accepted step is recorded first."""
        writer = asyncio.ensure_future(self._write())
        try:
            return await body
        finally:
            await self.drained()
            writer.cancel()

    async def _write(self) -> None:
        while True:
            await workflow.wait_condition(lambda: bool(self._queue))
            self._writing = True
            try:
                activity, argument = self._queue[0]
                await record(activity, argument)
                self._queue.pop(0)
                self._written += 1
            except Exception as error:  # retries exhausted or a non-retryable data error
                self._failure = error
                return
            finally:
                self._writing = False
