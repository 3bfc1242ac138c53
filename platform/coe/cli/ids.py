"""Ids as people type them: a full id, `latest`, or a unique prefix (or random tail) of one."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from coe.cli.api import client
from coe.cli.client import ApiClient
from coe.cli.output import fail, known_status, show_or_follow

Kind = Literal["rollout", "transfer"]
LATEST = "latest"
PAGE = 100
SHOWN = 10


def visible_ids(api: ApiClient, kind: Kind, *, limit: int | None = None) -> Iterator[str]:
    """The ids of the rollouts or transfers the caller can see, newest first."""
    after: str | None = None
    seen = 0
    while True:
        first = PAGE if limit is None else min(PAGE, limit - seen)
        page = api.execute(
            f"query($first: Int!, $after: String) {{ {kind}s(first: $first, after: $after) "
            "{ nodes { id } pageInfo { hasNextPage endCursor } } }",
            {"first": first, "after": after},
        )[f"{kind}s"]
        for node in page["nodes"]:
            yield node["id"]
            seen += 1
        if not page["pageInfo"]["hasNextPage"] or (limit is not None and seen >= limit):
            return
        after = page["pageInfo"]["endCursor"]


def matching(given: str, ids: list[str]) -> list[str]:
    """The ids `given` names: itself, else those it starts, else those whose tail it is."""
    if given in ids:
        return [given]
    prefixed = [found for found in ids if found.startswith(given)]
    return prefixed or [found for found in ids if found.endswith(f"-{given}")]


def resolve_id(api: ApiClient, kind: Kind, given: str) -> str:
    """The one full id of a `kind` that `given` names; fails clearly when none or several do."""
    given = given.strip()
    if not given:
        fail(
            f"a {kind} id is needed (a full id, `latest`, or a unique prefix)",
            code="BAD_USER_INPUT",
        )
    if given == LATEST:
        newest = next(visible_ids(api, kind, limit=1), None)
        if newest is None:
            fail(f"`latest`: there is no {kind} you can see yet", code="NOT_FOUND")
        return newest
    candidates = matching(given, list(visible_ids(api, kind)))
    if not candidates:
        fail(
            f"no {kind} matches {given!r} (give a full id, `latest`, or a unique prefix; "
            f"`coe {kind} list` shows them)",
            code="NOT_FOUND",
        )
    if len(candidates) > 1:
        shown = ", ".join(candidates[:SHOWN]) + (" …" if len(candidates) > SHOWN else "")
        fail(
            f"{given!r} matches {len(candidates)} {kind}s: {shown}; give more of the id",
            code="AMBIGUOUS",
        )
    return candidates[0]


def resolved(api_url: str, token: str | None, kind: Kind, given: str) -> tuple[ApiClient, str]:
    """The API client and the full id of the `kind` that `given` names (`latest`, a prefix…)."""
    api = client(api_url, token)
    return api, resolve_id(api, kind, given)


@dataclass(frozen=True)
class Tracked:
    """A kind of item `coe … status [--watch]` shows or follows (a rollout, a transfer)."""

    kind: Kind
    statuses: Sequence[str]
    finished: Collection[str]
    waits: Collection[str]  # a person acts next: --watch stops there (unless --until)
    fetch: Callable[[ApiClient, str], dict[str, Any]]
    render: Callable[[dict[str, Any]], Any]
    line: Callable[[dict[str, Any]], str]

    def status(
        self,
        given: str,
        api_url: str,
        token: str | None,
        *,
        watch: bool,
        until: str | None,
        interval: float,
        as_json: bool,
    ) -> None:
        """Show the item `given` names once, or follow it (`--until` checked before asking)."""
        until = known_status(until, self.statuses, self.kind)
        api, item_id = resolved(api_url, token, self.kind, given)
        show_or_follow(
            lambda: self.fetch(api, item_id),
            self.render,
            self.finished,
            watch=watch,
            interval=interval,
            as_json=as_json,
            line=self.line,
            waits=self.waits,
            until=until,
        )
