"""The production event format as models: the source of `schemas/production-event.schema.json`
and of the field reference in docs/formats/production-events.md.

The ingest (`coe.production.events`) checks events by hand, for speed at line rate; these models
describe exactly what it accepts, built from its own limits, and
`tests/test_formats_reference.py` holds the two together (every required field, enum and limit
here is refused by the ingest when broken, and every event valid here is accepted). Members the
format does not name are ignored by the ingest, so the models do not forbid them.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel

from coe.documents import KEY_PATTERN, SEMVER_PATTERN
from coe.production.events import MAX_ID, MAX_INT4, MAX_TEXT

# A string the ingest stores: not blank (some character other than white space).
_FILLED = r"\S"
_SITE_LENGTH = 64  # the site, template, templateVersion and workCenter columns
# RFC 3339 with its offset; the ingest also takes the other forms Python's fromisoformat reads.
TIMESTAMP_PATTERN = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$"

Outcome = Literal["right_first_time", "reworked", "scrapped"]
Disposition = Literal["released", "rejected"]


class _Event(BaseModel):
    """The fields every event has."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True, frozen=True)

    type: str = Field(description="The kind of event.")
    id: str = Field(
        max_length=MAX_ID,
        pattern=_FILLED,
        description="Names the event: the same site, id and occurredAt sent again is a "
        "duplicate, stored and counted once.",
    )
    site: str = Field(
        max_length=_SITE_LENGTH,
        pattern=_FILLED,
        description="Key of an existing site; a plant token may only send its own site's events.",
    )
    occurred_at: str = Field(
        alias="occurredAt",
        pattern=TIMESTAMP_PATTERN,
        json_schema_extra={"format": "date-time"},
        description="When it happened at the plant: an RFC 3339 timestamp with a UTC offset "
        "(`Z` or `+01:00`); at most 24 h ahead and at most COE_INGEST_MAX_AGE_DAYS "
        "(default 400) days old.",
    )
    template: str = Field(
        max_length=_SITE_LENGTH,
        pattern=KEY_PATTERN,
        description="Key of the process template the work ran under.",
    )
    template_version: str = Field(
        alias="templateVersion",
        max_length=_SITE_LENGTH,
        pattern=SEMVER_PATTERN,
        description="Its version: published (or since deprecated or retired) in the registry.",
    )
    product: str = Field(max_length=MAX_TEXT, pattern=_FILLED, description="Product or SKU.")


class UnitCompleted(_Event):
    """A unit left the process: right first time, after rework, or as scrap."""

    # The two rules between fields, as the ingest applies them.
    model_config = ConfigDict(
        json_schema_extra={
            "allOf": [
                {
                    "if": {"properties": {"outcome": {"enum": ["reworked", "scrapped"]}}},
                    "then": {
                        "required": ["reasonCode"],
                        "properties": {"reasonCode": {"type": "string"}},
                    },
                },
                {
                    "if": {"properties": {"outcome": {"const": "right_first_time"}}},
                    "then": {"properties": {"reworkCount": {"const": 0}}},
                },
            ]
        }
    )

    type: Literal["unit.completed"] = Field(description="The kind of event.")
    unit: str = Field(
        max_length=MAX_TEXT,
        pattern=_FILLED,
        description="Unit id (serial number); a unit counts once per site, by its latest event.",
    )
    batch: str = Field(max_length=MAX_TEXT, pattern=_FILLED, description="Batch the unit is in.")
    outcome: Outcome = Field(description="How the unit ended.")
    rework_count: int = Field(
        alias="reworkCount",
        ge=0,
        le=MAX_INT4,
        description="Times the unit was reworked; 0 for a right_first_time unit.",
    )
    reason_code: Any = Field(
        default=None,
        alias="reasonCode",
        description="reworked: required, a code of the template version's rework tree; "
        "scrapped: required, a code of its scrap tree; right_first_time: not read.",
    )


class BatchCompleted(_Event):
    """A batch finished production (the start of its release time)."""

    type: Literal["batch.completed"] = Field(description="The kind of event.")
    batch: str = Field(max_length=MAX_TEXT, pattern=_FILLED, description="Batch id.")
    units: int = Field(ge=0, le=MAX_INT4, description="Units in the batch.")


class BatchReleased(_Event):
    """Quality decided on a batch (the end of its release time)."""

    type: Literal["batch.released"] = Field(description="The kind of event.")
    batch: str = Field(max_length=MAX_TEXT, pattern=_FILLED, description="Batch id.")
    disposition: Disposition = Field(description="The decision.")


class Downtime(_Event):
    """A work centre stood still."""

    type: Literal["downtime"] = Field(description="The kind of event.")
    work_center: str = Field(
        alias="workCenter",
        max_length=_SITE_LENGTH,
        pattern=_FILLED,
        description="The work centre (line, machine) that stood still.",
    )
    reason_code: str = Field(
        alias="reasonCode", description="A code of the template version's downtime tree."
    )
    duration_seconds: float = Field(
        alias="durationSeconds", ge=0, description="How long it stood still, in seconds."
    )


EVENT_TYPES: tuple[type[_Event], ...] = (UnitCompleted, BatchCompleted, BatchReleased, Downtime)


class ProductionEvent(
    RootModel[
        Annotated[
            UnitCompleted | BatchCompleted | BatchReleased | Downtime,
            Field(discriminator="type"),
        ]
    ]
):
    """One production event as a plant sends it to POST /api/v1/events; a batch is a JSON
    array of them, or one a line (NDJSON)."""
