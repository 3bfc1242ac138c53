"""One site's plant state on disk, and the faults a demo or a test makes the agent play.

The agent receives a definition (idempotent by its sha256, checked against the content),
reports what runs, keeps the previous definitions for rollback. State lives in one JSON file
per site, written atomically, so a restart loses nothing.

Faults come from `<site>.faults.json` next to the state (written by `coe plant-faults`):
`slowSeconds` delays every answer, `flaky` answers 503 at that rate, `wrongHash` reports a
wrong hash for what runs, `down` answers 503 to everything.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from litestar.exceptions import HTTPException

from coe.canonical import sha256_hex
from coe.plants.contract import Deployment

KEEP_PREVIOUS = 10


class ContractError(HTTPException):
    """An error answer in the contract's shape: {"error": code, "message": …}."""

    def __init__(self, status: int, error: str, message: str) -> None:
        super().__init__(status_code=status, detail=message, extra={"error": error})


@dataclass
class Faults:
    slow_seconds: float = 0.0
    flaky: float = 0.0
    wrong_hash: bool = False
    down: bool = False

    @classmethod
    def load(cls, path: Path) -> Faults:
        if not path.exists():
            return cls()
        raw = json.loads(path.read_text())
        return cls(
            slow_seconds=float(raw.get("slowSeconds", 0)),
            flaky=float(raw.get("flaky", 0)),
            wrong_hash=bool(raw.get("wrongHash", False)),
            down=bool(raw.get("down", False)),
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "slowSeconds": self.slow_seconds,
            "flaky": self.flaky,
            "wrongHash": self.wrong_hash,
            "down": self.down,
        }


def write_json(path: Path, value: Any) -> None:
    """Atomic: write a temporary file, then rename it over the old one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(path.suffix + ".tmp")
    temporary.write_text(json.dumps(value, indent=2, sort_keys=True))
    os.replace(temporary, path)


class SiteStore:
    """One site's plant state on disk."""

    def __init__(self, folder: Path, site: str, credential: str) -> None:
        self.site = site
        self.credential = credential
        self.folder = folder
        self.path = folder / f"{site}.json"
        self.faults_path = folder / f"{site}.faults.json"
        self.lock = asyncio.Lock()
        self.state: dict[str, Any] = (
            json.loads(self.path.read_text())
            if self.path.exists()
            else {"templates": {}, "deployments": 0, "log": []}
        )

    def faults(self) -> Faults:
        return Faults.load(self.faults_path)

    def running(self, template: str, faults: Faults) -> dict[str, Any] | None:
        entry = self.state["templates"].get(template)
        if not entry or not entry.get("current"):
            return None
        return reported(entry["current"], faults)

    def all_running(self, faults: Faults) -> list[dict[str, Any]]:
        return [
            reported(entry["current"], faults)
            for _, entry in sorted(self.state["templates"].items())
            if entry.get("current")
        ]

    async def deploy(self, deployment: Deployment) -> dict[str, Any]:
        async with self.lock:
            entry = self.state["templates"].setdefault(
                deployment.template, {"current": None, "previous": []}
            )
            current: dict[str, Any] | None = entry["current"]
            if current and current["sha256"] == deployment.sha256:
                return current  # idempotent: the same definition delivered again
            if current:
                entry["previous"] = [current, *entry["previous"]][:KEEP_PREVIOUS]
            entry["current"] = {
                "template": deployment.template,
                "version": deployment.version,
                "sha256": deployment.sha256,
                "since": _now(),
                "rolloutId": deployment.rollout_id,
                "definition": deployment.definition,
            }
            self._record("deployed", entry["current"])
            self.state["deployments"] += 1
            write_json(self.path, self.state)
            return dict(entry["current"])

    async def rollback(self, template: str) -> dict[str, Any]:
        async with self.lock:
            entry = self.state["templates"].get(template)
            if not entry or not entry["previous"]:
                raise ContractError(
                    409,
                    "nothing_to_roll_back",
                    f"no previous definition of {template} at {self.site}",
                )
            entry["current"] = {**entry["previous"].pop(0), "since": _now()}
            self._record("rolled_back", entry["current"])
            write_json(self.path, self.state)
            return dict(entry["current"])

    def _record(self, event: str, running: Mapping[str, Any]) -> None:
        self.state["log"] = [
            *self.state["log"][-199:],
            {
                "event": event,
                "at": _now(),
                "template": running["template"],
                "version": running["version"],
                "sha256": running["sha256"],
                "rolloutId": running.get("rolloutId"),
            },
        ]


def _now() -> str:
    return datetime.now(UTC).isoformat()


def reported(running: Mapping[str, Any], faults: Faults) -> dict[str, Any]:
    """What the agent answers about a running definition (a wrong hash under `wrongHash`)."""
    digest = running["sha256"]
    if faults.wrong_hash:
        digest = sha256_hex(("wrong:" + digest).encode())
    return {
        "template": running["template"],
        "version": running["version"],
        "sha256": digest,
        "since": running["since"],
        "rolloutId": running.get("rolloutId"),
    }
