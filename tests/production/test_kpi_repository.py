"""The one KPI query that formats a column name into its SQL refuses any other name, with a
real check (an `assert` would vanish under `python -O`)."""

from __future__ import annotations

from datetime import date

import pytest

from coe.db import Sessions, read_only
from coe.kpis import repository


@pytest.mark.parametrize("numerator", ["units", "scrapped) FROM kpi_daily; --", ""])
async def test_guard_counts_refuses_a_column_it_does_not_count(
    sessions: Sessions, numerator: str
) -> None:
    async with read_only(sessions) as session:
        with pytest.raises(ValueError, match="not a kpi_daily count column"):
            await repository.guard_counts(
                session,
                "pouch-sealing",
                "1.0.0",
                ["cork"],
                numerator,
                date(2026, 1, 1),
                date.today(),
            )


async def test_guard_counts_counts_each_guard_column(sessions: Sessions) -> None:
    async with read_only(sessions) as session:
        for numerator in repository.GUARD_COLUMNS:
            counts = await repository.guard_counts(
                session,
                "pouch-sealing",
                "1.0.0",
                ["cork"],
                numerator,
                date(2026, 1, 1),
                date.today(),
            )
            assert counts == {
                "before_units": 0,
                "before_hits": 0,
                "after_units": 0,
                "after_hits": 0,
            }
