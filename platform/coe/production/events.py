"""Production events (FORMATS.md) as pure functions: parse a batch, check every event.

A batch is a JSON array or newline-delimited JSON. Each event is checked on its own; the valid
ones are kept even when others are rejected, and each rejection names the event (its index in
the array, or its line) and the reason. Whatever passes here can be stored as it is: strings
without NUL, whole numbers within their int4 columns, timestamps inside the ingest window (so
no partition outside it is ever created).
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

from coe.documents import KEY_PATTERN, SEMVER_PATTERN

TYPES = ("unit.completed", "batch.completed", "batch.released", "downtime")
OUTCOMES = ("right_first_time", "reworked", "scrapped")
DISPOSITIONS = ("released", "rejected")
MAX_ID = 128
MAX_TEXT = 128
MAX_INT4 = 2**31 - 1  # rework_count and units are int4 columns
FUTURE_TOLERANCE = timedelta(hours=24)
MAX_AGE = timedelta(days=400)  # the default of COE_INGEST_MAX_AGE_DAYS
ENCODINGS = ("gzip", "x-gzip", "deflate")
_NUL_ESCAPE = b"\\u0000"  # the only way a NUL can appear in valid JSON

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


class BatchTooLarge(BatchError):
    """The body is larger than the limits allow (HTTP 413)."""


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
    """gzip or deflate (zlib) bodies, refusing to inflate past `limit` bytes."""
    coding = (encoding or "").strip().lower()
    if not coding or coding == "identity":
        return body
    if coding not in ENCODINGS:
        raise BatchError(f"Content-Encoding {encoding!r} is not supported (use gzip or deflate)")
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS if "gzip" in coding else zlib.MAX_WBITS)
    try:
        data = inflater.decompress(body, limit + 1)
    except (zlib.error, gzip.BadGzipFile) as error:
        raise BatchError(f"the body is not valid {coding}: {error}") from None
    if len(data) > limit:
        raise BatchTooLarge(f"the body inflates to more than {limit} bytes")
    if not inflater.eof:
        raise BatchError(f"the body is not valid {coding}: it ends before the stream does")
    return data


def is_json_array_type(content_type: str | None) -> bool:
    """`application/json` (or a `+json` type) announces a JSON array; anything else is NDJSON
    or, without a type, whatever the body starts with."""
    media = (content_type or "").partition(";")[0].strip().lower()
    return media == "application/json" or media.endswith("+json")


def parse_batch(body: bytes, max_events: int, *, json_array: bool = False) -> list[tuple[str, Any]]:
    """(locator, decoded event or a marker of why it cannot be) for each event of the body;
    `json_array`: the body must be a JSON array (its Content-Type said so)."""
    stripped = body.lstrip()
    if not stripped:
        raise BatchError("the body is empty")
    if json_array or stripped[:1] == b"[":
        events = _parse_array(stripped, max_events)
    else:
        events = _parse_lines(stripped, max_events)
    if _NUL_ESCAPE in stripped:  # rare: only then walk each event for the NUL
        events = [(locator, _without_nul(event)) for locator, event in events]
    return events


def _parse_array(body: bytes, max_events: int) -> list[tuple[str, Any]]:
    try:
        items = msgspec.json.decode(body)
    except (msgspec.DecodeError, UnicodeDecodeError) as error:
        raise BatchError(f"the body is not a valid JSON array: {error}") from None
    if not isinstance(items, list):
        raise BatchError(
            "the body must be a JSON array of events (NDJSON is sent as application/x-ndjson)"
        )
    if len(items) > max_events:
        raise BatchError(f"{len(items)} events in one batch; at most {max_events}")
    return [(f"index {index}", item) for index, item in enumerate(items)]


def _parse_lines(body: bytes, max_events: int) -> list[tuple[str, Any]]:
    events: list[tuple[str, Any]] = []
    for number, line in enumerate(body.splitlines(), start=1):
        if not line.strip():
            continue
        if len(events) >= max_events:
            raise BatchError(f"more than {max_events} events in one batch")
        try:
            events.append((f"line {number}", _DECODER.decode(line)))
        except (msgspec.DecodeError, UnicodeDecodeError) as error:
            events.append(
                (f"line {number}", _Undecodable(f"not valid JSON: {error}", code=INVALID_JSON))
            )
    return events


def _without_nul(event: Any) -> Any:
    """The event, or a refusal naming where it holds a NUL (PostgreSQL text cannot store one,
    and one such event must not fail the batch)."""
    pointer = _nul_pointer(event, "")
    if pointer is None:
        return event
    identifier = event.get("id") if isinstance(event, dict) else None
    return _Undecodable(
        f"{pointer or '/'} contains a NUL character (\\u0000), which is not allowed",
        identifier if isinstance(identifier, str) else None,
    )


def _nul_pointer(value: Any, pointer: str) -> str | None:
    """The JSON pointer of the first string (or member name) holding a NUL, if any."""
    if isinstance(value, str):
        return pointer if "\x00" in value else None
    if isinstance(value, dict):
        for name, member in value.items():
            step = f"{pointer}/{name.replace('~', '~0').replace('/', '~1')}"
            if "\x00" in name:
                return step.replace("\x00", "\\u0000")
            if (found := _nul_pointer(member, step)) is not None:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            if (found := _nul_pointer(item, f"{pointer}/{index}")) is not None:
                return found
    return None


# The stable code of each refused event (the answer's `errors[].code`; README, ingest).
INVALID_JSON = "INVALID_JSON"  # an NDJSON line that is not JSON
VALIDATION_FAILED = "VALIDATION_FAILED"  # a field missing, of the wrong form or out of range
UNKNOWN_SITE = "UNKNOWN_SITE"  # the event's site is not a known site
FORBIDDEN = "FORBIDDEN"  # the event is of a site other than the token's
UNKNOWN_TEMPLATE_VERSION = "UNKNOWN_TEMPLATE_VERSION"  # no such published template version
REFUSAL_CODES = (INVALID_JSON, VALIDATION_FAILED, UNKNOWN_SITE, FORBIDDEN, UNKNOWN_TEMPLATE_VERSION)


@dataclass(frozen=True)
class _Undecodable:
    """An event refused before its fields are looked at."""

    reason: str
    id: str | None = None
    code: str = VALIDATION_FAILED


@dataclass(frozen=True)
class _Rules:
    sites: frozenset[str] | None
    unknown_sites: frozenset[str]
    templates: Mapping[tuple[str, str], ReasonTrees]
    earliest: datetime
    latest: datetime
    max_age: timedelta


def check_batch(
    events: list[tuple[str, Any]],
    sites: frozenset[str] | None,
    templates: Mapping[tuple[str, str], ReasonTrees],
    now: datetime | None = None,
    *,
    max_age: timedelta = MAX_AGE,
    unknown_sites: frozenset[str] = frozenset(),
) -> Checked:
    """Every event checked; `sites` is the caller's site scope (None: any site), `unknown_sites`
    the sites of that scope that do not exist; an event may be up to `max_age` old."""
    moment = now or datetime.now(UTC)
    rules = _Rules(
        sites, unknown_sites, templates, moment - max_age, moment + FUTURE_TOLERANCE, max_age
    )
    result = Checked()
    for locator, event in events:
        problem, row = _check(event, rules)
        if problem is None and row is not None:
            result.rows.append(row)
        else:
            identifier = event.get("id") if isinstance(event, dict) else None
            if isinstance(event, _Undecodable):
                identifier = event.id
            result.rejected.append(
                {
                    "at": locator,
                    "id": identifier if isinstance(identifier, str) else None,
                    "code": problem.code if problem else VALIDATION_FAILED,
                    "reason": str(problem),
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
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_INT4:
        raise _Reject(f"{name} must be a whole number from 0 to {MAX_INT4}, not {value!r}")
    return value


class _Reject(Exception):
    """An event refused, with the stable code of why (REFUSAL_CODES)."""

    def __init__(self, reason: str, code: str = VALIDATION_FAILED) -> None:
        super().__init__(reason)
        self.code = code


def _check(event: Any, rules: _Rules) -> tuple[_Reject | None, Row | None]:
    if isinstance(event, _Undecodable):
        return _Reject(event.reason, event.code), None
    if not isinstance(event, dict):
        return _Reject("an event is a JSON object"), None
    try:
        return None, _row(event, rules)
    except _Reject as reject:
        return reject, None


def _row(event: Mapping[str, Any], rules: _Rules) -> Row:
    event_id = _text(event, "id", MAX_ID)
    kind = event.get("type")
    if kind not in TYPES:
        raise _Reject(f"unknown type {kind!r} (one of: {', '.join(TYPES)})")
    site = _text(event, "site", 64)
    if site in rules.unknown_sites:
        raise _Reject(f"site {site!r} is not a known site", UNKNOWN_SITE)
    if rules.sites is not None and site not in rules.sites:
        raise _Reject(f"site {site!r} is not the site of this plant", FORBIDDEN)
    occurred_at = _timestamp(event.get("occurredAt"), rules)
    template, version = _text(event, "template", 64), _text(event, "templateVersion", 64)
    if not _KEY.match(template) or not _SEMVER.match(version):
        raise _Reject("template must be a template key and templateVersion a semver")
    trees = rules.templates.get((template, version))
    if trees is None:
        raise _Reject(
            f"unknown template version {template}@{version} (not published)",
            UNKNOWN_TEMPLATE_VERSION,
        )
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
        duration = _duration(event.get("durationSeconds"))
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


def _duration(value: Any) -> float:
    try:  # a JSON integer can be too big for a float: that is refused like any bad value
        seconds = float(value) if isinstance(value, int | float) else math.nan
    except OverflowError:
        seconds = math.nan
    if isinstance(value, bool) or not math.isfinite(seconds) or seconds < 0:
        raise _Reject(f"durationSeconds must be a number >= 0, not {value!r}")
    return seconds


def _timestamp(value: Any, rules: _Rules) -> datetime:
    if not isinstance(value, str) or "T" not in value:
        raise _Reject(f"occurredAt must be an RFC 3339 timestamp, not {value!r}")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise _Reject(f"occurredAt {value!r} is not an RFC 3339 timestamp") from None
    if moment.tzinfo is None:
        raise _Reject(f"occurredAt {value!r} has no UTC offset")
    try:
        moment = moment.astimezone(UTC) if moment.utcoffset() else moment  # most send UTC
    except OverflowError:  # e.g. 0001-01-01T00:00:00+14:00 is before year 1 in UTC
        raise _Reject(f"occurredAt {value!r} is out of range") from None
    if moment > rules.latest:
        raise _Reject(f"occurredAt {value!r} is in the future")
    if moment < rules.earliest:
        raise _Reject(
            f"occurredAt {value!r} is older than {rules.max_age.days} days "
            "(COE_INGEST_MAX_AGE_DAYS)"
        )
    return moment


def months(rows: list[Row]) -> Iterator[tuple[int, int]]:
    """The (year, month) partitions a batch needs."""
    return iter(sorted({(row[2].year, row[2].month) for row in rows}))
