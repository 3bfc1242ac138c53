"""Production benchmarks (issue targets: HTTP ingest >= 50,000 events/s sustained; cross-site
comparison over 10 million events and 200 sites p50 < 100 ms, not growing with the events).

Everything real and local: embedded PostgreSQL and the API process (`coe api`), plants sending
batches of 10,000 events over HTTP with their own plant tokens, 4 requests in flight.

1. Ingest: 1 million events, then 9 million more (10 million in all) over the same 90 days, so
   the rollups have the same number of rows at 1 and at 10 million raw events. Baseline, same
   run: a raw psycopg COPY of the same rows into a plain table of the same shape in the same
   PostgreSQL (the practical ceiling: no HTTP, no checks, no dedupe, no rollups).
2. Cross-site comparison: `kpis` right-first-time by site over the 90 days (200 ranked rows with
   intervals and overlaps) through GraphQL over HTTP, p50/p95, at 1 and at 10 million events;
   release velocity likewise (it reads one row per batch, not per event).

`python -m bench production`; COE_BENCH_EVENTS=1000000 for a quicker look (default 10 million).
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psycopg

from bench.registry import free_port
from coe.auth import service as users
from coe.auth.principal import Principal, Role
from coe.auth.service import Credentials
from coe.auth.tokens import TokenVerifier, issue_dev_token, load_or_create_signing_key
from coe.config import Settings
from coe.db import create_engine, create_sessions, libpq_url, transaction
from coe.migrations import upgrade
from coe.models import Enterprise
from coe.production.events import COLUMNS, ReasonTrees, check_batch, parse_batch
from coe.secrets import audit_key
from coe.sites import repository as sites_repository
from coe.sites import service as sites
from coe.sites.validation import SiteFields
from coe.stack import postgres
from coe.templates import service as templates
from coe.work import UnitOfWork

SITES, DAYS, BATCH, IN_FLIGHT, UNITS_PER_BATCH = 200, 90, 10_000, 4, 50
FIRST_PHASE = 1_000_000
QUERIES = 200
KEY = "bench-line"
REASONS = {
    "scrap": [{"code": "SC-SEAL", "title": "Seal defect"}],
    "rework": [{"code": "RW-RESEAL", "title": "Re-seal"}],
}


def template(version: str) -> dict[str, Any]:
    return {
        "apiVersion": "coe.dev/v1",
        "kind": "ProcessTemplate",
        "metadata": {"key": KEY, "version": version, "title": "Benchmark line"},
        "spec": {
            "parameters": {"t": {"type": "number", "default": 180, "minimum": 170, "maximum": 190}},
            "operations": [{"id": "seal", "kind": "execution", "title": "Seal"}],
            "reasonCodes": REASONS,
        },
    }


def site_key(index: int) -> str:
    return f"plant-{index:03d}"


async def seed(url: str, settings: Settings) -> None:
    """200 sites and two published versions of one template, the way a COE publishes them."""
    engine = create_engine(url, pool_size=2)
    sessions = create_sessions(engine)
    key = audit_key(settings)
    admin = Principal(subject="bench", name="Bench", roles=frozenset(Role))
    async with transaction(sessions) as session:
        work = UnitOfWork(session=session, principal=admin, audit_key=key)
        await sites_repository.add(session, Enterprise(key="bench", name="Bench"))
        for index in range(SITES):
            region = ("emea", "amer", "apac")[index % 3]
            fields = SiteFields(name=f"Plant {index}", region=region, time_zone="UTC")
            await sites.add_site(work, site_key(index), fields, None)
        await users.add_user(
            work, username="qa", display_name="QA", password="x" * 16, roles=[Role.QA_APPROVER]
        )
        approver = UnitOfWork(
            session=session,
            audit_key=key,
            principal=Principal(subject="qa", name="QA", roles=frozenset({Role.QA_APPROVER})),
        )
        verifier = TokenVerifier(dev_public_key=None, oidc=None)
        for version in ("1.0.0", "1.1.0"):
            await templates.save_draft(work, template(version))
            await templates.submit(work, KEY, version)
            await templates.approve(
                approver, verifier, KEY, version, Credentials("qa", "x" * 16), "bench"
            )
            await templates.publish(work, KEY, version)
    await engine.dispose()


class Plants:
    """Events as the plants send them: unit completions (with the site's own outcome mix),
    and per 50 units a batch completion and its release hours later; 1.1.0 from day 45."""

    def __init__(self, start: datetime) -> None:
        self.start = start
        self.units = [0] * SITES

    def batch(self, site: int, count: int, total_per_site: int) -> bytes:
        """`count` events of one site, its units spread evenly over the 90 days."""
        key = site_key(site)
        span = (DAYS - 2) * 86400 / total_per_site  # releases come up to 2 days later
        rft_per_mille = 880 + site % 100  # 88.0 % … 97.9 %
        lines: list[str] = []
        while len(lines) < count:
            number = self.units[site]
            self.units[site] += 1
            moment = self.start + timedelta(seconds=(number % total_per_site) * span)
            at = moment.isoformat()
            version = "1.0.0" if moment < self.start + timedelta(days=DAYS / 2) else "1.1.0"
            product = ("CK-100", "CK-200")[(number // 1000) % 2]
            draw = (number * 2654435761 + site * 40503) % 1000
            if draw < rft_per_mille:
                outcome = '"outcome":"right_first_time","reworkCount":0'
            elif draw < rft_per_mille + (1000 - rft_per_mille) * 2 // 3:
                outcome = '"outcome":"reworked","reworkCount":1,"reasonCode":"RW-RESEAL"'
            else:
                outcome = '"outcome":"scrapped","reworkCount":0,"reasonCode":"SC-SEAL"'
            common = (
                f'"site":"{key}","occurredAt":"{at}","template":"{KEY}",'
                f'"templateVersion":"{version}","product":"{product}"'
            )
            batch = f"{key}-B{number // UNITS_PER_BATCH:07d}"
            lines.append(
                f'{{"id":"{key}-u{number}","type":"unit.completed",{common},'
                f'"unit":"{key}-{number:08d}","batch":"{batch}",{outcome}}}'
            )
            if number % UNITS_PER_BATCH == UNITS_PER_BATCH - 1:
                lines.append(
                    f'{{"id":"{batch}-c","type":"batch.completed",{common},'
                    f'"batch":"{batch}","units":{UNITS_PER_BATCH}}}'
                )
                released = (moment + timedelta(hours=8 + site % 40)).isoformat()
                lines.append(
                    f'{{"id":"{batch}-r","type":"batch.released","site":"{key}",'
                    f'"occurredAt":"{released}","template":"{KEY}","templateVersion":'
                    f'"{version}","product":"{product}","batch":"{batch}",'
                    f'"disposition":"released"}}'
                )
        return "\n".join(lines).encode()

    def bodies(self, events: int, total_per_site: int) -> list[tuple[int, bytes]]:
        """About `events` events: each site's share, in requests of at most BATCH events."""
        share = max(1, events // SITES)
        sizes = [BATCH] * (share // BATCH) + ([share % BATCH] if share % BATCH else [])
        return [
            (site, self.batch(site, size, total_per_site))
            for size in sizes
            for site in range(SITES)
        ]


async def send_all(
    base: str, bodies: list[tuple[int, bytes]], tokens: list[str]
) -> tuple[float, int]:
    queue: asyncio.Queue[tuple[int, bytes]] = asyncio.Queue()
    for item in bodies:
        queue.put_nowait(item)
    accepted = 0

    async def worker(http: httpx.AsyncClient) -> None:
        nonlocal accepted
        while not queue.empty():
            site, body = queue.get_nowait()
            response = await http.post(
                f"{base}/api/v1/events",
                content=body,
                headers={
                    "Authorization": f"Bearer {tokens[site]}",
                    "Content-Type": "application/x-ndjson",
                },
            )
            answer = response.json()
            assert response.status_code == 200, answer
            assert answer["rejected"] == 0, answer["errors"][:3]
            accepted += answer["accepted"]

    start = time.perf_counter()
    async with httpx.AsyncClient(timeout=300) as http:
        await asyncio.gather(*(worker(http) for _ in range(IN_FLIGHT)))
    return time.perf_counter() - start, accepted


def copy_baseline(url: str, bodies: list[tuple[int, bytes]]) -> float:
    """Rows per second of a raw COPY of the same events' rows into a plain table."""
    trees = {
        (KEY, v): ReasonTrees(scrap=frozenset({"SC-SEAL"}), rework=frozenset({"RW-RESEAL"}))
        for v in ("1.0.0", "1.1.0")
    }
    rows = [
        row
        for _site, body in bodies
        for row in check_batch(parse_batch(body, BATCH * 2), None, trees).rows
    ]
    with psycopg.connect(libpq_url(url)) as connection:
        connection.execute("CREATE TABLE bench_copy (LIKE production_event INCLUDING DEFAULTS)")
        start = time.perf_counter()
        statement = f"COPY bench_copy ({', '.join(COLUMNS)}) FROM STDIN"
        with connection.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
        connection.commit()
        elapsed = time.perf_counter() - start
        connection.execute("DROP TABLE bench_copy")
        connection.commit()
    return len(rows) / elapsed


def latencies(base: str, token: str, query: str) -> tuple[float, float]:
    samples = []
    with httpx.Client(timeout=30) as http:
        for index in range(QUERIES + 10):
            start = time.perf_counter()
            response = http.post(
                f"{base}/graphql",
                json={"query": query},
                headers={"Authorization": f"Bearer {token}"},
            )
            elapsed = (time.perf_counter() - start) * 1000
            body = response.json()
            assert "errors" not in body, body
            if index >= 10:
                samples.append(elapsed)
    return statistics.median(samples), statistics.quantiles(samples, n=20)[18]


def kpi_queries(start: datetime) -> dict[str, str]:
    window = f'from: "{start.date()}", to: "{(start + timedelta(days=DAYS + 1)).date()}"'
    return {
        "right-first-time by site": (
            f"{{ kpis(metric: RIGHT_FIRST_TIME, groupBy: [SITE], {window}) {{ rows {{ group "
            "{ site } numerator denominator value low high rank overlapsWith } enterprise { "
            "value low high } } }"
        ),
        "release velocity by site": (
            f"{{ kpis(metric: RELEASE_VELOCITY, groupBy: [SITE], {window}) {{ rows {{ group "
            "{ site } count medianHours p90Hours rank } } }"
        ),
    }


def run(total_events: int) -> None:
    home = Path(tempfile.mkdtemp(prefix="coe-bench-"))
    server = postgres.start(home / "pgdata")
    api = None
    try:
        url = postgres.ensure_database(server)
        upgrade(url)
        settings = Settings(home=home, database_url=url)
        asyncio.run(seed(url, settings))
        port = free_port()
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "COE_HOME": str(home),
            "COE_PORT": str(port),
            "TEMPORAL_ADDRESS": "127.0.0.1:9",
            "COE_LOG_LEVEL": "WARNING",
        }
        api = subprocess.Popen(
            [sys.executable, "-m", "coe", "api"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        key = load_or_create_signing_key(settings.signing_key_path)
        tokens = [
            issue_dev_token(
                key, subject=site_key(i), name="Plant", roles=[Role.PLANT], sites=[site_key(i)]
            )
            for i in range(SITES)
        ]
        executive = issue_dev_token(key, subject="eve", name="Eve", roles=[Role.EXECUTIVE])
        base = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                httpx.get(f"{base}/health", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        start = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(
            days=DAYS
        )
        plants = Plants(start)
        per_site = total_events // SITES
        first = min(FIRST_PHASE, total_events)
        phases = (
            [("first", first), ("rest", total_events - first)]
            if total_events > first
            else [("first", first)]
        )
        loaded = 0
        for name, events in phases:
            bodies = plants.bodies(events, per_site)
            seconds, accepted = asyncio.run(send_all(base, bodies, tokens))
            loaded += accepted
            rate = accepted / seconds
            print(
                f"  ingest ({name} {accepted:,} events over HTTP, {len(bodies)} batches of "
                f"~{accepted // len(bodies):,}, {IN_FLIGHT} in flight): {seconds:.1f} s, "
                f"{rate:,.0f} events/s "
                f"(target >= 50,000: {'met' if rate >= 50_000 else 'MISSED'})"
            )
            if name == "first":
                sample = bodies[: max(1, 200_000 // BATCH)]
                ceiling = copy_baseline(url, sample)
                print(
                    f"  baseline raw psycopg COPY of the same rows: {ceiling:,.0f} rows/s; "
                    f"HTTP ingest / COPY = {rate / ceiling:.2f}"
                )
            del bodies
            with psycopg.connect(libpq_url(url), autocommit=True) as connection:
                # what autovacuum reaches in steady state; right after a bulk load the planner
                # still has the statistics of the empty tables
                connection.execute("VACUUM ANALYZE kpi_daily, batch_record, unit_outcome")
            for label, query in kpi_queries(start).items():
                p50, p95 = latencies(base, executive, query)
                print(
                    f"  {label} at {loaded:,} raw events: p50 {p50:.1f} ms, p95 {p95:.1f} ms"
                    + (
                        f" (target p50 < 100 ms: {'met' if p50 < 100 else 'MISSED'})"
                        if "right" in label
                        else ""
                    )
                )
        with psycopg.connect(libpq_url(url)) as connection:
            counts = connection.execute(
                "SELECT (SELECT count(*) FROM production_event), (SELECT count(*) FROM "
                "kpi_daily), (SELECT count(*) FROM batch_record)"
            ).fetchone()
        assert counts is not None
        print(
            f"  stored: {counts[0]:,} raw events; rollups {counts[1]:,} kpi_daily rows, "
            f"{counts[2]:,} batch records"
        )
    finally:
        if api is not None:
            api.terminate()
            api.wait(10)
        server.cleanup()


def main() -> None:
    total = int(os.environ.get("COE_BENCH_EVENTS", "10000000"))
    print(f"production: {SITES} sites, {DAYS} days, {total:,} events through POST /api/v1/events")
    run(total)


if __name__ == "__main__":
    main()
