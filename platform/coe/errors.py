"""One error base class; every expected failure carries a stable code.

GraphQL turns a `CoeError` into an error whose `extensions.code` is `code` (graphql-core copies
an exception's `extensions` dict), so clients branch on the code, never on the message.
"""

from __future__ import annotations

from typing import Any


class CoeError(Exception):
    """An expected business failure: reported to the caller, never masked."""

    code = "BAD_REQUEST"

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    @property
    def extensions(self) -> dict[str, Any]:
        return {"code": self.code, **self.details}


class UnauthenticatedError(CoeError):
    code = "UNAUTHENTICATED"


class ForbiddenError(CoeError):
    code = "FORBIDDEN"


class NotFoundError(CoeError):
    code = "NOT_FOUND"


class ConflictError(CoeError):
    code = "CONFLICT"


class BadUserInputError(CoeError):
    code = "BAD_USER_INPUT"


class ValidationFailedError(CoeError):
    """Input broke domain rules; `violations` lists each with a JSON pointer and a reason."""

    code = "VALIDATION_FAILED"

    def __init__(self, message: str, violations: list[dict[str, str]]) -> None:
        super().__init__(message, violations=violations)
        self.violations = violations


class SignatureError(CoeError):
    """An electronic signature was refused (bad credentials, wrong signer, stale re-auth)."""

    code = "SIGNATURE_REJECTED"


class SigningLockedError(SignatureError):
    """Too many failed signing attempts for a user id: its signing is locked for a while."""

    code = "SIGNING_LOCKED"


class ServiceUnavailableError(CoeError):
    code = "SERVICE_UNAVAILABLE"
