"""Typed results for expected failures: a mutation (or a validation) answers with a union of
its result and the problems it can meet, so a client renders them from the schema.

    mutation { startRollout(plan: $plan) {
      __typename
      ... on Rollout { id status }
      ... on Problem { code message }
      ... on ValidationFailed { violations { path reason severity } }
    } }

The services keep raising `CoeError`s; `ProblemAnswers`, attached to every root field whose
type is such a union, turns the business ones into their problem type. Authentication and
authorization failures (UNAUTHENTICATED, FORBIDDEN) and an unavailable dependency
(SERVICE_UNAVAILABLE) are not answers but refusals, and stay GraphQL errors with a code.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from enum import Enum
from typing import Any, TypeAlias

import strawberry
from strawberry.extensions import FieldExtension
from strawberry.scalars import JSON
from strawberry.types import Info
from strawberry.types.union import StrawberryUnion

from coe.documents import Severity, Violation
from coe.errors import (
    BadUserInputError,
    CoeError,
    ConflictError,
    NotFoundError,
    SignatureError,
    ValidationFailedError,
)

SeverityType = strawberry.enum(
    Severity,
    name="Severity",
    description="error: the document is refused; warning: accepted, but worth a look.",
)


@strawberry.type(
    name="Violation", description="One problem: where (JSON pointer), why, and how bad."
)
class ViolationType:
    path: str = strawberry.field(description="JSON pointer into the document.")
    reason: str = strawberry.field(description="What is wrong, in plain words.")
    severity: SeverityType = strawberry.field(  # type: ignore[valid-type]
        default=Severity.ERROR, description="error (refused) or warning."
    )

    @classmethod
    def of(cls, violation: Violation) -> ViolationType:
        return cls(path=violation.pointer, reason=violation.reason, severity=violation.severity)

    @classmethod
    def from_dict(cls, violation: Mapping[str, str]) -> ViolationType:
        """From the `{path, reason[, severity]}` form a `ValidationFailedError` carries."""
        return cls(
            path=violation["path"],
            reason=violation["reason"],
            severity=Severity(violation.get("severity", Severity.ERROR)),
        )


class ProblemCode(Enum):
    VALIDATION_FAILED = "VALIDATION_FAILED"
    NOT_FOUND = "NOT_FOUND"
    CONFLICT = "CONFLICT"
    BAD_USER_INPUT = "BAD_USER_INPUT"
    SIGNATURE_REJECTED = "SIGNATURE_REJECTED"
    SIGNING_LOCKED = "SIGNING_LOCKED"


ProblemCodeType = strawberry.enum(
    ProblemCode,
    name="ProblemCode",
    description="The stable code of a problem: branch on it, never on the message.",
)


@strawberry.interface(
    name="Problem",
    description="An expected business failure, answered as data; nothing was changed.",
)
class Problem:
    code: ProblemCodeType = strawberry.field(description="Stable code.")  # type: ignore[valid-type]
    message: str = strawberry.field(description="What went wrong and where, in plain words.")
    details: JSON | None = strawberry.field(
        default=None,
        description="Facts a client may show or act on (e.g. `status` of the object, "
        "`attempts` and `lockedUntil` of a signing lock); absent when there are none.",
    )


@strawberry.type(description="The input broke domain rules; `violations` says each, where and why.")
class ValidationFailed(Problem):
    violations: list[ViolationType] = strawberry.field(description="Every problem found.")


@strawberry.type(description="The object named does not exist, or not within the caller's sites.")
class NotFound(Problem):
    pass


@strawberry.type(
    description="The object is not in a state that allows this (e.g. already approved, or a "
    "rollout that has finished); `message` names its state."
)
class Conflict(Problem):
    pass


@strawberry.type(description="An argument is malformed or missing (e.g. a required reason).")
class BadInput(Problem):
    pass


@strawberry.type(
    description="An electronic signature was refused (SIGNATURE_REJECTED: wrong credentials, "
    "signer or stale re-authentication) or the signer's signing is locked (SIGNING_LOCKED)."
)
class SignatureRejected(Problem):
    pass


PROBLEMS: tuple[type[Problem], ...] = (
    ValidationFailed,
    NotFound,
    Conflict,
    BadInput,
    SignatureRejected,
)
_BY_ERROR: tuple[tuple[type[CoeError], type[Problem]], ...] = (
    (ValidationFailedError, ValidationFailed),
    (NotFoundError, NotFound),
    (ConflictError, Conflict),
    (BadUserInputError, BadInput),
    (SignatureError, SignatureRejected),
)


Problems: TypeAlias = ValidationFailed | NotFound | Conflict | BadInput | SignatureRejected
"""Every problem type: a result union is `Annotated[<Result> | Problems, strawberry.union(...)]`."""


def problem_of(error: CoeError) -> Problem | None:
    """The typed answer for a business failure; None for a refusal that stays an error."""
    for error_type, problem_type in _BY_ERROR:
        if isinstance(error, error_type):
            details = {k: v for k, v in error.details.items() if k != "violations"} or None
            common: dict[str, Any] = {
                "code": ProblemCode(error.code),
                "message": error.message,
                "details": details,
            }
            if isinstance(error, ValidationFailedError):
                violations = [ViolationType.from_dict(v) for v in error.violations]
                return ValidationFailed(**common, violations=violations)
            return problem_type(**common)
    return None


class ProblemAnswers(FieldExtension):
    """Turns a business `CoeError` raised by the resolver into its problem type."""

    def resolve(  # type: ignore[override]
        self, next_: Callable[..., Any], source: Any, info: Info, /, **kwargs: Any
    ) -> Any:
        try:
            return next_(source, info, **kwargs)
        except CoeError as error:
            return _answer(error)

    async def resolve_async(  # type: ignore[override]
        self, next_: Callable[..., Awaitable[Any]], source: Any, info: Info, /, **kwargs: Any
    ) -> Any:
        try:
            return await next_(source, info, **kwargs)
        except CoeError as error:
            return _answer(error)


def _answer(error: CoeError) -> Problem:
    problem = problem_of(error)
    if problem is None:
        raise error
    return problem


def answers_problems(field_type: Any) -> bool:
    """Whether a field's type is a result union (its members include every problem type)."""
    if not isinstance(field_type, StrawberryUnion):
        return False
    members = {getattr(member, "__name__", None) for member in field_type.types}
    return all(problem.__name__ in members for problem in PROBLEMS)


def attach_problem_answers(*types: type) -> list[str]:
    """Adds `ProblemAnswers` to every root field returning a result union; returns their names."""
    attached = []
    for root in types:
        definition = root.__strawberry_definition__  # type: ignore[attr-defined]
        for field in definition.fields:
            if answers_problems(field.type) and not any(
                isinstance(ext, ProblemAnswers) for ext in field.extensions
            ):
                field.extensions.append(ProblemAnswers())
                attached.append(f"{definition.name}.{field.name}")
    return attached
