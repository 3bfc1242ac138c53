"""The one rule for a free-text reason (why someone signed, paused, skipped, cancelled …):
required or optional, at most MAX_REASON characters once stripped. Pure, so services (as a
BAD_USER_INPUT naming the argument) and workflow update validators (as a refusal) apply the
same rule; what passes always fits the audit trail's and the signatures' reason columns."""

from __future__ import annotations

from coe.errors import BadUserInputError

MAX_REASON = 2000  # the audit record's and the signature's reason column


def reason_problem(reason: str | None, *, required: bool = False) -> str | None:
    """What is wrong with `reason`, in words, or None when it passes."""
    text = (reason or "").strip()
    if required and not text:
        return f"required, at most {MAX_REASON} characters"
    if len(text) > MAX_REASON:
        return f"at most {MAX_REASON} characters (this one has {len(text)})"
    return None


def checked_reason(
    reason: str | None, *, required: bool = False, argument: str = "reason"
) -> str | None:
    """`reason` stripped (None when empty), or BadUserInputError naming `argument`."""
    problem = reason_problem(reason, required=required)
    if problem is not None:
        raise BadUserInputError(f"{argument}: {problem}", argument=argument)
    return (reason or "").strip() or None


def required_reason(reason: str | None, *, argument: str = "reason") -> str:
    """`reason` stripped; BadUserInputError naming `argument` when empty or too long."""
    text = checked_reason(reason, required=True, argument=argument)
    assert text is not None
    return text
