"""TemplateRollout: a template version reaches plant instances in waves.

TemplateRollout runs waves in order; inside a wave at most `maxParallel` SiteDeployment child
workflows (`coe_workflows.rollout.deployment`) run at once (a sliding window, so a thousand
sites stay well within history limits; the rollout continues as new between waves when its
history grows). After a wave its gates run: an e-signed approval (a Temporal update,
validated), a soak (a durable timer), a KPI guard. Too many failed sites in a wave pause the
rollout for a person: resume, retry the failed sites, or abort (optionally rolling back every
site this rollout changed, newest first).
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.exceptions import ActivityError, ChildWorkflowError

from coe_workflows.rollout.deployment import SiteDeployment, roll_back

with workflow.unsafe.imports_passed_through():
    from coe.rollouts.contract import (
        ABORT,
        APPROVE,
        PAUSE,
        PROGRESS,
        RESUME,
        RETRY,
        ROLLOUT_WORKFLOW,
        SKIP_SITE,
        ApprovalUpdate,
        ControlUpdate,
        GateSpec,
        RolloutInput,
        RolloutProgress,
        SiteDeploymentInput,
        SiteStatus,
        WaveSpec,
    )
    from coe.rollouts.guard import Verdict, judge
    from coe.rollouts.rules import (
        abort_refusal,
        approval_refusal,
        pause_refusal,
        resume_refusal,
        retry_refusal,
        skip_refusal,
    )
    from coe.rollouts.states import RolloutStatus, SiteState
    from coe_workflows.common import cause, refuse
    from coe_workflows.policies import (
        PREPARE_TIMEOUT,
        RECORD_RETRY,
        RECORD_TIMEOUT,
    )
    from coe_workflows.records import Records, record
    from coe_workflows.rollout.activities import RolloutActivities
    from coe_workflows.rollout.models import (
        ApprovalRecord,
        GuardRequest,
        LedgerRecord,
        PlantRequest,
        RolloutAudit,
        RolloutRecord,
        SiteStateRecord,
    )

CONTINUE_AS_NEW_AFTER = 10_000  # history events; Temporal's limit is 50k
# An inconclusive kpiGuard is audited with its measurement (histories from before: replay as then).
INCONCLUSIVE_GUARD_AUDITED = "kpi-guard-inconclusive-audited"
# An approval mirrors the rollout as running before its approver is answered, so the answer
# (and a watch begun right after) no longer reads awaiting_approval; histories from before
# replay as then.
APPROVAL_ANSWERS_RUNNING = "approval-answers-running"


def _hours(window: timedelta) -> str:
    hours = window.total_seconds() / 3600
    return f"{hours:g} h" if hours >= 1 else f"{window.total_seconds():g} s"


@dataclass
class _Decision:
    kind: str  # resume | retry | abort
    actor: str


@workflow.defn(name=ROLLOUT_WORKFLOW)
class TemplateRollout:
    def __init__(self) -> None:
        self._input: RolloutInput | None = None
        self._states: dict[str, SiteStatus] = {}
        self._status = RolloutStatus.RUNNING
        self._wave: WaveSpec | None = None
        self._waiting_for: str | None = None
        self._reason: str | None = None
        self._approvals: dict[str, str] = {}
        self._gate: GateSpec | None = None
        self._paused = False
        self._decision: _Decision | None = None
        self._awaiting_decision = False
        self._aborted = False
        self._rollback = False
        self._changed: list[str] = []
        self._attempts: dict[str, int] = {}
        self._wave_started = ""
        self._guard_failed = False
        self._guards: dict[str, dict[str, Any]] = {}  # wave -> its kpiGuard's last measurement
        self._records = Records()

    @workflow.run
    async def run(self, request: RolloutInput) -> str:
        # Handlers only change state and queue records; they are all written before the end.
        return await self._records.during(self._run(request))

    async def _run(self, request: RolloutInput) -> str:
        self._input = request
        self._approvals = dict(request.approvals)
        self._changed = list(request.changed)
        self._states = dict(request.states) or {
            site: SiteStatus(site=site, wave=wave.name, state=SiteState.PENDING.value)
            for wave in request.waves
            for site in wave.sites
        }
        self._set_status(RolloutStatus.RUNNING)
        for index in range(request.next_wave, len(request.waves)):
            wave = request.waves[index]
            self._wave, self._wave_started = wave, workflow.now().isoformat()
            self._set_status(RolloutStatus.RUNNING)
            await self._run_wave(wave)
            await self._within_budget(wave)
            for gate in wave.gates if wave.sites else []:
                if self._aborted:
                    break
                await self._run_gate(wave, gate)
                if self._guard_failed:
                    return await self._finish_guard_failure(wave)
            if self._aborted:
                return await self._finish_abort()
            if (
                index + 1 < len(request.waves)
                and workflow.info().get_current_history_length() > CONTINUE_AS_NEW_AFTER
            ):
                await self._records.drained()  # no handler or record left behind
                workflow.continue_as_new(self._carry_over(index + 1))
        self._wave, self._waiting_for, self._reason = None, None, None
        self._set_status(RolloutStatus.COMPLETED, finished=True)
        return RolloutStatus.COMPLETED.value

    # --- waves ---------------------------------------------------------------------------

    async def _run_wave(self, wave: WaveSpec, only: list[str] | None = None) -> None:
        """A sliding window of SiteDeployment children, at most max_parallel at once."""
        queue = [
            site
            for site in (only or wave.sites)
            if self._states[site].state == SiteState.PENDING.value
        ]
        running: dict[asyncio.Task[SiteStatus], str] = {}
        while queue or running:
            while queue and len(running) < wave.max_parallel and not self._held():
                site = queue.pop(0)
                if self._states[site].state != SiteState.PENDING.value:
                    continue  # skipped meanwhile
                running[asyncio.ensure_future(self._deploy(wave, site))] = site
            if not running:
                if self._aborted:
                    return
                await workflow.wait_condition(lambda: not self._held())
                continue
            done, _ = await workflow.wait(list(running), return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                site = running.pop(task)
                self._states[site] = await task
                status = self._states[site]
                if (
                    status.state == SiteState.LIVE.value
                    and status.sha256
                    and status.sha256 != status.previous_sha256
                    and site not in self._changed
                ):
                    self._changed.append(site)

    def _held(self) -> bool:
        return self._paused or self._aborted

    async def _deploy(self, wave: WaveSpec, site: str) -> SiteStatus:
        assert self._input is not None
        attempt = self._attempts.get(site, 0) + 1
        self._attempts[site] = attempt
        self._states[site] = SiteStatus(site=site, wave=wave.name, state=SiteState.VALIDATING.value)
        request = SiteDeploymentInput(
            rollout_id=self._input.rollout_id,
            site=site,
            wave=wave.name,
            template=self._input.template,
            version=self._input.version,
            started_by=self._input.started_by,
            timings=self._input.timings,
            environment=self._input.environment,
        )
        try:
            status = await workflow.execute_child_workflow(
                SiteDeployment.run,
                request,
                id=f"{workflow.info().workflow_id}--{site}--{attempt}",
            )
        except ChildWorkflowError as error:
            status = SiteStatus(
                site=site,
                wave=wave.name,
                state=SiteState.FAILED.value,
                reason=f"site deployment failed: {cause(error)}",
            )
        return status

    def _failed(self, wave: WaveSpec) -> list[str]:
        return [site for site in wave.sites if self._states[site].state == SiteState.FAILED.value]

    async def _within_budget(self, wave: WaveSpec) -> None:
        """More failures than the budget: pause until a person decides."""
        while not self._aborted and len(self._failed(wave)) > wave.failure_budget:
            failed = self._failed(wave)
            decision = await self._decide(
                f"{len(failed)} site(s) failed in wave {wave.name} "
                f"({', '.join(failed)}), more than its failure budget of "
                f"{wave.failure_budget}: resume, retry the failed sites, or abort"
            )
            if decision.kind == "resume":
                return
            if decision.kind == "retry":
                for site in failed:
                    self._states[site] = SiteStatus(
                        site=site, wave=wave.name, state=SiteState.PENDING.value
                    )
                self._set_status(RolloutStatus.RUNNING)
                await self._run_wave(wave, only=failed)

    async def _decide(self, reason: str) -> _Decision:
        self._decision, self._awaiting_decision = None, True
        self._paused, self._reason = True, reason
        self._set_status(RolloutStatus.PAUSED)
        await workflow.wait_condition(lambda: self._decision is not None or self._aborted)
        self._awaiting_decision, self._paused = False, False
        decision = self._decision or _Decision("abort", "unknown")
        self._reason = None
        return decision

    # --- gates ---------------------------------------------------------------------------

    async def _run_gate(self, wave: WaveSpec, gate: GateSpec) -> None:
        self._gate = gate
        if gate.kind == "approval":
            self._waiting_for = f"approval of wave {wave.name} by a {gate.role}"
            self._set_status(RolloutStatus.AWAITING_APPROVAL)
            await workflow.wait_condition(lambda: wave.name in self._approvals or self._aborted)
            await self._records.drained()  # the e-signature is stored before the rollout goes on
        elif gate.kind == "soak":
            self._waiting_for = f"soak of wave {wave.name} ({gate.soak_seconds:g} s)"
            self._set_status(RolloutStatus.RUNNING)
            with contextlib.suppress(TimeoutError):  # the timeout is the soak passing
                await workflow.wait_condition(
                    lambda: self._aborted, timeout=timedelta(seconds=gate.soak_seconds or 0)
                )
        else:
            await self._kpi_guard(wave, gate)
        self._gate, self._waiting_for = None, None

    async def _kpi_guard(self, wave: WaveSpec, gate: GateSpec) -> None:
        """Look at the wave's sites every poll interval until the interval of the difference
        decides (surely worse than `max_drop`: fail; surely not: pass; `min_units` first) or
        the window is over undecided (inconclusive: a person decides). Each measurement is
        kept with the rollout's mirror; each verdict is audited with it."""
        assert self._input is not None
        assert gate.metric is not None
        assert gate.max_drop is not None
        window = timedelta(seconds=gate.window_seconds or 0)
        deadline = workflow.now() + window
        live = [s for s in wave.sites if self._states[s].state == SiteState.LIVE.value]
        while not self._aborted:
            counts = await workflow.execute_activity_method(
                RolloutActivities.measure_kpi_guard,
                GuardRequest(
                    self._input.template,
                    self._input.version,
                    live,
                    gate.metric,
                    self._wave_started,
                    window.total_seconds(),
                ),
                start_to_close_timeout=RECORD_TIMEOUT,
                retry_policy=RECORD_RETRY,
            )
            found = judge(
                gate.metric, gate.max_drop, gate.min_units or 1, counts, workflow.now() >= deadline
            )
            details = {"wave": wave.name, "verdict": found.verdict.value}
            details |= found.measurement.as_dict()
            self._guards[wave.name] = details | {
                "reason": found.reason,
                "measured_at": workflow.now().isoformat(),
            }
            self._waiting_for = f"kpiGuard of wave {wave.name}: {found.reason}"
            if found.verdict is Verdict.PASS:
                self._audit("kpi_guard_passed", "system:rollout", found.reason, None, **details)
                return
            if found.verdict is Verdict.FAIL:
                self._guard_failed, self._reason = True, f"kpiGuard failed: {found.reason}"
                self._audit("kpi_guard_failed", "system:rollout", found.reason, None, **details)
                return
            if found.verdict is Verdict.INCONCLUSIVE:
                if workflow.patched(INCONCLUSIVE_GUARD_AUDITED):
                    self._audit(
                        "kpi_guard_inconclusive", "system:rollout", found.reason, None, **details
                    )
                await self._decide(
                    f"kpiGuard after wave {wave.name} is inconclusive at the end of its "
                    f"{_hours(window)} window: {found.reason}; resume to continue, or abort"
                )
                return
            self._set_status(RolloutStatus.RUNNING)
            remaining = (deadline - workflow.now()).total_seconds()
            pause = min(self._input.timings.kpi_guard_poll_seconds, remaining)
            if pause > 0:
                with contextlib.suppress(TimeoutError):  # the timeout is the next look
                    await workflow.wait_condition(lambda: self._aborted, timeout=pause)

    # --- abort and compensation ----------------------------------------------------------

    async def _finish_abort(self) -> str:
        assert self._input is not None
        if self._rollback:
            for site in reversed(self._changed):
                await self._compensate(site, "rolled back: the rollout was aborted")
        self._waiting_for = None
        self._set_status(RolloutStatus.ABORTED, finished=True)
        return RolloutStatus.ABORTED.value

    async def _finish_guard_failure(self, wave: WaveSpec) -> str:
        """A failed kpiGuard rolls the wave back (newest first) and stops the rollout."""
        for site in reversed([s for s in self._changed if s in wave.sites]):
            await self._compensate(site, f"rolled back: {self._reason}")
        self._waiting_for = None
        self._set_status(RolloutStatus.FAILED, finished=True)
        return RolloutStatus.FAILED.value

    async def _compensate(self, site: str, reason: str) -> None:
        """Undo a site this rollout changed (as a failed deployment undoes, `roll_back`) and
        record it in the ledger."""
        assert self._input is not None
        status = self._states[site]
        plant = PlantRequest(
            site,
            status.endpoint or await self._endpoint_of(status),
            self._input.template,
            self._input.timings.plant_timeout_seconds,
            self._input.environment,
        )
        try:
            restored = await roll_back(plant, self._input.timings)
            await record(
                RolloutActivities.record_rolled_back,
                LedgerRecord(
                    self._input.rollout_id,
                    site,
                    self._input.template,
                    self._input.version,
                    status.sha256 or "",
                    restored,
                    self._input.started_by,
                    environment=self._input.environment,
                ),
            )
            state = SiteState.ROLLED_BACK
        except ActivityError as error:
            reason, state = f"rollback after abort failed: {cause(error)}", SiteState.FAILED
        self._states[site] = SiteStatus(
            site=site,
            wave=status.wave,
            state=state.value,
            reason=reason,
            previous_sha256=status.previous_sha256,
            endpoint=plant.endpoint,
        )
        await record(
            RolloutActivities.record_site_state,
            SiteStateRecord(self._input.rollout_id, self._states[site]),
        )

    async def _endpoint_of(self, status: SiteStatus) -> str:
        """The plant endpoint of a site whose status does not name it (its deployment ran
        before statuses carried it): prepare the site again to learn it."""
        assert self._input is not None
        prepared = await workflow.execute_activity_method(
            RolloutActivities.prepare_site,
            SiteDeploymentInput(
                self._input.rollout_id,
                status.site,
                status.wave,
                self._input.template,
                self._input.version,
                self._input.started_by,
                self._input.timings,
                environment=self._input.environment,
            ),
            start_to_close_timeout=PREPARE_TIMEOUT,
            retry_policy=RECORD_RETRY,
        )
        return prepared.endpoint or ""

    # --- bookkeeping ---------------------------------------------------------------------

    def _set_status(self, status: RolloutStatus, finished: bool = False) -> None:
        """Set the status now; queue its mirror (written in order, see `Records`)."""
        assert self._input is not None
        if status is RolloutStatus.RUNNING and self._paused:
            status = RolloutStatus.PAUSED  # a pause that arrived meanwhile stands
        self._status = status
        reason = self._reason or self._waiting_for
        self._records.add(
            RolloutActivities.record_rollout,
            RolloutRecord(
                self._input.rollout_id,
                status.value,
                self._wave.name if self._wave else None,
                reason,
                finished,
                dict(self._guards),
            ),
        )

    def _carry_over(self, next_wave: int) -> RolloutInput:
        assert self._input is not None
        return RolloutInput(
            rollout_id=self._input.rollout_id,
            template=self._input.template,
            version=self._input.version,
            template_sha256=self._input.template_sha256,
            started_by=self._input.started_by,
            waves=self._input.waves,
            timings=self._input.timings,
            next_wave=next_wave,
            states=self._states,
            changed=self._changed,
            approvals=self._approvals,
            environment=self._input.environment,
        )

    def _audit(
        self, action: str, actor: str, reason: str | None, request_id: str | None, **details: Any
    ) -> None:
        assert self._input is not None
        self._records.add(
            RolloutActivities.audit_rollout,
            RolloutAudit(self._input.rollout_id, action, actor, reason, request_id, details),
        )

    # --- queries and updates -------------------------------------------------------------

    @workflow.query(name=PROGRESS)
    def progress(self) -> RolloutProgress:
        """Where the rollout stands, site by site."""
        rollout_id = self._input.rollout_id if self._input else ""
        return RolloutProgress(
            rollout_id=rollout_id,
            status=self._status.value,
            current_wave=self._wave.name if self._wave else None,
            reason=self._reason,
            waiting_for=self._waiting_for,
            sites=list(self._states.values()),
            approvals=dict(self._approvals),
        )

    @workflow.update(name=APPROVE)
    async def approve(self, approval: ApprovalUpdate) -> str:
        """Approve the waiting gate of a wave with an e-signature. The wave is approved before
        anything is awaited, so a concurrent second approval's validator refuses it; the
        signature (timed at the signer's re-authentication) and its audit are queued, and the
        approver is answered once they are stored."""
        assert self._input is not None
        signature_id = str(workflow.uuid4())
        self._approvals[approval.wave] = approval.signer_id
        self._records.add(
            RolloutActivities.record_approval,
            ApprovalRecord(
                self._input.rollout_id,
                signature_id,
                approval,
                gate_content(self._input, approval, self._gate),
            ),
        )
        if workflow.patched(APPROVAL_ANSWERS_RUNNING):
            # the gate is passed: the approver's answer (and the mirror) already say so
            self._waiting_for = None
            self._set_status(RolloutStatus.RUNNING)
        await self._records.caught_up()
        return signature_id

    @approve.validator
    def _validate_approval(self, approval: ApprovalUpdate) -> None:
        assert self._input is not None
        refuse(
            approval_refusal(
                approval,
                started_by=self._input.started_by,
                approvals=self._approvals,
                gate=self._gate,
                wave=self._wave,
            )
        )

    @workflow.update(name=PAUSE)
    async def pause(self, control: ControlUpdate) -> str:
        """Stop starting new site deployments (those under way finish)."""
        self._paused, self._reason = True, control.reason or f"paused by {control.actor}"
        self._set_status(RolloutStatus.PAUSED)
        self._audit("paused", control.actor, control.reason, control.request_id)
        await self._records.caught_up()  # the caller reads the recorded step
        return self._status.value

    @pause.validator
    def _validate_pause(self, control: ControlUpdate) -> None:
        refuse(pause_refusal(control, paused=self._paused))

    @workflow.update(name=RESUME)
    async def resume(self, control: ControlUpdate) -> str:
        """Continue: after a pause, a failure-budget stop, or an inconclusive KPI guard."""
        if self._awaiting_decision:
            self._decision = _Decision("resume", control.actor)
        else:
            self._paused, self._reason = False, None
            self._set_status(RolloutStatus.RUNNING)
        self._audit("resumed", control.actor, control.reason, control.request_id)
        await self._records.caught_up()  # the caller reads the recorded step
        return "resumed"

    @resume.validator
    def _validate_resume(self, control: ControlUpdate) -> None:
        refuse(resume_refusal(control, paused=self._paused))

    @workflow.update(name=RETRY)
    async def retry(self, control: ControlUpdate) -> str:
        """Deploy the failed sites of the current wave again."""
        self._decision = _Decision("retry", control.actor)
        self._audit("retried", control.actor, control.reason, control.request_id)
        await self._records.caught_up()  # the caller reads the recorded step
        return "retrying"

    @retry.validator
    def _validate_retry(self, control: ControlUpdate) -> None:
        waiting = (
            self._awaiting_decision and self._wave is not None and bool(self._failed(self._wave))
        )
        refuse(retry_refusal(control, failed_sites_waiting=waiting))

    @workflow.update(name=ABORT)
    async def abort(self, control: ControlUpdate) -> str:
        """Stop; with rollback, undo every site this rollout changed, newest first."""
        self._aborted, self._rollback = True, control.rollback
        self._decision = _Decision("abort", control.actor)
        self._audit(
            "aborted", control.actor, control.reason, control.request_id, rollback=control.rollback
        )
        await self._records.caught_up()  # the caller reads the recorded step
        return "aborting"

    @abort.validator
    def _validate_abort(self, control: ControlUpdate) -> None:
        refuse(abort_refusal(control, status=self._status, aborted=self._aborted))

    @workflow.update(name=SKIP_SITE)
    async def skip_site(self, control: ControlUpdate) -> str:
        """Leave a site that has not started out of this rollout."""
        assert self._input is not None
        assert control.site is not None
        status = self._states[control.site]
        self._states[control.site] = SiteStatus(
            site=control.site,
            wave=status.wave,
            state=SiteState.SKIPPED.value,
            reason=f"skipped by {control.actor}: {control.reason or 'no reason given'}",
        )
        self._records.add(
            RolloutActivities.record_site_state,
            SiteStateRecord(self._input.rollout_id, self._states[control.site]),
        )
        self._audit(
            "site_skipped", control.actor, control.reason, control.request_id, site=control.site
        )
        await self._records.caught_up()  # the caller reads the recorded step
        return SiteState.SKIPPED.value

    @skip_site.validator
    def _validate_skip(self, control: ControlUpdate) -> None:
        status = self._states.get(control.site or "")
        refuse(skip_refusal(control, status.state if status else None))


def gate_content(
    request: RolloutInput, approval: ApprovalUpdate, gate: GateSpec | None
) -> dict[str, Any]:
    """What an approval signs: this rollout, this wave, this exact template version."""
    return {
        "rollout": request.rollout_id,
        "wave": approval.wave,
        "template": request.template,
        "version": request.version,
        "templateSha256": request.template_sha256,
        "meaning": gate.meaning if gate and gate.meaning else "approved",
    }
