"""The ingest under bad input and faults: every problem of one event is that event's rejection,
nothing the checks let through fails at the database, partitions stay inside the ingest window,
a failed batch cannot poison the process, and checking does not block the event loop."""

from __future__ import annotations

import asyncio
import json
import threading
import zlib
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from litestar import Litestar
from sqlalchemy import text

from coe.app import create_app
from coe.auth.principal import Role
from coe.config import Settings
from coe.db import Sessions, transaction
from coe.production import service
from coe.production.events import check_batch
from tests.production.conftest import DAY, batch_event, sender, unit
from tests.production.test_ingest import stored
from tests.world import World

INT4 = 2**31 - 1


async def scalar(sessions: Sessions, statement: str) -> Any:
    async with sessions() as session:
        return (await (await session.connection()).execute(text(statement))).scalar_one()


async def partitions(sessions: Sessions) -> int:
    count: int = await scalar(
        sessions,
        "SELECT count(*) FROM pg_inherits WHERE inhparent = 'production_event'::regclass",
    )
    return count


def reasons(answer: dict[str, Any]) -> dict[str, str]:
    return {error["at"]: error["reason"] for error in answer["errors"]}


async def test_a_nul_in_any_string_rejects_that_event_only(
    production: World, sessions: Sessions
) -> None:
    send = sender(production.api)
    bad = [
        {**unit(2), "product": "kit\x00a"},
        {**unit(3), "attributes": {"note": ["fine", "a\x00b"]}},
        {**unit(4), "payload": {"a/b\x00": 1}},
    ]
    status, answer = await send([unit(1), *bad, unit(5)])
    assert status == 200
    assert (answer["accepted"], answer["rejected"]) == (2, 3)
    why = reasons(answer)
    assert why["index 1"].startswith("/product contains a NUL character")
    assert why["index 2"].startswith("/attributes/note/1 contains a NUL character")
    assert why["index 3"].startswith("/payload/a~1b\\u0000 contains a NUL character")
    assert {error["code"] for error in answer["errors"]} == {"VALIDATION_FAILED"}
    assert answer["errors"][0]["id"] == unit(2)["id"]
    status, answer = await send([unit(6), {**unit(7), "id": "x\x00"}], ndjson=True)
    assert status == 200
    assert (answer["accepted"], reasons(answer)["line 2"][:4]) == (1, "/id ")
    assert await stored(sessions) == 3


async def test_invalid_utf8_in_a_line_rejects_that_line_only(production: World) -> None:
    send = sender(production.api)
    body = json.dumps(unit(1)).encode() + b'\n{"id": "\xc3\x28"}\n' + json.dumps(unit(2)).encode()
    status, answer = await send(body, ndjson=True)
    assert status == 200
    assert (answer["accepted"], answer["rejected"]) == (2, 1)
    assert reasons(answer)["line 2"].startswith("not valid JSON")


async def test_whole_numbers_must_fit_their_columns(production: World, sessions: Sessions) -> None:
    send = sender(production.api)
    too_big = [
        {**unit(2, "reworked"), "reworkCount": 2**31},
        {**unit(3, "reworked"), "reworkCount": 2**40},
        {**unit(4, "reworked"), "reworkCount": 2**70},
        batch_event("batch.completed", "b-big", DAY, units=2**31),
        {
            **batch_event("downtime", "x", DAY),
            "workCenter": "line-1",
            "reasonCode": "DT-MECH",
            "durationSeconds": 10**400,
        },
    ]
    largest = {**unit(1, "reworked"), "reworkCount": INT4}
    status, answer = await send([largest, *too_big])
    assert status == 200
    assert (answer["accepted"], answer["rejected"]) == (1, len(too_big))
    why = reasons(answer)
    for index, name in enumerate(("reworkCount",) * 3 + ("units",), start=1):
        assert why[f"index {index}"].startswith(f"{name} must be a whole number from 0 to {INT4}")
    assert why["index 5"].startswith("durationSeconds must be a number")
    assert await scalar(sessions, "SELECT max(rework_count) FROM production_event") == INT4


async def test_a_timestamp_beyond_the_calendar_in_utc_is_rejected(production: World) -> None:
    send = sender(production.api)
    status, answer = await send(
        [
            {**unit(1), "occurredAt": "0001-01-01T00:00:00+14:00"},
            {**unit(2), "occurredAt": "9999-12-31T23:00:00-14:00"},
            unit(3),
        ]
    )
    assert status == 200
    assert answer["accepted"] == 1
    why = reasons(answer)
    assert why["index 0"] == "occurredAt '0001-01-01T00:00:00+14:00' is out of range"
    assert why["index 1"] == "occurredAt '9999-12-31T23:00:00-14:00' is out of range"


async def test_no_partition_is_made_outside_the_ingest_window(
    production: World, sessions: Sessions, settings: Settings
) -> None:
    horizon = settings.ingest_max_age_days
    now = datetime.now(UTC)
    send = sender(production.api)
    ancient = [unit(n, at=datetime(n, 1, 1, tzinfo=UTC)) for n in range(1, 600)]
    status, answer = await send(
        [
            *ancient,
            unit(1000, at=now - timedelta(days=horizon + 1)),
            unit(1001, at=now + timedelta(days=2)),
            unit(1002, at=now - timedelta(days=horizon - 1)),
        ]
    )
    assert status == 200
    assert (answer["accepted"], answer["rejected"]) == (1, len(ancient) + 2)
    why = reasons(answer)
    too_old = f"is older than {horizon} days (COE_INGEST_MAX_AGE_DAYS)"
    assert why["index 0"].endswith(too_old)
    assert why[f"index {len(ancient)}"].endswith(too_old)
    assert why[f"index {len(ancient) + 1}"].endswith("is in the future")
    assert await partitions(sessions) == 1


async def test_deflate_is_accepted_and_the_error_for_others_names_both(production: World) -> None:
    send = sender(production.api)
    token = production.api.tokens.issue(Role.PLANT, sites=["penang"], subject="plant-penang")
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    body = json.dumps([unit(1)]).encode()
    response = await production.api.client.post(
        "/api/v1/events",
        content=zlib.compress(body),
        headers={**headers, "Content-Encoding": "deflate"},
    )
    assert (response.status_code, response.json()["accepted"]) == (200, 1)
    response = await production.api.client.post(
        "/api/v1/events", content=body, headers={**headers, "Content-Encoding": "br"}
    )
    assert response.status_code == 400
    assert response.json()["message"] == (
        "Content-Encoding 'br' is not supported (use gzip or deflate)"
    )
    assert (await send([unit(2)], gzipped=True))[1]["accepted"] == 1


async def test_events_of_a_site_that_does_not_exist_are_not_stored(
    production: World, sessions: Sessions
) -> None:
    status, answer = await sender(production.api, site="atlantis")([unit(1, site="atlantis")])
    assert (status, answer["error"]) == (403, "FORBIDDEN")
    assert "atlantis is not a known site" in answer["message"]
    token = production.api.tokens.issue(Role.PLANT, sites=["penang", "atlantis"])
    status, answer = await sender(production.api)(
        [unit(1), unit(2, site="atlantis")], token_override=token
    )
    assert (status, answer["accepted"]) == (200, 1)
    assert reasons(answer)["index 1"] == "site 'atlantis' is not a known site"
    assert [error["code"] for error in answer["errors"]] == ["UNKNOWN_SITE"]
    assert await stored(sessions) == 1
    assert await scalar(sessions, "SELECT count(*) FROM kpi_daily WHERE site = 'atlantis'") == 0


async def test_a_rolled_back_batch_does_not_poison_the_partition_cache(
    production: World, sessions: Sessions
) -> None:
    """The database refuses one event at insert time (a trigger stands for any fault there):
    that batch fails and rolls back, and the next batch of the same month is stored."""
    async with transaction(sessions) as session:
        await (await session.connection()).execute(
            text(
                "CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                "IF NEW.id = 'poison' THEN RAISE EXCEPTION 'poisoned event'; END IF; "
                "RETURN NEW; END $$"
            )
        )
        await (await session.connection()).execute(
            text(
                "CREATE TRIGGER refuse_poison BEFORE INSERT ON production_event "
                "FOR EACH ROW EXECUTE FUNCTION refuse_poison()"
            )
        )
    token = production.api.tokens.issue(Role.PLANT, sites=["penang"], subject="plant-penang")
    response = await production.api.client.post(
        "/api/v1/events",
        content=json.dumps([unit(1, event="poison")]).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    assert response.status_code == 500
    assert await stored(sessions) == 0
    for number in (2, 3):
        status, answer = await sender(production.api)([unit(number)])
        assert (status, answer["accepted"]) == (200, 1)
    assert await stored(sessions) == 2


async def test_a_partition_gone_behind_the_cache_is_made_again(
    production: World, sessions: Sessions
) -> None:
    send = sender(production.api)
    assert (await send([unit(1)]))[1]["accepted"] == 1
    async with transaction(sessions) as session:
        await (await session.connection()).execute(text("DROP TABLE production_event_y2026m11"))
    status, answer = await send([unit(2)])
    assert (status, answer["accepted"]) == (200, 1)
    assert await stored(sessions) == 1


@asynccontextmanager
async def running(settings: Settings) -> AsyncIterator[Litestar]:
    """The API in this test's own event loop and task (the test client runs it in another
    thread; the lifespan must end in the task it began in)."""
    app = create_app(settings)
    async with app.lifespan():
        yield app


async def test_checking_a_batch_runs_off_the_event_loop(
    production: World, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While a big batch is checked, the same process answers /health: the check runs in a
    worker thread, not on the loop (where it would hold every other request up)."""
    loop_thread = threading.get_ident()
    checking = threading.Event()
    checked_in: list[int] = []

    def observed(*args: Any, **kwargs: Any) -> Any:
        checked_in.append(threading.get_ident())
        checking.set()
        try:
            return check_batch(*args, **kwargs)
        finally:
            checking.clear()

    monkeypatch.setattr(service, "check_batch", observed)
    token = production.api.tokens.issue(Role.PLANT, sites=["penang"], subject="plant-penang")
    body = json.dumps([unit(n) for n in range(20_000)]).encode()
    answered_during_check = 0
    async with (
        running(settings) as app,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),  # type: ignore[arg-type]
            base_url="http://coe",
        ) as client,
    ):
        ingest = asyncio.create_task(
            client.post(
                "/api/v1/events",
                content=body,
                headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
                timeout=300,
            )
        )
        while not ingest.done():
            assert (await client.get("/health")).status_code == 200
            answered_during_check += checking.is_set()
            await asyncio.sleep(0.005)
        response = await ingest
    assert (response.status_code, response.json()["accepted"]) == (200, 20_000)
    assert checked_in
    assert loop_thread not in checked_in
    assert answered_during_check > 0


async def post_raw(
    app: Litestar, headers: dict[str, str], chunks: Iterator[bytes]
) -> tuple[int, dict[str, Any], int]:
    """POST through the ASGI interface itself; also says how many body chunks the app read."""
    read = 0

    async def receive() -> dict[str, Any]:
        nonlocal read
        chunk = next(chunks, None)
        if chunk is None:
            return {"type": "http.request", "body": b"", "more_body": False}
        read += 1
        return {"type": "http.request", "body": chunk, "more_body": True}

    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/v1/events",
        "raw_path": b"/api/v1/events",
        "query_string": b"",
        "root_path": "",
        "headers": [(name.lower().encode(), value.encode()) for name, value in headers.items()],
        "client": ("127.0.0.1", 50000),
        "server": ("coe", 80),
    }
    await app(scope, receive, send)  # type: ignore[arg-type]
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return status, json.loads(body), read


async def test_a_body_over_the_setting_is_refused_before_it_is_read(
    production: World, settings: Settings
) -> None:
    limit = settings.ingest_max_body_bytes
    token = production.api.tokens.issue(Role.PLANT, sites=["penang"], subject="plant-penang")
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    megabyte = b" " * 2**20
    announced = limit + 4 * 2**20  # over the setting, under the route's former 64 MiB
    async with running(settings) as app:
        status, answer, read = await post_raw(
            app,
            {**headers, "Content-Length": str(announced)},
            iter([megabyte] * (announced // len(megabyte))),
        )
        assert (status, answer["error"], read) == (413, "PAYLOAD_TOO_LARGE", 0)
        assert answer["message"] == f"the body is larger than {limit} bytes"
        status, answer, read = await post_raw(app, headers, iter([megabyte] * 40))
    assert (status, answer["error"]) == (413, "PAYLOAD_TOO_LARGE")
    assert read == limit // len(megabyte) + 1  # stopped at the first byte past the limit


class TestASmallerSetting:
    @pytest.fixture
    def settings(self, settings: Settings) -> Settings:
        smaller = {"ingest_max_body_bytes": 4096, "ingest_max_age_days": 30}
        return settings.model_copy(update=smaller)

    async def test_the_limits_follow_the_settings(self, production: World) -> None:
        send = sender(production.api)
        status, answer = await send([unit(n) for n in range(40)])
        assert (status, answer["error"]) == (413, "PAYLOAD_TOO_LARGE")
        assert answer["message"] == "the body is larger than 4096 bytes"
        old = datetime.now(UTC) - timedelta(days=31)
        status, answer = await send([unit(1, at=old)])
        assert (status, answer["accepted"]) == (200, 0)
        reason = answer["errors"][0]["reason"]
        assert reason.endswith("is older than 30 days (COE_INGEST_MAX_AGE_DAYS)")
