"""Every rejection listed in FORMATS.md, one fixture each: the right JSON pointer and reason.

Fixtures are the base documents in fixtures/ with one change each (written out in the test
table below, so each case reads as the file a user would have written)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from coe.documents import DocumentError, load_mapping
from coe.overlays.validation import check_overlay
from coe.templates import renames
from coe.templates.diff import diff_templates
from coe.templates.validation import template_violations

FIXTURES = Path(__file__).parent / "fixtures"
BASE_TEMPLATE = yaml.safe_load((FIXTURES / "base-template.yaml").read_text())
BASE_OVERLAY = yaml.safe_load((FIXTURES / "base-overlay.yaml").read_text())

Edit = Callable[[dict[str, Any]], None]


def edited(base: dict[str, Any], edit: Edit) -> dict[str, Any]:
    document = copy.deepcopy(base)
    edit(document)
    return document


def param(name: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    return lambda doc: doc["spec"]["parameters"][name]


TEMPLATE_CASES: list[tuple[str, Edit, str, str]] = [
    ("missing key", lambda d: d["metadata"].pop("key"), "/metadata/key", "required"),
    ("missing operations", lambda d: d["spec"].pop("operations"), "/spec/operations", "required"),
    ("missing title", lambda d: d["metadata"].pop("title"), "/metadata/title", "required"),
    (
        "bad semver",
        lambda d: d["metadata"].update(version="1.0"),
        "/metadata/version",
        "semantic version",
    ),
    (
        "duplicate operation ids",
        lambda d: d["spec"]["operations"][1].update(id="op10-clearance"),
        "/spec/operations/1/id",
        "duplicate operation id",
    ),
    (
        "default above maximum",
        lambda d: param("seal_temperature_c")(d).update(default=200),
        "/spec/parameters/seal_temperature_c/default",
        "above the maximum 190",
    ),
    (
        "default not in values",
        lambda d: param("label_language")(d).update(default="fr"),
        "/spec/parameters/label_language/default",
        "not one of: en, de, zh",
    ),
    (
        "default not matching pattern",
        lambda d: param("lot_prefix")(d).update(default="L1"),
        "/spec/parameters/lot_prefix/default",
        "does not match the pattern",
    ),
    (
        "integer default not whole",
        lambda d: param("cycles")(d).update(default=2.5),
        "/spec/parameters/cycles/default",
        "whole number",
    ),
    (
        "duration default out of bounds",
        lambda d: param("warmup")(d).update(default="2h"),
        "/spec/parameters/warmup/default",
        "above the maximum",
    ),
    (
        "minimum above maximum",
        lambda d: param("cycles")(d).update(minimum=9),
        "/spec/parameters/cycles/minimum",
        "minimum is above maximum",
    ),
    (
        "reference to undeclared parameter",
        lambda d: d["spec"]["operations"][1]["dataCollection"][0].update(target="${seal_temp}"),
        "/spec/operations/1/dataCollection/0/target",
        "${seal_temp} is not a declared parameter",
    ),
    (
        "expression with a function call",
        lambda d: d["spec"]["operations"][1]["dataCollection"][0].update(
            upperLimit="__import__('os').system('x')"
        ),
        "/spec/operations/1/dataCollection/0/upperLimit",
        "not a valid expression",
    ),
    (
        "expression with a bare name",
        lambda d: d["spec"]["operations"][1]["dataCollection"][0].update(
            lowerLimit="seal_temperature_c - 5"
        ),
        "/spec/operations/1/dataCollection/0/lowerLimit",
        "not a valid expression",
    ),
    (
        "reference to a non-numeric parameter",
        lambda d: d["spec"]["operations"][1]["dataCollection"][0].update(
            target="${label_language}"
        ),
        "/spec/operations/1/dataCollection/0/target",
        "limits use numbers",
    ),
    (
        "extension point after unknown operation",
        lambda d: d["spec"]["extensionPoints"][0].update(after="op99-nothing"),
        "/spec/extensionPoints/0/after",
        "not an operation of this template",
    ),
    (
        "unknown field (typo)",
        lambda d: param("cycles")(d).update(siteConfigrable=True),
        "/spec/parameters/cycles/siteConfigrable",
        "unknown field",
    ),
    ("wrong kind", lambda d: d.update(kind="SiteOverlay"), "/kind", "ProcessTemplate"),
    (
        "site-bound but locked",
        lambda d: param("seal_width_mm")(d).update(siteBound=True),
        "/spec/parameters/seal_width_mm/siteBound",
        "must be siteConfigurable",
    ),
]


@pytest.mark.parametrize(
    ("case", "edit", "path", "reason"), TEMPLATE_CASES, ids=[case[0] for case in TEMPLATE_CASES]
)
def test_template_rejections(case: str, edit: Edit, path: str, reason: str) -> None:
    violations = template_violations(edited(BASE_TEMPLATE, edit))
    assert any(v.pointer == path and reason in v.reason for v in violations), violations


def test_the_base_fixtures_are_valid() -> None:
    assert template_violations(BASE_TEMPLATE) == []
    assert check_overlay(BASE_OVERLAY, BASE_TEMPLATE).violations == []


def test_every_violation_is_reported_at_once() -> None:
    def many(d: dict[str, Any]) -> None:
        d["metadata"]["version"] = "one"
        d["spec"]["operations"][1]["id"] = "op10-clearance"
        param("cycles")(d)["default"] = 99

    pointers = {v.pointer for v in template_violations(edited(BASE_TEMPLATE, many))}
    assert {
        "/metadata/version",
        "/spec/operations/1/id",
        "/spec/parameters/cycles/default",
    } <= pointers


def spec_set(**values: Any) -> Edit:
    return lambda d: d["spec"].update(set=values)


OVERLAY_CASES: list[tuple[str, Edit, str, str]] = [
    (
        "unknown template",
        lambda d: d["metadata"].update(template="other-template"),
        "/metadata/template",
        "not 'pouch-sealing'",
    ),
    (
        "version outside templateVersions",
        lambda d: d["metadata"].update(templateVersions=">=2.0.0 <3.0.0"),
        "/metadata/templateVersions",
        "template version 1.0.0 is outside",
    ),
    (
        "unparseable range",
        lambda d: d["metadata"].update(templateVersions="latest"),
        "/metadata/templateVersions",
        "not a version comparator",
    ),
    (
        "unknown parameter",
        spec_set(seal_pressure=4),
        "/spec/set/seal_pressure",
        "unknown parameter",
    ),
    ("locked parameter", spec_set(seal_width_mm=12), "/spec/set/seal_width_mm", "locked"),
    (
        "wrong type",
        spec_set(seal_temperature_c="hot"),
        "/spec/set/seal_temperature_c",
        "must be a number",
    ),
    (
        "below minimum",
        spec_set(seal_temperature_c=150),
        "/spec/set/seal_temperature_c",
        "below the minimum 170",
    ),
    ("above maximum", spec_set(cycles=6), "/spec/set/cycles", "above the maximum 5"),
    ("not in values", spec_set(label_language="fr"), "/spec/set/label_language", "not one of"),
    (
        "not matching pattern",
        spec_set(lot_prefix="ab1"),
        "/spec/set/lot_prefix",
        "does not match the pattern",
    ),
    ("duration wrong form", spec_set(warmup="twenty minutes"), "/spec/set/warmup", "duration"),
    (
        "extend at undeclared point",
        lambda d: d["spec"]["extend"].update(
            {"before-seal": [{"id": "x-step", "kind": "inspection", "title": "X"}]}
        ),
        "/spec/extend/before-seal",
        "not an extension point",
    ),
    (
        "extension step of a kind not allowed",
        lambda d: d["spec"]["extend"]["after-seal"][0].update(kind="weighing"),
        "/spec/extend/after-seal/0/kind",
        "not allowed here",
    ),
    (
        "more steps than maxSteps",
        lambda d: d["spec"]["extend"]["after-seal"].append(
            {"id": "penang-second", "kind": "checklist", "title": "Second"}
        ),
        "/spec/extend/after-seal",
        "allows at most 1",
    ),
    (
        "step id colliding with an operation id",
        lambda d: d["spec"]["extend"]["after-seal"][0].update(id="op20-seal"),
        "/spec/extend/after-seal/0/id",
        "already an operation id",
    ),
    ("missing site", lambda d: d["metadata"].pop("site"), "/metadata/site", "required"),
]


@pytest.mark.parametrize(
    ("case", "edit", "path", "reason"), OVERLAY_CASES, ids=[case[0] for case in OVERLAY_CASES]
)
def test_overlay_rejections(case: str, edit: Edit, path: str, reason: str) -> None:
    violations = check_overlay(edited(BASE_OVERLAY, edit), BASE_TEMPLATE).violations
    assert any(v.pointer == path and reason in v.reason for v in violations), violations


def test_unknown_site_is_rejected_when_sites_are_known() -> None:
    check = check_overlay(BASE_OVERLAY, BASE_TEMPLATE, known_sites={"cork"})
    assert [(v.pointer, v.reason) for v in check.violations] == [
        ("/metadata/site", "unknown site 'penang'")
    ]


def test_unknown_template_without_any_version() -> None:
    check = check_overlay(BASE_OVERLAY, None)
    assert check.violations[0].pointer == "/metadata/template"


def test_renamed_parameters_migrate() -> None:
    def renamed(d: dict[str, Any]) -> None:
        d["metadata"]["version"] = "2.0.0"
        parameters = d["spec"]["parameters"]
        parameters["jaw_temperature_c"] = parameters.pop("seal_temperature_c")
        d["spec"]["operations"][1].pop("dataCollection")
        d["spec"]["migrations"] = {"renamedParameters": {"seal_temperature_c": "jaw_temperature_c"}}

    template = edited(BASE_TEMPLATE, renamed)
    overlay = edited(BASE_OVERLAY, lambda d: d["metadata"].update(templateVersions="*"))
    check = check_overlay(overlay, template)
    assert check.ok
    assert check.values == {"jaw_temperature_c": 185}
    assert check.migrations == ["seal_temperature_c → jaw_temperature_c (renamed in 2.0.0)"]


def test_a_rename_belongs_to_the_version_that_declared_it() -> None:
    """2.1.0 carries 2.0.0's rename over (so that 1.x overlays still migrate): the rename is
    still 2.0.0's, and nothing is renamed between 2.0.0 and 2.1.0."""

    def renamed(version: str) -> dict[str, Any]:
        def edit(d: dict[str, Any]) -> None:
            d["metadata"]["version"] = version
            parameters = d["spec"]["parameters"]
            parameters["jaw_temperature_c"] = parameters.pop("seal_temperature_c")
            d["spec"]["operations"][1].pop("dataCollection")
            d["spec"]["migrations"] = {
                "renamedParameters": {"seal_temperature_c": "jaw_temperature_c"}
            }

        return edited(BASE_TEMPLATE, edit)

    one, two, two_one = BASE_TEMPLATE, renamed("2.0.0"), renamed("2.1.0")
    history = renames.history([two_one, one, two])
    assert history == [renames.Rename("seal_temperature_c", "jaw_temperature_c", "2.0.0")]
    overlay = edited(BASE_OVERLAY, lambda d: d["metadata"].update(templateVersions="*"))
    check = check_overlay(overlay, two_one, renames=renames.of_version(history, two_one))
    assert check.migrations == ["seal_temperature_c → jaw_temperature_c (renamed in 2.0.0)"]
    assert renames.between(history, "2.0.0", "2.1.0") == {}
    assert renames.between(history, "1.0.0", "2.1.0") == {"seal_temperature_c": "jaw_temperature_c"}
    # From 1.0.0 to 2.1.0 the rename applies even if 2.1.0 no longer declared it.
    forgot = copy.deepcopy(two_one)
    forgot["spec"].pop("migrations")
    skipped = diff_templates(one, forgot, renames.between(history, "1.0.0", "2.1.0"))
    assert [(c.kind, c.subject) for c in skipped.changes if c.area == "parameters"][:1] == [
        ("renamed", "seal_temperature_c")
    ]


# --- reading files ---------------------------------------------------------------------------


def test_a_document_that_is_not_a_mapping_is_refused() -> None:
    with pytest.raises(DocumentError, match="must be a mapping"):
        load_mapping("- just\n- a list\n")


def test_duplicate_keys_are_refused_with_lines() -> None:
    with pytest.raises(DocumentError, match=r"duplicate key 'version' \(lines 3 and 4\)"):
        load_mapping("metadata:\n  key: x\n  version: 1.0.0\n  version: 2.0.0\n")


def test_an_alias_bomb_is_refused_by_limits() -> None:
    bomb = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 10):
        prev = chr(ord("a") + level - 1)
        name = chr(ord("a") + level)
        bomb.append(f"{name}: &{name} [{', '.join(['*' + prev] * 9)}]")
    with pytest.raises(DocumentError, match=r"aliases|expands"):
        load_mapping("\n".join(bomb))


def test_a_few_aliases_are_fine() -> None:
    document = load_mapping("base: &b {x: 1}\ncopy: *b\n")
    assert document["copy"] == {"x": 1}


def test_oversized_documents_are_refused() -> None:
    with pytest.raises(DocumentError, match="larger than"):
        load_mapping("x: " + "y" * 1_100_000)


def test_invalid_yaml_is_reported() -> None:
    with pytest.raises(DocumentError, match="not valid YAML"):
        load_mapping("a: [unclosed\n")


def test_a_typo_inside_a_list_names_the_field_not_the_list() -> None:
    """`extensionPoints` may be a list or empty: a typo inside one of its entries is reported
    there (with the field it is likely a typo of), not as "must be empty, not a list"."""

    def typo(d: dict[str, Any]) -> None:
        point = d["spec"]["extensionPoints"][0]
        point["maxStep"] = point.pop("maxSteps")

    violations = template_violations(edited(BASE_TEMPLATE, typo))
    assert [v.as_dict() for v in violations] == [
        {
            "path": "/spec/extensionPoints/0/maxStep",
            "reason": "unknown field (not in the format); did you mean 'maxSteps'?",
        }
    ]


def test_a_value_of_no_allowed_form_names_the_forms() -> None:
    violations = template_violations(
        edited(BASE_TEMPLATE, lambda d: d["spec"].update(extensionPoints="after-seal"))
    )
    assert [v.as_dict() for v in violations] == [
        {"path": "/spec/extensionPoints", "reason": "must be a list or empty, not str 'after-seal'"}
    ]


def test_every_unknown_field_is_named() -> None:
    def typos(d: dict[str, Any]) -> None:
        param("cycles")(d).update(siteConfigrable=True, unitt="x")

    pointers = [v.pointer for v in template_violations(edited(BASE_TEMPLATE, typos))]
    assert pointers == ["/spec/parameters/cycles/siteConfigrable", "/spec/parameters/cycles/unitt"]
