"""Test helpers: dev tokens and a small GraphQL caller.

Mutations (and validations such as checkRolloutPlan) answer with a union of their result and
the problem types (`coe.graphql.results`). So that a test names only the fields it reads, the
caller asks for a root field's plain selection `... on <Result>` and for every problem, the way
the CLI's documents are written out (`tests/graphql/test_results.py` sends such documents as
they are); a document that already uses fragments there is sent unchanged. Problems answered
come back in `Result.problems`, their codes in `Result.codes` with the errors' codes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import httpx
from litestar.testing import AsyncTestClient
from pydantic import SecretStr
from sqlmodel import func, select

from coe.auth.principal import Principal, Role
from coe.auth.tokens import issue_dev_token, load_or_create_signing_key
from coe.config import Environment, Settings
from coe.db import Sessions, read_only
from coe.models import AuditRecord
from tests.answers import ask_for_answers, sort_answers


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
    problems: list[dict[str, Any]] = field(default_factory=list)
    """Problems answered as data (ValidationFailed, Conflict, ...), each with its `field`."""

    @property
    def data(self) -> Any:
        return self.body.get("data")

    @property
    def errors(self) -> list[dict[str, Any]]:
        errors: list[dict[str, Any]] = self.body.get("errors") or []
        return errors

    @property
    def codes(self) -> list[str]:
        errors = [(error.get("extensions") or {}).get("code", "") for error in self.errors]
        return errors + [problem["code"] for problem in self.problems]

    @property
    def violations(self) -> list[dict[str, Any]]:
        """The violations of every ValidationFailed answered."""
        return [v for problem in self.problems for v in problem.get("violations") or []]

    @property
    def messages(self) -> list[str]:
        """The messages of the errors and the problems."""
        return [error["message"] for error in self.errors] + [
            problem["message"] for problem in self.problems
        ]

    def ok(self) -> Any:
        assert not self.errors, self.errors
        assert not self.problems, self.problems
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
            json={"query": ask_for_answers(document), "variables": variables or {}},
            headers=all_headers,
        )
        body = response.json()
        return Result(response.status_code, body, sort_answers(body.get("data")))

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


def production_like(settings: Settings) -> Settings:
    """`settings` as production runs them (its required keys set), with the dev issuer kept on
    so tests can still call the API."""
    return settings.model_copy(
        update={
            "env": Environment.PRODUCTION,
            "dev_issuer_enabled": True,
            "audit_key": SecretStr("ab" * 32),
            "plant_key": SecretStr("cd" * 32),
            "audit_anchor_sink": f"file:{settings.home / 'anchors.jsonl'}",
        }
    )
