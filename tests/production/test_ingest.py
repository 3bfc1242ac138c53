"""The ingest endpoint: formats, validation per event, idempotency, limits, site scoping."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlmodel import func, select

from coe.auth.principal import Role
from coe.config import Settings
from coe.db import Sessions
from coe.models.production import ProductionEvent
from tests.production.conftest import DAY, batch_event, sender, unit
from tests.world import World


async def stored(sessions: Sessions) -> int:
    async with sessions() as session:
        return (await session.exec(select(func.count()).select_from(ProductionEvent))).one()


async def test_valid_events_are_stored_and_counted(production: World, sessions: Sessions) -> None:
    send = sender(production.api)
    status, body = await send(
        [
            unit(1),
            unit(2, "reworked"),
            unit(3, "scrapped"),
            batch_event("batch.completed", "b1", DAY, units=3),
            batch_event("batch.released", "b1", DAY + timedelta(hours=5), disposition="released"),
            {
                **batch_event("downtime", "x", DAY),
                "workCenter": "line-1",
                "reasonCode": "DT-MECH",
                "durationSeconds": 600,
            },
        ]
    )
    assert status == 200
    assert body == {"accepted": 6, "duplicates": 0, "rejected": 0, "errors": []}
    assert await stored(sessions) == 6


async def test_a_resent_batch_counts_once(production: World, sessions: Sessions) -> None:
    send = sender(production.api)
    events = [unit(1), unit(2)]
    assert (await send(events))[1]["accepted"] == 2
    again = (await send([*events, unit(3)]))[1]
    assert again == {"accepted": 1, "duplicates": 2, "rejected": 0, "errors": []}
    within = (await send([unit(4), unit(4)]))[1]
    assert (within["accepted"], within["duplicates"]) == (1, 1)
    assert await stored(sessions) == 4


async def test_ndjson_and_gzip(production: World) -> None:
    send = sender(production.api)
    assert (await send([unit(1), unit(2)], ndjson=True))[1]["accepted"] == 2
    assert (await send([unit(3), unit(4)], gzipped=True))[1]["accepted"] == 2
    assert (await send([unit(5)], ndjson=True, gzipped=True))[1]["accepted"] == 1


async def test_each_bad_event_is_rejected_with_its_reason_and_the_rest_stored(
    production: World, sessions: Sessions
) -> None:
    send = sender(production.api)
    bad = [
        {**unit(10), "type": "unit.exploded"},
        {**unit(11), "site": "cork"},
        {**unit(12), "occurredAt": "2026-11-02T08:00:00"},
        {**unit(13), "templateVersion": "9.9.9"},
        {**unit(14, "scrapped"), "reasonCode": "SC-NOPE"},
        {**unit(15), "reworkCount": -1},
        {k: v for k, v in unit(16).items() if k != "unit"},
        {**unit(17), "outcome": "meh"},
        {**unit(18), "occurredAt": (DAY + timedelta(days=400)).isoformat()},
        "not an object",
    ]
    status, body = await send([unit(1), *bad, unit(2)])
    assert status == 200
    assert (body["accepted"], body["rejected"]) == (2, len(bad))
    reasons = {error["at"]: error["reason"] for error in body["errors"]}
    assert reasons["index 1"].startswith("unknown type 'unit.exploded'")
    assert reasons["index 2"] == "site 'cork' is not the site of this plant"
    assert reasons["index 3"] == "occurredAt '2026-11-02T08:00:00' has no UTC offset"
    assert reasons["index 4"] == "unknown template version pouch-sealing@9.9.9 (not published)"
    assert reasons["index 5"] == "reasonCode 'SC-NOPE' is not in the template's scrap reason tree"
    assert reasons["index 6"].startswith("reworkCount must be a whole number")
    assert reasons["index 7"] == "unit is missing or not a string"
    assert reasons["index 8"].startswith("outcome must be one of")
    assert reasons["index 9"].endswith("is in the future")
    assert reasons["index 10"] == "an event is a JSON object"
    # Every refused event carries a stable code, whatever its reason's wording.
    codes = {error["at"]: error["code"] for error in body["errors"]}
    assert codes == {
        "index 1": "VALIDATION_FAILED",
        "index 2": "FORBIDDEN",  # another site's event
        "index 3": "VALIDATION_FAILED",
        "index 4": "UNKNOWN_TEMPLATE_VERSION",
        **{f"index {n}": "VALIDATION_FAILED" for n in range(5, 11)},
    }
    assert body["errors"][0]["id"] == unit(10)["id"]
    assert await stored(sessions) == 2


async def test_malformed_ndjson_lines_are_rejected_by_line(production: World) -> None:
    send = sender(production.api)
    body = (json.dumps(unit(1)) + "\n{broken\n\n" + json.dumps(unit(2))).encode()
    status, result = await send(body, ndjson=True)
    assert status == 200
    assert result["accepted"] == 2
    assert result["errors"][0]["at"] == "line 2"
    assert result["errors"][0]["reason"].startswith("not valid JSON")
    assert result["errors"][0]["code"] == "INVALID_JSON"


async def test_whole_body_problems_are_refused(production: World, sessions: Sessions) -> None:
    send = sender(production.api)
    assert (await send(b"[{broken"))[0] == 400
    assert (await send(b""))[0] == 400
    # Content-Type application/json: the body is a JSON array, or the request is refused
    for body in (b'{"not": "an array"}', b"x" * 64, b'{"id": 1}\n{"id": 2}'):
        status, answer = await send(body)
        assert (status, answer["error"]) == (400, "BAD_BATCH"), body
    assert "JSON array" in answer["message"]
    # NDJSON: a line that is not an event is refused on its own
    code, answer = await send(b"x" * 64, ndjson=True)
    assert code == 200
    assert answer["rejected"] == 1
    assert await stored(sessions) == 0


async def test_only_plant_tokens_of_the_site_send_events(
    production: World, sessions: Sessions
) -> None:
    send = sender(production.api)
    architect = production.api.tokens.issue(Role.COE_ARCHITECT)
    status, body = await send([unit(1)], token_override=architect)
    assert (status, body["error"]) == (403, "FORBIDDEN")
    status, body = await send([unit(1)], token_override="garbage")
    assert (status, body["error"]) == (401, "UNAUTHENTICATED")
    response = await production.api.client.post("/api/v1/events", content=b"[]")
    assert response.status_code == 401
    assert await stored(sessions) == 0


async def test_limits_on_batch_length_and_size(production: World, settings: Settings) -> None:
    send = sender(production.api)
    too_many = [unit(n) for n in range(settings.ingest_max_events + 1)]
    status, body = await send(too_many)
    assert status == 400
    assert "at most" in body["message"]
    bomb = b"[" + b" " * (settings.ingest_max_inflated_bytes + 10) + b"]"
    status, body = await send(bomb, gzipped=True)
    assert (status, body["error"]) == (413, "PAYLOAD_TOO_LARGE")
    assert "inflates to more than" in body["message"]
