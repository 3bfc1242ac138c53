"""The proposed target overlay of a transfer, by hand, from the base fixtures."""

from __future__ import annotations

import copy
from typing import Any

from coe.definitions.compose import PreparedTemplate, compose
from coe.transfers.proposal import Decision, definition_changes, propose
from tests.templates.test_validation import BASE_OVERLAY, BASE_TEMPLATE

SEALERS = {"heat-sealer": ["sealing/line-1"]}


def source_overlay(**values: Any) -> dict[str, Any]:
    document: dict[str, Any] = copy.deepcopy(BASE_OVERLAY)
    document["spec"]["set"].update(values)
    return document


def test_configurable_values_and_steps_carry_over_but_site_bound_ones_do_not() -> None:
    proposal = propose(
        BASE_TEMPLATE,
        source_overlay(label_language="zh", cycles=4),
        "cork",
        SEALERS,
        source="penang",
        target_revision=3,
    )
    assert proposal.carried == {"cycles": 4, "seal_temperature_c": 185}
    assert proposal.carried_steps == ["after-seal/penang-visual"]
    assert proposal.decisions == [
        Decision(
            parameter="label_language",
            reason=(
                "label_language belongs to the site (site-bound): the target chooses it, "
                "the source's value is not carried over"
            ),
            source_value="zh",
        )
    ]
    assert not proposal.ready, "a site-bound value is still to be chosen"
    assert proposal.blockers == []
    assert proposal.overlay == {
        "apiVersion": "coe.dev/v1",
        "kind": "SiteOverlay",
        "metadata": {
            "site": "cork",
            "template": "pouch-sealing",
            "templateVersions": ">=1.0.0 <2.0.0",
            "version": 3,
            "reason": "Transfer of pouch-sealing@1.0.0 from penang",
        },
        "spec": {
            "set": {"cycles": 4, "seal_temperature_c": 185},
            "extend": BASE_OVERLAY["spec"]["extend"],
        },
    }


def test_the_targets_choices_resolve_decisions_and_win_over_the_source() -> None:
    proposal = propose(
        BASE_TEMPLATE,
        source_overlay(label_language="zh"),
        "cork",
        SEALERS,
        {"label_language": "en", "seal_temperature_c": 182},
        source="penang",
    )
    assert proposal.ready
    assert [(d.parameter, d.chosen, d.resolved) for d in proposal.decisions] == [
        ("label_language", "en", True)
    ]
    assert proposal.overlay["spec"]["set"] == {"label_language": "en", "seal_temperature_c": 182}
    assert proposal.carried == {}


def test_a_missing_equipment_class_blocks_the_transfer() -> None:
    proposal = propose(
        BASE_TEMPLATE, None, "juncos", {"blister-former": ["pack/l1"]}, source="penang"
    )
    assert [(b.pointer, b.reason) for b in proposal.blockers] == [
        (
            "/spec/operations/1/equipmentClass",
            "juncos has no work center or work unit of equipment class 'heat-sealer', which "
            "operation op20-seal needs",
        )
    ]
    assert [(e.operation, e.equipment_class, e.where) for e in proposal.equipment] == [
        ("op20-seal", "heat-sealer", ())
    ]
    assert not proposal.ready


def test_invalid_choices_block_with_their_place_and_reason() -> None:
    proposal = propose(
        BASE_TEMPLATE,
        None,
        "cork",
        SEALERS,
        {"label_language": "fr", "seal_width_mm": 12, "speed": 3},
        source="penang",
    )
    reasons = {b.pointer: b.reason for b in proposal.blockers}
    assert reasons["/choices/seal_width_mm"] == "seal_width_mm is not site-configurable"
    assert reasons["/choices/speed"] == "pouch-sealing has no parameter 'speed'"
    assert "not one of: en, de, zh" in reasons["/overlay/spec/set/label_language"]


def test_the_diff_shows_what_differs_between_the_two_definitions() -> None:
    template = PreparedTemplate(document=BASE_TEMPLATE, sha256="0" * 64)
    source = compose(template, "penang", source_overlay(label_language="zh")).document
    proposal = propose(
        BASE_TEMPLATE,
        source_overlay(label_language="zh"),
        "cork",
        SEALERS,
        {"label_language": "de"},
        source="penang",
    )
    target = compose(template, "cork", proposal.overlay).document
    assert definition_changes(source, target) == [
        ("/parameters/label_language/value", "zh", "de"),
    ]
