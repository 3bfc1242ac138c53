"""SiteDeployment: one template version reaches one plant instance (a child of TemplateRollout,
and of ProcessTransfer for its target).

prepare (overlay check and composition) → health and current hash → deploy → verify the plant
reports the expected hash → ledger. Transient plant errors are retried with backoff; a
refusal, exhausted retries, or a wrong hash after deploy roll the site back to its previous
definition and mark it failed with the reason.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TypeVar

from temporalio import workflow
from temporalio.exceptions import ActivityError
from temporalio.types import MethodAsyncSingleParam

with workflow.unsafe.imports_passed_through():
    from coe.rollouts.contract import SITE_WORKFLOW, SiteDeploymentInput, SiteStatus, Timings
    from coe.rollouts.states import SiteState
    from coe_workflows.common import cause
    from coe_workflows.policies import (
        PREPARE_TIMEOUT,
        RECORD_RETRY,
        RECORD_TIMEOUT,
        plant_retry,
        plant_timeout,
    )
    from coe_workflows.records import record
    from coe_workflows.rollout.activities import RolloutActivities
    from coe_workflows.rollout.models import (
        DeployRequest,
        LedgerRecord,
        LiveDefinition,
        PlantRequest,
        SiteStateRecord,
    )

A = TypeVar("A")
R = TypeVar("R")
# A site's rollback names the ledger's definition it went back to, not what the plant reports
# (a lying plant's hash matches no definition); histories from before replay as then.
ROLLBACK_NAMES_LEDGER = "rollback-names-ledger-definition"


async def roll_back(plant: PlantRequest, timings: Timings) -> str | None:
    """Ask the plant to go back to its previous definition, with the plant's timeout and
    retry policy; what it runs after. A failed deployment (`SiteDeployment`) and a rollout's
    compensation of a site it changed both undo by it."""
    return await workflow.execute_activity_method(
        RolloutActivities.rollback_plant,
        plant,
        start_to_close_timeout=plant_timeout(timings),
        retry_policy=plant_retry(timings),
    )


@workflow.defn(name=SITE_WORKFLOW)
class SiteDeployment:
    @workflow.run
    async def run(self, request: SiteDeploymentInput) -> SiteStatus:
        self._request = request
        self._endpoint: str | None = None
        status = await self._state(SiteState.VALIDATING)
        prepared = await workflow.execute_activity_method(
            RolloutActivities.prepare_site,
            request,
            start_to_close_timeout=PREPARE_TIMEOUT,
            retry_policy=RECORD_RETRY,
        )
        if not prepared.compatible:
            return await self._state(SiteState.SKIPPED, prepared.reason, prepared.violations)
        assert prepared.endpoint is not None
        assert prepared.sha256 is not None
        self._endpoint = prepared.endpoint
        plant = PlantRequest(
            request.site,
            prepared.endpoint,
            request.template,
            request.timings.plant_timeout_seconds,
            request.environment,
        )
        try:
            previous = await self._plant(RolloutActivities.plant_current, plant)
        except ActivityError as error:
            return await self._state(SiteState.FAILED, f"plant not ready: {cause(error)}")
        status.previous_sha256 = previous
        if previous == prepared.sha256:
            await self._ledger(prepared.sha256, previous)
            return await self._state(
                SiteState.LIVE, "already running this definition", sha256=prepared.sha256
            )
        await self._state(SiteState.DEPLOYING, sha256=prepared.sha256)
        try:
            await self._plant(
                RolloutActivities.deploy_to_plant,
                DeployRequest(
                    request.site,
                    prepared.endpoint,
                    request.template,
                    request.version,
                    prepared.sha256,
                    request.rollout_id,
                    request.timings.plant_timeout_seconds,
                ),
            )
        except ActivityError as error:
            return await self._undo(plant, previous, f"deployment failed: {cause(error)}")
        await self._state(SiteState.VERIFYING, sha256=prepared.sha256)
        reported = await self._verify(plant, prepared.sha256)
        if reported != prepared.sha256:
            return await self._undo(
                plant,
                previous,
                f"after deployment the plant reports "
                f"{(reported or 'nothing')[:12]}…, "
                f"not {prepared.sha256[:12]}…",
            )
        await self._ledger(prepared.sha256, previous)
        return await self._state(SiteState.LIVE, sha256=prepared.sha256)

    async def _plant(
        self, activity: MethodAsyncSingleParam[RolloutActivities, A, R], argument: A
    ) -> R:
        """Call the plant by an activity, with the plant's timeout and retry policy."""
        timings = self._request.timings
        return await workflow.execute_activity_method(
            activity,
            argument,
            start_to_close_timeout=plant_timeout(timings),
            retry_policy=plant_retry(timings),
        )

    async def _verify(self, plant: PlantRequest, expected: str) -> str | None:
        reported: str | None = None
        for attempt in range(self._request.timings.verify_attempts):
            try:
                reported = await self._plant(RolloutActivities.plant_reported, plant)
            except ActivityError as error:
                reported = f"unknown ({cause(error)})"
            if reported == expected:
                return reported
            if attempt + 1 < self._request.timings.verify_attempts:
                await workflow.sleep(
                    timedelta(seconds=self._request.timings.verify_interval_seconds)
                )
        return reported

    async def _undo(self, plant: PlantRequest, previous: str | None, reason: str) -> SiteStatus:
        """Put the previous definition back, then report the site failed with the reason."""
        if previous is None:
            return await self._state(
                SiteState.FAILED,
                f"{reason}; nothing ran before, so there is nothing to roll back to",
            )
        try:
            restored = await roll_back(plant, self._request.timings)
        except ActivityError as error:
            return await self._state(
                SiteState.FAILED, f"{reason}; rollback failed too: {cause(error)}"
            )
        if workflow.patched(ROLLBACK_NAMES_LEDGER):
            return await self._state(
                SiteState.FAILED,
                f"{reason}; rolled back to {await self._restored(plant, restored)}",
            )
        return await self._state(
            SiteState.FAILED, f"{reason}; rolled back to {(restored or '?')[:12]}…"
        )

    async def _restored(self, plant: PlantRequest, reported: str | None) -> str:
        """The definition a rollback went back to, by the ledger (its live entry: this
        deployment recorded none): its version and hash, and what the plant reports when
        that differs."""
        try:
            live = await workflow.execute_activity_method(
                RolloutActivities.ledger_live,
                plant,
                start_to_close_timeout=RECORD_TIMEOUT,
                retry_policy=RECORD_RETRY,
            )
        except ActivityError as error:
            live, unknown = LiveDefinition(), f"the ledger could not be read: {cause(error)}"
        else:
            unknown = "not in the ledger"
        says = f"the plant reports {(reported or 'nothing')[:12]}…"
        if live.sha256 is None:
            return f"the previous definition ({unknown}; {says})"
        named = f"{live.version} (ledger sha256 {live.sha256[:12]}…"
        return f"{named})" if reported == live.sha256 else f"{named}; {says})"

    async def _ledger(self, sha256: str, previous: str | None) -> None:
        request = self._request
        await record(
            RolloutActivities.record_deployment,
            LedgerRecord(
                request.rollout_id,
                request.site,
                request.template,
                request.version,
                sha256,
                previous,
                request.started_by,
                request.origin,
                request.environment,
            ),
        )

    async def _state(
        self,
        state: SiteState,
        reason: str | None = None,
        violations: list[dict[str, str]] | None = None,
        sha256: str | None = None,
    ) -> SiteStatus:
        previous = getattr(self, "_status", None)
        self._status = SiteStatus(
            site=self._request.site,
            wave=self._request.wave,
            state=state.value,
            reason=reason,
            violations=violations or [],
            sha256=sha256 or (previous.sha256 if previous else None),
            previous_sha256=previous.previous_sha256 if previous else None,
            endpoint=self._endpoint,
        )
        await record(
            RolloutActivities.record_site_state,
            SiteStateRecord(self._request.rollout_id, self._status, self._request.origin),
        )
        return self._status
