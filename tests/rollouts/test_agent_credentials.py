"""The reference agent checks a site's credential with `credential_matches` (constant time):
only the exact `Bearer <credential>` passes; near misses and undecodable headers are a 401."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from coe.plants.credentials import credential_matches, plant_key, site_credential
from tests.rollouts.conftest import Agent


def test_credential_matches_only_the_exact_credential() -> None:
    assert credential_matches("Bearer abc123", "Bearer abc123")
    for presented in ("Bearer abc12", "Bearer abc1234", "Bearer abc124", "", "bearer abc123"):
        assert not credential_matches("Bearer abc123", presented), presented
    assert not credential_matches("Bearer abc123", "Bearer abc12\u00e9")  # no TypeError


@pytest.mark.parametrize(
    "mangle",
    [
        lambda right: right[:-1],  # a prefix
        lambda right: right + "0",  # one character more
        lambda right: right[:-1] + ("0" if right[-1] != "0" else "1"),  # same length, last wrong
        lambda right: right.replace("Bearer", "Basic"),
        lambda right: right.encode() + b"\xe9",  # not ASCII
    ],
)
async def test_the_agent_refuses_near_misses(agent: Agent, settings: Any, mangle: Any) -> None:
    right = f"Bearer {site_credential(plant_key(settings), 'cork')}"
    url = agent.endpoint("cork") + "/v1/health"
    async with httpx.AsyncClient() as http:
        assert (await http.get(url, headers={"Authorization": right})).status_code == 200
        refused = await http.get(url, headers={"Authorization": mangle(right)})
    assert refused.status_code == 401
    assert refused.json()["error"] == "unauthorized"
