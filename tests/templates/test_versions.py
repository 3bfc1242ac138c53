"""Semantic versions and the ranges overlays declare."""

from __future__ import annotations

import pytest

from coe.templates.versions import VersionError, parse_range, parse_version


@pytest.mark.parametrize(
    ("text", "inside", "outside"),
    [
        (">=2.0.0 <3.0.0", ["2.0.0", "2.9.9"], ["1.9.9", "3.0.0"]),
        ("^1.4.0", ["1.4.0", "1.99.0"], ["1.3.9", "2.0.0"]),
        ("~2.1.0", ["2.1.0", "2.1.7"], ["2.2.0"]),
        ("1.0.0 || >=3.0.0", ["1.0.0", "3.1.0"], ["2.0.0"]),
        ("*", ["0.0.1", "9.9.9"], []),
        ("=2.1.0", ["2.1.0"], ["2.1.1"]),
        (">1.0.0 <=1.2.0", ["1.0.1", "1.2.0"], ["1.0.0", "1.2.1"]),
    ],
)
def test_ranges(text: str, inside: list[str], outside: list[str]) -> None:
    versions = parse_range(text)
    assert all(versions.contains(v) for v in inside)
    assert not any(versions.contains(v) for v in outside)


@pytest.mark.parametrize("text", ["latest", ">= 2.0.0", "2.0", ">=2.0.0 || ", "~>2.0.0"])
def test_bad_ranges(text: str) -> None:
    with pytest.raises(VersionError):
        parse_range(text)


def test_versions_order_by_semver_precedence() -> None:
    assert parse_version("2.10.0") > parse_version("2.9.0")
    assert parse_version("3.0.0-rc.1") < parse_version("3.0.0")
    with pytest.raises(VersionError, match="not a semantic version"):
        parse_version("v2")
