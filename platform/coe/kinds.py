"""The catalogue of every document kind users write, where all kinds are known.

`coe json-schemas` ships one JSON Schema per kind (schemas/); editors validate against them,
and the field references in docs/formats/ are generated from the same schemas.
"""

from __future__ import annotations

import json

from pydantic import BaseModel

from coe.documents import json_schema, schema_filename
from coe.documents.reference import fields_markdown
from coe.production.format import ProductionEvent
from coe.rollouts.plan import RolloutPlan
from coe.templates.documents import ProcessTemplate, SiteOverlay
from coe.validation.document import ValidationRecord

# Production events are written by plants, not people, but are a format users integrate with.
KINDS: tuple[type[BaseModel], ...] = (
    ProcessTemplate,
    SiteOverlay,
    RolloutPlan,
    ProductionEvent,
    ValidationRecord,
)


def schema_files() -> dict[str, type[BaseModel]]:
    """Every document kind users write, by the file its JSON Schema ships in (schemas/)."""
    return {schema_filename(model): model for model in KINDS}


def reference_sections() -> dict[str, str]:
    """The generated field reference of each kind, by its section name in docs/formats/*.md
    (`process-template` for process-template.schema.json)."""
    return {
        filename.removesuffix(".schema.json"): fields_markdown(json_schema(model, filename))
        for filename, model in schema_files().items()
    }


def schema_text(filename: str) -> str:
    """The committed form of a schema file (`make schema` writes it)."""
    return json.dumps(json_schema(schema_files()[filename], filename), indent=2) + "\n"
