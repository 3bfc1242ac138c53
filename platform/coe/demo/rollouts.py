"""The demo plants' starting point (`coe demo-rollouts`, run by `coe up` on the first start),
reached the way it would be in real life: through the API with the CLI's client, as the
architect. A rollout the API refuses, or one that does not end, is reported in the result (and
so in the demo-rollouts log) and the others go on.

The API has no push for a rollout's end, so each rollout is followed with a bounded poll that
backs off (`WAITS`): quick for the seconds a demo rollout takes, at most every few seconds after.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass

import yaml

from coe.cli.client import ApiClient, ApiError, answers
from coe.documents import API_VERSION

ENDED = frozenset({"completed", "aborted", "failed", "paused"})  # paused: a person decides
UPGRADE, BASE = ("sterile-barrier-sealing", "2.0.0"), ("sterile-barrier-sealing", "1.4.0")
FIRST_WAIT, LONGEST_WAIT = 0.25, 5.0  # seconds between two looks at a running rollout


@dataclass(frozen=True)
class DemoRollout:
    """One demo rollout: its id and how it ended, or why it did not start or end."""

    template: str
    version: str
    id: str = ""
    status: str = ""
    error: str = ""

    def as_json(self) -> dict[str, str]:
        return asdict(self)


def targets(api: ApiClient) -> list[tuple[str, str]]:
    """Each template's first published version, then sterile-barrier-sealing's upgrade to 2.0.0
    right behind its first version, so the plants' history holds both (2.1.0 is left for the
    README's first rollout walk-through to deploy)."""
    found = api.answer("{ templates(first: 100) { nodes { key versions { version } } } }")
    chosen = [
        (node["key"], node["versions"][-1]["version"])
        for node in found["templates"]["nodes"]
        if node["versions"]
    ]
    at = chosen.index(BASE) + 1 if BASE in chosen else len(chosen)
    chosen.insert(at, UPGRADE)
    return chosen


def plan(template: str, version: str) -> str:
    """One wave to every site that uses the template, all at once."""
    document = {
        "apiVersion": API_VERSION,
        "kind": "RolloutPlan",
        "metadata": {
            "template": template,
            "version": version,
            "reason": "demo: what the plants ran before the platform",
        },
        "spec": {
            "waves": [
                {"name": "all", "selector": {"all": True}, "maxParallel": 7, "failureBudget": 7}
            ]
        },
    }
    return yaml.safe_dump(document)


def waits(timeout: float) -> Iterator[float]:
    """The pauses between two looks, doubling up to LONGEST_WAIT, until `timeout` is spent."""
    spent, pause = 0.0, FIRST_WAIT
    while spent < timeout:
        yield pause
        spent += pause
        pause = min(pause * 2, LONGEST_WAIT)


def follow(api: ApiClient, rollout_id: str, timeout: float) -> str:
    """The rollout's status once it ended, or the last one seen when `timeout` ran out."""
    query = "query($id: String!) { rollout(id: $id) { status } }"
    status = str(api.answer(query, {"id": rollout_id})["rollout"]["status"])
    for pause in waits(timeout):
        if status in ENDED:
            break
        time.sleep(pause)
        status = str(api.answer(query, {"id": rollout_id})["rollout"]["status"])
    return status


def roll_out(api: ApiClient, template: str, version: str, timeout: float) -> DemoRollout:
    """Start one demo rollout and follow it to its end; a refusal is the result, not raised."""
    try:
        started = api.answer(
            f"mutation($p: String!) {{ startRollout(plan: $p) {{ {answers('Rollout', 'id')} }} }}",
            {"p": plan(template, version)},
        )
        rollout_id = started["startRollout"]["id"]
    except ApiError as error:
        return DemoRollout(template, version, error=f"not started ({error.code}): {error.message}")
    try:
        status = follow(api, rollout_id, timeout)
    except ApiError as error:
        return DemoRollout(template, version, rollout_id, error=f"{error.code}: {error.message}")
    late = "" if status in ENDED else f"still {status} after {timeout:g} s"
    return DemoRollout(template, version, rollout_id, status, late)


def demo_rollouts(
    api: ApiClient, *, timeout: float = 600, report: Callable[[DemoRollout], None] = print
) -> list[DemoRollout]:
    """One rollout per template of its first published version to every site that uses it,
    one after the other; each reported as it ends."""
    done: list[DemoRollout] = []
    for template, version in targets(api):
        result = roll_out(api, template, version, timeout)
        report(result)
        done.append(result)
    return done
