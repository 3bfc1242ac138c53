"""Realistic production for the demo: each reference plant makes units and batches under the
definition it runs, with its own right-first-time, rework and scrap mix and its own QA release
delays; a newer template version runs a little better, so an upgrade shows in the KPIs.

Everything derives from a seeded random generator, so a run can be reproduced."""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any


@dataclass(frozen=True)
class Profile:
    right_first_time: float  # on the first version a site runs
    rework_share: float  # of the units that are not right first time, how many are reworked
    units_per_hour: float
    batch_size: int
    release_hours: float  # median completion-to-release time
    upgrade_gain: float = 0.015  # right-first-time gained per newer version run
    products: tuple[str, ...] = ("CK-100", "CK-200")


PROFILES: dict[str, Profile] = {
    "cork": Profile(0.962, 0.75, 90, 60, 20, products=("CK-100", "CK-220")),
    "galway": Profile(0.951, 0.70, 60, 50, 30),
    "penang": Profile(0.918, 0.60, 120, 80, 42, products=("CK-100", "GW-310")),
    "suzhou": Profile(0.896, 0.55, 110, 80, 55),
    "minneapolis": Profile(0.975, 0.80, 70, 40, 16, products=("CC-500", "CK-220")),
    "tijuana": Profile(0.934, 0.65, 100, 60, 36),
    "juncos": Profile(0.957, 0.70, 50, 40, 26, products=("DS-900",)),
}
DEFAULT = Profile(0.94, 0.7, 60, 50, 30)


@dataclass
class Line:
    """The production state of one site for one template (what the agent keeps)."""

    site: str
    template: str
    version: str
    versions_seen: list[str] = field(default_factory=list)
    produced_until: datetime | None = None
    unit_number: int = 0
    batch_number: int = 0
    units_in_batch: int = 0
    pending_releases: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "site": self.site,
            "template": self.template,
            "version": self.version,
            "versionsSeen": self.versions_seen,
            "producedUntil": self.produced_until.isoformat() if self.produced_until else None,
            "unitNumber": self.unit_number,
            "batchNumber": self.batch_number,
            "unitsInBatch": self.units_in_batch,
            "pendingReleases": self.pending_releases,
        }

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> Line:
        until = raw.get("producedUntil")
        return cls(
            site=raw["site"],
            template=raw["template"],
            version=raw["version"],
            versions_seen=list(raw.get("versionsSeen", [])),
            produced_until=datetime.fromisoformat(until) if until else None,
            unit_number=raw.get("unitNumber", 0),
            batch_number=raw.get("batchNumber", 0),
            units_in_batch=raw.get("unitsInBatch", 0),
            pending_releases=list(raw.get("pendingReleases", [])),
        )


def _codes(definition: Mapping[str, Any], tree: str) -> list[str]:
    found: list[str] = []

    def walk(nodes: Any) -> None:
        for node in nodes or []:
            found.append(node["code"])
            walk(node.get("children"))

    walk((definition.get("reasonCodes") or {}).get(tree))
    return found


def produce(
    line: Line, definition: Mapping[str, Any], until: datetime, rng: random.Random
) -> list[dict[str, Any]]:
    """Events from `line.produced_until` to `until`, under `line.version`."""
    profile = PROFILES.get(line.site, DEFAULT)
    if line.version not in line.versions_seen:
        line.versions_seen.append(line.version)
    rank = line.versions_seen.index(line.version)
    rft = min(0.995, profile.right_first_time + profile.upgrade_gain * rank)
    scrap, rework = _codes(definition, "scrap"), _codes(definition, "rework")
    start = line.produced_until or until
    events: list[dict[str, Any]] = []
    moment = start
    gap = 3600.0 / profile.units_per_hour
    while True:
        moment += timedelta(seconds=rng.expovariate(1 / gap))
        if moment >= until:
            break
        events.append(_unit(line, profile, moment, rft, scrap, rework, rng))
        if line.units_in_batch >= profile.batch_size:
            events.append(_close_batch(line, profile, moment, rng))
    due = [r for r in line.pending_releases if datetime.fromisoformat(r["occurredAt"]) < until]
    line.pending_releases = [r for r in line.pending_releases if r not in due]
    events += due
    line.produced_until = until
    return events


def _base(line: Line, kind: str, moment: datetime, product: str) -> dict[str, Any]:
    return {
        "type": kind,
        "site": line.site,
        "occurredAt": moment.isoformat(),
        "template": line.template,
        "templateVersion": line.version,
        "product": product,
    }


def _unit(
    line: Line,
    profile: Profile,
    moment: datetime,
    rft: float,
    scrap: list[str],
    rework: list[str],
    rng: random.Random,
) -> dict[str, Any]:
    line.unit_number += 1
    line.units_in_batch += 1
    product = profile.products[line.batch_number % len(profile.products)]
    event = {
        **_base(line, "unit.completed", moment, product),
        "id": f"{line.site}-{line.template}-u{line.unit_number}",
        "unit": f"{line.site[:3].upper()}-{line.template[:4]}-{line.unit_number:07d}",
        "batch": _batch_id(line),
        "outcome": "right_first_time",
        "reworkCount": 0,
    }
    draw = rng.random()
    if draw >= rft:
        reworked = draw < rft + (1 - rft) * profile.rework_share and rework
        if reworked:
            event.update(outcome="reworked", reworkCount=1, reasonCode=rng.choice(rework))
        elif scrap:
            event.update(outcome="scrapped", reworkCount=0, reasonCode=rng.choice(scrap))
    return event


def _batch_id(line: Line) -> str:
    return f"{line.site[:3].upper()}-{line.template[:4].upper()}-B{line.batch_number + 1:05d}"


def _close_batch(
    line: Line, profile: Profile, moment: datetime, rng: random.Random
) -> dict[str, Any]:
    batch = _batch_id(line)
    product = profile.products[line.batch_number % len(profile.products)]
    completed = {
        **_base(line, "batch.completed", moment, product),
        "id": f"{batch}-completed",
        "batch": batch,
        "units": line.units_in_batch,
    }
    hours = profile.release_hours * math.exp(rng.gauss(0, 0.35))
    released = {
        **_base(line, "batch.released", moment + timedelta(hours=hours), product),
        "id": f"{batch}-released",
        "batch": batch,
        "disposition": "released" if rng.random() > 0.02 else "rejected",
    }
    line.pending_releases.append(released)
    line.batch_number += 1
    line.units_in_batch = 0
    return completed
