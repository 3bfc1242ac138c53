"""The rules of ProcessTransfer's update validators (`coe.transfers.rules`), without Temporal:
each refusal with its message and code, and the accepted step. The messages are what the API
and the CLI show (tests/transfers/test_transfers.py sees them end to end)."""

from __future__ import annotations

from typing import Any

import pytest

from coe.reasons import MAX_REASON
from coe.refusals import BAD_USER_INPUT, FORBIDDEN, Refusal
from coe.transfers import rules
from coe.transfers.contract import TransferStep
from coe.transfers.states import TransferStatus

NPI = ["npi_engineer"]
REASON_REQUIRED = Refusal(f"reason: required, at most {MAX_REASON} characters", BAD_USER_INPUT)
NOT_A_DRIVER = Refusal("only an NPI engineer drives a transfer", FORBIDDEN)
SITES = {"source": "cork", "target": "lyon"}


def step(roles: list[str] = NPI, reason: str | None = "because", **fields: Any) -> TransferStep:
    values: dict[str, Any] = {"actor": "nia", "roles": roles, "sites": [], "reason": reason}
    return TransferStep(**(values | fields))


def signed(side: str = "target", **fields: Any) -> TransferStep:
    given: dict[str, Any] = {
        "actor": "quinn",
        "roles": ["qa_approver"],
        "side": side,
        "signed_at": "2026-01-01T00:00:00+00:00",
        "content_sha256": "ab" * 32,
    }
    return step(**(given | fields))


def approve(
    update: TransferStep, signers: dict[str, str] | None = None, **facts: Any
) -> Refusal | None:
    given: dict[str, Any] = {"sites": SITES, "started_by": "nia", "signers": signers or {}}
    return rules.approval_refusal(update, TransferStatus.AWAITING_APPROVAL, **(given | facts))


def test_the_role_names_are_the_tokens() -> None:
    assert rules.DRIVERS == ("npi_engineer",)
    assert rules.OVERLAY_EDITORS == ("site_admin", "coe_architect")
    assert rules.APPROVERS == ("qa_approver",)


def test_a_step_fits_only_its_status() -> None:
    assert rules.status_refusal(
        TransferStatus.QUALIFYING, TransferStatus.AWAITING_DECISION, "be failed"
    ) == Refusal("the transfer is qualifying; only when awaiting_decision can it be failed")
    assert (
        rules.status_refusal(
            TransferStatus.AWAITING_DECISION, TransferStatus.AWAITING_DECISION, "be failed"
        )
        is None
    )


def test_the_overlay_comes_from_the_targets_site_admin_while_awaited() -> None:
    admin = step(["site_admin"])
    assert rules.overlay_refusal(admin, TransferStatus.AWAITING_OVERLAY) is None
    assert rules.overlay_refusal(step(["coe_architect"]), TransferStatus.AWAITING_OVERLAY) is None
    assert rules.overlay_refusal(step(NPI), TransferStatus.AWAITING_OVERLAY) == Refusal(
        "only the target's site admin completes its overlay", FORBIDDEN
    )
    assert rules.overlay_refusal(admin, TransferStatus.AWAITING_APPROVAL) == Refusal(
        "the transfer is awaiting_approval; "
        "only when awaiting_overlay can it take the target's overlay"
    )


def test_an_approval_is_accepted_for_each_side_once() -> None:
    assert approve(signed("source")) is None
    assert approve(signed("target", sites=["lyon"]), {"source": "rui"}) is None
    assert approve(signed("target"), {"target": "rui"}) == Refusal(
        "the target side is already approved by rui"
    )


@pytest.mark.parametrize(
    ("update", "signers", "refusal"),
    [
        (signed(reason=None), {}, REASON_REQUIRED),
        (
            signed(signed_at=None),
            {},
            Refusal("an approval needs its signer's re-authentication and content"),
        ),
        (
            signed(content_sha256=None),
            {},
            Refusal("an approval needs its signer's re-authentication and content"),
        ),
        (signed("middle"), {}, Refusal("an approval is for the source or the target")),
        (
            signed(roles=["coe_architect"]),
            {},
            Refusal("only a QA approver signs a transfer", FORBIDDEN),
        ),
        (signed(sites=["cork"]), {}, Refusal("you approve for cork, not for lyon", FORBIDDEN)),
        (
            signed(actor="nia"),
            {},
            Refusal("the person who started the transfer cannot approve it", FORBIDDEN),
        ),
        (
            signed("target"),
            {"source": "quinn"},
            Refusal(
                "the source and the target need two different QA approvers; "
                "you signed the other side already",
                FORBIDDEN,
            ),
        ),
    ],
)
def test_an_approval_refused(
    update: TransferStep, signers: dict[str, str], refusal: Refusal
) -> None:
    assert approve(update, signers) == refusal


def test_an_approval_waits_for_its_status() -> None:
    assert rules.approval_refusal(
        signed(), TransferStatus.DEPLOYING, sites=SITES, started_by="nia", signers={}
    ) == Refusal("the transfer is deploying; only when awaiting_approval can it be approved")


def test_extend_needs_a_driver_a_decision_and_a_window() -> None:
    waiting = TransferStatus.AWAITING_DECISION
    assert rules.extend_refusal(step(window_seconds=3600), waiting) is None
    assert rules.extend_refusal(step(reason=None, window_seconds=3600), waiting) is None  # optional
    assert rules.extend_refusal(step(["qa_approver"], window_seconds=3600), waiting) == NOT_A_DRIVER
    assert rules.extend_refusal(step(window_seconds=0), waiting) == Refusal(
        "an extension needs a window longer than zero"
    )
    assert rules.extend_refusal(step(window_seconds=-5), waiting) is not None
    assert rules.extend_refusal(step(window_seconds=3600), TransferStatus.QUALIFYING) == Refusal(
        "the transfer is qualifying; only when awaiting_decision can it be extended"
    )


def test_fail_needs_a_driver_a_reason_and_a_decision() -> None:
    assert rules.fail_refusal(step(), TransferStatus.AWAITING_DECISION) is None
    assert rules.fail_refusal(step([]), TransferStatus.AWAITING_DECISION) == NOT_A_DRIVER
    assert rules.fail_refusal(step(reason=""), TransferStatus.AWAITING_DECISION) == REASON_REQUIRED
    assert rules.fail_refusal(step(), TransferStatus.QUALIFYING) == Refusal(
        "the transfer is qualifying; only when awaiting_decision can it be failed"
    )


@pytest.mark.parametrize(
    ("status", "cancelled", "refused"),
    [
        (TransferStatus.AWAITING_OVERLAY, False, None),
        (TransferStatus.QUALIFYING, False, None),
        (TransferStatus.AWAITING_DECISION, False, None),
        (TransferStatus.QUALIFIED, False, "the transfer is already qualified"),
        (TransferStatus.FAILED, False, "the transfer is already failed"),
        (TransferStatus.CANCELLED, False, "the transfer is already cancelled"),
        (TransferStatus.AWAITING_APPROVAL, True, "the transfer is already awaiting_approval"),
        (
            TransferStatus.DEPLOYING,
            False,
            "the transfer is deploying; cancel it once the deployment ends",
        ),
    ],
)
def test_cancel(status: TransferStatus, cancelled: bool, refused: str | None) -> None:
    expected = Refusal(refused) if refused else None
    assert rules.cancel_refusal(step(), status, cancelled=cancelled) == expected


def test_cancel_needs_a_driver_and_a_reason() -> None:
    assert (
        rules.cancel_refusal(step([]), TransferStatus.QUALIFYING, cancelled=False) == NOT_A_DRIVER
    )
    assert (
        rules.cancel_refusal(step(reason=None), TransferStatus.QUALIFYING, cancelled=False)
        == REASON_REQUIRED
    )
