"""Events for a published template with all three reason trees."""

from __future__ import annotations

import copy
import gzip
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from coe.auth.principal import Role
from tests.helpers import Api
from tests.templates.test_validation import BASE_TEMPLATE
from tests.world import World

KEY, VERSION = "pouch-sealing", "1.0.0"
DAY = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


def production_template(version: str = VERSION) -> dict[str, Any]:
    document: dict[str, Any] = copy.deepcopy(BASE_TEMPLATE)
    document["metadata"]["version"] = version
    document["spec"]["reasonCodes"] = {
        "downtime": [{"code": "DT-MECH", "title": "Mechanical"}],
        "scrap": [{"code": "SC-SEAL", "title": "Seal defect"}],
        "rework": [{"code": "RW-RESEAL", "title": "Re-seal"}],
    }
    return document


@pytest.fixture
async def production(world: World) -> World:
    await world.publish(production_template())
    return world


def unit(
    number: int,
    outcome: str = "right_first_time",
    *,
    site: str = "penang",
    at: datetime = DAY,
    event: str | None = None,
    version: str = VERSION,
    product: str = "kit-a",
    batch: str = "b1",
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": event or f"{site}-u{number}-{at.isoformat()}",
        "type": "unit.completed",
        "site": site,
        "occurredAt": at.isoformat(),
        "template": KEY,
        "templateVersion": version,
        "product": product,
        "unit": f"u{number}",
        "batch": batch,
        "outcome": outcome,
        "reworkCount": 0 if outcome == "right_first_time" else 1,
    }
    if outcome == "reworked":
        body["reasonCode"] = "RW-RESEAL"
    if outcome == "scrapped":
        body["reasonCode"] = "SC-SEAL"
    return body


def batch_event(
    kind: str, batch: str, at: datetime, *, site: str = "penang", **extra: Any
) -> dict[str, Any]:
    return {
        "id": f"{site}-{kind}-{batch}-{at.isoformat()}",
        "type": kind,
        "site": site,
        "occurredAt": at.isoformat(),
        "template": KEY,
        "templateVersion": VERSION,
        "product": "kit-a",
        "batch": batch,
        **extra,
    }


Sender = Callable[..., Any]


def sender(api: Api, site: str = "penang") -> Sender:
    token = api.tokens.issue(Role.PLANT, sites=[site], subject=f"plant-{site}")

    async def send(
        events: list[Any] | bytes,
        *,
        ndjson: bool = False,
        gzipped: bool = False,
        token_override: str | None = None,
    ) -> tuple[int, dict[str, Any]]:
        if isinstance(events, bytes):
            body = events
        elif ndjson:
            body = "\n".join(json.dumps(e) for e in events).encode()
        else:
            body = json.dumps(events).encode()
        headers = {
            "Authorization": f"Bearer {token_override or token}",
            "Content-Type": "application/x-ndjson" if ndjson else "application/json",
        }
        if gzipped:
            body = gzip.compress(body)
            headers["Content-Encoding"] = "gzip"
        response = await api.client.post("/api/v1/events", content=body, headers=headers)
        return response.status_code, response.json()

    return send


HOUR = timedelta(hours=1)
