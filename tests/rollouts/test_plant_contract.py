"""The plant contract: the reference agent answers as the OpenAPI document says, and the
platform's client classifies every failure (respx for the ones a real agent cannot produce)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
import yaml
from jsonschema import Draft202012Validator

from coe.canonical import content_hash
from coe.plants.client import PlantClient, PlantError
from coe.plants.contract import Deployment
from coe.plants.credentials import plant_key, site_credential
from tests.rollouts.conftest import Agent

ROOT = Path(__file__).resolve().parents[2]
CONTRACT = yaml.safe_load((ROOT / "contracts" / "plant-instance-v1.openapi.yaml").read_text())
DEFINITION = {"kind": "EffectiveDefinition", "operations": [{"id": "op10"}]}


def schema(name: str) -> Draft202012Validator:
    document = {
        "$defs": CONTRACT["components"]["schemas"],
        **CONTRACT["components"]["schemas"][name],
    }
    text = yaml.safe_dump(document).replace("#/components/schemas/", "#/$defs/")
    return Draft202012Validator(yaml.safe_load(text))


def deployment(version: str = "1.0.0", **definition: Any) -> Deployment:
    body = {**DEFINITION, **definition}
    return Deployment(
        template="pouch-sealing", version=version, sha256=content_hash(body), definition=body
    )


@pytest.fixture
async def plant(agent: Agent, settings: Any) -> Any:

    async with httpx.AsyncClient() as http:
        yield PlantClient(
            http, agent.endpoint("cork"), site_credential(plant_key(settings), "cork"), timeout=2
        )


async def test_the_agent_follows_the_contract(plant: PlantClient, agent: Agent) -> None:
    async with httpx.AsyncClient() as http:
        raw = await http.get(
            agent.endpoint("cork") + "/v1/health",
            headers={"Authorization": f"Bearer {plant._headers['Authorization'][7:]}"},
        )
    assert list(schema("Health").iter_errors(raw.json())) == []
    assert await plant.running("pouch-sealing") is None
    first = await plant.deploy(deployment())
    assert list(schema("Running").iter_errors(first.model_dump(mode="json", by_alias=True))) == []
    again = await plant.deploy(deployment())
    assert again.since == first.since, "the same definition twice is a no-op"
    assert agent.state("cork")["deployments"] == 1
    second = await plant.deploy(deployment("1.1.0", limit=5))
    assert (await plant.running("pouch-sealing")).sha256 == second.sha256  # type: ignore[union-attr]
    restored = await plant.rollback("pouch-sealing")
    assert restored.sha256 == first.sha256
    assert [r.sha256 for r in await plant.all_running()] == [first.sha256]


async def test_the_agent_refuses_a_hash_that_does_not_match(plant: PlantClient) -> None:
    forged = deployment()
    forged.sha256 = "0" * 64
    with pytest.raises(PlantError, match="HTTP 422") as raised:
        await plant.deploy(forged)
    assert raised.value.transient is False


async def test_the_agent_refuses_a_wrong_credential(agent: Agent) -> None:
    async with httpx.AsyncClient() as http:
        client = PlantClient(http, agent.endpoint("cork"), "not-the-credential")
        with pytest.raises(PlantError, match="HTTP 401") as raised:
            await client.health()
    assert raised.value.transient is False


async def test_nothing_to_roll_back_is_a_conflict(plant: PlantClient) -> None:
    with pytest.raises(PlantError, match="HTTP 409"):
        await plant.rollback("pouch-sealing")


ENDPOINT = "http://plant.invalid/sites/x"


@pytest.mark.parametrize(
    ("answer", "message", "transient"),
    [
        (httpx.ConnectError("connection refused"), "unreachable", True),
        (httpx.ReadTimeout("slow"), "no answer within", True),
        (
            httpx.Response(503, json={"error": "unavailable", "message": "maintenance"}),
            "HTTP 503 maintenance",
            True,
        ),
        (httpx.Response(502, text="<html>Bad gateway</html>"), "HTTP 502", True),
        (httpx.Response(200, text="<html>proxy login</html>"), "not JSON", True),
        (httpx.Response(200, json={"status": "fine"}), "does not follow the contract", True),
        (httpx.Response(403, json={"error": "forbidden", "message": "no"}), "HTTP 403", False),
    ],
)
async def test_the_client_classifies_plant_failures(
    answer: Any, message: str, transient: bool
) -> None:
    with respx.mock(assert_all_called=True) as mock:
        route = mock.get(f"{ENDPOINT}/v1/health")
        if isinstance(answer, Exception):
            route.side_effect = answer
        else:
            route.return_value = answer
        async with httpx.AsyncClient() as http:
            with pytest.raises(PlantError, match=message) as raised:
                await PlantClient(http, ENDPOINT, "c", timeout=1).health()
    assert raised.value.transient is transient


async def test_garbage_in_a_running_definition_is_rejected() -> None:
    with respx.mock() as mock:
        mock.get(f"{ENDPOINT}/v1/definitions/t").return_value = httpx.Response(
            200, json={"template": "t", "version": "1", "sha256": "short", "since": "now"}
        )
        async with httpx.AsyncClient() as http:
            with pytest.raises(PlantError, match="does not follow the contract"):
                await PlantClient(http, ENDPOINT, "c").running("t")
