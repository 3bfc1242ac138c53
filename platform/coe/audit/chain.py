"""The hash chain of the audit trail, as pure functions.

Each record's hash is HMAC-SHA256(audit key, previous hash ‖ canonical JSON of its content).
Keying the chain means that someone who can write to the database but does not hold the key
cannot forge a record whose hash verifies, not even at the end of the chain.

The storage order (`seq`) is deliberately not part of the content: order is carried by the
links, so a reordering shows as broken links rather than as edited content.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from hashlib import sha256
from typing import Any

from coe.canonical import canonical_json

GENESIS = "0" * 64

CONTENT_FIELDS = (
    "occurred_at",
    "actor",
    "action",
    "entity_type",
    "entity_id",
    "site",
    "before",
    "after",
    "reason",
    "request_id",
    "signature_id",
)


@dataclass(frozen=True)
class ChainEntry:
    """One stored record as the verifier sees it."""

    seq: int
    prev_hash: str
    hash: str
    content: Mapping[str, Any]


def record_content(values: Mapping[str, Any]) -> dict[str, Any]:
    """The hashed part of a record, normalised so the stored and the recomputed form agree."""
    content = {name: values.get(name) for name in CONTENT_FIELDS}
    occurred_at = content["occurred_at"]
    if isinstance(occurred_at, datetime):
        content["occurred_at"] = occurred_at.astimezone(UTC).isoformat()
    if content["signature_id"] is not None:
        content["signature_id"] = str(content["signature_id"])
    return content


def link_hash(key: bytes, prev_hash: str, content: Mapping[str, Any]) -> str:
    message = prev_hash.encode("ascii") + b"\n" + canonical_json(record_content(content))
    return hmac.new(key, message, sha256).hexdigest()


class Tampering(StrEnum):
    EDITED = "edited"
    DELETED = "deleted"
    INSERTED = "inserted"
    REORDERED = "reordered"


@dataclass(frozen=True)
class Finding:
    kind: Tampering
    seq: int
    detail: str

    def __str__(self) -> str:
        return f"seq {self.seq}: {self.kind.value}: {self.detail}"


@dataclass
class ChainReport:
    records: int
    head_seq: int | None
    head_hash: str | None
    findings: list[Finding] = field(default_factory=list)
    anchored_seq: int | None = None  # the newest anchor (kept outside the database) checked

    @property
    def intact(self) -> bool:
        return not self.findings


def verify_chain(key: bytes, entries: Sequence[ChainEntry]) -> ChainReport:
    """Check every record's hash and every link; name each tampered record and how."""
    link_findings = _link_findings(entries)
    inserted = {f.seq for f in link_findings if f.kind is Tampering.INSERTED}
    findings = [
        Finding(Tampering.EDITED, entry.seq, "its hash does not verify: content changed or forged")
        for entry in entries
        if entry.seq not in inserted
        and not hmac.compare_digest(link_hash(key, entry.prev_hash, entry.content), entry.hash)
    ]
    findings.extend(link_findings)
    findings.sort(key=lambda finding: (finding.seq, finding.kind.value))
    head = entries[-1] if entries else None
    return ChainReport(
        records=len(entries),
        head_seq=head.seq if head else None,
        head_hash=head.hash if head else None,
        findings=findings,
    )


def _link_findings(entries: Sequence[ChainEntry]) -> list[Finding]:
    position = {entry.hash: index for index, entry in enumerate(entries)}
    findings: list[Finding] = []
    explained: set[int] = set()
    for index, entry in enumerate(entries):
        previous = entries[index - 1] if index else None
        expected = previous.hash if previous else GENESIS
        if entry.prev_hash == expected or index in explained:
            continue
        target = position.get(entry.prev_hash)
        if target is not None and target > index:
            explained.update({index, target})
            findings.append(
                Finding(
                    Tampering.REORDERED,
                    entry.seq,
                    f"it links to seq {entries[target].seq}, which is stored after it",
                )
            )
        elif target is not None and target < index - 1:
            skipped = [n for n in range(target + 1, index) if n not in explained]
            findings.extend(
                Finding(
                    Tampering.INSERTED,
                    entries[n].seq,
                    f"not part of the chain: seq {entry.seq} links past it "
                    f"to seq {entries[target].seq}",
                )
                for n in skipped
            )
        else:
            findings.append(_missing_or_rewritten(entry, previous))
    return findings


def _missing_or_rewritten(entry: ChainEntry, previous: ChainEntry | None) -> Finding:
    first_missing = previous.seq + 1 if previous else 1
    if entry.seq > first_missing:
        span = (
            f"seq {first_missing}"
            if entry.seq - 1 == first_missing
            else f"seq {first_missing}-{entry.seq - 1}"
        )
        return Finding(Tampering.DELETED, first_missing, f"{span} missing before seq {entry.seq}")
    if previous is None:
        return Finding(Tampering.EDITED, entry.seq, "the first record does not start the chain")
    return Finding(
        Tampering.EDITED,
        previous.seq,
        f"it was replaced or rewritten: seq {entry.seq} links to a record that is gone",
    )
