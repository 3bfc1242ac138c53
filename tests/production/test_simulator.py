"""The demo plants' production (what `make run` shows): a reference agent that runs two
versions of a template sends history for both, every event accepted, nothing sent twice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from coe.agent.store import SiteStore
from coe.auth.principal import Role
from coe.demo.history import close_history
from coe.demo.producer import Producer
from coe.plants.contract import Deployment
from tests.production.conftest import KEY, production_template
from tests.world import World

COMPARE = """query($from: Date, $to: Date) { compareVersions(template: "pouch-sealing",
  fromVersion: "1.0.0", toVersion: "1.1.0", from: $from, to: $to) { sites { site
  before { denominator } after { denominator } } } }"""


async def units_per_version(world: World) -> tuple[int, int]:
    today = datetime.now(UTC).date()
    window = {
        "from": (today - timedelta(days=5)).isoformat(),
        "to": (today + timedelta(days=1)).isoformat(),
    }
    result = (await world.api.as_role(Role.EXECUTIVE, COMPARE, window)).ok()
    [penang] = result["compareVersions"]["sites"]
    return penang["before"]["denominator"], penang["after"]["denominator"]


async def test_a_demo_plant_sends_history_under_each_version_it_ran(
    production: World, tmp_path: Path
) -> None:
    await production.publish(production_template("1.1.0"))
    store = SiteStore(tmp_path, "penang", "not used here")
    for version, digest in (("1.0.0", "a"), ("1.1.0", "b")):
        deployment: dict[str, Any] = {
            "template": KEY,
            "version": version,
            "sha256": digest * 64,
            "definition": production_template(version)["spec"],
        }
        await store.deploy(Deployment.model_validate(deployment))
    token = production.api.tokens.issue(Role.PLANT, sites=["penang"], subject="plant-penang")
    producer = Producer(
        {"penang": store},
        str(production.api.client.base_url),
        {"penang": token},
        backfill=timedelta(days=2),
        settle=timedelta(0),
    )

    await producer.tick(store, production.api.client)

    state = store.state["production"]
    assert state["outbox"] == [], "everything was accepted"
    made = state["lines"][KEY]["unitNumber"]
    before, after = await units_per_version(production)
    assert before + after == made, "every unit counted once"
    assert min(before, after) > made * 0.4, "the history is split between the two versions"

    await producer.tick(store, production.api.client)  # moments later: little or nothing new
    assert (
        sum(await units_per_version(production))
        == store.state["production"]["lines"][KEY]["unitNumber"]
    )


async def test_a_template_that_arrives_later_has_no_history(
    production: World, tmp_path: Path
) -> None:
    store = SiteStore(tmp_path, "penang", "not used here")
    close_history(tmp_path)  # the demo's initial rollouts are done
    deployment: dict[str, Any] = {
        "template": KEY,
        "version": "1.0.0",
        "sha256": "a" * 64,
        "definition": production_template()["spec"],
    }
    await store.deploy(Deployment.model_validate(deployment))  # deployed now: a transfer, say
    since = datetime.fromisoformat(store.state["templates"][KEY]["current"]["since"])
    token = production.api.tokens.issue(Role.PLANT, sites=["penang"], subject="plant-penang")
    producer = Producer(
        {"penang": store},
        str(production.api.client.base_url),
        {"penang": token},
        backfill=timedelta(days=2),
        settle=timedelta(0),
    )

    await producer.tick(store, production.api.client)

    line = store.state["production"]["lines"][KEY]
    assert datetime.fromisoformat(line["producedUntil"]) >= since
    made = line["unitNumber"]
    assert made < 5, "only what the line made since its deployment moments ago"
    assert store.state["production"]["outbox"] == [], "what it made was accepted"
