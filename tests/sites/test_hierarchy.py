"""Adding areas, work centers and work units: one procedure for the three levels (parent
found at the site, key new at the site, node stored, `<kind>.created` audited)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import select

from coe.config import Settings
from coe.db import Sessions, transaction
from coe.errors import CoeError, ConflictError, NotFoundError
from coe.models import AuditRecord
from coe.secrets import audit_key
from coe.sites import service
from coe.sites.validation import SiteFields
from coe.work import UnitOfWork
from tests.helpers import ARCHITECT
from tests.sites.test_api import seed_enterprise


@pytest.fixture
async def cork(sessions: Sessions, settings: Settings) -> None:
    await seed_enterprise(sessions)
    async with transaction(sessions) as session:
        work = UnitOfWork(session=session, principal=ARCHITECT, audit_key=audit_key(settings))
        fields = SiteFields(name="Cork", region="emea", time_zone="Europe/Dublin")
        await service.add_site(work, "cork", fields, None)


async def _in_work(sessions: Sessions, settings: Settings, step: Any) -> Any:
    async with transaction(sessions) as session:
        work = UnitOfWork(session=session, principal=ARCHITECT, audit_key=audit_key(settings))
        return await step(work)


async def _created_records(sessions: Sessions) -> list[tuple[str, str, str | None, Any]]:
    async with sessions() as session:
        rows = (await session.exec(select(AuditRecord).order_by(AuditRecord.seq))).all()  # type: ignore[arg-type]
    return [
        (row.action, row.entity_id, row.site, row.after)
        for row in rows
        if row.action.endswith(".created") and row.action != "site.created"
    ]


async def test_each_level_is_stored_under_its_parent_and_audited(
    sessions: Sessions, settings: Settings, cork: None
) -> None:
    area = await _in_work(
        sessions, settings, lambda work: service.add_area(work, "cork", "packaging", " Packaging ")
    )
    center = await _in_work(
        sessions,
        settings,
        lambda work: service.add_work_center(
            work, "cork", "packaging", "line-1", "Line 1", ["sealer", "sealer", "labeler"]
        ),
    )
    unit = await _in_work(
        sessions,
        settings,
        lambda work: service.add_work_unit(
            work, "cork", "line-1", "sealer-1", "Sealer 1", "sealer"
        ),
    )
    assert area.name == "Packaging"
    assert center.area_id == area.id
    assert center.equipment_classes == ["labeler", "sealer"]
    assert unit.work_center_id == center.id
    assert await _created_records(sessions) == [
        (
            "area.created",
            "cork/packaging",
            "cork",
            {"site": "cork", "key": "packaging", "name": "Packaging"},
        ),
        (
            "work_center.created",
            "cork/line-1",
            "cork",
            {
                "site": "cork",
                "area": "packaging",
                "key": "line-1",
                "name": "Line 1",
                "equipmentClasses": ["labeler", "sealer"],
            },
        ),
        (
            "work_unit.created",
            "cork/sealer-1",
            "cork",
            {
                "site": "cork",
                "workCenter": "line-1",
                "key": "sealer-1",
                "name": "Sealer 1",
                "equipmentClass": "sealer",
            },
        ),
    ]


async def _refusal(
    sessions: Sessions, settings: Settings, step: Any, refused: type[CoeError]
) -> str:
    with pytest.raises(refused) as raised:
        await _in_work(sessions, settings, step)
    return str(raised.value)


def _area(work: UnitOfWork) -> Any:
    return service.add_area(work, "cork", "packaging", "P")


def _center(work: UnitOfWork) -> Any:
    return service.add_work_center(work, "cork", "packaging", "line-1", "L", [])


def _unit(work: UnitOfWork) -> Any:
    return service.add_work_unit(work, "cork", "line-1", "sealer-1", "S", None)


async def test_a_missing_parent_is_not_found_and_a_taken_key_conflicts(
    sessions: Sessions, settings: Settings, cork: None
) -> None:
    missing = [await _refusal(sessions, settings, step, NotFoundError) for step in (_center, _unit)]
    assert missing == [
        "area 'packaging' does not exist at site 'cork'",
        "work center 'line-1' does not exist at site 'cork'",
    ]
    for step in (_area, _center, _unit):
        await _in_work(sessions, settings, step)
    taken = [
        await _refusal(sessions, settings, step, ConflictError) for step in (_area, _center, _unit)
    ]
    assert taken == [
        "area 'packaging' already exists at site 'cork'",
        "work center 'line-1' already exists at site 'cork'",
        "work unit 'sealer-1' already exists at site 'cork'",
    ]
    assert len(await _created_records(sessions)) == 3
