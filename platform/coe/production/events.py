"""Production events (FORMATS.md) as pure functions: parse a batch, check every event.

A batch is a JSON array or newline-delimited JSON. Each event is checked on its own; the valid
ones are kept even when others are rejected, and each rejection names the event (its index in
the array, or its line) and the reason.
"""

from __future__ import annotations

import gzip
import math
import re
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec

from coe.templates.models import KEY_PATTERN, SEMVER_PATTERN

TYPES = ("unit.completed", "batch.completed", "batch.released", "downtime")
OUTCOMES = ("right_first_time", "reworked", "scrapped")
DISPOSITIONS = ("released", "rejected")
MAX_ID = 128
MAX_TEXT = 128
FUTURE_TOLERANCE = timedelta(hours=24)

# Columns of production_event, in COPY order.
COLUMNS = (
    "site",
    "id",
    "occurred_at",
    "type",
    "template",
    "template_version",
    "product",
    "unit",
    "batch",
    "outcome",
    "rework_count",
    "reason_code",
    "units",
    "disposition",
    "work_center",
    "duration_seconds",
)
# Their PostgreSQL types, for a binary COPY.
COLUMN_TYPES = (
    *["varchar"] * 2,
    "timestamptz",
    *["varchar"] * 7,
    "int4",
    "varchar",
    "int4",
    *["varchar"] * 2,
    "float8",
)
Row = tuple[Any, ...]

_DECODER = msgspec.json.Decoder()
_KEY = re.compile(KEY_PATTERN)
_SEMVER = re.compile(SEMVER_PATTERN)


class BatchError(ValueError):
    """The body as a whole cannot be read (not per-event)."""


@dataclass(frozen=True)
class ReasonTrees:
    """The reason codes a template version allows, per tree."""

    downtime: frozenset[str] = frozenset()
    scrap: frozenset[str] = frozenset()
    rework: frozenset[str] = frozenset()


@dataclass
class Checked:
    rows: list[Row] = field(default_factory=list)
    rejected: list[dict[str, Any]] = field(default_factory=list)


def decompress(body: bytes, encoding: str | None, limit: int) -> bytes:
    """gzip (or deflate) bodies, refusing to inflate past `limit` bytes."""
    if not encoding or encoding == "identity":
        return body
    if encoding not in ("gzip", "x-gzip", "deflate"):
        raise BatchError(f"Content-Encoding {encoding!r} is not supported (use gzip)")
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS if "gzip" in encoding else zlib.MAX_WBITS)
    try:
        data = inflater.decompress(body, limit + 1)
    except (zlib.error, gzip.BadGzipFile) as error:
        raise BatchError(f"the body is not valid {encoding}: {error}") from None
    if len(data) > limit:
        raise BatchError(f"the body inflates to more than {limit} bytes")
    return data


def parse_batch(body: bytes, max_events: int) -> list[tuple[str, Any]]:
    """(locator, decoded event or None-for-undecodable) for each event of the body."""
    stripped = body.lstrip()
    if not stripped:
        raise BatchError("the body is empty")
    if stripped[:1] == b"[":
        try:
            items = msgspec.json.decode(stripped)
        except msgspec.DecodeError as error:
            raise BatchError(f"the body is not a valid JSON array: {error}") from None
        if not isinstance(items, list):
            raise BatchError("the body must be a JSON array or NDJSON")
        if len(items) > max_events:
            raise BatchError(f"{len(items)} events in one batch; at most {max_events}")
        return [(f"index {index}", item) for index, item in enumerate(items)]
    events: list[tuple[str, Any]] = []
    for number, line in enumerate(stripped.splitlines(), start=1):
        if not line.strip():
            continue
        if len(events) >= max_events:
            raise BatchError(f"more than {max_events} events in one batch")
        try:
            events.append((f"line {number}", _DECODER.decode(line)))
        except msgspec.DecodeError as error:
            events.append((f"line {number}", _Undecodable(str(error))))
    return events


@dataclass(frozen=True)
class _Undecodable:
    reason: str


def check_batch(
    events: list[tuple[str, Any]],
    sites: frozenset[str] | None,
    templates: Mapping[tuple[str, str], ReasonTrees],
    now: datetime | None = None,
) -> Checked:
    """Every event checked; `sites` is the caller's site scope (None: any site)."""
    result = Checked()
    latest = (now or datetime.now(UTC)) + FUTURE_TOLERANCE
    for locator, event in events:
        problem, row = _check(event, sites, templates, latest)
        if problem is None and row is not None:
            result.rows.append(row)
        else:
            identifier = event.get("id") if isinstance(event, dict) else None
            result.rejected.append(
                {
                    "at": locator,
                    "id": identifier if isinstance(identifier, str) else None,
                    "reason": problem,
                }
            )
    return result


def _text(event: Mapping[str, Any], name: str, limit: int = MAX_TEXT) -> str:
    value = event.get(name)
    if not isinstance(value, str) or not value.strip():
        raise _Reject(
            f"{name} is missing or not a string"
            if value is None or not isinstance(value, str)
            else f"{name} is empty"
        )
    if len(value) > limit:
        raise _Reject(f"{name} is longer than {limit} characters")
    return value


def _count(event: Mapping[str, Any], name: str) -> int:
    value = event.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _Reject(f"{name} must be a whole number >= 0, not {value!r}")
    return value


class _Reject(Exception):
    pass


def _check(
    event: Any,
    sites: frozenset[str] | None,
    templates: Mapping[tuple[str, str], ReasonTrees],
    latest: datetime,
) -> tuple[str | None, Row | None]:
    if isinstance(event, _Undecodable):
        return f"not valid JSON: {event.reason}", None
    if not isinstance(event, dict):
        return "an event is a JSON object", None
    try:
        return None, _row(event, sites, templates, latest)
    except _Reject as reject:
        return str(reject), None


def _row(
    event: Mapping[str, Any],
    sites: frozenset[str] | None,
    templates: Mapping[tuple[str, str], ReasonTrees],
    latest: datetime,
) -> Row:
    event_id = _text(event, "id", MAX_ID)
    kind = event.get("type")
    if kind not in TYPES:
        raise _Reject(f"unknown type {kind!r} (one of: {', '.join(TYPES)})")
    site = _text(event, "site", 64)
    if sites is not None and site not in sites:
        raise _Reject(f"site {site!r} is not the site of this plant")
    occurred_at = _timestamp(event.get("occurredAt"), latest)
    template, version = _text(event, "template", 64), _text(event, "templateVersion", 64)
    if not _KEY.match(template) or not _SEMVER.match(version):
        raise _Reject("template must be a template key and templateVersion a semver")
    trees = templates.get((template, version))
    if trees is None:
        raise _Reject(f"unknown template version {template}@{version} (not published)")
    product = _text(event, "product")
    unit = batch = outcome = reason = disposition = work_center = None
    rework = units = None
    duration: float | None = None
    if kind == "unit.completed":
        unit, batch = _text(event, "unit"), _text(event, "batch")
        outcome = event.get("outcome")
        if outcome not in OUTCOMES:
            raise _Reject(f"outcome must be one of {', '.join(OUTCOMES)}, not {outcome!r}")
        rework = _count(event, "reworkCount")
        if outcome == "right_first_time" and rework:
            raise _Reject("a right_first_time unit has reworkCount 0")
        if outcome != "right_first_time":
            reason = _reason(
                event,
                trees.rework if outcome == "reworked" else trees.scrap,
                "rework" if outcome == "reworked" else "scrap",
            )
    elif kind == "batch.completed":
        batch, units = _text(event, "batch"), _count(event, "units")
    elif kind == "batch.released":
        batch = _text(event, "batch")
        disposition = event.get("disposition")
        if disposition not in DISPOSITIONS:
            raise _Reject(f"disposition must be released or rejected, not {disposition!r}")
    else:
        work_center = _text(event, "workCenter", 64)
        reason = _reason(event, trees.downtime, "downtime")
        value = event.get("durationSeconds")
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or value < 0
        ):
            raise _Reject(f"durationSeconds must be a number >= 0, not {value!r}")
        duration = float(value)
    return (
        site,
        event_id,
        occurred_at,
        kind,
        template,
        version,
        product,
        unit,
        batch,
        outcome,
        rework,
        reason,
        units,
        disposition,
        work_center,
        duration,
    )


def _reason(event: Mapping[str, Any], codes: frozenset[str], tree: str) -> str:
    code = event.get("reasonCode")
    if not isinstance(code, str) or code not in codes:
        raise _Reject(f"reasonCode {code!r} is not in the template's {tree} reason tree")
    return code


def _timestamp(value: Any, latest: datetime) -> datetime:
    if not isinstance(value, str) or "T" not in value:
        raise _Reject(f"occurredAt must be an RFC 3339 timestamp, not {value!r}")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise _Reject(f"occurredAt {value!r} is not an RFC 3339 timestamp") from None
    if moment.tzinfo is None:
        raise _Reject(f"occurredAt {value!r} has no UTC offset")
    if moment > latest:
        raise _Reject(f"occurredAt {value!r} is in the future")
    return moment.astimezone(UTC) if moment.utcoffset() else moment  # most plants send UTC


def months(rows: list[Row]) -> Iterator[tuple[int, int]]:
    """The (year, month) partitions a batch needs."""
    return iter(sorted({(row[2].year, row[2].month) for row in rows}))
