"""The automated limit check: the definition composed at every tested parameter value resolves
every data-collection limit inside its spec (pure), on the repository's real templates and on
small hand-made ones."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from coe.definitions.compose import PreparedTemplate, compose
from coe.validation.checks import LimitFailure, check_limits, check_test_case

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = [
    path
    for path in sorted((ROOT / "templates").glob("*.yaml"))
    if yaml.safe_load(path.read_text()).get("kind") == "ProcessTemplate"
]
SEALING = yaml.safe_load((ROOT / "templates" / "sterile-barrier-sealing-2.1.0.yaml").read_text())
# The repository's own validation record of that version, beside the template.
SEALING_RECORD = ROOT / "templates" / "sterile-barrier-sealing-2.1.0.validation.yaml"


def record(*test_cases: dict[str, Any]) -> dict[str, Any]:
    return {"spec": {"testCases": list(test_cases)}}


def case(case_id: str, operation: str, **parameters: Any) -> dict[str, Any]:
    return {"id": case_id, "operation": operation, "parameters": parameters}


def test_tested_values_inside_every_spec_pass() -> None:
    results = check_limits(
        SEALING,
        record(
            case("TC-SEAL-1", "op30-seal", seal_temperature_c=170, dwell_time_s=0.6),
            case("TC-SEAL-2", "op30-seal", seal_temperature_c=190, seal_pressure_bar=6.0),
            case("TC-LABEL-1", "op50-label", label_language="de", min_barcode_grade=3.5),
        ),
    )
    assert [(r.test_case, r.passed, r.failures) for r in results] == [
        ("TC-SEAL-1", True, ()),
        ("TC-SEAL-2", True, ()),
        ("TC-LABEL-1", True, ()),
    ]
    assert results[0].parameters["seal_temperature_c"] == 170
    assert results[0].parameters["seal_strength_min_n"] == 1.5  # its operation's, at the default


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.stem)
def test_every_repository_template_passes_at_its_defaults(path: Path) -> None:
    template = yaml.safe_load(path.read_text())
    operation = template["spec"]["operations"][0]["id"]
    [result] = check_limits(template, record(case("TC-1", operation)))
    assert result.passed, result.failures


def test_the_repository_record_passes_its_limit_check() -> None:
    results = check_limits(SEALING, yaml.safe_load(SEALING_RECORD.read_text()))
    assert results
    assert [r.failures for r in results if not r.passed] == []


def test_a_limit_pushed_out_of_its_spec_fails_with_its_pointer() -> None:
    # barcode_grade: lowerLimit ${min_barcode_grade}, a fixed target 3.5 and upperLimit 4.0.
    [result] = check_limits(
        SEALING, record(case("TC-LABEL-2", "op50-label", min_barcode_grade=4.0))
    )
    assert not result.passed
    assert result.failures == (
        LimitFailure(
            "template",
            "/spec/operations/4/dataCollection/0/lowerLimit",
            "barcode_grade: lowerLimit 4 is above target 3.5 at min_barcode_grade = 4.0",
        ),
    )
    assert SEALING["spec"]["operations"][4]["dataCollection"][0]["id"] == "barcode_grade"
    assert result.as_dict() == {
        "testCase": "TC-LABEL-2",
        "passed": False,
        "parameters": result.parameters,
        "failures": [
            {
                "document": "template",
                "path": "/spec/operations/4/dataCollection/0/lowerLimit",
                "reason": "barcode_grade: lowerLimit 4 is above target 3.5 at "
                "min_barcode_grade = 4.0",
            }
        ],
    }
    json.dumps(result.as_dict())


def test_crossed_limits_report_each_pair() -> None:
    # peel_strength: target (min + max) / 2, lowerLimit min, upperLimit max: min above max.
    [result] = check_limits(
        SEALING,
        record(case("TC-PEEL", "op30-seal", seal_strength_min_n=3.0, seal_strength_max_n=3.0)),
    )
    assert result.passed  # equal limits are still in order
    template = copy.deepcopy(SEALING)
    template["spec"]["parameters"]["seal_strength_max_n"]["minimum"] = 1.0
    [result] = check_limits(
        template,
        record(case("TC-PEEL", "op30-seal", seal_strength_min_n=2.5, seal_strength_max_n=2.0)),
    )
    assert [(f.pointer, f.reason) for f in result.failures] == [
        (
            "/spec/operations/2/dataCollection/2/lowerLimit",
            "peel_strength: lowerLimit 2.5 is above target 2.25 at "
            "seal_strength_max_n = 2.0, seal_strength_min_n = 2.5",
        ),
        (
            "/spec/operations/2/dataCollection/2/lowerLimit",
            "peel_strength: lowerLimit 2.5 is above upperLimit 2 at "
            "seal_strength_max_n = 2.0, seal_strength_min_n = 2.5",
        ),
        (
            "/spec/operations/2/dataCollection/2/target",
            "peel_strength: target 2.25 is above upperLimit 2 at "
            "seal_strength_max_n = 2.0, seal_strength_min_n = 2.5",
        ),
    ]


def test_tested_values_outside_the_parameter_or_unknown_fail_in_the_record() -> None:
    results = check_limits(
        SEALING,
        record(
            case("TC-OK", "op30-seal"),
            case("TC-BAD", "op30-seal", seal_temperature_c=200, jaw_colour="red"),
            case("TC-TYPE", "op50-label", label_language="xx", allow_single_reseal="yes"),
        ),
    )
    assert results[0].passed
    assert [(f.document, f.pointer, f.reason) for f in results[1].failures] == [
        (
            "record",
            "/spec/testCases/1/parameters/seal_temperature_c",
            "'seal_temperature_c' 200 is above the maximum 190",
        ),
        (
            "record",
            "/spec/testCases/1/parameters/jaw_colour",
            "'jaw_colour' is not a parameter of sterile-barrier-sealing@2.1.0",
        ),
    ]
    assert [f.pointer for f in results[2].failures] == [
        "/spec/testCases/2/parameters/label_language",
        "/spec/testCases/2/parameters/allow_single_reseal",
    ]


def test_locked_parameters_can_be_tested() -> None:
    # seal_width_mm is not siteConfigurable: no overlay could set it, a test case may.
    [result] = check_limits(
        SEALING, record(case("TC-WIDTH", "op40-seal-inspection", seal_width_mm=6))
    )
    assert result.passed
    assert result.parameters["seal_width_mm"] == 6


SMALL: dict[str, Any] = {
    "apiVersion": "coe.dev/v1",
    "kind": "ProcessTemplate",
    "metadata": {"key": "small", "version": "1.0.0", "title": "Small"},
    "spec": {
        "parameters": {
            "gap": {"type": "number", "default": 4, "minimum": 0, "maximum": 10},
            "load": {"type": "number", "default": 10, "minimum": 0, "maximum": 100},
        },
        "operations": [
            {"id": "op10", "kind": "checklist", "title": "Clear"},
            {
                "id": "op20",
                "kind": "execution",
                "title": "Press",
                "dataCollection": [
                    {"id": "fixed", "lowerLimit": 1, "upperLimit": 2},
                    {
                        "id": "stress",
                        "lowerLimit": 0,
                        "target": "${load} / (${gap} - 2)",
                        "upperLimit": 50,
                    },
                ],
            },
        ],
    },
}


def test_a_limit_that_does_not_resolve_fails() -> None:
    [good, zero] = check_limits(SMALL, record(case("TC-1", "op20"), case("TC-2", "op20", gap=2)))
    assert good.passed
    assert not zero.passed
    assert zero.failures == (
        LimitFailure(
            "template",
            "/spec/operations/1/dataCollection/1/target",
            "target '${load} / (${gap} - 2)' does not resolve: division by zero",
        ),
    )


def test_a_limit_past_a_fixed_spec_limit_fails() -> None:
    result = check_test_case(SMALL, case("TC-3", "op20", gap=3, load=60))
    assert [(f.pointer, f.reason) for f in result.failures] == [
        (
            "/spec/operations/1/dataCollection/1/target",
            "stress: target 60 is above upperLimit 50 at gap = 3, load = 60",
        )
    ]


def test_points_with_constant_limits_only_are_not_rechecked() -> None:
    template = copy.deepcopy(SMALL)
    template["spec"]["operations"][1]["dataCollection"][0].update(lowerLimit=3)  # 3 > 2
    [result] = check_limits(template, record(case("TC-1", "op20")))
    assert result.passed  # the template's own validation reports it; no tested value moves it


def test_a_record_without_test_cases_checks_nothing() -> None:
    assert check_limits(SEALING, {"spec": {}}) == []


@settings(max_examples=150, deadline=None)
@given(
    st.integers(170, 190),
    st.floats(3.0, 6.0, allow_nan=False).map(lambda x: round(x, 2)),
    st.floats(0.6, 2.5, allow_nan=False).map(lambda x: round(x, 2)),
)
def test_limits_are_those_of_the_definition_a_site_would_run(
    temperature: int, pressure: float, dwell: float
) -> None:
    # Site-configurable values: the check's verdict matches the definition an overlay composes.
    [result] = check_limits(
        SEALING,
        record(
            case(
                "TC-1",
                "op20-sealer-setup",
                seal_temperature_c=temperature,
                seal_pressure_bar=pressure,
                dwell_time_s=dwell,
            )
        ),
    )
    site = {
        "apiVersion": "coe.dev/v1",
        "kind": "SiteOverlay",
        "metadata": {
            "site": "lab",
            "template": "sterile-barrier-sealing",
            "templateVersions": ">=2.0.0 <3.0.0",
            "version": 1,
        },
        "spec": {
            "set": {
                "seal_temperature_c": temperature,
                "seal_pressure_bar": pressure,
                "dwell_time_s": dwell,
            }
        },
    }
    definition = compose(PreparedTemplate.of(SEALING), "lab", site).document
    in_order = all(
        point.get("lowerLimit", float("-inf"))
        <= point.get("target", point.get("lowerLimit", float("-inf")))
        <= point.get("upperLimit", float("inf"))
        for operation in definition["operations"]
        for point in operation.get("dataCollection", [])
    )
    assert result.passed == in_order
