"""The states of a tech transfer (a plain enum, no tables: the workflow and the table in
`coe.models.transfer` share it)."""

from __future__ import annotations

from enum import StrEnum


class TransferStatus(StrEnum):
    AWAITING_OVERLAY = "awaiting_overlay"  # the target completes its overlay
    AWAITING_APPROVAL = "awaiting_approval"  # QA of the source and of the target sign
    DEPLOYING = "deploying"
    QUALIFYING = "qualifying"  # the target's production is measured against the baseline
    AWAITING_DECISION = "awaiting_decision"  # the window ended unqualified: extend or fail
    QUALIFIED = "qualified"
    FAILED = "failed"
    CANCELLED = "cancelled"


ACTIVE_TRANSFER = (
    TransferStatus.AWAITING_OVERLAY,
    TransferStatus.AWAITING_APPROVAL,
    TransferStatus.DEPLOYING,
    TransferStatus.QUALIFYING,
    TransferStatus.AWAITING_DECISION,
)
