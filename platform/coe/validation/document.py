"""The ValidationRecord document (docs/formats/validation-record.md): the model, and every rule
it must satisfy, alone and against the template version it validates (pure).

A record is the Computer Software Assurance plan of one template version: its intended use, the
process risk of every operation (high or not high, with the rationale), scripted test cases for
the high-risk operations (the parameter values each exercises, its steps and expected results)
and an unscripted test charter for the rest. Its execution (results, deviations, conclusion)
lives in the service, not in the file.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from enum import StrEnum
from typing import Any, Literal

from pydantic import Field

from coe.documents import (
    DURATION_PATTERN,
    ID_PATTERN,
    KEY_PATTERN,
    SEMVER_PATTERN,
    ApiVersion,
    Strict,
    Violation,
    pointer,
    structural_violations,
)
from coe.templates.validation import value_problems
from coe.templates.versions import VersionError, parse_version

KIND = "ValidationRecord"
TEST_CASE_PATTERN = r"^[A-Z][A-Z0-9-]{0,63}$"
MAX_TEXT = 4000


class RiskLevel(StrEnum):
    HIGH = "high"
    NOT_HIGH = "not-high"


class RecordMetadata(Strict):
    template: str = Field(pattern=KEY_PATTERN, description="Key of the template it validates.")
    version: str = Field(
        pattern=SEMVER_PATTERN,
        description="The template version it validates; one record per version.",
    )
    title: str = Field(min_length=1, max_length=200, description="Human-readable name.")
    previous: str | None = Field(
        default=None,
        pattern=SEMVER_PATTERN,
        description="An earlier version of the same template whose results test cases marked "
        "`reuse` may carry over, for operations the diff shows unchanged.",
    )


class Risk(Strict):
    """The process risk of one operation (CSA: risk-based assurance)."""

    operation: str = Field(pattern=ID_PATTERN, description="Id of an operation of the version.")
    level: RiskLevel = Field(
        description="high: a failure could compromise product quality or patient safety — "
        "scripted test cases; not-high: unscripted testing under the charter."
    )
    rationale: str = Field(
        min_length=1, max_length=MAX_TEXT, description="Why the operation has this level."
    )


class ScriptStep(Strict):
    action: str = Field(min_length=1, max_length=MAX_TEXT, description="What the tester does.")
    expected: str = Field(
        min_length=1, max_length=MAX_TEXT, description="The result that passes the step."
    )


class ScriptedTest(Strict):
    """A scripted test case of one operation."""

    id: str = Field(
        pattern=TEST_CASE_PATTERN,
        description="Unique in the record: upper-case letters, digits and `-` (`TC-SEAL-1`).",
    )
    operation: str = Field(pattern=ID_PATTERN, description="Id of the operation it tests.")
    title: str = Field(min_length=1, max_length=200, description="What it shows.")
    parameters: dict[str, Any] = Field(
        default_factory=dict,
        description="The parameter values it exercises, by name; each must be a parameter of "
        "the version, of its type and within its bounds. Parameters not named are exercised "
        "at the template's default.",
    )
    steps: list[ScriptStep] = Field(min_length=1, description="In order.")
    reuse: bool = Field(
        default=False,
        description="true: the result of the same test case in `metadata.previous` may be "
        "reused when the operation is unchanged since that version.",
    )


class Charter(Strict):
    """Unscripted (exploratory) testing of the operations that are not high-risk."""

    mission: str = Field(min_length=1, max_length=MAX_TEXT, description="What to explore.")
    operations: list[str] = Field(
        min_length=1, description="Ids of the not-high-risk operations it covers."
    )
    timebox: str = Field(pattern=DURATION_PATTERN, description="How long the session lasts (`2h`).")


class RecordSpec(Strict):
    intended_use: str = Field(
        alias="intendedUse",
        min_length=1,
        max_length=MAX_TEXT,
        description="What the process is used for, and by whom (CSA: intended use).",
    )
    risk: list[Risk] = Field(
        min_length=1, description="Exactly one entry per operation of the version."
    )
    test_cases: list[ScriptedTest] = Field(
        default_factory=list,
        alias="testCases",
        description="Scripted tests; every high-risk operation needs at least one.",
    )
    charter: Charter | None = Field(
        default=None,
        description="Unscripted testing; every not-high-risk operation without a test case "
        "must be in it.",
    )


class ValidationRecord(Strict):
    """The CSA validation record of one template version (docs/formats/validation-record.md)."""

    api_version: ApiVersion = Field(
        alias="apiVersion", description="The version of the file format."
    )
    kind: Literal["ValidationRecord"] = Field(description="What the document is.")
    metadata: RecordMetadata = Field(description="Which template version it validates.")
    spec: RecordSpec = Field(description="Intended use, risk, test cases and charter.")


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _items(value: Any) -> Iterator[tuple[int, dict[str, Any]]]:
    for index, item in enumerate(_list(value)):
        if isinstance(item, dict):
            yield index, item


def _unique(violations: list[Violation]) -> list[Violation]:
    seen: set[Violation] = set()
    return [v for v in violations if not (v in seen or seen.add(v))]  # type: ignore[func-returns-value]


def record_violations(document: Any) -> list[Violation]:
    """Everything wrong with a record on its own (no template needed); empty when valid."""
    found = structural_violations(document, ValidationRecord)
    if isinstance(document, dict):
        found += list(_own_rules(document))
    return _unique(found)


def _duplicates(
    values: list[tuple[str | int, Any]], at: tuple[str | int, ...], what: str
) -> Iterator[Violation]:
    counts = Counter(value for _, value in values if isinstance(value, str))
    seen: set[str] = set()
    for part, value in values:
        if isinstance(value, str) and counts[value] > 1:
            if value in seen:
                yield Violation(pointer(*at, *_parts(part)), f"{what} {value!r} appears twice")
            seen.add(value)


def _parts(part: str | int) -> tuple[str | int, ...]:
    return tuple(part.split("/")) if isinstance(part, str) else (part,)


def _own_rules(document: dict[str, Any]) -> Iterator[Violation]:
    metadata, spec = _dict(document.get("metadata")), _dict(document.get("spec"))
    risk = list(_items(spec.get("risk")))
    cases = list(_items(spec.get("testCases")))
    yield from _duplicates(
        [(f"{i}/operation", r.get("operation")) for i, r in risk],
        ("spec", "risk"),
        "the risk of operation",
    )
    yield from _duplicates(
        [(f"{i}/id", c.get("id")) for i, c in cases], ("spec", "testCases"), "test case"
    )
    charter = _dict(spec.get("charter"))
    yield from _duplicates(
        list(enumerate(_list(charter.get("operations")))),
        ("spec", "charter", "operations"),
        "operation",
    )
    previous = metadata.get("previous")
    for index, case in cases:
        if case.get("reuse") is True and not previous:
            yield Violation(
                pointer("spec", "testCases", index, "reuse"),
                "reuse needs metadata.previous: the version whose result it reuses",
            )
    yield from _previous_rules(metadata)


def _previous_rules(metadata: dict[str, Any]) -> Iterator[Violation]:
    previous, version = metadata.get("previous"), metadata.get("version")
    if not isinstance(previous, str) or not isinstance(version, str):
        return
    try:
        earlier = parse_version(previous) < parse_version(version)
    except VersionError:
        return  # the schema reports the form
    if not earlier:
        yield Violation(
            pointer("metadata", "previous"),
            f"must be an earlier version than {version} (the one whose results are reused)",
        )


def record_template_violations(
    record: Mapping[str, Any], template: Mapping[str, Any]
) -> list[Violation]:
    """Everything wrong with a (structurally valid) record against the ProcessTemplate document
    of the version it names; empty when it fits. A record for another template or version is
    refused outright: nothing else about it is judged against this one."""
    metadata, spec = _dict(record.get("metadata")), _dict(record.get("spec"))
    key = _dict(template.get("metadata")).get("key")
    version = _dict(template.get("metadata")).get("version")
    label = f"{key}@{version}"
    if metadata.get("template") != key:
        return [
            Violation(
                pointer("metadata", "template"),
                f"a validation record for template {metadata.get('template')!r}, not for "
                f"{key!r}: refused",
            )
        ]
    if metadata.get("version") != version:
        return [
            Violation(
                pointer("metadata", "version"),
                f"a validation record for {key}@{metadata.get('version')}, not for {label}: "
                "a validation document for another version is refused",
            )
        ]
    return _unique(list(_against(spec, _dict(template.get("spec")), label)))


def _against(spec: dict[str, Any], template: dict[str, Any], label: str) -> Iterator[Violation]:
    operations = [op.get("id") for _, op in _items(template.get("operations"))]
    parameters = _dict(template.get("parameters"))
    risk = list(_items(spec.get("risk")))
    cases = list(_items(spec.get("testCases")))
    charter = _dict(spec.get("charter"))
    levels: dict[str, tuple[int, str]] = {}
    for index, entry in risk:
        operation = entry.get("operation")
        if operation not in operations:
            yield Violation(
                pointer("spec", "risk", index, "operation"),
                f"{operation!r} is not an operation of {label}",
            )
        elif isinstance(operation, str):
            levels.setdefault(operation, (index, str(entry.get("level"))))
    for operation in operations:
        if operation not in levels:
            yield Violation(pointer("spec", "risk"), f"operation {operation!r} has no risk entry")
    tested: set[str] = set()
    for index, case in cases:
        yield from _case_violations(index, case, operations, parameters, label)
        tested.add(str(case.get("operation")))
    chartered: set[str] = set()
    for index, operation in enumerate(_list(charter.get("operations"))):
        at = pointer("spec", "charter", "operations", index)
        if operation not in operations:
            yield Violation(at, f"{operation!r} is not an operation of {label}")
        elif levels.get(operation, (0, ""))[1] == RiskLevel.HIGH:
            yield Violation(
                at, f"{operation!r} is high-risk: it needs scripted test cases, not the charter"
            )
        chartered.add(str(operation))
    for operation, (index, level) in levels.items():
        at = pointer("spec", "risk", index)
        if level == RiskLevel.HIGH and operation not in tested:
            yield Violation(at, f"high-risk operation {operation!r} has no test case")
        if level == RiskLevel.NOT_HIGH and operation not in tested | chartered:
            yield Violation(
                at,
                f"operation {operation!r} is not tested: name it in the charter's operations "
                "or give it a test case",
            )


def _case_violations(
    index: int,
    case: dict[str, Any],
    operations: list[Any],
    parameters: dict[str, Any],
    label: str,
) -> Iterator[Violation]:
    at = ("spec", "testCases", index)
    operation = case.get("operation")
    if operation not in operations:
        yield Violation(pointer(*at, "operation"), f"{operation!r} is not an operation of {label}")
    for name, value in _dict(case.get("parameters")).items():
        declared = parameters.get(name)
        if not isinstance(declared, dict):
            yield Violation(
                pointer(*at, "parameters", name), f"{name!r} is not a parameter of {label}"
            )
            continue
        for problem in value_problems(declared, value):
            yield Violation(pointer(*at, "parameters", name), problem)


def identity(document: Mapping[str, Any]) -> tuple[str, str] | None:
    """(template, version) the record names, or None when it names none readably."""
    metadata = _dict(document.get("metadata"))
    template, version = metadata.get("template"), metadata.get("version")
    if isinstance(template, str) and isinstance(version, str):
        return template, version
    return None
