"""The live ledger is cut to `first` by the database, not fetched whole and sliced afterwards."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

from coe.auth.principal import Role
from coe.db import Sessions, transaction
from coe.models import LedgerEntry
from tests.helpers import Api

SITES = ("cork", "galway", "penang")


@contextmanager
def ledger_reads() -> Iterator[list[int]]:
    """How many rows each SELECT of the ledger table brought back, for every engine."""
    fetched: list[int] = []

    def after(_conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "FROM deployment" in statement:
            fetched.append(cursor.rowcount)

    event.listen(Engine, "after_cursor_execute", after)
    try:
        yield fetched
    finally:
        event.remove(Engine, "after_cursor_execute", after)


async def _live_everywhere(sessions: Sessions) -> None:
    now = datetime.now(UTC)
    async with transaction(sessions) as session:
        for site in SITES:
            session.add(
                LedgerEntry(
                    site=site,
                    template="pouch-sealing",
                    version="1.0.0",
                    sha256="1" * 64,
                    rollout_id=f"r-{site}",
                    deployed_by="ada",
                    status="live",
                    since=now,
                )
            )


async def test_live_ledger_fetches_no_more_rows_than_asked(api: Api, sessions: Sessions) -> None:
    await _live_everywhere(sessions)
    with ledger_reads() as fetched:
        page = await api.as_role(Role.COE_ARCHITECT, "{ ledger(first: 2) { site } }")
    assert [entry["site"] for entry in page.ok()["ledger"]] == ["cork", "galway"]
    assert fetched, "the ledger was not read from the database"
    assert max(fetched) <= 2, f"the ledger query brought back {fetched} rows"


async def test_live_ledger_without_a_cut_still_lists_every_entry(
    api: Api, sessions: Sessions
) -> None:
    await _live_everywhere(sessions)
    page = await api.as_role(Role.COE_ARCHITECT, "{ ledger { site } }")
    assert [entry["site"] for entry in page.ok()["ledger"]] == list(SITES)
