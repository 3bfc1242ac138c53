"""The execution rules of a validation record, pure: what a manual result must be (each refusal
at its pointer), what stands in the way of the conclusion, and when a result may be reused."""

from __future__ import annotations

import copy
from typing import Any

from coe.documents import read_mapping
from coe.validation.design_space import exercised
from coe.validation.rules import (
    CHARTER,
    LatestResult,
    OpenDeviation,
    case_ids,
    conclusion_blockers,
    display_order,
    find_case,
    limits_id,
    manual_result,
    operation_unchanged,
    reuse_problem,
)
from tests.validation.test_document import RECORD, TEMPLATE, TEMPLATES

PREVIOUS = read_mapping(TEMPLATES / "sterile-barrier-sealing-2.0.0.yaml")
CASES = ["TC-SETUP-1", "TC-SEAL-1", "TC-SEAL-2", "TC-INSP-1", "TC-LABEL-1"]
SHA = "ab" * 32


def case(case_id: str) -> dict[str, Any]:
    found = find_case(RECORD, case_id)
    assert found is not None
    return found


def at(violations: list[Any]) -> dict[str, str]:
    return {v.pointer: v.reason for v in violations}


def test_a_result_names_a_test_case_of_the_record_or_the_charter() -> None:
    assert case_ids(RECORD) == [*CASES, CHARTER]
    _, problems = manual_result(RECORD, TEMPLATE, "TC-SEAL-9", "ok", None, [])
    assert at(problems) == {
        "/testCase": "'TC-SEAL-9' is not a test case of the validation record of "
        "sterile-barrier-sealing@2.1.0 (its test cases: TC-SETUP-1, TC-SEAL-1, TC-SEAL-2, "
        "TC-INSP-1, TC-LABEL-1, CHARTER)"
    }
    without_charter = copy.deepcopy(RECORD)
    del without_charter["spec"]["charter"]
    assert CHARTER not in case_ids(without_charter)


def test_a_result_exercises_the_test_cases_values_by_default() -> None:
    checked, problems = manual_result(RECORD, TEMPLATE, "TC-SEAL-1", "as expected", None, [])
    assert problems == []
    assert checked.parameters == exercised(TEMPLATE, case("TC-SEAL-1"))
    assert checked.parameters["seal_temperature_c"] == 170
    assert checked.evidence == []
    charter, problems = manual_result(RECORD, TEMPLATE, CHARTER, "explored for 2h", None, [])
    assert problems == []
    assert charter.parameters == {}


def test_each_bad_parameter_is_refused_at_its_pointer() -> None:
    _, problems = manual_result(
        RECORD,
        TEMPLATE,
        "TC-SEAL-1",
        "as expected",
        {
            "jaw_colour": "red",
            "seal_pressure_bar": "high",
            "seal_width_mm": 13,
            "seal_temperature_c": 175,
        },
        [],
    )
    assert at(problems) == {
        "/parameters/jaw_colour": "'jaw_colour' is not a parameter of "
        "sterile-barrier-sealing@2.1.0",
        "/parameters/seal_pressure_bar": "'seal_pressure_bar' must be a number, not 'high'",
        "/parameters/seal_width_mm": "'seal_width_mm' 13 is above the maximum 12",
        "/parameters/seal_temperature_c": "TC-SEAL-1 exercises seal_temperature_c = 170, not "
        "175: a result at other values is another test case (change the record)",
    }


def test_a_parameter_of_another_operation_is_recorded_as_given() -> None:
    checked, problems = manual_result(
        RECORD, TEMPLATE, "TC-SEAL-1", "as expected", {"seal_width_mm": 11}, []
    )
    assert problems == []
    assert checked.parameters["seal_width_mm"] == 11


def test_actual_and_evidence_are_checked() -> None:
    checked, problems = manual_result(
        RECORD,
        TEMPLATE,
        "TC-SEAL-1",
        "  ",
        None,
        [{"name": "peel.csv", "sha256": SHA}, {"name": "", "sha256": "AB" * 32}],
    )
    assert at(problems) == {
        "/actual": "required: what actually happened",
        "/evidence/1/name": "required, at most 200 characters",
        "/evidence/1/sha256": f"{'AB' * 32!r} is not a sha256 (64 lower-case hexadecimal digits)",
    }
    assert checked.evidence[0] == {"name": "peel.csv", "sha256": SHA}


def passed(*cases: str, outcome: str = "pass", **parameters: Any) -> list[LatestResult]:
    return [LatestResult(case, "manual", outcome, parameters) for case in cases]


def checks(*cases: str, outcome: str = "pass") -> list[LatestResult]:
    return [LatestResult(limits_id(case), "automated", outcome, {}) for case in cases]


def test_a_complete_execution_may_be_concluded_by_someone_else() -> None:
    latest = passed(*CASES) + checks(*CASES)
    assert conclusion_blockers(RECORD, latest, [], "quinn", "ada", {"nina"}) == []
    assert conclusion_blockers(RECORD, latest, [], None, "ada", {"nina"}) == []


def test_every_blocker_is_named() -> None:
    latest = (
        passed("TC-SETUP-1", "TC-SEAL-1")
        + passed("TC-SEAL-2", outcome="fail")
        + checks("TC-SETUP-1", "TC-SEAL-1", "TC-SEAL-2", "TC-INSP-1")
        + checks("TC-LABEL-1", outcome="fail")
    )
    deviations = [OpenDeviation("DEV-2", "Peel tester out of calibration")]
    assert conclusion_blockers(
        RECORD, latest, deviations, "ada", "ada", {"ada"}, template_changed=True
    ) == [
        "the template version's content changed since the record was saved: save the record "
        "again and re-execute it",
        "deviation DEV-2 is open: Peel tester out of calibration",
        "no result yet for TC-INSP-1, TC-LABEL-1",
        "the latest result failed for TC-SEAL-2",
        "automated check failed: limits:TC-LABEL-1",
        "ada authored the template version and cannot conclude its validation",
        "ada tested this version and cannot conclude its validation",
    ]


def test_the_limit_checks_must_have_run_for_every_test_case() -> None:
    assert conclusion_blockers(RECORD, passed(*CASES), [], None, "ada", set()) == [
        "the automated limit checks have not run (run the validation checks)"
    ]
    assert conclusion_blockers(
        RECORD, passed(*CASES) + checks("TC-SEAL-1"), [], None, "ada", set()
    ) == ["the limit check has not run for TC-SETUP-1, TC-SEAL-2, TC-INSP-1, TC-LABEL-1"]


def test_a_result_at_values_the_record_no_longer_names_blocks() -> None:
    latest = passed(*[c for c in CASES if c != "TC-SEAL-2"]) + checks(*CASES)
    latest.append(LatestResult("TC-SEAL-2", "manual", "pass", {"seal_temperature_c": 185}))
    assert conclusion_blockers(RECORD, latest, [], None, "ada", set()) == [
        "TC-SEAL-2: its latest result was at seal_temperature_c = 185, the record names 190: "
        "record it again"
    ]


def test_an_operation_is_unchanged_when_it_and_its_parameters_are() -> None:
    inspection, setup, seal = case("TC-INSP-1"), case("TC-SETUP-1"), case("TC-SEAL-1")
    assert operation_unchanged(PREVIOUS, TEMPLATE, inspection)
    assert not operation_unchanged(PREVIOUS, TEMPLATE, seal)  # a new data point on the seal
    assert not operation_unchanged(PREVIOUS, TEMPLATE, setup)  # dwell_time_s window widened
    assert operation_unchanged(TEMPLATE, TEMPLATE, setup)


def test_reuse_needs_the_flag_an_unchanged_operation_and_the_same_values() -> None:
    inspection, seal, setup = case("TC-INSP-1"), case("TC-SEAL-1"), case("TC-SETUP-1")
    values = exercised(TEMPLATE, inspection)
    assert reuse_problem(PREVIOUS, TEMPLATE, inspection, values) is None
    assert reuse_problem(PREVIOUS, TEMPLATE, seal, exercised(TEMPLATE, seal)) == (
        "TC-SEAL-1 is not marked reuse"
    )
    assert reuse_problem(PREVIOUS, TEMPLATE, inspection, None) == (
        "TC-INSP-1 has no passed result in the previous record"
    )
    other = {**values, "seal_width_mm": 9}
    assert reuse_problem(PREVIOUS, TEMPLATE, inspection, other) == (
        "TC-INSP-1 ran at seal_width_mm = 9 in the previous version, the record names 10"
    )
    assert reuse_problem(PREVIOUS, TEMPLATE, setup, exercised(TEMPLATE, setup)) == (
        "TC-SETUP-1: operation op20-sealer-setup or a parameter it exercises changed since "
        "the previous version"
    )


def test_results_show_in_record_order() -> None:
    found = ["deployment:cork", "limits:TC-SEAL-1", "TC-SEAL-1", "TC-OLD-1", CHARTER, "TC-SETUP-1"]
    assert display_order(RECORD, found) == [
        "TC-SETUP-1",
        "TC-SEAL-1",
        CHARTER,
        "limits:TC-SEAL-1",
        "deployment:cork",
        "TC-OLD-1",
    ]
