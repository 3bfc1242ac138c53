"""Diffs classify every change; breaking ones demand a major version."""

from __future__ import annotations

from typing import Any

import pytest

from coe.templates.diff import diff_templates, version_problems
from tests.templates.test_validation import BASE_TEMPLATE, Edit, edited, param


def next_version(edit: Edit, version: str = "1.1.0") -> dict[str, Any]:
    def change(d: dict[str, Any]) -> None:
        d["metadata"]["version"] = version
        edit(d)

    return edited(BASE_TEMPLATE, change)


BREAKING: list[tuple[str, Edit, str]] = [
    (
        "parameter removed",
        lambda d: d["spec"]["parameters"].pop("cycles"),
        "parameter cycles removed",
    ),
    (
        "maximum lowered",
        lambda d: param("seal_temperature_c")(d).update(maximum=185),
        "maximum lowered 190 → 185 (narrowed)",
    ),
    (
        "minimum raised",
        lambda d: param("cycles")(d).update(minimum=2),
        "minimum raised 1 → 2 (narrowed)",
    ),
    (
        "duration bound narrowed",
        lambda d: param("warmup")(d).update(maximum="30m"),
        "maximum lowered '45m' → '30m' (narrowed)",
    ),
    (
        "enum value removed",
        lambda d: param("label_language")(d).update(values=["en", "de"]),
        "values zh no longer allowed",
    ),
    (
        "made non-configurable",
        lambda d: param("cycles")(d).update(siteConfigurable=False),
        "no longer siteConfigurable",
    ),
    ("type changed", lambda d: param("cycles")(d).update(type="number"), "type integer → number"),
    (
        "operation removed",
        lambda d: d["spec"]["operations"].pop(0),
        "operation op10-clearance removed",
    ),
    (
        "extension point removed",
        lambda d: d["spec"].pop("extensionPoints"),
        "extension point after-seal removed",
    ),
    (
        "extension kinds narrowed",
        lambda d: d["spec"]["extensionPoints"][0].update(allowedKinds=["inspection"]),
        "kinds checklist no longer allowed",
    ),
    (
        "unit changed",
        lambda d: param("seal_temperature_c")(d).update(unit="degF"),
        "unit 'degC' → 'degF'",
    ),
]

COMPATIBLE: list[tuple[str, Edit, str]] = [
    (
        "parameter added",
        lambda d: d["spec"]["parameters"].update(speed={"type": "number", "default": 1}),
        "parameter speed added",
    ),
    (
        "bounds widened",
        lambda d: param("seal_temperature_c")(d).update(maximum=195),
        "maximum raised 190 → 195 (widened)",
    ),
    (
        "enum value added",
        lambda d: param("label_language")(d).update(values=["en", "de", "zh", "es"]),
        "values es added",
    ),
    (
        "operation added",
        lambda d: d["spec"]["operations"].append(
            {"id": "op30-pack", "kind": "execution", "title": "Pack"}
        ),
        "operation op30-pack",
    ),
    (
        "default changed",
        lambda d: param("seal_temperature_c")(d).update(default=182),
        "default 180 → 182",
    ),
    (
        "limit changed",
        lambda d: d["spec"]["operations"][1]["dataCollection"][0].update(
            lowerLimit="${seal_temperature_c} - 4"
        ),
        "data collection seal_temp changed",
    ),
    (
        "reason code added",
        lambda d: d["spec"]["reasonCodes"].update(
            rework=[{"code": "RW-RESEAL", "title": "Re-seal"}]
        ),
        "rework reason code RW-RESEAL",
    ),
]


@pytest.mark.parametrize(("case", "edit", "text"), BREAKING, ids=[c[0] for c in BREAKING])
def test_breaking_changes(case: str, edit: Edit, text: str) -> None:
    diff = diff_templates(BASE_TEMPLATE, next_version(edit))
    assert diff.breaking
    assert any(text in reason for reason in diff.breaking_reasons), diff.changes


@pytest.mark.parametrize(("case", "edit", "text"), COMPATIBLE, ids=[c[0] for c in COMPATIBLE])
def test_compatible_changes(case: str, edit: Edit, text: str) -> None:
    diff = diff_templates(BASE_TEMPLATE, next_version(edit))
    assert not diff.breaking, diff.breaking_reasons
    assert any(text in change.description for change in diff.changes), diff.changes


def test_a_rename_is_breaking_and_named() -> None:
    def rename(d: dict[str, Any]) -> None:
        d["spec"]["parameters"]["jaw_c"] = d["spec"]["parameters"].pop("seal_temperature_c")
        d["spec"]["migrations"] = {"renamedParameters": {"seal_temperature_c": "jaw_c"}}

    diff = diff_templates(BASE_TEMPLATE, next_version(rename, "2.0.0"))
    assert [c.kind for c in diff.changes if c.area == "parameters"] == ["renamed"]
    assert diff.breaking


def test_identical_versions_have_no_changes() -> None:
    assert diff_templates(BASE_TEMPLATE, BASE_TEMPLATE).changes == []


def test_version_discipline() -> None:
    breaking = diff_templates(BASE_TEMPLATE, next_version(BREAKING[0][1]))
    assert version_problems("1.1.0", ["1.0.0"], breaking) == [
        "breaking changes since 1.0.0 need a major version (2.0.0): parameter cycles removed"
    ]
    assert version_problems("2.0.0", ["1.0.0"], breaking) == []
    assert (
        "not greater than every published version (latest 1.2.0)"
        in version_problems("1.1.0", ["1.0.0", "1.2.0"], None)[0]
    )
    assert version_problems("1.0.0", ["1.0.0"], None)
