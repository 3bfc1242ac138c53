"""Ids as people type them: a full id, `latest`, or a unique prefix (or random tail) of one."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from coe.cli.client import ApiClient
from coe.cli.output import fail

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
