"""What changed between two template versions, and whether it breaks site overlays.

Breaking (requires a major version): a parameter removed or renamed, its type or unit changed,
its bounds or allowed values narrowed, a pattern or length limit added or tightened, a parameter
made non-configurable; an operation removed; an extension point removed, its allowed kinds
narrowed or its maxSteps lowered. Everything else is compatible and still listed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
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


# --- items added and removed, values changed -------------------------------------------------


def _membership_changes(
    area: str,
    olds: Mapping[str, Any],
    news: Mapping[str, Any],
    *,
    removed: Callable[[str, Any], str],
    added: Callable[[str, Any], str],
    removal_breaks: bool,
    renamed: Mapping[str, str] | None = None,
) -> Iterator[Change]:
    """An item (by key) only in `olds` was removed, one only in `news` was added; `renamed`
    items (old key → new key) are neither. `removed`/`added` describe an item from its key
    and value."""
    moved = renamed or {}
    for key in sorted(set(olds) - set(news) - set(moved)):
        yield Change(area, key, "removed", removal_breaks, removed(key, olds[key]), olds[key], None)
    for key in sorted(set(news) - set(olds) - set(moved.values())):
        yield Change(area, key, "added", False, added(key, news[key]), None, news[key])


def _changed(
    area: str, subject: str, label: str, name: str, before: Any, after: Any, breaking: bool = False
) -> Change:
    """`name` of `label` (e.g. "parameter cycles") changed from `before` to `after`."""
    return Change(
        area, subject, "changed", breaking, f"{label}: {name} {before!r} → {after!r}", before, after
    )


def _fields_changed(
    area: str,
    subject: str,
    label: str,
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    names: tuple[str, ...],
) -> Iterator[Change]:
    """A compatible change for each of `names` whose value differs from `old` to `new`."""
    for name in names:
        if old.get(name) != new.get(name):
            yield _changed(area, subject, label, name, old.get(name), new.get(name))


# --- parameters ------------------------------------------------------------------------------


def _parameter(name: str, breaking: bool, description: str, before: Any, after: Any) -> Change:
    return Change("parameters", name, "changed", breaking, description, before, after)


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
    yield from _membership_changes(
        "parameters",
        old_params,
        new_params,
        removed=lambda name, _: f"parameter {name} removed",
        added=lambda name, spec: f"parameter {name} added (default {spec.get('default')!r})",
        removal_breaks=True,
        renamed=renamed,
    )
    for name in sorted(set(old_params) & set(new_params)):
        yield from _parameter_change(name, old_params[name], new_params[name])


def _parameter_change(
    name: str, old: Mapping[str, Any], new: Mapping[str, Any]
) -> Iterator[Change]:
    if old.get("type") != new.get("type"):
        yield _parameter(
            name,
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
        description = f"parameter {name}: values {', '.join(removed)} no longer allowed"
        yield _parameter(name, True, description, old.get("values"), new.get("values"))
    if added:
        description = f"parameter {name}: values {', '.join(added)} added"
        yield _parameter(name, False, description, old.get("values"), new.get("values"))
    yield from _string_limit_changes(name, old, new)
    yield from _flag_changes(name, old, new)


def _bound_change(
    name: str, kind: str, bound: str, old: Any, new: Any, narrowing_sign: int
) -> Iterator[Change]:
    if old == new:
        return
    if new is None:
        yield _parameter(
            name, False, f"parameter {name}: {bound} {old!r} removed (widened)", old, new
        )
        return
    if old is None:
        yield _parameter(
            name, True, f"parameter {name}: {bound} {new!r} added (narrowed)", old, new
        )
        return
    old_size, new_size = _size(kind, old), _size(kind, new)
    narrowed = (new_size - old_size) * narrowing_sign > 0
    verb = "raised" if new_size > old_size else "lowered"
    description = (
        f"parameter {name}: {bound} {verb} {old!r} → {new!r} "
        f"({'narrowed' if narrowed else 'widened'})"
    )
    yield _parameter(name, narrowed, description, old, new)


def _size(kind: str, value: Any) -> float:
    if kind == "duration":
        seconds = duration_seconds(value)
        return float(seconds) if seconds is not None else 0.0
    return float(value)


def _string_limit_changes(
    name: str, old: Mapping[str, Any], new: Mapping[str, Any]
) -> Iterator[Change]:
    label = f"parameter {name}"
    if old.get("pattern") != new.get("pattern"):
        tighter = new.get("pattern") is not None
        yield _changed(
            "parameters", name, label, "pattern", old.get("pattern"), new.get("pattern"), tighter
        )
    old_length, new_length = old.get("maxLength"), new.get("maxLength")
    if old_length != new_length:
        tighter = new_length is not None and (old_length is None or new_length < old_length)
        yield _changed("parameters", name, label, "maxLength", old_length, new_length, tighter)


def _flag_changes(name: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> Iterator[Change]:
    was, now = bool(old.get("siteConfigurable")), bool(new.get("siteConfigurable"))
    if was and not now:
        yield _parameter(
            name, True, f"parameter {name} is no longer siteConfigurable (locked)", was, now
        )
    elif now and not was:
        yield _parameter(name, False, f"parameter {name} is now siteConfigurable", was, now)
    label = f"parameter {name}"
    if old.get("unit") != new.get("unit"):
        yield _changed("parameters", name, label, "unit", old.get("unit"), new.get("unit"), True)
    yield from _fields_changed(
        "parameters", name, label, old, new, ("default", "siteBound", "description")
    )


# --- operations ------------------------------------------------------------------------------


def _by_id(items: Any) -> dict[str, Mapping[str, Any]]:
    return {item["id"]: item for item in items or [] if isinstance(item, Mapping)}


def _operation_changes(
    old_spec: Mapping[str, Any], new_spec: Mapping[str, Any]
) -> Iterator[Change]:
    old_ops, new_ops = _by_id(old_spec.get("operations")), _by_id(new_spec.get("operations"))
    yield from _membership_changes(
        "operations",
        old_ops,
        new_ops,
        removed=lambda op_id, _: f"operation {op_id} removed",
        added=lambda op_id, op: f"operation {op_id} ({op.get('kind')}) added",
        removal_breaks=True,
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
    yield from _fields_changed(
        "operations",
        op_id,
        f"operation {op_id}",
        old,
        new,
        ("kind", "title", "equipmentClass", "instructions", "signoff"),
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
    yield from _membership_changes(
        "extensionPoints",
        olds,
        news,
        removed=lambda point, _: f"extension point {point} removed",
        added=lambda point, _: f"extension point {point} added",
        removal_breaks=True,
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
        yield from _membership_changes(
            "reasonCodes",
            {f"{tree}/{code}": code for code in olds.get(tree, set())},
            {f"{tree}/{code}": code for code in news.get(tree, set())},
            removed=_reason_code(tree, "removed"),
            added=_reason_code(tree, "added"),
            removal_breaks=False,
        )


def _reason_code(tree: str, verb: str) -> Callable[[str, Any], str]:
    return lambda _, code: f"{tree} reason code {code} {verb}"


def _kpi_changes(old_spec: Mapping[str, Any], new_spec: Mapping[str, Any]) -> Iterator[Change]:
    yield from _membership_changes(
        "kpis",
        {kpi: kpi for kpi in old_spec.get("kpis") or []},
        {kpi: kpi for kpi in new_spec.get("kpis") or []},
        removed=lambda kpi, _: f"KPI {kpi} no longer reported",
        added=lambda kpi, _: f"KPI {kpi} reported",
        removal_breaks=False,
    )


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
