"""Deciding a proposed overlay revision, approved or rejected, is one procedure: the status
and decision time set, the revision stored, `overlay.<status>` audited with the snapshot before
and after (and the approval signature)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import select

from coe.config import Settings
from coe.db import Sessions, transaction
from coe.models import AuditRecord
from coe.overlays import service
from coe.secrets import audit_key
from coe.work import UnitOfWork
from tests.helpers import ARCHITECT
from tests.world import World, overlay, template

KEY = "pouch-sealing"


@pytest.fixture
async def published(world: World) -> World:
    await world.publish(template("1.0.0"))
    return world


async def _overlay_records(sessions: Sessions) -> list[AuditRecord]:
    async with sessions() as session:
        statement = select(AuditRecord).where(AuditRecord.entity_type == "overlay")
        return list((await session.exec(statement.order_by(AuditRecord.seq))).all())  # type: ignore[arg-type]


def _decision(record: AuditRecord) -> tuple[Any, ...]:
    before, after = record.before or {}, record.after or {}
    return (
        record.action,
        record.entity_id,
        record.site,
        before.get("status"),
        after.get("status"),
        record.reason,
        record.signature_id is not None,
    )


async def test_approval_and_rejection_are_stored_and_audited_alike(
    published: World, sessions: Sessions, settings: Settings
) -> None:
    (await published.propose(overlay(1, seal_temperature_c=186))).ok()
    (await published.approve_overlay("penang", KEY, 1)).ok()
    (await published.propose(overlay(2, seal_temperature_c=188))).ok()
    async with transaction(sessions) as session:
        work = UnitOfWork(session=session, principal=ARCHITECT, audit_key=audit_key(settings))
        rejected = await service.reject(work, "penang", KEY, 2, "too hot for the film")
    assert rejected.status == "rejected"
    assert rejected.decided_at is not None
    assert rejected.approval_signature_id is None
    async with sessions() as session:
        approved = await service.revision(session, "penang", KEY, 1)
    assert approved is not None
    assert approved.status == "approved"
    assert approved.decided_at is not None
    assert approved.approval_signature_id is not None
    records = await _overlay_records(sessions)
    decisions = [
        _decision(r) for r in records if r.action in ("overlay.approved", "overlay.rejected")
    ]
    assert decisions == [
        (
            "overlay.approved",
            f"penang/{KEY}#1",
            "penang",
            "proposed",
            "approved",
            "change reviewed",
            True,
        ),
        (
            "overlay.rejected",
            f"penang/{KEY}#2",
            "penang",
            "proposed",
            "rejected",
            "too hot for the film",
            False,
        ),
    ]
    signed = next(r for r in records if r.action == "overlay.approved")
    assert signed.signature_id == approved.approval_signature_id
