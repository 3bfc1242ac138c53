"""The ValidationRecord rules, pure: the shipped record is valid, and each refusal names its
place (a JSON pointer into the record) and its reason; the offline file check; the sync plan."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from coe.canonical import content_hash
from coe.documents import read_mapping
from coe.sync import Action, RemoteRecord, Step, record_actions, record_target
from coe.templates.files import validate_templates
from coe.validation.document import record_template_violations, record_violations
from coe.validation.files import validate_records

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"
RECORD_FILE = TEMPLATES / "sterile-barrier-sealing-2.1.0.validation.yaml"
RECORD = read_mapping(RECORD_FILE)
TEMPLATE = read_mapping(TEMPLATES / "sterile-barrier-sealing-2.1.0.yaml")

Edit = Callable[[dict[str, Any]], None]


def edited(edit: Edit) -> dict[str, Any]:
    document = copy.deepcopy(RECORD)
    edit(document)
    return document


def case(index: int) -> Callable[[dict[str, Any]], dict[str, Any]]:
    return lambda d: d["spec"]["testCases"][index]


def test_the_shipped_record_is_valid_against_its_template() -> None:
    assert record_violations(RECORD) == []
    assert record_template_violations(RECORD, TEMPLATE) == []


OWN_CASES: list[tuple[str, Edit, str, str]] = [
    ("no intended use", lambda d: d["spec"].pop("intendedUse"), "/spec/intendedUse", "required"),
    ("bad level", lambda d: d["spec"]["risk"][0].update(level="low"), "/spec/risk/0/level",
     "'low' is not one of: high, not-high"),
    ("bad test case id", lambda d: case(0)(d).update(id="tc-1"), "/spec/testCases/0/id",
     "upper-case code"),
    ("no steps", lambda d: case(0)(d).update(steps=[]), "/spec/testCases/0/steps",
     "should be non-empty"),
    ("bad timebox", lambda d: d["spec"]["charter"].update(timebox="two hours"),
     "/spec/charter/timebox", "does not have the required form"),
    ("unknown field", lambda d: d["spec"].update(testcases=[]), "/spec/testcases",
     "did you mean 'testCases'?"),
    ("duplicate test case", lambda d: case(1)(d).update(id="TC-SETUP-1"),
     "/spec/testCases/1/id", "test case 'TC-SETUP-1' appears twice"),
    ("duplicate risk", lambda d: d["spec"]["risk"][1].update(operation="op10-line-clearance"),
     "/spec/risk/1/operation", "the risk of operation 'op10-line-clearance' appears twice"),
    ("duplicate charter operation",
     lambda d: d["spec"]["charter"]["operations"].append("op10-line-clearance"),
     "/spec/charter/operations/2", "operation 'op10-line-clearance' appears twice"),
    ("reuse without previous", lambda d: d["metadata"].pop("previous"),
     "/spec/testCases/0/reuse", "reuse needs metadata.previous"),
    ("previous not earlier", lambda d: d["metadata"].update(previous="2.2.0"),
     "/metadata/previous", "must be an earlier version than 2.1.0"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("what", "edit", "path", "reason"), OWN_CASES, ids=[c[0] for c in OWN_CASES]
)
def test_the_records_own_rules_name_where(what: str, edit: Edit, path: str, reason: str) -> None:
    found = record_violations(edited(edit))
    assert any(v.pointer == path and reason in v.reason for v in found), found


TEMPLATE_CASES: list[tuple[str, Edit, str, str]] = [
    ("unknown risk operation", lambda d: d["spec"]["risk"][0].update(operation="op99-x"),
     "/spec/risk/0/operation", "'op99-x' is not an operation of sterile-barrier-sealing@2.1.0"),
    ("missing risk entry", lambda d: d["spec"]["risk"].pop(3), "/spec/risk",
     "operation 'op40-seal-inspection' has no risk entry"),
    ("unknown test case operation", lambda d: case(0)(d).update(operation="op99-x"),
     "/spec/testCases/0/operation", "'op99-x' is not an operation of"),
    ("unknown parameter", lambda d: case(0)(d)["parameters"].update(jaw_force=3),
     "/spec/testCases/0/parameters/jaw_force", "'jaw_force' is not a parameter of"),
    ("value above maximum", lambda d: case(1)(d)["parameters"].update(seal_temperature_c=195),
     "/spec/testCases/1/parameters/seal_temperature_c", "195 is above the maximum 190"),
    ("value of the wrong type", lambda d: case(1)(d)["parameters"].update(dwell_time_s="long"),
     "/spec/testCases/1/parameters/dwell_time_s", "must be a number"),
    ("value not allowed", lambda d: case(4)(d)["parameters"].update(label_language="xx"),
     "/spec/testCases/4/parameters/label_language", "'xx' is not one of"),
    ("high-risk without test case", lambda d: d["spec"]["testCases"].pop(4),
     "/spec/risk/4", "high-risk operation 'op50-label' has no test case"),
    ("high-risk in the charter",
     lambda d: d["spec"]["charter"]["operations"].append("op30-seal"),
     "/spec/charter/operations/2", "'op30-seal' is high-risk: it needs scripted test cases"),
    ("unknown charter operation",
     lambda d: d["spec"]["charter"]["operations"].append("op99-x"),
     "/spec/charter/operations/2", "'op99-x' is not an operation of"),
    ("not-high untested", lambda d: d["spec"]["charter"]["operations"].pop(1),
     "/spec/risk/5", "operation 'op60-batch-review' is not tested"),
    ("not-high without a charter", lambda d: d["spec"].pop("charter"),
     "/spec/risk/0", "operation 'op10-line-clearance' is not tested"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("what", "edit", "path", "reason"), TEMPLATE_CASES, ids=[c[0] for c in TEMPLATE_CASES]
)
def test_the_rules_against_the_template_name_where(
    what: str, edit: Edit, path: str, reason: str
) -> None:
    found = record_template_violations(edited(edit), TEMPLATE)
    assert any(v.pointer == path and reason in v.reason for v in found), found


def test_a_record_for_another_version_or_template_is_refused_outright() -> None:
    older = read_mapping(TEMPLATES / "sterile-barrier-sealing-2.0.0.yaml")
    [violation] = record_template_violations(RECORD, older)
    assert violation.pointer == "/metadata/version"
    assert violation.reason == (
        "a validation record for sterile-barrier-sealing@2.1.0, not for "
        "sterile-barrier-sealing@2.0.0: a validation document for another version is refused"
    )
    other = read_mapping(TEMPLATES / "line-clearance-1.0.0.yaml")
    [violation] = record_template_violations(RECORD, other)
    assert violation.pointer == "/metadata/template"


def _write(folder: Path, name: str, document: dict[str, Any]) -> Path:
    path = folder / name
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


def test_files_are_checked_against_the_template_files_beside_them(tmp_path: Path) -> None:
    _, templates = validate_templates([TEMPLATES])
    report, valid = validate_records([TEMPLATES], templates)
    assert (report.files, report.violations) == (1, [])
    assert [r.file for r in valid] == [str(RECORD_FILE)]

    orphan = edited(lambda d: d["metadata"].update(version="9.9.9", previous="2.1.0"))
    bad = edited(lambda d: case(1)(d)["parameters"].update(seal_temperature_c=200))
    paths = [_write(tmp_path, "orphan.yaml", orphan), _write(tmp_path, "bad.yaml", bad)]
    report, valid = validate_records(paths, templates)
    assert valid == []
    assert [str(v) for v in report.violations] == [
        f"{paths[0]}:/metadata/version: sterile-barrier-sealing@9.9.9 is not among the valid "
        "template files: the record is checked against its template version",
        f"{paths[1]}:/spec/testCases/1/parameters/seal_temperature_c: 200 is above the maximum 190",
    ]

    twice = _write(tmp_path, "again.validation.yaml", RECORD)
    report, valid = validate_records([RECORD_FILE, twice], templates)
    assert len(valid) == 1
    assert [v.reason for v in report.violations] == [
        f"sterile-barrier-sealing@2.1.0 already has a validation record in {RECORD_FILE}: one "
        "record per template version"
    ]


def test_the_template_check_skips_the_records_beside_the_templates() -> None:
    report, templates = validate_templates([TEMPLATES])
    assert report.violations == []
    assert report.files == len(templates) == len(list(TEMPLATES.glob("*.yaml"))) - 1


def test_the_sync_plan_of_records() -> None:
    files = [("r.yaml", RECORD)]
    digest = content_hash(RECORD)
    target = record_target("sterile-barrier-sealing", "2.1.0")
    key = ("sterile-barrier-sealing", "2.1.0")

    def step(remote: dict[tuple[str, str], RemoteRecord], actions: list[Action] = []) -> Step:  # noqa: B006
        [action] = record_actions(files, remote, actions)
        assert action.target == target
        return action.step

    assert step({}) is Step.CREATE
    assert step({key: RemoteRecord("OPEN", digest)}) is Step.UNCHANGED
    assert step({key: RemoteRecord("APPROVED", digest)}) is Step.UNCHANGED
    assert step({key: RemoteRecord("OPEN", "0" * 64)}) is Step.UPDATE
    assert step({key: RemoteRecord("APPROVED", "0" * 64)}) is Step.ERROR
    failed = [Action(Step.ERROR, "sterile-barrier-sealing@2.1.0", "t.yaml", "changed")]
    assert step({}, failed) is Step.BLOCKED
    [created] = record_actions(files, {}, [])
    assert created.document == RECORD
    assert created.changes
