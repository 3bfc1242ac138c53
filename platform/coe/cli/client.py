"""The CLI's GraphQL client: the same API, auth and audit trail as every other caller."""

from __future__ import annotations

from typing import Any

import httpx

from coe.cli.enums import lowercase_enums
from coe.cli.output import fail


class ApiClient:
    def __init__(self, url: str, token: str | None, *, timeout: float = 30.0) -> None:
        self.url = url.rstrip("/")
        self.token = token
        self.timeout = timeout

    def mutate(self, mutation: str, selection: str, **arguments: tuple[str, Any]) -> Any:
        """Run `mutation` with typed arguments (name=(GraphQL type, value)); its answer."""
        declared = ", ".join(f"${name}: {kind}" for name, (kind, _) in arguments.items())
        passed = ", ".join(f"{name}: ${name}" for name in arguments)
        return self.execute(
            f"mutation({declared}) {{ {mutation}({passed}) {{ {selection} }} }}",
            {name: value for name, (_, value) in arguments.items()},
        )[mutation]

    def execute(self, document: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """Run one operation; its data with enum values lowercased (as tables, --json and the
        docs spell them); any GraphQL error ends the command with its code and message."""
        if not self.token:
            fail(
                "no token: set COE_TOKEN (make run prints one per role) or pass --token",
                code="UNAUTHENTICATED",
            )
        try:
            response = httpx.post(
                f"{self.url}/graphql",
                json={"query": document, "variables": variables or {}},
                headers={"Authorization": f"Bearer {self.token}"},
                timeout=self.timeout,
            )
        except httpx.TransportError as error:
            fail(
                f"cannot reach the COE API at {self.url} ({error}); is `make run` running? "
                "Set COE_API_URL to point elsewhere.",
                code="UNREACHABLE",
            )
        if response.status_code != 200:
            fail(
                f"the API answered HTTP {response.status_code}: {response.text[:300]}",
                code=f"HTTP_{response.status_code}",
            )
        body = response.json()
        if body.get("errors"):
            first = body["errors"][0]
            extensions = first.get("extensions") or {}
            fail(first.get("message", "error"), code=extensions.get("code"), details=extensions)
        data: dict[str, Any] = lowercase_enums(body["data"])
        return data
