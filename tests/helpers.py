"""Test helpers: dev tokens and a small GraphQL caller."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
from litestar.testing import AsyncTestClient
from sqlmodel import func, select

from coe.auth.principal import Principal, Role
from coe.auth.tokens import issue_dev_token, load_or_create_signing_key
from coe.config import Settings
from coe.db import Sessions, read_only
from coe.models import AuditRecord


class Tokens:
    """Mints dev tokens with the test installation's key."""

    def __init__(self, settings: Settings) -> None:
        self.key = load_or_create_signing_key(settings.signing_key_path)

    def issue(
        self,
        *roles: Role,
        sites: Iterable[str] = (),
        subject: str = "tester",
        ttl: timedelta = timedelta(minutes=10),
    ) -> str:
        return issue_dev_token(
            self.key, subject=subject, name=subject.title(), roles=roles, sites=sites, ttl=ttl
        )


@dataclass
class Result:
    status: int
    body: dict[str, Any]

    @property
    def data(self) -> Any:
        return self.body.get("data")

    @property
    def errors(self) -> list[dict[str, Any]]:
        errors: list[dict[str, Any]] = self.body.get("errors") or []
        return errors

    @property
    def codes(self) -> list[str]:
        return [(error.get("extensions") or {}).get("code", "") for error in self.errors]

    def ok(self) -> Any:
        assert not self.errors, self.errors
        return self.data


class Api:
    def __init__(self, client: AsyncTestClient[Any] | httpx.AsyncClient, tokens: Tokens) -> None:
        self.client = client
        self.tokens = tokens

    async def gql(
        self,
        document: str,
        variables: dict[str, Any] | None = None,
        *,
        token: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Result:
        all_headers = dict(headers or {})
        if token is not None:
            all_headers["Authorization"] = f"Bearer {token}"
        response = await self.client.post(
            "/graphql",
            json={"query": document, "variables": variables or {}},
            headers=all_headers,
        )
        return Result(response.status_code, response.json())

    async def as_role(
        self,
        role: Role,
        document: str,
        variables: dict[str, Any] | None = None,
        *,
        sites: Iterable[str] = (),
        subject: str = "tester",
    ) -> Result:
        token = self.tokens.issue(role, sites=sites, subject=subject)
        return await self.gql(document, variables, token=token)


ARCHITECT = Principal(subject="ada", name="Ada Lovelace", roles=frozenset({Role.COE_ARCHITECT}))


async def audit_count(sessions: Sessions) -> int:
    async with read_only(sessions) as session:
        count: int = (await session.exec(select(func.count()).select_from(AuditRecord))).one()
        return count
