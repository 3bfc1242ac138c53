"""The drift check's activity: ask every plant what runs and compare with the ledger."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import httpx
from temporalio import activity

from coe.auth.principal import SYSTEM, Principal
from coe.db import Sessions, read_only, transaction
from coe.plants.client import PlantClient, PlantError
from coe.plants.credentials import site_credential
from coe.rollouts import ledger
from coe.sites import service as sites
from coe.work import UnitOfWork

log = logging.getLogger("coe_workflows.drift")
CHECKER = Principal(subject="system:drift-check", name="Drift check", roles=SYSTEM.roles)


@dataclass
class DriftSummary:
    sites_checked: int = 0
    unreachable: list[str] = field(default_factory=list)
    drifting: list[str] = field(default_factory=list)


class DriftActivities:
    def __init__(
        self,
        sessions: Sessions,
        audit_key: bytes,
        plant_key: bytes,
        http: httpx.AsyncClient,
        timeout_seconds: float = 10.0,
    ) -> None:
        self._sessions = sessions
        self._audit_key = audit_key
        self._plant_key = plant_key
        self._http = http
        self._timeout = timeout_seconds

    @activity.defn(name="check_drift")
    async def check_drift(self) -> DriftSummary:
        """Every site with a production instance and a ledger entry: does the plant agree?"""
        async with read_only(self._sessions) as session:
            live = await ledger.live(session)
            endpoints = await sites.endpoints(session, sorted({row.site for row in live}))
        expected: dict[str, dict[str, str]] = {}
        for row in live:
            expected.setdefault(row.site, {})[row.template] = row.sha256
        summary = DriftSummary()
        for site, templates in sorted(expected.items()):
            endpoint = endpoints.get(site)
            if not endpoint:
                continue
            plant = PlantClient(
                self._http, endpoint, site_credential(self._plant_key, site), timeout=self._timeout
            )
            try:
                reported = {r.template: r.sha256 for r in await plant.all_running()}
            except PlantError as error:
                log.warning("drift check: %s unreachable: %s", site, error)
                summary.unreachable.append(site)
                continue
            summary.sites_checked += 1
            async with transaction(self._sessions) as session:
                work = UnitOfWork(session=session, principal=CHECKER, audit_key=self._audit_key)
                if await ledger.record_drift(work, site, reported, templates):
                    summary.drifting.append(site)
            activity.heartbeat(site)
        return summary
