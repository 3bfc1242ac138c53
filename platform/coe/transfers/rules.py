"""Who may steer a transfer, and when: the rules of ProcessTransfer's update validators, pure
(plain facts in, a `Refusal` or None out), so they are unit-tested without Temporal and the
API's role checks (`coe.transfers.service`) use the same role names."""

from __future__ import annotations

from collections.abc import Mapping

from coe.auth.principal import Role
from coe.refusals import Refusal, forbidden, holds_any, reason_refusal
from coe.transfers.contract import TransferStep
from coe.transfers.states import TransferStatus

DRIVERS = (Role.NPI_ENGINEER,)
OVERLAY_EDITORS = (Role.SITE_ADMIN, Role.COE_ARCHITECT)
APPROVERS = (Role.QA_APPROVER,)
SIDES = ("source", "target")
FINISHED = (TransferStatus.QUALIFIED, TransferStatus.FAILED, TransferStatus.CANCELLED)


def status_refusal(status: TransferStatus, wanted: TransferStatus, what: str) -> Refusal | None:
    """Only when the transfer is `wanted` can it `what` (be approved, be extended …)."""
    if status is not wanted:
        return Refusal(f"the transfer is {status.value}; only when {wanted.value} can it {what}")
    return None


def driver_refusal(step: TransferStep, *, reason_required: bool) -> Refusal | None:
    """Only a driver decides, with a reason the audit trail can keep."""
    if not holds_any(step.roles, DRIVERS):
        return forbidden("only an NPI engineer drives a transfer")
    return reason_refusal(step.reason, required=reason_required)


def overlay_refusal(step: TransferStep, status: TransferStatus) -> Refusal | None:
    """The target's completed overlay, while the transfer waits for it, from its site admin."""
    refusal = status_refusal(status, TransferStatus.AWAITING_OVERLAY, "take the target's overlay")
    if refusal is None and not holds_any(step.roles, OVERLAY_EDITORS):
        return forbidden("only the target's site admin completes its overlay")
    return refusal


def approval_refusal(
    step: TransferStep,
    status: TransferStatus,
    *,
    sites: Mapping[str, str],
    started_by: str,
    signers: Mapping[str, str],
) -> Refusal | None:
    """An e-signed approval of one side (`sites`: side → site; `signers`: side → who signed
    it already): by a QA approver of that site, not the starter, not the other side's signer."""
    refusal = status_refusal(status, TransferStatus.AWAITING_APPROVAL, "be approved")
    refusal = refusal or reason_refusal(step.reason, required=True)
    if refusal is not None:
        return refusal
    if not step.signed_at or not step.content_sha256:
        return Refusal("an approval needs its signer's re-authentication and content")
    if step.side not in SIDES:
        return Refusal("an approval is for the source or the target")
    if step.side in signers:
        return Refusal(f"the {step.side} side is already approved by {signers[step.side]}")
    if not holds_any(step.roles, APPROVERS):
        return forbidden("only a QA approver signs a transfer")
    site = sites[step.side]
    if step.sites and site not in step.sites:
        return forbidden(f"you approve for {', '.join(step.sites)}, not for {site}")
    if step.actor == started_by:
        return forbidden("the person who started the transfer cannot approve it")
    if step.actor in [signer for side, signer in signers.items() if side != step.side]:
        return forbidden(
            "the source and the target need two different QA approvers; you signed the "
            "other side already"
        )
    return None


def extend_refusal(step: TransferStep, status: TransferStatus) -> Refusal | None:
    """A longer window, when the last one ended unqualified."""
    refusal = driver_refusal(step, reason_required=False)
    refusal = refusal or status_refusal(status, TransferStatus.AWAITING_DECISION, "be extended")
    if refusal is None and (not step.window_seconds or step.window_seconds <= 0):
        return Refusal("an extension needs a window longer than zero")
    return refusal


def fail_refusal(step: TransferStep, status: TransferStatus) -> Refusal | None:
    """Ending unqualified, when the last window ended so."""
    refusal = driver_refusal(step, reason_required=True)
    return refusal or status_refusal(status, TransferStatus.AWAITING_DECISION, "be failed")


def cancel_refusal(
    step: TransferStep, status: TransferStatus, *, cancelled: bool
) -> Refusal | None:
    """Cancelling, until the transfer ends, except while it deploys."""
    refusal = driver_refusal(step, reason_required=True)
    if refusal is not None:
        return refusal
    if status in FINISHED or cancelled:
        return Refusal(f"the transfer is already {status.value}")
    if status is TransferStatus.DEPLOYING:
        return Refusal("the transfer is deploying; cancel it once the deployment ends")
    return None
