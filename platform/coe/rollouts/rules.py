"""Who may steer a rollout, and when: the rules of TemplateRollout's update validators, pure
(plain facts in, a `Refusal` or None out), so they are unit-tested without Temporal and the
API's role checks (`coe.rollouts.service`) use the same role names."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from coe.auth.principal import Role
from coe.refusals import Refusal, forbidden, holds_any, reason_refusal
from coe.rollouts.contract import ApprovalUpdate, ControlUpdate, GateSpec, WaveSpec
from coe.rollouts.states import RolloutStatus, SiteState

CONTROLLERS = (Role.COE_ARCHITECT,)
NOTHING_TO_ABORT = (RolloutStatus.COMPLETED, RolloutStatus.ABORTED)


def controller_refusal(control: ControlUpdate, *, reason_required: bool = False) -> Refusal | None:
    """Only a controller steers, with a reason the audit trail can keep."""
    if not holds_any(control.roles, CONTROLLERS):
        return forbidden("only a coe_architect steers a rollout")
    return reason_refusal(control.reason, required=reason_required)


def pause_refusal(control: ControlUpdate, *, paused: bool) -> Refusal | None:
    refusal = controller_refusal(control)
    if refusal is None and paused:
        return Refusal("the rollout is already paused")
    return refusal


def resume_refusal(control: ControlUpdate, *, paused: bool) -> Refusal | None:
    refusal = controller_refusal(control)
    if refusal is None and not paused:
        return Refusal("the rollout is not paused")
    return refusal


def retry_refusal(control: ControlUpdate, *, failed_sites_waiting: bool) -> Refusal | None:
    """A retry needs failed sites of the current wave waiting for a decision."""
    refusal = controller_refusal(control)
    if refusal is None and not failed_sites_waiting:
        return Refusal("there are no failed sites waiting for a decision")
    return refusal


def abort_refusal(
    control: ControlUpdate, *, status: RolloutStatus, aborted: bool
) -> Refusal | None:
    refusal = controller_refusal(control)
    if refusal is None and (aborted or status in NOTHING_TO_ABORT):
        return Refusal(f"the rollout is already {status.value}")
    return refusal


def skip_refusal(control: ControlUpdate, site_state: str | None) -> Refusal | None:
    """Only a pending site of the rollout (`site_state` None: not part of it) is skipped."""
    refusal = controller_refusal(control, reason_required=True)
    if refusal is not None:
        return refusal
    if site_state is None:
        return Refusal(f"{control.site} is not part of this rollout")
    if site_state != SiteState.PENDING.value:
        return Refusal(f"{control.site} is {site_state}: only pending sites can be skipped")
    return None


def approval_refusal(
    approval: ApprovalUpdate,
    *,
    started_by: str,
    approvals: Mapping[str, str],
    gate: GateSpec | None,
    wave: WaveSpec | None,
) -> Refusal | None:
    """An approval of the waiting gate of `wave` (`approvals`: wave → its approver): signed,
    once, by someone of the gate's role other than the starter, for every site of the wave."""
    refusal = reason_refusal(approval.reason, required=True)
    if refusal is not None:
        return refusal
    if not approval.signed_at:
        return Refusal("an approval needs the time its signer re-authenticated")
    if approval.wave in approvals:
        return Refusal(
            f"wave {approval.wave} is already approved by {approvals[approval.wave]}: nothing to do"
        )
    if gate is None or gate.kind != "approval" or wave is None or wave.name != approval.wave:
        return Refusal(f"wave {approval.wave} is not waiting for an approval")
    if gate.role not in approval.roles:
        return forbidden(
            f"this gate needs a {gate.role}; you are {', '.join(approval.roles) or 'none'}"
        )
    if approval.signer_id == started_by:
        return forbidden("the person who started the rollout cannot approve its gates")
    outside = sorted(set(wave.sites) - set(approval.sites)) if approval.sites else []
    if outside:
        return forbidden(
            f"your approval covers {', '.join(approval.sites)}; "
            f"wave {wave.name} also has {', '.join(outside)}"
        )
    return None


def site_history(
    history: list[dict[str, Any]] | None, state: str, reason: str | None, at: datetime
) -> list[dict[str, Any]]:
    """A site's state history with its state now: a step is added only when the state or its
    reason changed, so a retried mirror adds nothing. A new list (the JSON column is written)."""
    steps = list(history or [])
    if not steps or steps[-1]["state"] != state or steps[-1].get("reason") != reason:
        steps.append({"state": state, "reason": reason, "at": at.isoformat()})
    return steps
