"""Activities of the rollout workflows. Each is idempotent: a retried one changes nothing twice
(the plant takes a definition idempotently by its hash; records are upserts keyed by rollout
and site). Plant failures are classified: transient ones are retried by the workflow's retry
policy, refusals are non-retryable `PlantRefused` errors."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

import httpx
from temporalio import activity
from temporalio.exceptions import ApplicationError

from coe.auth.principal import SYSTEM, Principal
from coe.canonical import content_hash
from coe.db import Sessions, read_only, transaction
from coe.definitions import service as definitions
from coe.errors import CoeError
from coe.kpis import measurements
from coe.plants.client import PlantClient, PlantError
from coe.plants.contract import Deployment
from coe.plants.credentials import site_credential
from coe.rollouts import ledger, mirror
from coe.rollouts.contract import ORIGIN_TRANSFER, SiteDeploymentInput
from coe.rollouts.guard import NUMERATORS, GuardCounts
from coe.signatures.service import keep_signed
from coe.sites import service as sites
from coe.work import UnitOfWork
from coe_workflows.failures import business_errors_are_final, not_visible
from coe_workflows.rollout.models import (
    ApprovalRecord,
    DeployRequest,
    GuardRequest,
    LedgerRecord,
    LiveDefinition,
    PlantRequest,
    PreparedSite,
    RolloutAudit,
    RolloutRecord,
    SiteStateRecord,
)

log = logging.getLogger("coe_workflows.rollout")
T = TypeVar("T")
WORKFLOW = Principal(subject="system:rollout", name="Rollout workflow", roles=SYSTEM.roles)


class RolloutActivities:
    def __init__(
        self, sessions: Sessions, audit_key: bytes, plant_key: bytes, http: httpx.AsyncClient
    ) -> None:
        self._sessions = sessions
        self._audit_key = audit_key
        self._plant_key = plant_key
        self._http = http

    def _plant(self, site: str, endpoint: str, timeout: float) -> PlantClient:
        return PlantClient(
            self._http, endpoint, site_credential(self._plant_key, site), timeout=timeout
        )

    async def _plant_call(self, call: Callable[[], Awaitable[T]]) -> T:
        try:
            return await call()
        except PlantError as error:
            if error.transient:
                raise  # the workflow's retry policy tries again, with backoff
            raise ApplicationError(str(error), type="PlantRefused", non_retryable=True) from None

    def _work(self, session: Any, actor: str = WORKFLOW.subject) -> UnitOfWork:
        principal = (
            WORKFLOW
            if actor == WORKFLOW.subject
            else Principal(subject=actor, name=actor, roles=SYSTEM.roles)
        )
        return UnitOfWork(session=session, principal=principal, audit_key=self._audit_key)

    @activity.defn(name="prepare_site")
    async def prepare_site(self, request: SiteDeploymentInput) -> PreparedSite:
        """Compose the site's definition; an overlay that does not fit makes it incompatible."""
        async with read_only(self._sessions) as session:
            site = await sites.find_site(session, request.site)
            if site is None:
                return PreparedSite(compatible=False, reason=f"site {request.site!r} is gone")
            endpoint = (await sites.endpoints(session, [site.key], request.environment)).get(
                site.key
            )
            try:
                result = await definitions.effective_definition(
                    session, SYSTEM, request.site, request.template, request.version
                )
            except CoeError as error:
                violations = error.details.get("violations", [])
                return PreparedSite(
                    compatible=False, violations=list(violations), reason=error.message
                )
        if not endpoint:
            return PreparedSite(
                compatible=False,
                reason=f"{request.site} has no plant instance in {request.environment}",
            )
        return PreparedSite(compatible=True, endpoint=endpoint, sha256=result.definition.sha256)

    @activity.defn(name="plant_current")
    async def plant_current(self, request: PlantRequest) -> str | None:
        """Health check, then what runs now for the template (None: nothing)."""
        plant = self._plant(request.site, request.endpoint, request.timeout_seconds)
        await self._plant_call(plant.health)
        running = await self._plant_call(lambda: plant.running(request.template))
        return running.sha256 if running else None

    @activity.defn(name="deploy_to_plant")
    async def deploy_to_plant(self, request: DeployRequest) -> str:
        """Deliver the definition (composed again here, so it never sits in workflow history;
        its hash must be the one prepared). Idempotent at the plant by the hash."""
        async with read_only(self._sessions) as session:
            result = await definitions.effective_definition(
                session, SYSTEM, request.site, request.template, request.version
            )
        if result.definition.sha256 != request.sha256:
            raise ApplicationError(
                f"the definition of {request.site} changed since validation "
                f"({request.sha256[:12]} → {result.definition.sha256[:12]})",
                type="DefinitionChanged",
                non_retryable=True,
            )
        plant = self._plant(request.site, request.endpoint, request.timeout_seconds)
        deployment = Deployment(
            template=request.template,
            version=request.version,
            sha256=request.sha256,
            definition=result.definition.document,
            rolloutId=request.rollout_id,
        )
        running = await self._plant_call(lambda: plant.deploy(deployment))
        return running.sha256

    @activity.defn(name="plant_reported")
    async def plant_reported(self, request: PlantRequest) -> str | None:
        """What the plant says runs for the template, after a deployment."""
        plant = self._plant(request.site, request.endpoint, request.timeout_seconds)
        running = await self._plant_call(lambda: plant.running(request.template))
        return running.sha256 if running else None

    @activity.defn(name="rollback_plant")
    async def rollback_plant(self, request: PlantRequest) -> str | None:
        """Ask the plant to go back to its previous definition; returns what runs after."""
        plant = self._plant(request.site, request.endpoint, request.timeout_seconds)
        running = await self._plant_call(lambda: plant.rollback(request.template))
        return running.sha256

    @activity.defn(name="ledger_live")
    async def ledger_live(self, request: PlantRequest) -> LiveDefinition:
        """The ledger's live entry of the site for the template, i.e. what a rollback goes
        back to (a failed deployment records nothing there)."""
        async with read_only(self._sessions) as session:
            entries = await ledger.live(
                session,
                sites=[request.site],
                template=request.template,
                environment=request.environment,
            )
        return (
            LiveDefinition(entries[0].version, entries[0].sha256) if entries else LiveDefinition()
        )

    @activity.defn(name="measure_kpi_guard")
    async def measure_kpi_guard(self, request: GuardRequest) -> GuardCounts:
        """The wave's sites before and after the deployment, from the KPI rollup."""
        async with read_only(self._sessions) as session:
            counts = await measurements.wave_counts(
                session,
                request.template,
                request.version,
                request.sites,
                NUMERATORS[request.metric],
                datetime.fromisoformat(request.started),
                timedelta(seconds=request.window_seconds),
            )
        return GuardCounts(**counts)

    @activity.defn(name="record_site_state")
    async def record_site_state(self, record: SiteStateRecord) -> None:
        """Mirror a site's state into PostgreSQL (GraphQL reads it from there). A transfer's
        deployment has no rollout to mirror into: the transfer's own record says where it is."""
        if record.origin == ORIGIN_TRANSFER:
            return
        async with transaction(self._sessions) as session:
            await mirror.mirror_site_state(session, record.rollout_id, record.status)

    @activity.defn(name="record_rollout")
    async def record_rollout(self, record: RolloutRecord) -> None:
        """Mirror the rollout's status, and its waves' last kpiGuard measurements."""
        async with transaction(self._sessions) as session:
            found = await mirror.mirror_rollout(
                session,
                record.rollout_id,
                status=record.status,
                current_wave=record.current_wave,
                reason=record.reason,
                guards=record.guards,
                finished=record.finished,
            )
        if not found:
            raise not_visible(f"rollout {record.rollout_id}")

    @activity.defn(name="record_deployment")
    async def record_deployment(self, record: LedgerRecord) -> None:
        async with transaction(self._sessions) as session:
            await ledger.record_live(
                self._work(session),
                **ledger.origin_of(record.origin, record.rollout_id),
                site=record.site,
                template=record.template,
                version=record.version,
                sha256=record.sha256,
                previous_sha256=record.previous_sha256,
                deployed_by=record.deployed_by,
                environment=record.environment,
            )

    @activity.defn(name="record_rolled_back")
    async def record_rolled_back(self, record: LedgerRecord) -> None:
        async with transaction(self._sessions) as session:
            await ledger.record_rolled_back(
                self._work(session),
                **ledger.origin_of(record.origin, record.rollout_id),
                site=record.site,
                template=record.template,
                restored_sha256=record.previous_sha256,
                environment=record.environment,
            )

    @activity.defn(name="record_approval")
    async def record_approval(self, record: ApprovalRecord) -> None:
        """Store the gate's e-signature, timed when the API re-authenticated the signer (not
        now), and audit it. The signature id comes from the workflow: a retry stores nothing
        twice."""
        approval = record.approval
        if not approval.signed_at:
            raise ApplicationError(
                f"the approval of {record.rollout_id}/{approval.wave} has no signing time",
                non_retryable=True,
            )
        with business_errors_are_final():
            async with transaction(self._sessions) as session:
                work = UnitOfWork(
                    session=session,
                    audit_key=self._audit_key,
                    request_id=approval.request_id,
                    principal=Principal(
                        subject=approval.signer_id, name=approval.printed_name, roles=SYSTEM.roles
                    ),
                )
                await keep_signed(
                    work,
                    signature_id=uuid.UUID(record.signature_id),
                    signed_at=datetime.fromisoformat(approval.signed_at),
                    meaning=str(record.content.get("meaning", "approved")),
                    reason=approval.reason,
                    entity_type="rollout_gate",
                    entity_id=f"{record.rollout_id}/{approval.wave}",
                    content_sha256=content_hash(record.content),
                )

    @activity.defn(name="audit_rollout")
    async def audit_rollout(self, record: RolloutAudit) -> None:
        async with transaction(self._sessions) as session:
            work = self._work(session, record.actor)
            work.request_id = record.request_id
            await work.audit(
                f"rollout.{record.action}",
                "rollout",
                record.rollout_id,
                after=record.details or None,
                reason=record.reason,
            )

    def all(self) -> list[Callable[..., Any]]:
        return [
            self.prepare_site,
            self.plant_current,
            self.deploy_to_plant,
            self.plant_reported,
            self.rollback_plant,
            self.ledger_live,
            self.measure_kpi_guard,
            self.record_site_state,
            self.record_rollout,
            self.record_deployment,
            self.record_rolled_back,
            self.record_approval,
            self.audit_rollout,
        ]
