"""The catalogue of every document kind users write, where all kinds are known.

`coe json-schemas` ships one JSON Schema per kind (schemas/); editors validate against them.
"""

from __future__ import annotations

import json

from pydantic import BaseModel

from coe.documents import json_schema, schema_filename
from coe.rollouts.plan import RolloutPlan
from coe.templates.models import ProcessTemplate, SiteOverlay

KINDS: tuple[type[BaseModel], ...] = (ProcessTemplate, SiteOverlay, RolloutPlan)


def schema_files() -> dict[str, type[BaseModel]]:
    """Every document kind users write, by the file its JSON Schema ships in (schemas/)."""
    return {schema_filename(model): model for model in KINDS}


def schema_text(filename: str) -> str:
    """The committed form of a schema file (`make schema` writes it)."""
    return json.dumps(json_schema(schema_files()[filename], filename), indent=2) + "\n"
