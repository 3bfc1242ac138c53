"""What changed between two template versions, and whether it breaks site overlays.

Breaking (requires a major version): a parameter removed or renamed, its type or unit changed,
its bounds or allowed values narrowed, a pattern or length limit added or tightened, a parameter
made non-configurable; an operation removed; an extension point removed, its allowed kinds
narrowed or its maxSteps lowered. Everything else is compatible and still listed.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from coe.documents import duration_seconds
from coe.templates.validation import reason_codes
from coe.templates.versions import parse_version


@dataclass(frozen=True)
class Change:
    area: str  # metadata, parameters, operations, dataCollection, qualityChecks, ...
    subject: str  # what changed, e.g. "seal_temperature_c" or "op20-seal/seal_temp"
    kind: str  # added, removed, changed, renamed, moved
    breaking: bool
    description: str
    before: Any = None
    after: Any = None


@dataclass
class TemplateDiff:
    key: str
    from_version: str
    to_version: str
    changes: list[Change] = field(default_factory=list)

    @property
    def breaking(self) -> bool:
        return any(change.breaking for change in self.changes)

    @property
    def breaking_reasons(self) -> list[str]:
        return [change.description for change in self.changes if change.breaking]


def _spec(document: Mapping[str, Any]) -> Mapping[str, Any]:
    return document.get("spec") or {}


def diff_templates(
    old: Mapping[str, Any], new: Mapping[str, Any], renames: Mapping[str, str] | None = None
) -> TemplateDiff:
    """Every difference from `old` to `new`, each classified breaking or compatible.

    `renames`: the parameter renames of the versions after `old` up to `new` (from the
    template's history, `coe.templates.renames.between`); by default those `new` declares."""
    result = TemplateDiff(
        key=str(new["metadata"]["key"]),
        from_version=str(old["metadata"]["version"]),
        to_version=str(new["metadata"]["version"]),
    )
    old_spec, new_spec = _spec(old), _spec(new)
    result.changes += list(_metadata_changes(old["metadata"], new["metadata"]))
    result.changes += list(_parameter_changes(old_spec, new_spec, renames))
    result.changes += list(_operation_changes(old_spec, new_spec))
    result.changes += list(_extension_point_changes(old_spec, new_spec))
    result.changes += list(_reason_code_changes(old_spec, new_spec))
    result.changes += list(_kpi_changes(old_spec, new_spec))
    return result


def _metadata_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> Iterator[Change]:
    for name in ("title", "owner", "productFamilies", "description"):
        if old.get(name) != new.get(name):
            yield Change(
                "metadata", name, "changed", False, f"{name} changed", old.get(name), new.get(name)
            )


# --- parameters ------------------------------------------------------------------------------


def _parameter_changes(
    old_spec: Mapping[str, Any], new_spec: Mapping[str, Any], renames: Mapping[str, str] | None
) -> Iterator[Change]:
    old_params: Mapping[str, Any] = old_spec.get("parameters") or {}
    new_params: Mapping[str, Any] = new_spec.get("parameters") or {}
    renamed = dict(
        renames
        if renames is not None
        else ((new_spec.get("migrations") or {}).get("renamedParameters")) or {}
    )
    renamed = {old: new for old, new in renamed.items() if old in old_params and new in new_params}
    for old_name, new_name in sorted(renamed.items()):
        yield Change(
            "parameters",
            old_name,
            "renamed",
            True,
            f"parameter {old_name} renamed to {new_name} (overlays migrate automatically)",
            old_name,
            new_name,
        )
        yield from _parameter_change(new_name, old_params[old_name], new_params[new_name])
    for name in sorted(set(old_params) - set(new_params) - set(renamed)):
        yield Change(
            "parameters", name, "removed", True, f"parameter {name} removed", old_params[name], None
        )
    for name in sorted(set(new_params) - set(old_params) - set(renamed.values())):
        yield Change(
            "parameters",
            name,
            "added",
            False,
            f"parameter {name} added (default {new_params[name].get('default')!r})",
            None,
            new_params[name],
        )
    for name in sorted(set(old_params) & set(new_params)):
        yield from _parameter_change(name, old_params[name], new_params[name])


def _parameter_change(
    name: str, old: Mapping[str, Any], new: Mapping[str, Any]
) -> Iterator[Change]:
    if old.get("type") != new.get("type"):
        yield Change(
            "parameters",
            name,
            "changed",
            True,
            f"parameter {name}: type {old.get('type')} → {new.get('type')}",
            old.get("type"),
            new.get("type"),
        )
        return
    kind = str(new.get("type"))
    yield from _bound_change(name, kind, "minimum", old.get("minimum"), new.get("minimum"), +1)
    yield from _bound_change(name, kind, "maximum", old.get("maximum"), new.get("maximum"), -1)
    removed = sorted(set(old.get("values") or []) - set(new.get("values") or []))
    added = sorted(set(new.get("values") or []) - set(old.get("values") or []))
    if removed:
        yield Change(
            "parameters",
            name,
            "changed",
            True,
            f"parameter {name}: values {', '.join(removed)} no longer allowed",
            old.get("values"),
            new.get("values"),
        )
    if added:
        yield Change(
            "parameters",
            name,
            "changed",
            False,
            f"parameter {name}: values {', '.join(added)} added",
            old.get("values"),
            new.get("values"),
        )
    yield from _string_limit_changes(name, old, new)
    yield from _flag_changes(name, old, new)


def _bound_change(
    name: str, kind: str, bound: str, old: Any, new: Any, narrowing_sign: int
) -> Iterator[Change]:
    if old == new:
        return
    if new is None:
        yield Change(
            "parameters",
            name,
            "changed",
            False,
            f"parameter {name}: {bound} {old!r} removed (widened)",
            old,
            new,
        )
        return
    if old is None:
        yield Change(
            "parameters",
            name,
            "changed",
            True,
            f"parameter {name}: {bound} {new!r} added (narrowed)",
            old,
            new,
        )
        return
    old_size, new_size = _size(kind, old), _size(kind, new)
    narrowed = (new_size - old_size) * narrowing_sign > 0
    verb = "raised" if new_size > old_size else "lowered"
    yield Change(
        "parameters",
        name,
        "changed",
        narrowed,
        f"parameter {name}: {bound} {verb} {old!r} → {new!r} "
        f"({'narrowed' if narrowed else 'widened'})",
        old,
        new,
    )


def _size(kind: str, value: Any) -> float:
    if kind == "duration":
        seconds = duration_seconds(value)
        return float(seconds) if seconds is not None else 0.0
    return float(value)


def _string_limit_changes(
    name: str, old: Mapping[str, Any], new: Mapping[str, Any]
) -> Iterator[Change]:
    if old.get("pattern") != new.get("pattern"):
        tighter = new.get("pattern") is not None
        yield Change(
            "parameters",
            name,
            "changed",
            tighter,
            f"parameter {name}: pattern {old.get('pattern')!r} → {new.get('pattern')!r}",
            old.get("pattern"),
            new.get("pattern"),
        )
    old_length, new_length = old.get("maxLength"), new.get("maxLength")
    if old_length != new_length:
        tighter = new_length is not None and (old_length is None or new_length < old_length)
        yield Change(
            "parameters",
            name,
            "changed",
            tighter,
            f"parameter {name}: maxLength {old_length!r} → {new_length!r}",
            old_length,
            new_length,
        )


def _flag_changes(name: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> Iterator[Change]:
    was, now = bool(old.get("siteConfigurable")), bool(new.get("siteConfigurable"))
    if was and not now:
        yield Change(
            "parameters",
            name,
            "changed",
            True,
            f"parameter {name} is no longer siteConfigurable (locked)",
            was,
            now,
        )
    elif now and not was:
        yield Change(
            "parameters",
            name,
            "changed",
            False,
            f"parameter {name} is now siteConfigurable",
            was,
            now,
        )
    if old.get("unit") != new.get("unit"):
        yield Change(
            "parameters",
            name,
            "changed",
            True,
            f"parameter {name}: unit {old.get('unit')!r} → {new.get('unit')!r}",
            old.get("unit"),
            new.get("unit"),
        )
    for option in ("default", "siteBound", "description"):
        if old.get(option) != new.get(option):
            yield Change(
                "parameters",
                name,
                "changed",
                False,
                f"parameter {name}: {option} {old.get(option)!r} → {new.get(option)!r}",
                old.get(option),
                new.get(option),
            )


# --- operations ------------------------------------------------------------------------------


def _by_id(items: Any) -> dict[str, Mapping[str, Any]]:
    return {item["id"]: item for item in items or [] if isinstance(item, Mapping)}


def _operation_changes(
    old_spec: Mapping[str, Any], new_spec: Mapping[str, Any]
) -> Iterator[Change]:
    old_ops, new_ops = _by_id(old_spec.get("operations")), _by_id(new_spec.get("operations"))
    for op_id in sorted(set(old_ops) - set(new_ops)):
        yield Change(
            "operations", op_id, "removed", True, f"operation {op_id} removed", old_ops[op_id], None
        )
    for op_id in sorted(set(new_ops) - set(old_ops)):
        yield Change(
            "operations",
            op_id,
            "added",
            False,
            f"operation {op_id} ({new_ops[op_id].get('kind')}) added",
            None,
            new_ops[op_id],
        )
    common = [op for op in old_ops if op in new_ops]
    if common != [op for op in new_ops if op in old_ops]:
        yield Change(
            "operations",
            "order",
            "moved",
            False,
            "operations reordered",
            common,
            [op for op in new_ops if op in old_ops],
        )
    for op_id in common:
        yield from _operation_change(op_id, old_ops[op_id], new_ops[op_id])


def _operation_change(
    op_id: str, old: Mapping[str, Any], new: Mapping[str, Any]
) -> Iterator[Change]:
    for name in ("kind", "title", "equipmentClass", "instructions", "signoff"):
        if old.get(name) != new.get(name):
            yield Change(
                "operations",
                op_id,
                "changed",
                False,
                f"operation {op_id}: {name} {old.get(name)!r} → {new.get(name)!r}",
                old.get(name),
                new.get(name),
            )
    for area, label in (("dataCollection", "data collection"), ("qualityChecks", "check")):
        olds, news = _by_id(old.get(area)), _by_id(new.get(area))
        for item in sorted(set(olds) | set(news)):
            before, after = olds.get(item), news.get(item)
            if before == after:
                continue
            kind = "added" if before is None else "removed" if after is None else "changed"
            yield Change(
                area,
                f"{op_id}/{item}",
                kind,
                False,
                f"operation {op_id}: {label} {item} {kind}"
                + (f": {_describe_fields(before, after)}" if kind == "changed" else ""),
                before,
                after,
            )


def _describe_fields(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> str:
    before, after = before or {}, after or {}
    return ", ".join(
        f"{name} {before.get(name)!r} → {after.get(name)!r}"
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
    )


def _extension_point_changes(
    old_spec: Mapping[str, Any], new_spec: Mapping[str, Any]
) -> Iterator[Change]:
    olds, news = _by_id(old_spec.get("extensionPoints")), _by_id(new_spec.get("extensionPoints"))
    for point in sorted(set(olds) - set(news)):
        yield Change(
            "extensionPoints",
            point,
            "removed",
            True,
            f"extension point {point} removed",
            olds[point],
            None,
        )
    for point in sorted(set(news) - set(olds)):
        yield Change(
            "extensionPoints",
            point,
            "added",
            False,
            f"extension point {point} added",
            None,
            news[point],
        )
    for point in sorted(set(olds) & set(news)):
        old, new = olds[point], news[point]
        dropped = sorted(set(old.get("allowedKinds") or []) - set(new.get("allowedKinds") or []))
        if dropped:
            yield Change(
                "extensionPoints",
                point,
                "changed",
                True,
                f"extension point {point}: kinds {', '.join(dropped)} no longer allowed",
                old.get("allowedKinds"),
                new.get("allowedKinds"),
            )
        if old.get("maxSteps") != new.get("maxSteps"):
            fewer = (new.get("maxSteps") or 0) < (old.get("maxSteps") or 0)
            yield Change(
                "extensionPoints",
                point,
                "changed",
                fewer,
                f"extension point {point}: maxSteps {old.get('maxSteps')} → {new.get('maxSteps')}",
                old.get("maxSteps"),
                new.get("maxSteps"),
            )
        added = sorted(set(new.get("allowedKinds") or []) - set(old.get("allowedKinds") or []))
        if added or old.get("after") != new.get("after"):
            yield Change(
                "extensionPoints",
                point,
                "changed",
                False,
                f"extension point {point}: {_describe_fields(old, new)}",
                old,
                new,
            )


def _reason_code_changes(
    old_spec: Mapping[str, Any], new_spec: Mapping[str, Any]
) -> Iterator[Change]:
    olds, news = reason_codes(old_spec), reason_codes(new_spec)
    for tree in sorted(set(olds) | set(news)):
        for code in sorted(olds.get(tree, set()) - news.get(tree, set())):
            yield Change(
                "reasonCodes",
                f"{tree}/{code}",
                "removed",
                False,
                f"{tree} reason code {code} removed",
                code,
                None,
            )
        for code in sorted(news.get(tree, set()) - olds.get(tree, set())):
            yield Change(
                "reasonCodes",
                f"{tree}/{code}",
                "added",
                False,
                f"{tree} reason code {code} added",
                None,
                code,
            )


def _kpi_changes(old_spec: Mapping[str, Any], new_spec: Mapping[str, Any]) -> Iterator[Change]:
    olds, news = set(old_spec.get("kpis") or []), set(new_spec.get("kpis") or [])
    for kpi in sorted(olds - news):
        yield Change("kpis", kpi, "removed", False, f"KPI {kpi} no longer reported", kpi, None)
    for kpi in sorted(news - olds):
        yield Change("kpis", kpi, "added", False, f"KPI {kpi} reported", None, kpi)


def version_problems(
    new_version: str, published: list[str], predecessor_diff: TemplateDiff | None
) -> list[str]:
    """Semver discipline: newer than every published version; breaking needs a new major."""
    problems = []
    candidate = parse_version(new_version)
    newer = [v for v in published if parse_version(v) >= candidate]
    if newer:
        latest = max(published, key=parse_version)
        problems.append(
            f"{new_version} is not greater than every published version (latest {latest})"
        )
    if predecessor_diff is not None and predecessor_diff.breaking:
        previous = parse_version(predecessor_diff.from_version)
        if candidate.major == previous.major:
            problems.append(
                f"breaking changes since {predecessor_diff.from_version} need a major version "
                f"({previous.major + 1}.0.0): " + "; ".join(predecessor_diff.breaking_reasons)
            )
    return problems
