"""The CLI's GraphQL client: the same API, auth and audit trail as every other caller."""

from __future__ import annotations

from typing import Any

import httpx

from coe.cli.enums import lowercase_enums
from coe.cli.output import fail
from coe.errors import CoeError


class ApiError(CoeError):
    """The API refused an operation (its code and message), or could not be reached."""

    def __init__(self, message: str, code: str, extensions: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.answered = extensions  # the GraphQL error's extensions, as the API sent them


PROBLEM_NAMES = frozenset(
    {"ValidationFailed", "NotFound", "Conflict", "BadInput", "SignatureRejected"}
)
PROBLEM = (
    "__typename ... on Problem { code message details } "
    "... on ValidationFailed { violations { path reason severity } }"
)


def answers(result: str, selection: str) -> str:
    """The selection of a field answering with a result union (`coe.graphql.results`): the
    result's fields, or the problem (which `ApiClient` ends the command with, as an error)."""
    return f"... on {result} {{ {selection} }} {PROBLEM}"


def _problem(data: dict[str, Any]) -> ApiError | None:
    """The first problem answered in `data`, as the error it ends the command with."""
    for value in data.values():
        if isinstance(value, dict) and value.get("__typename") in PROBLEM_NAMES:
            extensions = {"code": value["code"], **(value.get("details") or {})}
            if value.get("violations") is not None:
                extensions["violations"] = lowercase_enums(value["violations"])
            return ApiError(value["message"], value["code"], extensions)
    return None


class ApiClient:
    def __init__(self, url: str, token: str | None, *, timeout: float = 30.0) -> None:
        self.url = url.rstrip("/")
        self.token = token
        self.timeout = timeout

    def mutate(
        self, mutation: str, result: str, selection: str, **arguments: tuple[str, Any]
    ) -> Any:
        """Run `mutation` with typed arguments (name=(GraphQL type, value)); its `result`
        (the success type of its union) with the fields of `selection`."""
        declared = ", ".join(f"${name}: {kind}" for name, (kind, _) in arguments.items())
        passed = ", ".join(f"{name}: ${name}" for name in arguments)
        return self.execute(
            f"mutation({declared}) {{ {mutation}({passed}) {{ {answers(result, selection)} }} }}",
            {name: value for name, (_, value) in arguments.items()},
        )[mutation]

    def execute(self, document: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """Run one operation; its data with enum values lowercased (as tables, --json and the
        docs spell them); any GraphQL error or problem answered ends the command with its code
        and message (and the violations, where there are)."""
        try:
            return self.answer(document, variables)
        except ApiError as error:
            code = error.code if error.answered is None else error.answered.get("code")
            fail(error.message, code=code, details=error.answered)

    def answer(self, document: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """As `execute`, for callers that go on after a failure (the demo rollouts): raises
        `ApiError` (the API's code and message, or why it could not be asked); a problem
        answered as data (ValidationFailed, Conflict, ...) is raised the same way."""
        if not self.token:
            raise ApiError(
                "no token: set COE_TOKEN (make run prints one per role) or pass --token",
                "UNAUTHENTICATED",
            )
        try:
            response = httpx.post(
                f"{self.url}/graphql",
                json={"query": document, "variables": variables or {}},
                headers={"Authorization": f"Bearer {self.token}"},
                timeout=self.timeout,
            )
        except httpx.TransportError as error:
            raise ApiError(
                f"cannot reach the COE API at {self.url} ({error}); is `make run` running? "
                "Set COE_API_URL to point elsewhere.",
                "UNREACHABLE",
            ) from error
        if response.status_code != 200:
            raise ApiError(
                f"the API answered HTTP {response.status_code}: {response.text[:300]}",
                f"HTTP_{response.status_code}",
            )
        body = response.json()
        if body.get("errors"):
            first = body["errors"][0]
            extensions = first.get("extensions") or {}
            code = extensions.get("code") or "ERROR"
            raise ApiError(first.get("message", "error"), code, extensions)
        problem = _problem(body["data"] or {})
        if problem is not None:
            raise problem
        data: dict[str, Any] = lowercase_enums(body["data"])
        return data
