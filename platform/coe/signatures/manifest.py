"""What a signature binds, as pure functions (no I/O): easy to test, safe anywhere."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from coe.canonical import content_hash
from coe.models import Signature


class Meaning(StrEnum):
    """Part 11 §11.50(a)(3): the meaning associated with the signature."""

    AUTHORED = "authored"
    REVIEWED = "reviewed"
    APPROVED = "approved"
    RELEASED = "released"


def manifest(signature: Signature) -> dict[str, Any]:
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


def seal(signature: Signature) -> None:
    signature.manifest_sha256 = content_hash(manifest(signature))


def verifies(signature: Signature, content: Any) -> bool:
    """True while the signed content and the signature's own fields are unchanged."""
    return (
        content_hash(content) == signature.content_sha256
        and content_hash(manifest(signature)) == signature.manifest_sha256
    )


def manifestation(signature: Signature) -> str:
    """Part 11 §11.50: printed name, date and time, and meaning, wherever a signature shows."""
    when = signature.signed_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    return (
        f"{signature.printed_name} ({signature.signer_id}) — {signature.meaning} — {when}"
        f" — reason: {signature.reason}"
    )


def now() -> datetime:
    return datetime.now(UTC)
