"""The validated design space of a template version and a site's coverage by it (pure), on the
repository's real sterile-barrier-sealing 2.1.0 and its sites' real overlays, plus small
hand-made templates for the property tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from coe.definitions.compose import PreparedTemplate, compose
from coe.validation.design_space import (
    COVERED,
    NOT_VALIDATED,
    VERIFY,
    DesignSpace,
    UncoveredParameter,
    coverage,
    definition_coverage,
    exercised,
    operation_parameters,
    site_values,
    validated_space,
)

ROOT = Path(__file__).resolve().parents[2]
SEALING = yaml.safe_load((ROOT / "templates" / "sterile-barrier-sealing-2.1.0.yaml").read_text())


def overlay(site: str) -> dict[str, Any]:
    path = ROOT / "site_overlays" / site / "sterile-barrier-sealing.yaml"
    document: dict[str, Any] = yaml.safe_load(path.read_text())
    return document


RECORD = yaml.safe_load(
    """
apiVersion: coe.dev/v1
kind: ValidationRecord
metadata: {template: sterile-barrier-sealing, version: 2.1.0, title: CSA record}
spec:
  intendedUse: Seal sterile barrier pouches within the validated sealer window.
  testCases:
    - id: TC-SETUP-1
      operation: op20-sealer-setup
      title: Set-up at the cold, short, low-pressure corner
      parameters: {seal_temperature_c: 170, dwell_time_s: 1.0, seal_pressure_bar: 3.5}
    - id: TC-SETUP-2
      operation: op20-sealer-setup
      title: Set-up at the hot, long, high-pressure corner
      parameters: {seal_temperature_c: 185, dwell_time_s: 2.0, seal_pressure_bar: 4.5}
    - id: TC-SEAL-1
      operation: op30-seal
      title: Seal at the cold corner
      parameters: {seal_temperature_c: 170, seal_pressure_bar: 3.5}
    - id: TC-SEAL-2
      operation: op30-seal
      title: Seal at the hot corner
      parameters: {seal_temperature_c: 185, seal_pressure_bar: 4.5}
    - id: TC-INSP-1
      operation: op40-seal-inspection
      title: Vision inspection at the defaults
    - id: TC-LABEL-1
      operation: op50-label
      title: German labels
      parameters: {label_language: de}
    - id: TC-FAILED
      operation: op30-seal
      title: Seal at 190 degC (failed, does not count)
      parameters: {seal_temperature_c: 190}
"""
)
PASSED = {"TC-SETUP-1", "TC-SETUP-2", "TC-SEAL-1", "TC-SEAL-2", "TC-INSP-1", "TC-LABEL-1"}


def space(passed: set[str] = PASSED) -> DesignSpace:
    return validated_space(SEALING, RECORD, passed)


def site_coverage(site: str) -> Any:
    definition = compose(PreparedTemplate.of(SEALING), site, overlay(site))
    return definition_coverage(space(), definition.document)


# --- the space ---------------------------------------------------------------------------------


def test_numeric_parameters_are_the_range_of_the_tested_points() -> None:
    values = space().of("seal_temperature_c")
    assert values is not None
    assert (values.minimum, values.maximum) == (170, 185)
    assert values.describe() == "170\N{EN DASH}185"
    assert values.test_cases == ("TC-SETUP-1", "TC-SETUP-2", "TC-SEAL-1", "TC-SEAL-2")
    assert values.contains(176)
    assert values.contains(170)
    assert values.contains(185.0)
    assert not values.contains(169.9)
    assert not values.contains(186)


def test_a_failed_test_case_does_not_widen_the_space() -> None:
    values = space().of("seal_temperature_c")
    assert values is not None
    assert not values.contains(190)
    wider = validated_space(SEALING, RECORD, {*PASSED, "TC-FAILED"}).of("seal_temperature_c")
    assert wider is not None
    assert wider.maximum == 190


def test_non_numeric_parameters_are_the_set_of_tested_values() -> None:
    language = space().of("label_language")
    assert language is not None
    assert language.points == ("de", "en")  # de named by TC-LABEL-1, en the default elsewhere
    assert language.describe() == "{de, en}"
    assert language.contains("de")
    assert not language.contains("zh")
    reseal = space().of("allow_single_reseal")
    assert reseal is not None
    assert reseal.describe() == "{true}"
    assert reseal.contains(True)
    assert not reseal.contains(1)  # true is not the number 1


def test_a_test_case_exercises_its_operations_parameters_at_their_defaults() -> None:
    by_operation = operation_parameters(SEALING)
    assert by_operation["op40-seal-inspection"] == {"seal_width_mm"}
    assert by_operation["op10-line-clearance"] == frozenset()
    values = exercised(SEALING, RECORD["spec"]["testCases"][2])  # TC-SEAL-1, op30-seal
    assert values["seal_temperature_c"] == 170  # named
    assert values["seal_strength_min_n"] == 1.5  # its operation's, at the default
    assert values["label_language"] == "en"  # process-wide (no operation references it)
    assert values["sealer_warmup_time"] == "20m"
    assert "dwell_time_s" not in values  # only the set-up step's limits use it
    assert "seal_width_mm" not in values  # only the inspection step's


def test_a_parameter_only_untested_operations_use_has_no_validated_values() -> None:
    seal_only = space({"TC-SEAL-1", "TC-SEAL-2"})
    width = seal_only.of("seal_width_mm")
    assert width is not None
    assert not width.validated
    assert width.describe() == NOT_VALIDATED
    assert not width.contains(10)  # not even the default
    with_charter = validated_space(
        SEALING,
        RECORD,
        {"TC-SEAL-1", "TC-SEAL-2"},
        exercised_at_defaults=["op40-seal-inspection", "op20-sealer-setup"],
    )
    assert with_charter.of("seal_width_mm") is not None
    assert with_charter.of("seal_width_mm").describe() == "10"  # type: ignore[union-attr]
    assert with_charter.of("dwell_time_s").describe() == "1.5"  # type: ignore[union-attr]


def test_durations_are_ranges_in_seconds() -> None:
    record = {
        "spec": {
            "testCases": [
                {
                    "id": "TC-1",
                    "operation": "op20-sealer-setup",
                    "parameters": {"sealer_warmup_time": "45m"},
                },
                {
                    "id": "TC-2",
                    "operation": "op20-sealer-setup",
                    "parameters": {"sealer_warmup_time": "900s"},
                },
            ]
        }
    }
    warmup = validated_space(SEALING, record, {"TC-1", "TC-2"}).of("sealer_warmup_time")
    assert warmup is not None
    assert warmup.describe() == "900s\N{EN DASH}45m"
    assert warmup.contains("20m")
    assert warmup.contains("0.25h")
    assert not warmup.contains("1h")
    assert not warmup.contains(1200)  # a number is not a duration


def test_no_passed_test_cases_validate_nothing() -> None:
    empty = space(set())
    assert empty.empty
    assert empty.test_cases == ()
    assert all(values.describe() == NOT_VALIDATED for values in empty.parameters)
    defaults = {name: p["default"] for name, p in SEALING["spec"]["parameters"].items()}
    result = coverage(empty, defaults, [])
    assert not result.covered
    assert result.verdict == VERIFY
    assert {u.parameter for u in result.uncovered_parameters} == set(defaults)
    assert {u.validated for u in result.uncovered_parameters} == {NOT_VALIDATED}


def test_test_cases_of_an_unknown_id_or_parameter_add_nothing() -> None:
    record = {
        "spec": {
            "testCases": [
                {"id": "TC-1", "operation": "op30-seal", "parameters": {"no_such": 1}},
                {
                    "id": "TC-2",
                    "operation": "op30-seal",
                    "parameters": {"seal_temperature_c": "hot"},
                },
            ]
        }
    }
    result = validated_space(SEALING, record, {"TC-1", "TC-2"})
    assert result.of("no_such") is None
    temperature = result.of("seal_temperature_c")
    assert temperature is not None
    assert temperature.points == (180,)  # TC-1 at the default; "hot" validates nothing


def test_the_space_is_json_friendly() -> None:
    document = space().as_dict()
    json.dumps(document)
    by_name = {p["parameter"]: p for p in document["parameters"]}
    assert by_name["seal_temperature_c"]["minimum"] == 170
    assert by_name["seal_temperature_c"]["maximum"] == 185
    assert by_name["label_language"]["values"] == ["de", "en"]
    assert document["template"] == "sterile-barrier-sealing"
    assert document["version"] == "2.1.0"


# --- sites against the space -------------------------------------------------------------------


def test_a_site_inside_the_validated_ranges_is_covered() -> None:
    result = site_coverage("minneapolis")  # 180 degC, 1.5 s, English labels, no added steps
    assert result.covered
    assert result.verdict == COVERED
    assert result.uncovered_parameters == ()
    assert result.uncovered_steps == ()
    assert result.reasons() == []
    assert result.as_dict() == {
        "covered": True,
        "verdict": "covered by validation",
        "uncoveredParameters": [],
        "uncoveredSteps": [],
    }


def test_a_site_outside_names_the_parameter_and_what_was_validated() -> None:
    result = site_coverage("cork")  # its old `seal_temp` migrates; 15 min warm-up never tested
    assert not result.covered
    assert result.verdict == VERIFY
    assert result.uncovered_parameters == (UncoveredParameter("sealer_warmup_time", "15m", "20m"),)
    assert result.reasons() == ["sealer_warmup_time = 15m is outside the validated 20m"]


def test_extension_steps_are_never_covered_centrally() -> None:
    result = site_coverage("suzhou")
    assert not result.covered
    assert result.uncovered_steps == ("suzhou-nmpa-label-check",)
    assert {u.parameter: u.validated for u in result.uncovered_parameters} == {
        "label_language": "{de, en}",
        "label_printer_model": "{zebra-zt411}",
    }
    assert "extension step suzhou-nmpa-label-check is not covered by central validation" in (
        result.reasons()
    )
    json.dumps(result.as_dict())


def test_the_repository_record_covers_a_site_inside_and_not_one_outside() -> None:
    record = yaml.safe_load(
        (ROOT / "templates" / "sterile-barrier-sealing-2.1.0.validation.yaml").read_text()
    )
    passed = {test_case["id"] for test_case in record["spec"]["testCases"]}
    validated = validated_space(SEALING, record, passed)
    prepared = PreparedTemplate.of(SEALING)
    inside = compose(prepared, "minneapolis", overlay("minneapolis")).document
    outside = compose(prepared, "suzhou", overlay("suzhou")).document
    assert definition_coverage(validated, inside).verdict == COVERED
    found = definition_coverage(validated, outside)
    assert found.verdict == VERIFY
    assert "label_language" in {u.parameter for u in found.uncovered_parameters}
    assert found.uncovered_steps == ("suzhou-nmpa-label-check",)


def test_values_inside_with_an_extension_step_still_need_site_verification() -> None:
    result = coverage(space(), {"seal_temperature_c": 180}, ["cork-extra-check"])
    assert result.uncovered_parameters == ()
    assert not result.covered
    assert result.verdict == VERIFY


def test_site_values_read_a_composed_definition() -> None:
    definition = compose(PreparedTemplate.of(SEALING), "suzhou", overlay("suzhou")).document
    values = site_values(definition)
    assert values.effective["seal_temperature_c"] == 176
    assert values.effective["seal_width_mm"] == 10  # the template's, not set by the site
    assert set(values.effective) == set(SEALING["spec"]["parameters"])
    assert values.extension_steps == ("suzhou-nmpa-label-check",)


def test_a_parameter_the_template_lacks_is_not_validated() -> None:
    result = coverage(space(), {"jaw_colour": "red"}, [])
    assert result.uncovered_parameters == (UncoveredParameter("jaw_colour", "red", NOT_VALIDATED),)
    assert result.reasons() == ["jaw_colour = red: the parameter is not validated"]


# --- properties --------------------------------------------------------------------------------

SMALL: dict[str, Any] = {
    "apiVersion": "coe.dev/v1",
    "kind": "ProcessTemplate",
    "metadata": {"key": "small", "version": "1.0.0", "title": "Small"},
    "spec": {
        "parameters": {
            "temperature": {"type": "number", "default": 50, "minimum": 0, "maximum": 100},
            "cycles": {"type": "integer", "default": 3, "minimum": 1, "maximum": 9},
            "mode": {"type": "enum", "values": ["a", "b", "c"], "default": "a"},
            "strict": {"type": "boolean", "default": False},
        },
        "operations": [
            {
                "id": "op10",
                "kind": "execution",
                "title": "Run",
                "dataCollection": [
                    {
                        "id": "t",
                        "lowerLimit": "${temperature} - 1",
                        "upperLimit": "${temperature} + 1",
                    },
                    {"id": "c", "target": "${cycles}"},
                ],
            }
        ],
    },
}

test_cases = st.lists(
    st.fixed_dictionaries(
        {},
        optional={
            "temperature": st.floats(0, 100, allow_nan=False) | st.integers(0, 100),
            "cycles": st.integers(1, 9),
            "mode": st.sampled_from(["a", "b", "c"]),
            "strict": st.booleans(),
        },
    ),
    min_size=1,
    max_size=6,
)


def record_of(parameter_sets: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "spec": {
            "testCases": [
                {"id": f"TC-{i}", "operation": "op10", "parameters": parameters}
                for i, parameters in enumerate(parameter_sets)
            ]
        }
    }


def ids(count: int) -> set[str]:
    return {f"TC-{i}" for i in range(count)}


@settings(max_examples=200, deadline=None)
@given(test_cases)
def test_every_tested_point_is_covered(parameter_sets: list[dict[str, Any]]) -> None:
    record = record_of(parameter_sets)
    result = validated_space(SMALL, record, ids(len(parameter_sets)))
    for test_case in record["spec"]["testCases"]:
        point = exercised(SMALL, test_case)
        assert set(point) == set(SMALL["spec"]["parameters"])
        assert coverage(result, point, []).covered


@settings(max_examples=200, deadline=None)
@given(test_cases, st.floats(-1000, 1000, allow_nan=False))
def test_a_value_outside_the_range_is_not_covered(
    parameter_sets: list[dict[str, Any]], value: float
) -> None:
    result = validated_space(SMALL, record_of(parameter_sets), ids(len(parameter_sets)))
    temperature = result.of("temperature")
    assert temperature is not None
    inside = temperature.minimum <= value <= temperature.maximum
    assert temperature.contains(value) == inside
    found = coverage(result, {"temperature": value}, [])
    assert found.covered == inside
    if not inside:
        assert [u.parameter for u in found.uncovered_parameters] == ["temperature"]


@settings(max_examples=200, deadline=None)
@given(test_cases, test_cases)
def test_adding_passed_tests_never_shrinks_the_space(
    first: list[dict[str, Any]], more: list[dict[str, Any]]
) -> None:
    record = record_of(first + more)
    before = validated_space(SMALL, record, ids(len(first)))
    after = validated_space(SMALL, record, ids(len(first) + len(more)))
    for values in before.parameters:
        grown = after.of(values.parameter)
        assert grown is not None
        assert all(grown.contains(point) for point in values.points)
        if values.ranged:
            assert grown.minimum <= values.minimum
            assert grown.maximum >= values.maximum


@settings(max_examples=100, deadline=None)
@given(test_cases, st.lists(st.sampled_from(["x-1", "x-2"]), max_size=2, unique=True))
def test_covered_means_every_value_inside_and_no_steps(
    parameter_sets: list[dict[str, Any]], steps: list[str]
) -> None:
    result = validated_space(SMALL, record_of(parameter_sets), ids(len(parameter_sets)))
    site = {"temperature": 50, "cycles": 3, "mode": "a", "strict": False}
    found = coverage(result, site, steps)
    inside = all(result.of(name).contains(value) for name, value in site.items())  # type: ignore[union-attr]
    assert found.covered == (inside and not steps)
    assert found.uncovered_steps == tuple(steps)


@pytest.mark.parametrize("passed", [set(), {"TC-0"}])
def test_every_template_parameter_appears_in_the_space(passed: set[str]) -> None:
    result = validated_space(SMALL, record_of([{"temperature": 10}]), passed)
    assert [v.parameter for v in result.parameters] == sorted(SMALL["spec"]["parameters"])
