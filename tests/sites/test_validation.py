"""Site rules (pure): every violation reported with its path."""

from __future__ import annotations

import pytest

from coe.sites.validation import (
    SiteFields,
    endpoint_violations,
    equipment_class_violations,
    key_violations,
    site_violations,
)

VALID = SiteFields(
    name="Cork",
    region="emea",
    time_zone="Europe/Dublin",
    country="IE",
    regulatory_scope=["EU MDR"],
    labels={"bu": "vascular"},
    plant_endpoint="https://plant.cork.example:9100",
)


def paths(violations: list[dict[str, str]]) -> list[str]:
    return [violation["path"] for violation in violations]


def test_a_valid_site_has_no_violations() -> None:
    assert site_violations(VALID, creating=True) == []


def test_a_new_site_needs_its_required_fields() -> None:
    assert paths(site_violations(SiteFields(), creating=True)) == ["/name", "/region", "/timeZone"]


def test_an_update_checks_only_given_fields() -> None:
    assert site_violations(SiteFields(name="New name"), creating=False) == []


@pytest.mark.parametrize("key", ["cork", "san-jose-2", "ab"])
def test_good_keys(key: str) -> None:
    assert key_violations(key) == []


@pytest.mark.parametrize("key", ["", "a", "Cork", "2cork", "cork-", "co rk", "x" * 65, "c_ork"])
def test_bad_keys(key: str) -> None:
    assert paths(key_violations(key)) == ["/key"]


@pytest.mark.parametrize("endpoint", ["ftp://plant", "plant:9100", "http://", "http://u:p@h"])
def test_bad_endpoints(endpoint: str) -> None:
    assert paths(endpoint_violations(endpoint)) == ["/plantEndpoint"]


def test_bad_labels_and_scope_are_pointed_at() -> None:
    fields = SiteFields(labels={"Bad Key": "x", "ok": "y" * 201}, regulatory_scope=["", "ok"])
    assert paths(site_violations(fields, creating=False)) == [
        "/regulatoryScope/0",
        "/labels/Bad Key",
        "/labels/ok",
    ]


def test_equipment_classes_are_keys() -> None:
    assert paths(equipment_class_violations(["heat-sealer", "Bad Class"], "/equipmentClasses")) == [
        "/equipmentClasses/1"
    ]
