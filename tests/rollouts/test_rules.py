"""The rules of TemplateRollout's update validators (`coe.rollouts.rules`), without Temporal:
each refusal with its message and code, and the accepted step. The messages are what the API
and the CLI show (tests/rollouts/test_gates.py and test_faults.py see them end to end)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from coe.reasons import MAX_REASON
from coe.refusals import BAD_USER_INPUT, FORBIDDEN, Refusal
from coe.rollouts import rules
from coe.rollouts.contract import ApprovalUpdate, ControlUpdate, GateSpec, WaveSpec
from coe.rollouts.states import RolloutStatus

ARCHITECT = ["coe_architect"]
GATE = GateSpec(kind="approval", role="qa_approver", meaning="approved")
WAVE = WaveSpec(name="pilot", sites=["cork", "lyon"])


def control(
    roles: list[str] = ARCHITECT, reason: str | None = None, **fields: Any
) -> ControlUpdate:
    return ControlUpdate(actor="ada", roles=roles, reason=reason, **fields)


def approval(**fields: Any) -> ApprovalUpdate:
    values: dict[str, Any] = {
        "wave": "pilot",
        "signer_id": "quinn",
        "printed_name": "Quinn Murphy",
        "roles": ["qa_approver"],
        "sites": [],
        "reason": "reviewed the pilot",
        "signed_at": "2026-01-01T00:00:00+00:00",
    }
    return ApprovalUpdate(**(values | fields))


def approve(
    update: ApprovalUpdate, approvals: dict[str, str] | None = None, **facts: Any
) -> Refusal | None:
    given: dict[str, Any] = {
        "started_by": "ada",
        "approvals": approvals or {},
        "gate": GATE,
        "wave": WAVE,
    }
    return rules.approval_refusal(update, **(given | facts))


def test_only_a_controller_steers_with_a_reason_that_fits() -> None:
    assert rules.controller_refusal(control(["npi_engineer"])) == Refusal(
        "only a coe_architect steers a rollout", FORBIDDEN
    )
    too_long = rules.controller_refusal(control(reason="x" * (MAX_REASON + 1)))
    assert too_long is not None
    assert too_long.code == BAD_USER_INPUT
    assert too_long.message.startswith("reason: at most")
    assert rules.controller_refusal(control(reason=" "), reason_required=True) == Refusal(
        f"reason: required, at most {MAX_REASON} characters", BAD_USER_INPUT
    )
    assert rules.controller_refusal(control()) is None
    assert rules.CONTROLLERS == ("coe_architect",)  # the role name tokens carry


def test_pause_and_resume() -> None:
    assert rules.pause_refusal(control(), paused=True) == Refusal("the rollout is already paused")
    assert rules.pause_refusal(control(), paused=False) is None
    assert rules.resume_refusal(control(), paused=False) == Refusal("the rollout is not paused")
    assert rules.resume_refusal(control(), paused=True) is None
    # who may comes before the state: a stranger learns nothing about it
    assert rules.pause_refusal(control([]), paused=True) == Refusal(
        "only a coe_architect steers a rollout", FORBIDDEN
    )


def test_retry_needs_failed_sites_waiting() -> None:
    assert rules.retry_refusal(control(), failed_sites_waiting=False) == Refusal(
        "there are no failed sites waiting for a decision"
    )
    assert rules.retry_refusal(control(), failed_sites_waiting=True) is None


@pytest.mark.parametrize(
    ("status", "aborted", "refused"),
    [
        (RolloutStatus.RUNNING, False, None),
        (RolloutStatus.PAUSED, False, None),
        (RolloutStatus.RUNNING, True, "the rollout is already running"),
        (RolloutStatus.COMPLETED, False, "the rollout is already completed"),
        (RolloutStatus.ABORTED, False, "the rollout is already aborted"),
    ],
)
def test_abort(status: RolloutStatus, aborted: bool, refused: str | None) -> None:
    expected = Refusal(refused) if refused else None
    assert rules.abort_refusal(control(), status=status, aborted=aborted) == expected


def test_skip_a_pending_site_only_with_a_reason() -> None:
    skip = control(reason="plant shut down", site="cork")
    assert rules.skip_refusal(skip, None) == Refusal("cork is not part of this rollout")
    assert rules.skip_refusal(skip, "live") == Refusal(
        "cork is live: only pending sites can be skipped"
    )
    assert rules.skip_refusal(skip, "pending") is None
    no_reason = rules.skip_refusal(control(site="cork"), "pending")
    assert no_reason is not None
    assert no_reason.code == BAD_USER_INPUT


def test_an_approval_is_accepted_once_for_the_waiting_gate() -> None:
    assert approve(approval()) is None
    assert approve(approval(sites=["cork", "lyon", "porto"])) is None
    assert approve(approval(), {"pilot": "rui"}) == Refusal(
        "wave pilot is already approved by rui: nothing to do"
    )


@pytest.mark.parametrize(
    ("update", "facts", "refusal"),
    [
        (
            approval(reason=""),
            {},
            Refusal(f"reason: required, at most {MAX_REASON} characters", BAD_USER_INPUT),
        ),
        (
            approval(signed_at=None),
            {},
            Refusal("an approval needs the time its signer re-authenticated"),
        ),
        (approval(), {"gate": None}, Refusal("wave pilot is not waiting for an approval")),
        (
            approval(),
            {"gate": GateSpec(kind="soak", soak_seconds=60)},
            Refusal("wave pilot is not waiting for an approval"),
        ),
        (approval(), {"wave": None}, Refusal("wave pilot is not waiting for an approval")),
        (approval(wave="main"), {}, Refusal("wave main is not waiting for an approval")),
        (
            approval(roles=["site_admin"]),
            {},
            Refusal("this gate needs a qa_approver; you are site_admin", FORBIDDEN),
        ),
        (approval(roles=[]), {}, Refusal("this gate needs a qa_approver; you are none", FORBIDDEN)),
        (
            approval(signer_id="ada"),
            {},
            Refusal("the person who started the rollout cannot approve its gates", FORBIDDEN),
        ),
        (
            approval(sites=["cork"]),
            {},
            Refusal("your approval covers cork; wave pilot also has lyon", FORBIDDEN),
        ),
    ],
)
def test_an_approval_refused(
    update: ApprovalUpdate, facts: dict[str, Any], refusal: Refusal
) -> None:
    assert approve(update, **facts) == refusal


def test_a_site_history_grows_only_by_a_change() -> None:
    at = datetime(2026, 1, 1, tzinfo=UTC)
    first = rules.site_history(None, "validating", None, at)
    assert first == [{"state": "validating", "reason": None, "at": at.isoformat()}]
    assert rules.site_history(first, "validating", None, at) == first  # a retried mirror
    later = rules.site_history(first, "failed", "plant not ready", at)
    assert [step["state"] for step in later] == ["validating", "failed"]
    assert rules.site_history(later, "failed", "rolled back", at)[-1]["reason"] == "rolled back"
    assert first == [{"state": "validating", "reason": None, "at": at.isoformat()}]  # a new list
