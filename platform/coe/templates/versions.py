"""Semantic versions (python-semver) and the version ranges overlays declare.

Range syntax (as npm's): comparators separated by spaces all hold (`>=2.0.0 <3.0.0`); `||`
separates alternatives; `^2.1.0` means `>=2.1.0 <3.0.0`, `~2.1.0` means `>=2.1.0 <2.2.0`; `*`
matches any version; a bare version matches exactly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import total_ordering

import semver

COMPARATOR = re.compile(r"^(>=|<=|>|<|=|==|!=|\^|~)?(\d+\.\d+\.\d+\S*)$")


class VersionError(ValueError):
    pass


def parse_version(text: str) -> semver.Version:
    try:
        return semver.Version.parse(text)
    except (ValueError, TypeError):
        raise VersionError(f"{text!r} is not a semantic version (MAJOR.MINOR.PATCH)") from None


@total_ordering
@dataclass(frozen=True)
class SortableVersion:
    """A version that sorts by semver precedence (for lists and `max`)."""

    text: str

    @property
    def parsed(self) -> semver.Version:
        return parse_version(self.text)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, SortableVersion):
            return NotImplemented
        return bool(self.parsed < other.parsed)


def _comparators(term: str) -> list[tuple[str, semver.Version]]:
    match = COMPARATOR.match(term)
    if match is None:
        raise VersionError(f"{term!r} is not a version comparator (e.g. >=2.0.0)")
    operator, version = match.group(1) or "=", parse_version(match.group(2))
    if operator == "^":
        upper = (
            version.bump_major()
            if version.major
            else version.bump_minor()
            if version.minor
            else version.bump_patch()
        )
        return [(">=", version), ("<", upper)]
    if operator == "~":
        return [(">=", version), ("<", version.bump_minor())]
    return [("==" if operator == "=" else operator, version)]


@dataclass(frozen=True)
class VersionRange:
    text: str
    alternatives: tuple[tuple[tuple[str, semver.Version], ...], ...]

    def contains(self, version: str | semver.Version) -> bool:
        candidate = parse_version(version) if isinstance(version, str) else version
        return any(
            all(candidate.match(f"{op}{bound}") for op, bound in comparators)
            for comparators in self.alternatives
        )


def parse_range(text: str) -> VersionRange:
    alternatives: list[tuple[tuple[str, semver.Version], ...]] = []
    for alternative in text.split("||"):
        terms = alternative.split()
        if not terms:
            raise VersionError(f"empty alternative in version range {text!r}")
        if terms == ["*"]:
            alternatives.append(())
            continue
        comparators: list[tuple[str, semver.Version]] = []
        for term in terms:
            comparators += _comparators(term)
        alternatives.append(tuple(comparators))
    return VersionRange(text=text, alternatives=tuple(alternatives))
