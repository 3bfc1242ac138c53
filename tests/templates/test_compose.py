"""Effective definitions: deterministic, and within the template's bounds (property tests)."""

from __future__ import annotations

import copy
import json
import random
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coe.canonical import canonical_json, content_hash
from coe.definitions.compose import CompositionError, PreparedTemplate, compose
from coe.overlays.validation import check_overlay
from coe.templates.validation import value_problems
from tests.templates.test_validation import BASE_OVERLAY, BASE_TEMPLATE

TEMPLATE = PreparedTemplate.of(BASE_TEMPLATE)


def test_composition_fills_defaults_applies_values_and_places_steps() -> None:
    result = compose(TEMPLATE, "penang", BASE_OVERLAY)
    document = result.document
    assert document["parameters"]["seal_temperature_c"] == {
        "value": 185,
        "unit": "degC",
        "source": "site",
    }
    assert document["parameters"]["cycles"] == {"value": 3, "source": "template"}
    assert [op["id"] for op in document["operations"]] == [
        "op10-clearance",
        "op20-seal",
        "penang-visual",
    ]
    assert document["operations"][2]["origin"] == "site"
    assert document["operations"][2]["extensionPoint"] == "after-seal"
    assert document["operations"][1]["dataCollection"][0] == {
        "id": "seal_temp",
        "unit": "degC",
        "target": 185,
        "lowerLimit": 180,
        "upperLimit": 190,
    }
    assert document["template"]["sha256"] == content_hash(BASE_TEMPLATE)
    assert result.sha256 == content_hash(document)
    assert result.canonical == canonical_json(document)


def test_without_an_overlay_the_template_defaults_run() -> None:
    document = compose(TEMPLATE, "galway").document
    assert document["overlay"] is None
    assert all(p["source"] == "template" for p in document["parameters"].values())


def test_an_unfit_overlay_is_refused_with_its_violations() -> None:
    overlay = copy.deepcopy(BASE_OVERLAY)
    overlay["spec"]["set"]["seal_temperature_c"] = 250
    with pytest.raises(CompositionError) as raised:
        compose(TEMPLATE, "penang", overlay)
    assert raised.value.violations[0].pointer == "/spec/set/seal_temperature_c"


def _shuffled(value: Any, rng: random.Random) -> Any:
    if isinstance(value, dict):
        items = list(value.items())
        rng.shuffle(items)
        return {key: _shuffled(item, rng) for key, item in items}
    if isinstance(value, list):
        return [_shuffled(item, rng) for item in value]
    return value


@given(seed=st.integers(min_value=0, max_value=2**32))
def test_composition_is_deterministic(seed: int) -> None:
    """Same inputs → byte-identical output, whatever order the YAML mappings were written in."""
    rng = random.Random(seed)
    template = PreparedTemplate.of(_shuffled(BASE_TEMPLATE, rng))
    overlay = _shuffled(BASE_OVERLAY, rng)
    first = compose(template, "penang", overlay)
    assert first.canonical == compose(TEMPLATE, "penang", BASE_OVERLAY).canonical
    assert json.loads(first.canonical) == first.document


PARAMETERS = BASE_TEMPLATE["spec"]["parameters"]


def _candidate_values() -> st.SearchStrategy[dict[str, Any]]:
    """Values around each parameter's bounds: many valid, some just outside."""
    return st.fixed_dictionaries(
        {},
        optional={
            "seal_temperature_c": st.one_of(
                st.integers(170, 190),
                st.floats(170, 190, allow_nan=False),
                st.floats(160, 200, allow_nan=False),
            ),
            "cycles": st.one_of(st.integers(1, 5), st.integers(0, 6)),
            "warmup": st.sampled_from(["10m", "600s", "20m", "0.5h", "45m", "5m", "46m"]),
            "label_language": st.sampled_from(["en", "de", "zh", "fr"]),
            "lot_prefix": st.one_of(
                st.sampled_from(["LOT", "ABZ", "ZZA"]), st.text(alphabet="ABZa1", max_size=4)
            ),
        },
    )


@settings(max_examples=300)
@given(values=_candidate_values())
def test_accepted_overlays_yield_values_within_every_bound(values: dict[str, Any]) -> None:
    overlay = copy.deepcopy(BASE_OVERLAY)
    overlay["spec"]["set"] = values
    if not check_overlay(overlay, BASE_TEMPLATE).ok:
        return
    effective = compose(TEMPLATE, "penang", overlay).document["parameters"]
    for name, parameter in PARAMETERS.items():
        assert value_problems(parameter, effective[name]["value"]) == [], name
    limits = next(
        op
        for op in compose(TEMPLATE, "penang", overlay).document["operations"]
        if op["id"] == "op20-seal"
    )["dataCollection"][0]
    assert limits["lowerLimit"] <= limits["target"] <= limits["upperLimit"]
