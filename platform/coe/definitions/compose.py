"""Effective definition = template version ⊕ site overlay: what a plant runs.

Defaults are filled, the overlay's values applied, every `${…}` limit evaluated, and the site's
extension steps placed after their anchor operation. The result is canonical JSON with its
sha256: the same inputs give byte-identical output on any machine, so a plant's reported hash
can be compared with the one the platform expects.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from coe.canonical import canonical_json, content_hash, sha256_hex
from coe.documents import Violation
from coe.overlays.validation import check_overlay
from coe.templates import expressions

LIMIT_FIELDS = ("target", "lowerLimit", "upperLimit")


class CompositionError(ValueError):
    """The overlay does not fit the template version; `violations` says where and why."""

    def __init__(self, violations: list[Violation]) -> None:
        super().__init__("; ".join(f"{v.pointer}: {v.reason}" for v in violations))
        self.violations = violations


@dataclass(frozen=True)
class PreparedTemplate:
    """A template version with what every composition needs computed once."""

    document: Mapping[str, Any]
    sha256: str

    @classmethod
    def of(cls, document: Mapping[str, Any]) -> PreparedTemplate:
        return cls(document=document, sha256=content_hash(document))

    @property
    def key(self) -> str:
        return str(self.document["metadata"]["key"])

    @property
    def version(self) -> str:
        return str(self.document["metadata"]["version"])


@dataclass(frozen=True)
class EffectiveDefinition:
    document: dict[str, Any]
    canonical: bytes
    sha256: str
    migrations: tuple[str, ...] = ()


def compose(
    template: PreparedTemplate, site: str, overlay: Mapping[str, Any] | None = None
) -> EffectiveDefinition:
    """Compose the definition `site` runs; raises CompositionError for an unfit overlay."""
    spec = template.document["spec"]
    parameters: Mapping[str, Any] = spec.get("parameters") or {}
    site_values: dict[str, Any] = {}
    migrations: tuple[str, ...] = ()
    if overlay is not None:
        check = check_overlay(overlay, template.document)
        if not check.ok:
            raise CompositionError(check.violations)
        site_values, migrations = check.values, tuple(check.migrations)
    values = {name: site_values.get(name, p["default"]) for name, p in parameters.items()}
    numeric = {
        name: value
        for name, value in values.items()
        if isinstance(value, int | float) and not isinstance(value, bool)
    }
    extend = (overlay or {}).get("spec", {}).get("extend") or {}
    document = {
        "apiVersion": "coe.dev/v1",
        "kind": "EffectiveDefinition",
        "site": site,
        "template": {
            "key": template.key,
            "version": template.version,
            "title": template.document["metadata"]["title"],
            "sha256": template.sha256,
        },
        "overlay": _overlay_summary(overlay),
        "parameters": {
            name: _drop_none(
                {
                    "value": values[name],
                    "unit": p.get("unit"),
                    "source": "site" if name in site_values else "template",
                }
            )
            for name, p in sorted(parameters.items())
        },
        "operations": _operations(spec, extend, numeric),
        "reasonCodes": spec.get("reasonCodes") or {},
        "kpis": list(spec.get("kpis") or []),
    }
    canonical = canonical_json(document)
    return EffectiveDefinition(
        document=document, canonical=canonical, sha256=sha256_hex(canonical), migrations=migrations
    )


def _overlay_summary(overlay: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if overlay is None:
        return None
    metadata = overlay["metadata"]
    return {
        "version": metadata["version"],
        "templateVersions": metadata["templateVersions"],
        "sha256": content_hash(overlay),
    }


def _operations(
    spec: Mapping[str, Any], extend: Mapping[str, Any], numeric: Mapping[str, int | float]
) -> list[dict[str, Any]]:
    anchored: dict[str, list[tuple[str, Any]]] = {}
    for point in spec.get("extensionPoints") or []:
        for step in extend.get(point["id"]) or []:
            anchored.setdefault(point["after"], []).append((point["id"], step))
    operations = []
    for operation in spec["operations"]:
        operations.append(_resolved(operation, numeric, {"origin": "template"}))
        for point_id, step in anchored.get(operation["id"], []):
            operations.append(
                _resolved(step, numeric, {"origin": "site", "extensionPoint": point_id})
            )
    return operations


def _resolved(
    operation: Mapping[str, Any], numeric: Mapping[str, int | float], extra: dict[str, Any]
) -> dict[str, Any]:
    result = _drop_none(dict(operation))
    if operation.get("dataCollection"):
        result["dataCollection"] = [
            _drop_none(
                {
                    key: expressions.resolve(value, numeric)
                    if key in LIMIT_FIELDS and value is not None
                    else value
                    for key, value in point.items()
                }
            )
            for point in operation["dataCollection"]
        ]
    return {**result, **extra}


def _drop_none(mapping: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in mapping.items() if value is not None}
