"""A refusal of a person's step by a rule: what to tell them, and its code. The pure rules of
the workflows' update validators (`coe.rollouts.rules`, `coe.transfers.rules`) return one, or
None when the step passes; the workflow answers it as an `ApplicationError` of that type, so
the API reports FORBIDDEN and BAD_USER_INPUT as it does for its own checks."""

from __future__ import annotations

from dataclasses import dataclass

from coe.errors import BadUserInputError, ForbiddenError
from coe.reasons import reason_problem

FORBIDDEN = ForbiddenError.code
BAD_USER_INPUT = BadUserInputError.code


@dataclass(frozen=True)
class Refusal:
    message: str
    code: str | None = None  # None: a plain refusal (the step does not fit the state)


def forbidden(message: str) -> Refusal:
    return Refusal(message, FORBIDDEN)


def reason_refusal(reason: str | None, *, required: bool = False) -> Refusal | None:
    """The API's one reason rule (`coe.reasons`), as a refusal."""
    problem = reason_problem(reason, required=required)
    return Refusal(f"reason: {problem}", BAD_USER_INPUT) if problem is not None else None


def holds_any(roles: list[str], wanted: tuple[str, ...]) -> bool:
    """Whether `roles` (as a token names them) include one of `wanted`."""
    return any(role in roles for role in wanted)
