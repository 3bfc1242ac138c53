"""KPIs from small data sets whose values are worked out by hand in the comments."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from coe.auth.principal import Role
from coe.config import Settings
from coe.db import Sessions, transaction
from coe.kpis.stats import difference, percentile_cont, wilson
from coe.rollouts import ledger
from coe.secrets import audit_key
from coe.work import UnitOfWork
from tests.helpers import ARCHITECT
from tests.production.conftest import (
    DAY,
    KEY,
    batch_event,
    production_template,
    sender,
    unit,
)
from tests.world import World

WINDOW = {"from": "2026-10-01", "to": "2026-12-01"}
KPIS = """query($m: KpiMetric!, $g: [KpiDimension!], $f: KpiFilter, $from: Date, $to: Date,
  $p: KpiPeriod!) { kpis(metric: $m, groupBy: $g, filter: $f, from: $from, to: $to, period: $p)
  { rows { group { site region version product period } numerator denominator value low high
  count medianHours p90Hours rank overlapsWith } enterprise { numerator denominator value
  count medianHours p90Hours } } }"""


async def kpis(
    world: World,
    metric: str,
    group_by: list[str] | None = None,
    role: Role = Role.EXECUTIVE,
    period: str = "DAY",
    **filters: Any,
) -> Any:
    result = await world.api.as_role(
        role,
        KPIS,
        {"m": metric, "g": group_by or ["SITE"], "f": filters or None, "p": period, **WINDOW},
        sites=["penang"] if role is Role.SITE_ADMIN else (),
    )
    return result.ok()["kpis"]


@pytest.fixture
async def penang_and_cork(production: World) -> World:
    penang, cork = sender(production.api), sender(production.api, "cork")
    late = DAY - timedelta(days=3)
    events = [
        unit(1),
        unit(2, "reworked"),
        unit(3, "scrapped"),
        unit(4),
        # u5: scrapped at 09:00, then re-completed (reworked) at 10:00: the latest counts.
        unit(5, "scrapped", at=DAY + timedelta(hours=1)),
        unit(5, "reworked", at=DAY + timedelta(hours=2)),
        # u7: two events at the same time: the greatest event id ("b") counts.
        unit(7, "scrapped", event="u7-a"),
        unit(7, "right_first_time", event="u7-b"),
        {**unit(8), "reasonCode": 1, "outcome": "nonsense"},  # rejected, never counted
    ]
    status, body = await penang(events)
    assert (status, body["accepted"], body["rejected"]) == (200, 8, 1)
    # A late event (three days ago) lands in its own day; the batch is then re-sent whole.
    assert (await penang([unit(6, at=late)]))[1]["accepted"] == 1
    assert (await penang(events))[1]["duplicates"] == 8
    # Batches: completion to release 5 h, 2 h and 10 h; b1's release is sent twice.
    batches = [
        batch_event("batch.completed", "b1", DAY, units=4),
        batch_event("batch.released", "b1", DAY + timedelta(hours=5), disposition="released"),
        batch_event("batch.completed", "b2", DAY + timedelta(hours=1), units=2),
        batch_event("batch.released", "b2", DAY + timedelta(hours=3), disposition="rejected"),
        batch_event("batch.completed", "b3", DAY + timedelta(hours=2), units=1),
        batch_event("batch.released", "b3", DAY + timedelta(hours=12), disposition="released"),
        batch_event("batch.completed", "b4", DAY, units=1),  # not released yet: not counted
    ]
    assert (await penang(batches))[1]["accepted"] == 7
    assert (await penang(batches[:2]))[1]["duplicates"] == 2
    # cork: 10 units, 9 right first time.
    cork_units = [unit(n, site="cork") for n in range(9)] + [unit(9, "scrapped", site="cork")]
    assert (await cork(cork_units))[1]["accepted"] == 10
    return production


# penang's units, each counted once by its deciding event:
#   u1 rft, u2 reworked, u3 scrapped, u4 rft, u5 reworked (latest), u6 rft (late), u7 rft (id b)
#   → 7 units: 4 right first time, 2 reworked, 1 scrapped.


async def test_right_first_time_by_site(penang_and_cork: World) -> None:
    report = await kpis(penang_and_cork, "RIGHT_FIRST_TIME")
    rows = {r["group"]["site"]: r for r in report["rows"]}
    assert (rows["penang"]["numerator"], rows["penang"]["denominator"]) == (4, 7)
    assert rows["penang"]["value"] == pytest.approx(4 / 7)
    # Wilson 95 % for 4/7: 0.2504 .. 0.8418; for 9/10: 0.5958 .. 0.9821 (worked by hand).
    assert rows["penang"]["low"] == pytest.approx(0.2504, abs=1e-4)
    assert rows["penang"]["high"] == pytest.approx(0.8418, abs=1e-4)
    assert rows["cork"]["low"] == pytest.approx(0.5958, abs=1e-4)
    assert rows["cork"]["high"] == pytest.approx(0.9821, abs=1e-4)
    assert [r["group"]["site"] for r in report["rows"]] == ["cork", "penang"]
    assert [r["rank"] for r in report["rows"]] == [1, 2]
    assert rows["cork"]["overlapsWith"] == ["penang"], "9/10 vs 4/7 is not a real difference"
    assert (report["enterprise"]["numerator"], report["enterprise"]["denominator"]) == (13, 17)


async def test_scrap_and_rework_ratios(penang_and_cork: World) -> None:
    scrap = await kpis(penang_and_cork, "SCRAP_RATIO")
    rows = {r["group"]["site"]: (r["numerator"], r["denominator"]) for r in scrap["rows"]}
    assert rows == {"penang": (1, 7), "cork": (1, 10)}
    rework = await kpis(penang_and_cork, "REWORK_RATIO")
    rows = {r["group"]["site"]: (r["numerator"], r["denominator"]) for r in rework["rows"]}
    assert rows == {"penang": (2, 7), "cork": (0, 10)}


async def test_late_events_land_in_their_own_day(penang_and_cork: World) -> None:
    report = await kpis(penang_and_cork, "RIGHT_FIRST_TIME", ["SITE", "PERIOD"], sites=["penang"])
    by_day = {r["group"]["period"]: (r["numerator"], r["denominator"]) for r in report["rows"]}
    assert by_day == {"2026-10-30": (1, 1), "2026-11-02": (3, 6)}
    monthly = await kpis(penang_and_cork, "RIGHT_FIRST_TIME", ["PERIOD"], period="MONTH")
    assert {r["group"]["period"]: r["denominator"] for r in monthly["rows"]} == {
        "2026-10-01": 1,
        "2026-11-01": 16,
    }


async def test_release_velocity(penang_and_cork: World) -> None:
    report = await kpis(penang_and_cork, "RELEASE_VELOCITY")
    [penang] = report["rows"]
    # hours 2, 5, 10: median 5; 90th percentile (continuous) 5 + 0.8 x (10 - 5) = 9.
    assert penang["count"] == 3
    assert penang["medianHours"] == pytest.approx(5.0)
    assert penang["p90Hours"] == pytest.approx(9.0)
    assert percentile_cont([2, 5, 10], 0.9) == pytest.approx(9.0)


async def test_grouping_by_region_version_and_product(penang_and_cork: World) -> None:
    report = await kpis(penang_and_cork, "RIGHT_FIRST_TIME", ["REGION", "VERSION", "PRODUCT"])
    groups = {
        (r["group"]["region"], r["group"]["version"], r["group"]["product"]): r["denominator"]
        for r in report["rows"]
    }
    assert groups == {("emea", "1.0.0", "kit-a"): 17}  # both test sites are in emea


async def test_site_admins_see_only_their_sites(penang_and_cork: World) -> None:
    report = await kpis(penang_and_cork, "RIGHT_FIRST_TIME", role=Role.SITE_ADMIN)
    assert [r["group"]["site"] for r in report["rows"]] == ["penang"]
    assert report["enterprise"]["denominator"] == 7, "their enterprise is their sites"
    refused = await penang_and_cork.api.as_role(
        Role.PLANT, KPIS, {"m": "RIGHT_FIRST_TIME", "p": "DAY"}, sites=["penang"]
    )
    assert refused.codes == ["FORBIDDEN"]


async def test_compare_versions_with_the_difference_and_its_interval(
    production: World,
) -> None:
    await production.publish(production_template("1.1.0"))
    penang = sender(production.api)
    before = [unit(n, "right_first_time" if n < 30 else "reworked") for n in range(40)]
    after = [
        unit(100 + n, "right_first_time" if n < 38 else "reworked", version="1.1.0")
        for n in range(40)
    ]
    assert (await penang(before + after))[1]["accepted"] == 80
    # cork only ever ran 1.1.0, and badly: 5/20. It has no "before", so it must not drag the
    # enterprise "after" down (Simpson's paradox); its own row shows it alone.
    cork_after = [
        unit(n, "right_first_time" if n < 5 else "scrapped", site="cork", version="1.1.0")
        for n in range(20)
    ]
    assert (await sender(production.api, "cork")(cork_after))[1]["accepted"] == 20
    result = (
        await production.api.as_role(
            Role.EXECUTIVE,
            'query { compareVersions(template: "pouch-sealing", fromVersion: '
            '"1.0.0", toVersion: "1.1.0", from: "2026-10-01", to: "2026-12-01") { sites { site '
            "before { numerator denominator } after { numerator denominator } difference low high "
            "significant } enterprise { before { denominator } after { denominator } "
            "difference } } }",
        )
    ).ok()["compareVersions"]
    cork, site = result["sites"]
    assert cork["before"] == {"numerator": 0, "denominator": 0}
    assert cork["after"] == {"numerator": 5, "denominator": 20}
    assert cork["difference"] is None
    assert site["before"] == {"numerator": 30, "denominator": 40}
    assert site["after"] == {"numerator": 38, "denominator": 40}
    assert site["difference"] == pytest.approx(0.2)
    expected = difference(wilson(38, 40), wilson(30, 40))
    assert (site["low"], site["high"]) == (
        pytest.approx(expected.low),
        pytest.approx(expected.high),
    )
    assert site["significant"] is True
    assert result["enterprise"]["difference"] == pytest.approx(0.2)
    assert result["enterprise"]["after"]["denominator"] == 40, "penang only: it ran both"


async def test_bad_windows_are_refused(production: World) -> None:
    result = await production.api.as_role(
        Role.EXECUTIVE,
        'query { kpis(metric: RIGHT_FIRST_TIME, from: "2026-11-02", '
        'to: "2026-11-01") { rows { rank } } }',
    )
    assert result.codes == ["BAD_USER_INPUT"]


ADOPTION = """query($t: String) { adoption(template: $t) { template currentVersion sitesUsing
  sitesOnCurrent share leadTimes { site hours } } }"""


async def test_adoption_from_the_deployment_ledger(
    production: World, sessions: Sessions, settings: Settings
) -> None:
    await production.publish(production_template("1.1.0"))
    async with transaction(sessions) as session:
        work = UnitOfWork(session=session, principal=ARCHITECT, audit_key=audit_key(settings))
        for site, version in (("penang", "1.0.0"), ("penang", "1.1.0"), ("cork", "1.0.0")):
            await ledger.record_live(
                work,
                rollout_id=f"r-{site}-{version}",
                site=site,
                template=KEY,
                version=version,
                sha256="0" * 64,
                previous_sha256=None,
                deployed_by="ada",
            )
    everything = (await production.api.as_role(Role.EXECUTIVE, ADOPTION)).ok()["adoption"]
    [adoption] = [a for a in everything if a["template"] == KEY]
    assert adoption["currentVersion"] == "1.1.0"
    assert (adoption["sitesUsing"], adoption["sitesOnCurrent"]) == (2, 1)
    assert adoption["share"] == pytest.approx(0.5)
    lead = {entry["site"]: entry["hours"] for entry in adoption["leadTimes"]}
    assert lead["cork"] is None, "cork does not run the current version"
    assert 0 <= lead["penang"] < 1, "went live right after publication"
    mine = await production.api.as_role(Role.SITE_ADMIN, ADOPTION, {"t": KEY}, sites=["penang"])
    [scoped] = mine.ok()["adoption"]
    assert (scoped["sitesUsing"], scoped["sitesOnCurrent"]) == (1, 1)


EMPTY = """query($m: KpiMetric!, $f: KpiFilter, $from: Date, $to: Date) {
  kpis(metric: $m, filter: $f, from: $from, to: $to) { rows { rank } enterprise { denominator
  count } warning dataFrom dataTo } }"""


async def test_an_empty_window_names_the_days_that_hold_data(penang_and_cork: World) -> None:
    async def ask(metric: str, role: Role = Role.EXECUTIVE, **filters: Any) -> Any:
        variables = {"m": metric, "f": filters or None, "from": "2026-09-01", "to": "2026-10-01"}
        sites = ["penang"] if role is Role.SITE_ADMIN else ()
        result = await penang_and_cork.api.as_role(role, EMPTY, variables, sites=sites)
        return result.ok()["kpis"]

    everything = await ask("RIGHT_FIRST_TIME")
    assert everything["rows"] == []
    assert everything["warning"] == (
        "no data from 2026-09-01 to 2026-09-30; the data you can see runs from 2026-10-30 to "
        "2026-11-02"
    )
    assert (everything["dataFrom"], everything["dataTo"]) == ("2026-10-30", "2026-11-02")
    # The same filters as the report: cork only had units on the 2nd (penang's late unit of
    # the 30th is not cork's), and batches were released on the 2nd only.
    cork = await ask("RIGHT_FIRST_TIME", sites=["cork"])
    assert (cork["dataFrom"], cork["dataTo"]) == ("2026-11-02", "2026-11-02")
    velocity = await ask("RELEASE_VELOCITY")
    assert (velocity["dataFrom"], velocity["dataTo"]) == ("2026-11-02", "2026-11-02")
    nothing = await ask("RIGHT_FIRST_TIME", template="no-such-template")
    assert nothing["warning"].endswith("there is no data you can see for these filters on any day")
    assert nothing["dataFrom"] is None
    # The caller's scope: what a penang site admin cannot see is not named to them.
    penang = await ask("RIGHT_FIRST_TIME", role=Role.SITE_ADMIN)
    assert (penang["dataFrom"], penang["dataTo"]) == ("2026-10-30", "2026-11-02")
    full = await penang_and_cork.api.as_role(
        Role.EXECUTIVE, EMPTY, {"m": "RIGHT_FIRST_TIME", **WINDOW}
    )
    assert full.ok()["kpis"]["warning"] is None, "a window with data needs no warning"


async def test_compare_versions_in_an_empty_window_says_where_the_data_is(
    penang_and_cork: World,
) -> None:
    result = (
        await penang_and_cork.api.as_role(
            Role.EXECUTIVE,
            'query { compareVersions(template: "pouch-sealing", fromVersion: "1.0.0", '
            'toVersion: "1.1.0", from: "2026-11-10", to: "2026-11-20") { sites { site } '
            "warning dataFrom dataTo } }",
        )
    ).ok()["compareVersions"]
    assert result["sites"] == []
    assert result["warning"] == (
        "no data from 2026-11-10 to 2026-11-19; the data you can see runs from 2026-10-30 to "
        "2026-11-02"
    )
