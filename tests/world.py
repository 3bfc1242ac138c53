"""A small world for registry tests: an enterprise, two sites, and people with passwords.
Registered as a pytest plugin by tests/conftest.py (the `world` fixture)."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

import pytest
import yaml

from coe.auth import service as users
from coe.auth.principal import Role
from coe.config import Settings
from coe.db import Sessions, transaction
from coe.secrets import audit_key
from coe.work import UnitOfWork
from tests.helpers import ARCHITECT, Api, Result
from tests.sites.test_api import add_sites, seed_enterprise
from tests.templates.test_validation import BASE_OVERLAY, BASE_TEMPLATE

PASSWORD = "long enough password"
PEOPLE = {
    "ada": ("Ada Lovelace", Role.COE_ARCHITECT, ()),
    "grace": ("Grace Hopper", Role.COE_ARCHITECT, ()),
    "quinn": ("Quinn Murphy", Role.QA_APPROVER, ()),
    "rui": ("Rui Costa", Role.QA_APPROVER, ("cork",)),
    "sam": ("Samira Tan", Role.SITE_ADMIN, ("penang",)),
    "cara": ("Cara Walsh", Role.SITE_ADMIN, ("cork",)),
    "nina": ("Nina Okafor", Role.NPI_ENGINEER, ()),
}

VERSION = "key version status contentSha256 author approval { signerId meaning }"


@dataclass
class World:
    api: Api

    async def as_user(
        self, user: str, document: str, variables: dict[str, Any] | None = None
    ) -> Result:
        _name, role, sites = PEOPLE[user]
        return await self.api.as_role(role, document, variables, sites=sites, subject=user)

    async def save(self, document: dict[str, Any], user: str = "ada") -> Result:
        return await self.as_user(
            user,
            "mutation($s: String!) { saveTemplateDraft(source: $s) { outcome "
            f"template {{ {VERSION} }} }} }}",
            {"s": yaml.safe_dump(document)},
        )

    async def step(
        self, mutation: str, key: str, version: str, user: str = "ada", **extra: Any
    ) -> Result:
        arguments = "".join(f", ${name}: String!" for name in extra)
        passing = "".join(f", {name}: ${name}" for name in extra)
        return await self.as_user(
            user,
            f"mutation($k: String!, $v: String!{arguments}) {{ {mutation}(key: $k, "
            f"version: $v{passing}) {{ {VERSION} }} }}",
            {"k": key, "v": version, **extra},
        )

    async def approve(
        self,
        key: str,
        version: str,
        user: str = "quinn",
        password: str = PASSWORD,
        username: str | None = None,
    ) -> Result:
        return await self.as_user(
            user,
            "mutation($k: String!, $v: String!, $s: SignerInput!) { approveTemplate("
            f"key: $k, version: $v, signature: $s) {{ {VERSION} }} }}",
            {
                "k": key,
                "v": version,
                "s": {
                    "username": username or user,
                    "password": password,
                    "reason": "validation report reviewed",
                },
            },
        )

    async def publish(self, document: dict[str, Any]) -> None:
        """The whole path: draft → review → approval by quinn → published."""
        key, version = document["metadata"]["key"], document["metadata"]["version"]
        (await self.save(document)).ok()
        (await self.step("submitTemplate", key, version)).ok()
        (await self.approve(key, version)).ok()
        (await self.step("publishTemplate", key, version)).ok()

    async def plant_at(self, site: str, endpoint: str = "http://127.0.0.1:9") -> None:
        """Give `site` a production plant instance, as a rollout needs (nothing listens at the
        default: for tests that start a rollout no worker runs)."""
        (
            await self.api.as_role(
                Role.COE_ARCHITECT,
                "mutation($k: String!, $e: String!) { updateSite(key: $k, "
                "patch: {plantEndpoint: $e}) { key } }",
                {"k": site, "e": endpoint},
            )
        ).ok()

    async def propose(self, document: dict[str, Any], user: str = "sam") -> Result:
        return await self.as_user(
            user,
            "mutation($s: String!) { proposeOverlay(source: $s) { outcome overlay { site "
            "template version status } } }",
            {"s": yaml.safe_dump(document)},
        )

    async def approve_overlay(
        self, site: str, template: str, version: int, user: str = "quinn"
    ) -> Result:
        return await self.as_user(
            user,
            "mutation($site: String!, $t: String!, $v: Int!, $s: SignerInput!) { "
            "approveOverlay(site: $site, template: $t, version: $v, signature: $s) { status "
            "approval { signerId } } }",
            {
                "site": site,
                "t": template,
                "v": version,
                "s": {"username": user, "password": PASSWORD, "reason": "change reviewed"},
            },
        )


def template(version: str = "1.0.0", **changes: Any) -> dict[str, Any]:
    document: dict[str, Any] = copy.deepcopy(BASE_TEMPLATE)
    document["metadata"]["version"] = version
    for name, value in changes.items():
        document["spec"]["parameters"][name].update(value)
    return document


def overlay(version: int = 1, site: str = "penang", **values: Any) -> dict[str, Any]:
    document: dict[str, Any] = copy.deepcopy(BASE_OVERLAY)
    document["metadata"].update(site=site, version=version)
    if values:
        document["spec"]["set"] = values
    return document


@pytest.fixture
async def world(api: Api, sessions: Sessions, settings: Settings) -> World:
    await seed_enterprise(sessions)
    await add_sites(api, "cork", "penang")
    async with transaction(sessions) as session:
        admin = UnitOfWork(session=session, principal=ARCHITECT, audit_key=audit_key(settings))
        for username, (name, role, sites) in PEOPLE.items():
            await users.add_user(
                admin,
                username=username,
                display_name=name,
                password=PASSWORD,
                roles=[role],
                sites=sites,
            )
    return World(api)
