"""Parameter renames across a template's history (pure): which version declared each rename.

A version declares renames in `migrations.renamedParameters`; later versions usually carry the
declaration over (so that overlays written for any older version still migrate). The version a
rename belongs to is the oldest one that declares it: 2.1.0 repeating 2.0.0's `seal_temp →
seal_temperature_c` did not rename anything.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from coe.templates.versions import parse_version


@dataclass(frozen=True)
class Rename:
    old: str
    new: str
    version: str  # the oldest version that declares it


def declared(document: Mapping[str, Any]) -> dict[str, str]:
    """The renames one version's document declares (old name → new name)."""
    migrations = (document.get("spec") or {}).get("migrations") or {}
    renamed = migrations.get("renamedParameters") if isinstance(migrations, dict) else None
    if not isinstance(renamed, dict):
        return {}
    return {str(old): str(new) for old, new in renamed.items() if isinstance(new, str)}


def history(documents: Iterable[Mapping[str, Any]]) -> list[Rename]:
    """Every rename of a template's versions, each attributed to the oldest version that
    declares it; oldest first."""
    ordered = sorted(documents, key=lambda d: parse_version(str(d["metadata"]["version"])))
    origins: dict[tuple[str, str], str] = {}
    for document in ordered:
        for old, new in declared(document).items():
            origins.setdefault((old, new), str(document["metadata"]["version"]))
    return [Rename(old, new, version) for (old, new), version in origins.items()]


def of_version(renames: Sequence[Rename], document: Mapping[str, Any]) -> list[Rename]:
    """The renames `document` (one version) declares, each attributed to the oldest version
    that declared it (the version itself when `renames`, its template's history, lacks it)."""
    origins = {(r.old, r.new): r.version for r in renames}
    version = str(document["metadata"]["version"])
    return [
        Rename(old, new, origins.get((old, new), version))
        for old, new in declared(document).items()
    ]


def between(renames: Sequence[Rename], from_version: str, to_version: str) -> dict[str, str]:
    """The renames that happened after `from_version`, up to and including `to_version`."""
    first, last = parse_version(from_version), parse_version(to_version)
    return {r.old: r.new for r in renames if first < parse_version(r.version) <= last}
