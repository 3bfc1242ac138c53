"""ProcessTransfer: a proven process moves from a source site to a target site, and proves
itself there.

awaiting_overlay (the target's site admin completes the proposed overlay) → awaiting_approval
(e-signatures by a QA approver of the source and one of the target, two different people, not
the starter) → deploying (the rollouts' SiteDeployment, recorded in the ledger) → qualifying
(every poll interval the target's right-first-time under the transferred version is compared
with the source's baseline, as intervals) → qualified; or, when the window ends unqualified,
awaiting_decision → extended (qualifying again) or failed. Cancellable until it ends. Durable
for weeks: every wait is a Temporal condition or timer; every step is recorded and audited.
"""

from __future__ import annotations

import contextlib
from datetime import datetime, timedelta
from typing import Any

from temporalio import workflow
from temporalio.exceptions import ChildWorkflowError

from coe_workflows.rollout.deployment import SiteDeployment

with workflow.unsafe.imports_passed_through():
    from coe.rollouts.contract import (
        ORIGIN_TRANSFER,
        SiteDeploymentInput,
        SiteStatus,
    )
    from coe.rollouts.states import RolloutStatus, SiteState
    from coe.transfers.contract import (
        APPROVE_TRANSFER,
        CANCEL,
        EXTEND,
        FAIL,
        OVERLAY_COMPLETED,
        PROGRESS,
        DeploymentOpening,
        QualificationRequest,
        TransferApproval,
        TransferInput,
        TransferProgress,
        TransferRecord,
        TransferStep,
    )
    from coe.transfers.qualification import assess, with_point
    from coe.transfers.rules import (
        approval_refusal,
        cancel_refusal,
        extend_refusal,
        fail_refusal,
        overlay_refusal,
    )
    from coe.transfers.states import TransferStatus
    from coe_workflows.common import cause, refuse
    from coe_workflows.policies import RECORD_RETRY, RECORD_TIMEOUT
    from coe_workflows.records import Records, record
    from coe_workflows.rollout.activities import RolloutActivities
    from coe_workflows.rollout.models import RolloutRecord
    from coe_workflows.transfer.activities import TransferActivities

SYSTEM_ACTOR = "system:transfer"
# The deployment is the transfer's own (no stand-in rollout row to finish): see migration 0007.
NO_STAND_IN_ROLLOUT = "transfer-deployment-without-stand-in-rollout"


def _duration(seconds: float) -> str:
    """A window as people write it (8h, 14d, 90s)."""
    for unit, size in (("d", 86_400), ("h", 3_600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds / size:g}{unit}"
    return f"{seconds:g}s"


@workflow.defn(name="ProcessTransfer")
class ProcessTransfer:
    @workflow.init
    def __init__(self, request: TransferInput) -> None:
        # the input is known before any update is handled (one may arrive with the start)
        self._input: TransferInput | None = request
        self._status = TransferStatus.AWAITING_OVERLAY
        self._overlay_version: int | None = None
        self._approvals: dict[str, dict[str, str]] = {}
        self._cancelled = False
        self._decision: TransferStep | None = None
        self._decision_kind: str | None = None
        self._reason: str | None = None
        self._measurement: dict[str, Any] | None = None  # the latest, with the window's end
        self._history: list[dict[str, Any]] = []  # the measurements over time, for the chart
        self._deadline: datetime | None = None
        # update handlers change the state and queue the records (see coe_workflows.records)
        self._records = Records()

    @workflow.run
    async def run(self, request: TransferInput) -> str:
        await self._records.during(self._steps())  # everything recorded, in order, first
        return self._status.value

    async def _steps(self) -> None:
        await workflow.wait_condition(lambda: self._overlay_version is not None or self._cancelled)
        if not self._cancelled:
            await workflow.wait_condition(lambda: len(self._approvals) == 2 or self._cancelled)
            # the signatures and the target's overlay approval are stored before deploying
            await self._records.drained()
        if self._cancelled or not await self._deploy():
            return
        await self._qualify()

    # --- deployment ----------------------------------------------------------------------

    async def _deploy(self) -> bool:
        assert self._input is not None
        request = self._input
        self._record(
            TransferStatus.DEPLOYING,
            f"deploying {request.template}@{request.version} to {request.target}",
            "deploying",
        )
        await record(
            TransferActivities.open_transfer_deployment,
            DeploymentOpening(
                request.transfer_id,
                request.template,
                request.version,
                request.target,
                request.started_by,
            ),
        )
        try:
            status = await workflow.execute_child_workflow(
                SiteDeployment.run,
                SiteDeploymentInput(
                    rollout_id=request.transfer_id,
                    site=request.target,
                    wave="transfer",
                    template=request.template,
                    version=request.version,
                    started_by=request.started_by,
                    timings=request.timings,
                    origin=ORIGIN_TRANSFER,
                ),
                id=f"{workflow.info().workflow_id}--deploy",
            )
        except ChildWorkflowError as error:
            status = SiteStatus(
                request.target, "transfer", SiteState.FAILED.value, reason=cause(error)
            )
        live = status.state == SiteState.LIVE.value
        if not workflow.patched(NO_STAND_IN_ROLLOUT):  # histories from before: replay as then
            await record(
                RolloutActivities.record_rollout,
                RolloutRecord(
                    request.transfer_id,
                    (RolloutStatus.COMPLETED if live else RolloutStatus.FAILED).value,
                    None,
                    status.reason,
                    finished=True,
                ),
            )
        if not live:
            self._record(
                TransferStatus.FAILED,
                f"deployment to {request.target} {status.state}: {status.reason}",
                "deployment_failed",
                finished=True,
            )
        return live

    # --- qualification -------------------------------------------------------------------

    async def _qualify(self) -> str:
        assert self._input is not None
        request = self._input
        since = workflow.now().isoformat()  # live from now: earlier units do not count
        self._deadline = workflow.now() + timedelta(seconds=request.window_seconds)
        self._record(
            TransferStatus.QUALIFYING,
            f"live at {request.target}; measuring its right-first-time against the source's",
            "deployed",
        )
        while True:
            counts = await workflow.execute_activity_method(
                TransferActivities.measure_transfer,
                QualificationRequest(request.template, request.version, request.target, since),
                start_to_close_timeout=RECORD_TIMEOUT,
                retry_policy=RECORD_RETRY,
            )
            found = assess(
                request.baseline_units,
                request.baseline_right_first_time,
                counts.units,
                counts.right_first_time,
                tolerance=request.tolerance,
                min_units=request.min_units,
            )
            measurement: dict[str, Any] = {
                "units": counts.units,
                "rightFirstTime": counts.right_first_time,
                "value": found.target.value,
                "low": found.target.low,
                "high": found.target.high,
                "difference": found.difference.value,
                "differenceLow": found.difference.low,
                "differenceHigh": found.difference.high,
                "since": since,
                "deadline": self._deadline.isoformat(),
            }
            self._history = with_point(
                self._history,
                {
                    "at": workflow.now().isoformat(),
                    "units": counts.units,
                    "value": found.target.value,
                    "low": found.target.low,
                    "high": found.target.high,
                },
            )
            measurement["history"] = self._history
            self._measurement = measurement
            if self._cancelled:
                return self._status.value
            if found.qualified:
                self._record(
                    TransferStatus.QUALIFIED, found.reason, "qualified", measurement, finished=True
                )
                return self._status.value
            if workflow.now() >= self._deadline:
                self._decision, self._decision_kind = None, None
                self._record(
                    TransferStatus.AWAITING_DECISION,
                    f"the qualification window ended unqualified ({found.reason}): extend the "
                    "window or fail the transfer",
                    "window_ended",
                    measurement,
                )
                await workflow.wait_condition(lambda: self._decision is not None or self._cancelled)
                if self._cancelled:
                    return self._status.value
                if self._decision_kind == FAIL:
                    return self._status.value  # the fail update recorded it
                continue  # the extension set the new deadline
            self._record(self._status, found.reason, "", measurement)  # not audited
            pause = min(request.poll_seconds, (self._deadline - workflow.now()).total_seconds())
            if pause > 0:
                with contextlib.suppress(TimeoutError):
                    await workflow.wait_condition(lambda: self._cancelled, timeout=pause)

    # --- people's steps ------------------------------------------------------------------

    @workflow.update(name=OVERLAY_COMPLETED)
    async def overlay_completed(self, step: TransferStep) -> TransferProgress:
        """The target's site admin proposed the completed overlay (revision given)."""
        self._overlay_version = step.overlay_version
        self._record(
            TransferStatus.AWAITING_APPROVAL,
            "waiting for the QA approvers of the source and of the target to sign",
            "overlay_completed",
            step=step,
        )
        return self._progress()

    @overlay_completed.validator
    def _validate_overlay(self, step: TransferStep) -> None:
        refuse(overlay_refusal(step, self._status))

    @workflow.update(name=APPROVE_TRANSFER)
    async def approve(self, step: TransferStep) -> TransferProgress:
        """An e-signed approval for one side (the API re-authenticated the signer). The side
        is approved before anything is awaited, so a concurrent second approval's validator
        sees it; the signature (and, for the target, the overlay approval) is queued."""
        assert self._input is not None
        assert step.side is not None
        signature_id = str(workflow.uuid4())
        overlay = step.side == "target" and step.overlay_sha256 is not None
        self._approvals[step.side] = {
            "signer": step.actor,
            "signatureId": signature_id,
            "reason": step.reason or "",
        }
        self._records.add(
            TransferActivities.record_transfer_approval,
            TransferApproval(
                transfer_id=self._input.transfer_id,
                side=step.side,
                signature_id=signature_id,
                step=step,
                overlay_signature_id=str(workflow.uuid4()) if overlay else None,
                target=self._input.target,
                template=self._input.template,
            ),
        )
        waiting = [side for side in ("source", "target") if side not in self._approvals]
        if waiting:
            status, reason = (
                TransferStatus.AWAITING_APPROVAL,
                f"waiting for the {waiting[0]}'s QA approver",
            )
        else:  # the last signature moves the transfer on: its answer says where to
            status, reason = (
                TransferStatus.DEPLOYING,
                f"approved by both sides; deploying {self._input.template}@"
                f"{self._input.version} to {self._input.target}",
            )
        self._record(status, reason, f"approved_{step.side}", step=step)
        return self._progress()

    @approve.validator
    def _validate_approval(self, step: TransferStep) -> None:
        assert self._input is not None
        refuse(
            approval_refusal(
                step,
                self._status,
                sites={"source": self._input.source, "target": self._input.target},
                started_by=self._input.started_by,
                signers={side: a["signer"] for side, a in self._approvals.items()},
            )
        )

    @workflow.update(name=EXTEND)
    async def extend(self, step: TransferStep) -> TransferProgress:
        """Qualify for longer: a new window from now. Its end is set here, so the answer
        (and the record) carry the new deadline, not the one that passed."""
        self._decision, self._decision_kind = step, EXTEND
        self._deadline = workflow.now() + timedelta(seconds=step.window_seconds or 0)
        if self._measurement is not None:
            self._measurement = {**self._measurement, "deadline": self._deadline.isoformat()}
        self._record(
            TransferStatus.QUALIFYING,
            f"qualification extended by {_duration(step.window_seconds or 0)}, until "
            f"{self._deadline.isoformat(timespec='seconds')}",
            "extended",
            self._measurement,
            step=step,
        )
        return self._progress()

    @extend.validator
    def _validate_extend(self, step: TransferStep) -> None:
        refuse(extend_refusal(step, self._status))

    @workflow.update(name=FAIL)
    async def fail(self, step: TransferStep) -> TransferProgress:
        """End unqualified (the target keeps what was deployed; roll it out again to change)."""
        self._decision, self._decision_kind = step, FAIL
        self._record(
            TransferStatus.FAILED,
            f"failed qualification, decided by {step.actor}: {step.reason or 'no reason given'}",
            "failed",
            step=step,
            finished=True,
        )
        return self._progress()

    @fail.validator
    def _validate_fail(self, step: TransferStep) -> None:
        refuse(fail_refusal(step, self._status))

    @workflow.update(name=CANCEL)
    async def cancel(self, step: TransferStep) -> TransferProgress:
        """Stop the transfer; what was deployed stays (roll it back with a rollout)."""
        self._cancelled = True
        self._record(
            TransferStatus.CANCELLED,
            f"cancelled by {step.actor}: {step.reason or 'no reason given'}",
            "cancelled",
            step=step,
            finished=True,
        )
        return self._progress()

    @cancel.validator
    def _validate_cancel(self, step: TransferStep) -> None:
        refuse(cancel_refusal(step, self._status, cancelled=self._cancelled))

    # --- helpers -------------------------------------------------------------------------

    @workflow.query(name=PROGRESS)
    def _progress(self) -> TransferProgress:
        return TransferProgress(
            self._status.value,
            self._reason,
            dict(self._approvals),
            self._overlay_version,
            dict(self._measurement) if self._measurement is not None else None,
        )

    def _record(
        self,
        status: TransferStatus,
        reason: str,
        action: str,
        qualification: dict[str, Any] | None = None,
        *,
        step: TransferStep | None = None,
        finished: bool = False,
    ) -> None:
        """Set the status now; queue its record (see `coe_workflows.records`)."""
        assert self._input is not None
        self._status, self._reason = status, reason
        self._records.add(
            TransferActivities.record_transfer,
            TransferRecord(
                transfer_id=self._input.transfer_id,
                status=status.value,
                reason=reason,
                action=action,
                actor=step.actor if step else SYSTEM_ACTOR,
                finished=finished,
                approvals=dict(self._approvals),
                qualification=qualification,
                overlay_version=self._overlay_version,
                request_id=step.request_id if step else None,
            ),
        )
