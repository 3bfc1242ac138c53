"""Every rule a SiteOverlay must satisfy against one template version (FORMATS.md), pure.

An overlay may only set parameters the template declares `siteConfigurable`, within their
bounds, and add steps at declared extension points, of allowed kinds, up to `maxSteps`.
Parameters renamed by the template version (`migrations.renamedParameters`) carry over and are
reported as migrations, not as violations.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from coe.documents import Violation, pointer, structural_violations
from coe.templates.documents import SiteOverlay
from coe.templates.renames import Rename, declared
from coe.templates.validation import operation_violations, value_problems
from coe.templates.versions import VersionError, parse_range


@dataclass
class OverlayCheck:
    """The outcome of checking an overlay against one template version."""

    violations: list[Violation] = field(default_factory=list)
    migrations: list[str] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)  # `set`, under the version's names

    @property
    def ok(self) -> bool:
        return not self.violations


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def check_overlay(
    overlay: Any,
    template: Mapping[str, Any] | None,
    *,
    known_sites: Collection[str] | None = None,
    renames: Sequence[Rename] | None = None,
) -> OverlayCheck:
    """Check `overlay` against `template` (a ProcessTemplate document; None = unknown).

    `renames`: the renames this version declares, each with the oldest version that declared
    it (`coe.templates.renames.of_version`); by default attributed to this version."""
    check = OverlayCheck(violations=structural_violations(overlay, SiteOverlay))
    if not isinstance(overlay, dict):
        return check
    metadata = _dict(overlay.get("metadata"))
    site = metadata.get("site")
    if known_sites is not None and isinstance(site, str) and site not in known_sites:
        check.violations.append(Violation("/metadata/site", f"unknown site {site!r}"))
    if template is None:
        check.violations.append(
            Violation(
                "/metadata/template",
                f"unknown template {metadata.get('template')!r} (no such template, or "
                "no version of it to check against)",
            )
        )
        return check
    template_meta = _dict(template.get("metadata"))
    if metadata.get("template") != template_meta.get("key"):
        check.violations.append(
            Violation(
                "/metadata/template",
                f"this overlay is for {metadata.get('template')!r}, "
                f"not {template_meta.get('key')!r}",
            )
        )
        return check
    check.violations += list(_version_violations(metadata, str(template_meta.get("version"))))
    spec = _dict(template.get("spec"))
    overlay_spec = _dict(overlay.get("spec"))
    if renames is None:
        version = str(template_meta.get("version"))
        renames = [Rename(old, new, version) for old, new in declared(template).items()]
    _check_values(check, _dict(overlay_spec.get("set")), spec, renames)
    check.violations += list(_extension_violations(_dict(overlay_spec.get("extend")), spec))
    return check


def _version_violations(metadata: Mapping[str, Any], version: str) -> Iterator[Violation]:
    text = metadata.get("templateVersions")
    if not isinstance(text, str):
        return
    try:
        versions = parse_range(text)
    except VersionError as error:
        yield Violation("/metadata/templateVersions", str(error))
        return
    if not versions.contains(version):
        yield Violation(
            "/metadata/templateVersions", f"template version {version} is outside {text!r}"
        )


def _check_values(
    check: OverlayCheck, values: dict[str, Any], spec: Mapping[str, Any], renames: Sequence[Rename]
) -> None:
    parameters = _dict(spec.get("parameters"))
    renamed = {rename.old: rename for rename in renames}
    for name, value in values.items():
        at = pointer("spec", "set", name)
        rename = renamed.get(name)
        target = rename.new if rename else name
        if rename is not None:
            if target in values:
                check.violations.append(
                    Violation(at, f"renamed to {target!r}, which this overlay also sets")
                )
                continue
            check.migrations.append(f"{name} → {target} (renamed in {rename.version})")
        parameter = parameters.get(target)
        if not isinstance(parameter, dict):
            check.violations.append(Violation(at, f"unknown parameter {name!r}"))
            continue
        if not parameter.get("siteConfigurable"):
            check.violations.append(Violation(at, f"{target!r} is locked: not siteConfigurable"))
            continue
        problems = value_problems(parameter, value)
        check.violations += [Violation(at, f"{target!r} {problem}") for problem in problems]
        if not problems:
            check.values[target] = value


def _extension_violations(extend: dict[str, Any], spec: Mapping[str, Any]) -> Iterator[Violation]:
    points = {p.get("id"): p for p in _list(spec.get("extensionPoints")) if isinstance(p, dict)}
    operation_ids = {op.get("id") for op in _list(spec.get("operations")) if isinstance(op, dict)}
    parameters = _dict(spec.get("parameters"))
    seen_steps: dict[str, str] = {}
    for point_id, steps in extend.items():
        at = ("spec", "extend", point_id)
        point = points.get(point_id)
        if point is None:
            yield Violation(pointer(*at), f"{point_id!r} is not an extension point of the template")
            continue
        steps = _list(steps)
        limit = point.get("maxSteps")
        if isinstance(limit, int) and len(steps) > limit:
            yield Violation(
                pointer(*at), f"{len(steps)} steps; {point_id!r} allows at most {limit}"
            )
        allowed = [str(kind) for kind in _list(point.get("allowedKinds"))]
        for index, step in enumerate(steps):
            if not isinstance(step, dict):
                continue
            yield from _step_violations(step, (*at, index), allowed, operation_ids, seen_steps)
            yield from operation_violations(step, parameters, (*at, index))


def _step_violations(
    step: dict[str, Any],
    at: tuple[Any, ...],
    allowed: list[str],
    operation_ids: set[Any],
    seen_steps: dict[str, str],
) -> Iterator[Violation]:
    kind = step.get("kind")
    if isinstance(kind, str) and kind not in allowed:
        yield Violation(
            pointer(*at, "kind"),
            f"kind {kind!r} is not allowed here (allowed: {', '.join(allowed)})",
        )
    step_id = step.get("id")
    if not isinstance(step_id, str):
        return
    if step_id in operation_ids:
        yield Violation(
            pointer(*at, "id"), f"{step_id!r} is already an operation id of the template"
        )
    elif step_id in seen_steps:
        yield Violation(
            pointer(*at, "id"), f"{step_id!r} is used twice (also at {seen_steps[step_id]})"
        )
    else:
        seen_steps[step_id] = pointer(*at)
