"""A tech transfer's proposed target overlay (pure): what carries over from the source site,
what the target must decide, and what blocks the transfer.

- A site-configurable parameter the source set carries over, unless the template marks it
  `siteBound` (label language, local regulatory settings…): those the target must choose
  explicitly, even when the source's value would be valid.
- The source's extension steps carry over (they are part of the proven process; the template's
  extension points are the same at every site).
- Every operation's equipment class must exist somewhere in the target's hierarchy (a work
  center that provides it, or a work unit of that class); a missing one blocks the transfer.
- The proposed overlay is checked like any overlay; its violations block the transfer too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from coe.documents import API_VERSION, Violation, pointer
from coe.overlays.validation import check_overlay
from coe.templates.versions import parse_version


@dataclass(frozen=True)
class Decision:
    """A parameter the target must choose itself."""

    parameter: str
    reason: str
    source_value: Any
    chosen: Any = None
    resolved: bool = False


@dataclass(frozen=True)
class EquipmentNeed:
    operation: str
    equipment_class: str
    where: tuple[str, ...]  # the target's work centers / units that provide it


@dataclass
class TransferProposal:
    overlay: dict[str, Any]
    carried: dict[str, Any] = field(default_factory=dict)
    carried_steps: list[str] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    equipment: list[EquipmentNeed] = field(default_factory=list)
    blockers: list[Violation] = field(default_factory=list)

    @property
    def open_decisions(self) -> list[Decision]:
        return [d for d in self.decisions if not d.resolved]

    @property
    def ready(self) -> bool:
        """Nothing blocks it and the target has made every decision."""
        return not self.blockers and not self.open_decisions


def _values(overlay: Mapping[str, Any] | None, template: Mapping[str, Any]) -> dict[str, Any]:
    """An overlay's values under the template's parameter names (renames applied)."""
    return dict(check_overlay(dict(overlay), template).values) if overlay else {}


def _range(version: str) -> str:
    major = parse_version(version).major
    return f">={version} <{major + 1}.0.0"


def propose(
    template: Mapping[str, Any],
    source_overlay: Mapping[str, Any] | None,
    target: str,
    target_equipment: Mapping[str, Sequence[str]],
    choices: Mapping[str, Any] | None = None,
    *,
    source: str,
    target_revision: int = 1,
) -> TransferProposal:
    """The target overlay that reproduces `source`'s process at `target`.

    `target_equipment` maps each equipment class to where the target has it; `choices` are the
    target's explicit values (they win over the source's); `target_revision` is the revision
    number the proposed overlay gets (the target's latest + 1)."""
    choices = dict(choices or {})
    metadata, spec = template["metadata"], template["spec"]
    parameters: Mapping[str, Any] = spec.get("parameters") or {}
    source_values = _values(source_overlay, template)
    proposal = TransferProposal(overlay={})
    values: dict[str, Any] = {}
    for name, parameter in sorted(parameters.items()):
        if not parameter.get("siteConfigurable"):
            if name in choices:
                proposal.blockers.append(
                    Violation(pointer("choices", name), f"{name} is not site-configurable")
                )
            continue
        if parameter.get("siteBound"):
            what = parameter.get("description") or "site-bound"
            proposal.decisions.append(
                Decision(
                    parameter=name,
                    reason=(
                        f"{name} belongs to the site ({what}): the target chooses it, "
                        "the source's value is not carried over"
                    ),
                    source_value=source_values.get(name, parameter.get("default")),
                    chosen=choices.get(name),
                    resolved=name in choices,
                )
            )
            if name in choices:
                values[name] = choices[name]
        elif name in choices:
            values[name] = choices[name]
        elif name in source_values:
            values[name] = proposal.carried[name] = source_values[name]
    for name in sorted(set(choices) - set(parameters)):
        proposal.blockers.append(
            Violation(pointer("choices", name), f"{metadata['key']} has no parameter {name!r}")
        )
    extend = dict(((source_overlay or {}).get("spec") or {}).get("extend") or {})
    proposal.carried_steps = [
        f"{point}/{step.get('id')}" for point, steps in sorted(extend.items()) for step in steps
    ]
    for index, operation in enumerate(spec.get("operations") or []):
        wanted = operation.get("equipmentClass")
        if not wanted:
            continue
        where = tuple(target_equipment.get(wanted, ()))
        proposal.equipment.append(EquipmentNeed(operation["id"], wanted, where))
        if not where:
            proposal.blockers.append(
                Violation(
                    pointer("spec", "operations", index, "equipmentClass"),
                    f"{target} has no work center or work unit of equipment class {wanted!r}, "
                    f"which operation {operation['id']} needs",
                )
            )
    overlay_spec: dict[str, Any] = {"set": values}
    if extend:
        overlay_spec["extend"] = extend
    proposal.overlay = {
        "apiVersion": API_VERSION,
        "kind": "SiteOverlay",
        "metadata": {
            "site": target,
            "template": metadata["key"],
            "templateVersions": _range(str(metadata["version"])),
            "version": target_revision,
            "reason": f"Transfer of {metadata['key']}@{metadata['version']} from {source}",
        },
        "spec": overlay_spec,
    }
    proposal.blockers += [
        Violation(pointer("overlay") + v.pointer, v.reason)
        for v in check_overlay(proposal.overlay, template).violations
    ]
    return proposal


def definition_changes(
    before: Mapping[str, Any], after: Mapping[str, Any]
) -> list[tuple[str, Any, Any]]:
    """(JSON pointer, before, after) for every leaf that differs between two effective
    definitions; operations and data-collection points are matched by id. The site and overlay
    summaries differ by nature and are left out."""
    changes: list[tuple[str, Any, Any]] = []

    def walk(path: str, a: Any, b: Any) -> None:
        if isinstance(a, Mapping) and isinstance(b, Mapping):
            for key in sorted(set(a) | set(b), key=str):
                walk(f"{path}/{key}", a.get(key), b.get(key))
        elif _keyed(a) and _keyed(b):
            left, right = {i["id"]: i for i in a}, {i["id"]: i for i in b}
            for key in [*left, *(k for k in right if k not in left)]:
                walk(f"{path}/{key}", left.get(key), right.get(key))
        elif a != b:
            changes.append((path, a, b))

    for key in sorted((set(before) | set(after)) - {"site", "overlay"}):
        walk(f"/{key}", before.get(key), after.get(key))
    return changes


def _keyed(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(i, Mapping) and "id" in i for i in value)
