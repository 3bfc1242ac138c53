"""What a signature binds, as pure functions (no I/O): easy to test, safe anywhere."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Protocol

from coe.canonical import content_hash


class Meaning(StrEnum):
    """Part 11 §11.50(a)(3): the meaning associated with the signature."""

    AUTHORED = "authored"
    REVIEWED = "reviewed"
    APPROVED = "approved"
    RELEASED = "released"
    TESTED = "tested"  # a tester's result of a validation test case (CSA)


class SignatureFields(Protocol):
    """The fields a signature binds (the `coe.models.Signature` table has them; so may any
    plain value): pure code here needs no table."""

    signer_id: str
    printed_name: str
    signed_at: datetime
    meaning: str
    reason: str
    entity_type: str
    entity_id: str
    content_sha256: str
    manifest_sha256: str


def manifest(signature: SignatureFields) -> dict[str, Any]:
    """The signed fields, in the form whose hash the signature keeps (a fixed contract)."""
    return {
        "signerId": signature.signer_id,
        "printedName": signature.printed_name,
        "signedAt": signature.signed_at.astimezone(UTC).isoformat(),
        "meaning": signature.meaning,
        "reason": signature.reason,
        "entityType": signature.entity_type,
        "entityId": signature.entity_id,
        "contentSha256": signature.content_sha256,
    }


def seal(signature: SignatureFields) -> None:
    """Record the hash of the manifest, so a later change to any signed field shows."""
    signature.manifest_sha256 = content_hash(manifest(signature))


def verifies(signature: SignatureFields, content: Any) -> bool:
    """True while the signed content and the signature's own fields are unchanged."""
    return (
        content_hash(content) == signature.content_sha256
        and content_hash(manifest(signature)) == signature.manifest_sha256
    )


def manifestation(signature: SignatureFields) -> str:
    """Part 11 §11.50: printed name, date and time, and meaning, wherever a signature shows."""
    when = signature.signed_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    return (
        f"{signature.printed_name} ({signature.signer_id}) — {signature.meaning} — {when}"
        f" — reason: {signature.reason}"
    )


def now() -> datetime:
    return datetime.now(UTC)
