"""Committed Temporal histories of every workflow, replayed by `test_replay_histories.py`.

Each `*.json` here is one recorded scenario: the histories of the workflows it ran (the parent
and its child workflows), as `{"scenario", "description", "histories": [{"workflowId",
"workflowType", "history"}]}`, where `history` is `WorkflowHistory.to_json_dict()` (the same
shape the Temporal UI and CLI export). They are written by `record.py`; see the README
(Development, "Workflow histories") for when to refresh them and when a change needs
`workflow.patched` instead.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from temporalio.client import WorkflowHistory

FOLDER = Path(__file__).parent


@dataclass(frozen=True)
class Recorded:
    """One committed history: which scenario recorded it, the workflow's id and type."""

    scenario: str
    workflow_id: str
    workflow_type: str
    history: WorkflowHistory

    @property
    def name(self) -> str:
        return f"{self.scenario}:{self.workflow_type}:{self.workflow_id}"


def write(scenario: str, description: str, histories: list[WorkflowHistory]) -> Path:
    """Write one scenario's histories: compact JSON, one event per line (small, diffable)."""
    entries = []
    for history in histories:
        head = {"workflowId": history.workflow_id, "workflowType": workflow_type(history)}
        events = ",\n".join(_compact(event) for event in history.to_json_dict()["events"])
        entries.append(f'{_compact(head)[:-1]},"history":{{"events":[\n{events}\n]}}}}')
    about = _compact({"scenario": scenario, "description": description})[:-1]
    text = about + ',"histories":[\n' + ",\n".join(entries) + "\n]}\n"
    json.loads(text)  # well-formed, or nothing is written
    path = FOLDER / f"{scenario}.json"
    path.write_text(text)
    return path


def _compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def load_all(folder: Path = FOLDER) -> list[Recorded]:
    """Every committed history, in file order."""
    recorded: list[Recorded] = []
    for path in sorted(folder.glob("*.json")):
        document = json.loads(path.read_text())
        for entry in document["histories"]:
            recorded.append(
                Recorded(
                    scenario=document["scenario"],
                    workflow_id=entry["workflowId"],
                    workflow_type=entry["workflowType"],
                    history=WorkflowHistory.from_json(entry["workflowId"], entry["history"]),
                )
            )
    return recorded


def workflow_type(history: WorkflowHistory) -> str:
    name: str = history.events[0].workflow_execution_started_event_attributes.workflow_type.name
    return name
