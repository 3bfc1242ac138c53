"""Database errors an activity must not retry. Data the database refuses (a value too long,
of the wrong kind, or breaking a constraint) is refused the same way on every attempt, so
retrying it only wedges the workflow that waits for it. The worker's interceptor turns such
errors, in every activity, into a non-retryable ApplicationError that says what was refused.
A workflow's row not (yet) in the database is retried a few times, then final (`not_visible`).
A service's business refusal (`CoeError`) is final too (`business_errors_are_final`)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg import errors as pg_errors
from sqlalchemy import exc as sa_exc
from temporalio import activity
from temporalio.exceptions import ApplicationError
from temporalio.worker import (
    ActivityInboundInterceptor,
    ExecuteActivityInput,
    Interceptor,
)

from coe.errors import CoeError

DATA_REFUSED = "DataRefused"
_DATA_ERRORS = (sa_exc.DataError, sa_exc.IntegrityError, psycopg.DataError, psycopg.IntegrityError)


def _driver_error(error: BaseException) -> BaseException:
    """psycopg's own error under SQLAlchemy's wrapper (its message has no SQL or values)."""
    original = getattr(error, "orig", None)
    return original if isinstance(original, BaseException) else error


def refused_data(error: BaseException, what: str) -> ApplicationError | None:
    """The non-retryable failure for a data error in `what`, or None if `error` is not one.
    A unique violation stays retryable: it is what a concurrent duplicate write looks like,
    and the idempotent activity finds the row on its next attempt."""
    if not isinstance(error, _DATA_ERRORS):
        return None
    cause = _driver_error(error)
    if isinstance(cause, pg_errors.UniqueViolation):
        return None
    first_line = (str(cause).strip().splitlines() or [type(cause).__name__])[0]
    return ApplicationError(
        f"{what}: the database refused the data ({first_line})",
        type=DATA_REFUSED,
        non_retryable=True,
    )


# The API commits a row before it starts the row's workflow, so the first activity finds it;
# should it not be visible yet (a lagging replica, a slow commit), it is retried a few times.
NOT_VISIBLE_ATTEMPTS = 8


def not_visible(what: str) -> ApplicationError:
    """The error for a workflow's row missing from the database: retried (with the workflow's
    backoff) for the first NOT_VISIBLE_ATTEMPTS attempts, then final."""
    attempt = activity.info().attempt
    return ApplicationError(
        f"{what} is not in the database (attempt {attempt})",
        type="RowNotVisible",
        non_retryable=attempt >= NOT_VISIBLE_ATTEMPTS,
    )


@contextmanager
def data_errors_are_final(what: str) -> Iterator[None]:
    """Inside: a data error leaves as a non-retryable ApplicationError naming `what`."""
    try:
        yield
    except _DATA_ERRORS as error:
        failure = refused_data(error, what)
        if failure is None:
            raise
        raise failure from error


@contextmanager
def business_errors_are_final() -> Iterator[None]:
    """Inside: a service's refusal (`CoeError`, e.g. a reason too long for a signature)
    leaves as a non-retryable ApplicationError of its code: every attempt would be refused."""
    try:
        yield
    except CoeError as error:
        raise ApplicationError(error.message, type=error.code, non_retryable=True) from error


class _FinalDataErrors(ActivityInboundInterceptor):
    async def execute_activity(self, input: ExecuteActivityInput) -> Any:
        with data_errors_are_final(activity.info().activity_type):
            return await self.next.execute_activity(input)


class DataErrorsAreFinal(Interceptor):
    """Worker interceptor: every activity's data errors are non-retryable."""

    def intercept_activity(self, next: ActivityInboundInterceptor) -> ActivityInboundInterceptor:
        return _FinalDataErrors(super().intercept_activity(next))
