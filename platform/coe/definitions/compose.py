"""Effective definition = template version ⊕ site overlay: what a plant runs.

Defaults are filled, the overlay's values applied, every `${…}` limit evaluated, and the site's
extension steps placed after their anchor operation. The result is canonical JSON with its
sha256: the same inputs give byte-identical output on any machine, so a plant's reported hash
can be compared with the one the platform expects.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import localcontext
from functools import cached_property
from typing import Any

from coe.canonical import canonical_json, content_hash, sha256_hex
from coe.documents import API_VERSION, Violation
from coe.overlays.validation import check_overlay
from coe.templates import expressions

LIMIT_FIELDS = ("target", "lowerLimit", "upperLimit")


class CompositionError(ValueError):
    """The overlay does not fit the template version; `violations` says where and why."""

    def __init__(self, violations: list[Violation]) -> None:
        super().__init__("; ".join(f"{v.pointer}: {v.reason}" for v in violations))
        self.violations = violations


@dataclass(frozen=True)
class _Slot:
    """One limit of one data collection point: a number, or a compiled expression."""

    field: str
    value: int | float | None
    expression: expressions.Compiled | None


@dataclass(frozen=True)
class _Operation:
    """An operation with its constant part built once; only limits vary by site."""

    static: dict[str, Any]
    points: tuple[tuple[dict[str, Any], tuple[_Slot, ...]], ...]

    @classmethod
    def of(cls, operation: Mapping[str, Any]) -> _Operation:
        static = _drop_none({k: v for k, v in operation.items() if k != "dataCollection"})
        points = []
        for point in operation.get("dataCollection") or []:
            constant = _drop_none({k: v for k, v in point.items() if k not in LIMIT_FIELDS})
            slots = tuple(
                _Slot(name, None, expressions.compiled(value))
                if isinstance(value, str)
                else _Slot(name, value, None)
                for name in LIMIT_FIELDS
                if (value := point.get(name)) is not None
            )
            points.append((constant, slots))
        return cls(static=static, points=tuple(points))

    def render(
        self, values: Mapping[str, expressions.Exact], extra: dict[str, Any]
    ) -> dict[str, Any]:
        # The hot loop of composition (operations x sites): plain loops, one dict per point.
        result = dict(self.static)
        if self.points:
            rendered = []
            for constant, slots in self.points:
                point = dict(constant)
                for slot in slots:
                    if slot.expression is None:
                        point[slot.field] = slot.value
                    else:
                        point[slot.field] = expressions.as_number(slot.expression(values))
                rendered.append(point)
            result["dataCollection"] = rendered
        result.update(extra)
        return result


@dataclass(frozen=True)
class PreparedTemplate:
    """A template version with what every composition needs computed once: its hash and its
    operations with their limits compiled."""

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

    @cached_property
    def operations(self) -> tuple[tuple[str, _Operation], ...]:
        return tuple((op["id"], _Operation.of(op)) for op in self.document["spec"]["operations"])


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
        "apiVersion": API_VERSION,
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
        "operations": _operations(template, extend, expressions.decimals(numeric)),
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
    template: PreparedTemplate, extend: Mapping[str, Any], values: Mapping[str, expressions.Exact]
) -> list[dict[str, Any]]:
    anchored: dict[str, list[tuple[str, Any]]] = {}
    for point in template.document["spec"].get("extensionPoints") or []:
        for step in extend.get(point["id"]) or []:
            anchored.setdefault(point["after"], []).append((point["id"], step))
    operations = []
    with localcontext(expressions.DECIMAL):  # once per composition, not per limit
        for op_id, operation in template.operations:
            operations.append(operation.render(values, {"origin": "template"}))
            for point_id, step in anchored.get(op_id, []):
                extra = {"origin": "site", "extensionPoint": point_id}
                operations.append(_Operation.of(step).render(values, extra))
    return operations


def _drop_none(mapping: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in mapping.items() if value is not None}
