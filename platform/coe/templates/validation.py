"""Every rule a ProcessTemplate must satisfy (FORMATS.md), as pure functions.

Structure is checked against the JSON Schema (the same one editors use); the rules here are the
ones a schema cannot express. They read the raw document defensively, so a file with a
structural error still gets every other problem reported in the same run.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any

from coe.documents import NAME_PATTERN, Violation, duration_seconds, pointer, structural_violations
from coe.templates import expressions
from coe.templates.documents import ProcessTemplate

NUMERIC = ("number", "integer")


def template_violations(document: Any) -> list[Violation]:
    """Everything wrong with a template document; empty when it is valid."""
    found = structural_violations(document, ProcessTemplate)
    if isinstance(document, dict):
        found += list(_semantic(document))
    return _unique(found)


def _unique(violations: list[Violation]) -> list[Violation]:
    seen: set[Violation] = set()
    return [v for v in violations if not (v in seen or seen.add(v))]  # type: ignore[func-returns-value]


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _semantic(document: dict[str, Any]) -> Iterator[Violation]:
    spec = _dict(document.get("spec"))
    parameters = _dict(spec.get("parameters"))
    for name, parameter in parameters.items():
        if isinstance(parameter, dict):
            yield from parameter_violations(name, parameter)
    operations = _list(spec.get("operations"))
    yield from _duplicates(operations, "id", ("spec", "operations"), "operation id")
    for index, operation in enumerate(operations):
        if isinstance(operation, dict):
            yield from operation_violations(operation, parameters, ("spec", "operations", index))
    yield from _extension_point_violations(spec, operations)
    yield from _reason_code_violations(_dict(spec.get("reasonCodes")))
    yield from _migration_violations(_dict(spec.get("migrations")), parameters)


def parameter_violations(name: str, parameter: dict[str, Any]) -> Iterator[Violation]:
    """A parameter's own declaration: its bounds make sense and its default obeys them."""
    at = ("spec", "parameters", name)
    if not re.match(NAME_PATTERN, name):
        yield Violation(pointer(*at), "parameter names are lowercase letters, digits and '_'")
    kind = str(parameter.get("type"))
    allowed = {
        "number": {"minimum", "maximum"},
        "integer": {"minimum", "maximum"},
        "duration": {"minimum", "maximum"},
        "enum": {"values"},
        "string": {"pattern", "maxLength"},
        "boolean": set(),
    }.get(kind)
    if allowed is None:
        return
    for option in ("minimum", "maximum", "values", "pattern", "maxLength"):
        if parameter.get(option) is not None and option not in allowed:
            yield Violation(pointer(*at, option), f"does not apply to a {kind} parameter")
    yield from _bound_violations(kind, parameter, at)
    if kind == "enum":
        values = _list(parameter.get("values"))
        if not values:
            yield Violation(pointer(*at, "values"), "an enum needs a list of allowed values")
        for value in {v for v, n in Counter(map(str, values)).items() if n > 1}:
            yield Violation(pointer(*at, "values"), f"{value!r} is listed twice")
    if kind == "string" and parameter.get("pattern") is not None:
        try:
            re.compile(str(parameter["pattern"]))
        except re.error as error:
            yield Violation(pointer(*at, "pattern"), f"not a valid regular expression: {error}")
            return
    if parameter.get("siteBound") and not parameter.get("siteConfigurable"):
        yield Violation(
            pointer(*at, "siteBound"),
            "a site-bound value must be siteConfigurable (the site chooses it)",
        )
    if "default" in parameter:
        for problem in value_problems(parameter, parameter["default"]):
            yield Violation(pointer(*at, "default"), f"the default {problem}")


def _bound_violations(
    kind: str, parameter: dict[str, Any], at: tuple[Any, ...]
) -> Iterator[Violation]:
    bounds = {}
    for option in ("minimum", "maximum"):
        bound = parameter.get(option)
        if bound is None:
            continue
        value = _magnitude(kind, bound)
        if value is None:
            wanted = "a duration such as '30s' or '2h'" if kind == "duration" else "a number"
            yield Violation(pointer(*at, option), f"must be {wanted}")
        else:
            bounds[option] = value
    if len(bounds) == 2 and bounds["minimum"] > bounds["maximum"]:
        yield Violation(pointer(*at, "minimum"), "minimum is above maximum")


def _magnitude(kind: str, value: Any) -> Fraction | None:
    """Comparable size of a value: numbers as themselves, durations in seconds."""
    if kind == "duration":
        return duration_seconds(value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return Fraction(value)


def value_problems(parameter: Mapping[str, Any], value: Any) -> list[str]:
    """Why `value` is not acceptable for `parameter` (type, bounds, values, pattern, length)."""
    kind = parameter.get("type")
    if kind in NUMERIC or kind == "duration":
        return _ranged_problems(kind, parameter, value)
    if kind == "boolean":
        return [] if isinstance(value, bool) else [f"must be true or false, not {value!r}"]
    if kind == "enum":
        values = [str(v) for v in _list(parameter.get("values"))]
        if not isinstance(value, str) or value not in values:
            return [f"{value!r} is not one of: {', '.join(values)}"]
        return []
    if kind == "string":
        return _string_problems(parameter, value)
    return []


def _ranged_problems(kind: str, parameter: Mapping[str, Any], value: Any) -> list[str]:
    magnitude = _magnitude(kind, value)
    if magnitude is None or (kind == "integer" and not isinstance(value, int)):
        wanted = {
            "number": "a number",
            "integer": "a whole number",
            "duration": "a duration such as '30s', '5m' or '2h'",
        }[kind]
        return [f"must be {wanted}, not {value!r}"]
    problems = []
    low, high = parameter.get("minimum"), parameter.get("maximum")
    low_value, high_value = _magnitude(kind, low), _magnitude(kind, high)
    if low_value is not None and magnitude < low_value:
        problems.append(f"{value!r} is below the minimum {low!r}")
    if high_value is not None and magnitude > high_value:
        problems.append(f"{value!r} is above the maximum {high!r}")
    return problems


def _string_problems(parameter: Mapping[str, Any], value: Any) -> list[str]:
    if not isinstance(value, str):
        return [f"must be a string, not {value!r}"]
    problems = []
    limit = parameter.get("maxLength")
    if isinstance(limit, int) and len(value) > limit:
        problems.append(f"is longer than maxLength {limit}")
    pattern = parameter.get("pattern")
    if isinstance(pattern, str):
        try:
            if not re.fullmatch(pattern, value):
                problems.append(f"{value!r} does not match the pattern {pattern!r}")
        except re.error:
            pass  # reported on the pattern itself
    return problems


def operation_violations(
    operation: dict[str, Any], parameters: Mapping[str, Any], at: tuple[Any, ...]
) -> Iterator[Violation]:
    """An operation's data collection and checks: unique ids, limits that evaluate."""
    points = _list(operation.get("dataCollection"))
    yield from _duplicates(points, "id", (*at, "dataCollection"), "data collection id")
    for index, point in enumerate(points):
        if isinstance(point, dict):
            yield from _limit_violations(point, parameters, (*at, "dataCollection", index))
    checks = _list(operation.get("qualityChecks"))
    yield from _duplicates(checks, "id", (*at, "qualityChecks"), "quality check id")


def _limit_violations(
    point: dict[str, Any], parameters: Mapping[str, Any], at: tuple[Any, ...]
) -> Iterator[Violation]:
    defaults = expressions.decimals(
        {
            name: p["default"]
            for name, p in parameters.items()
            if isinstance(p, dict)
            and isinstance(p.get("default"), int | float)
            and not isinstance(p.get("default"), bool)
        }
    )
    resolved: dict[str, expressions.Exact] = {}
    for field in ("lowerLimit", "target", "upperLimit"):
        limit = point.get(field)
        if not isinstance(limit, str):
            if isinstance(limit, int | float) and not isinstance(limit, bool):
                resolved[field] = Decimal(repr(limit))
            continue
        try:
            node = expressions.parse(limit)
        except expressions.ExpressionError as error:
            yield Violation(pointer(*at, field), f"not a valid expression: {error}")
            continue
        problems = [
            f"${{{name}}} is not a declared parameter"
            if name not in parameters
            else f"${{{name}}} is a {parameters[name].get('type')} parameter; limits use numbers"
            for name in sorted(expressions.references(node))
            if name not in parameters or _dict(parameters[name]).get("type") not in NUMERIC
        ]
        for problem in problems:
            yield Violation(pointer(*at, field), problem)
        if not problems and expressions.references(node) <= set(defaults):
            try:
                resolved[field] = expressions.evaluate(node, defaults)
            except expressions.ExpressionError as error:
                yield Violation(pointer(*at, field), str(error))
    yield from _order_violations(resolved, at)


def _order_violations(
    resolved: dict[str, expressions.Exact], at: tuple[Any, ...]
) -> Iterator[Violation]:
    order = [f for f in ("lowerLimit", "target", "upperLimit") if f in resolved]
    for low, high in itertools.pairwise(order):
        if resolved[low] > resolved[high]:
            yield Violation(pointer(*at, low), f"{low} is above {high} at the default values")


def _extension_point_violations(spec: dict[str, Any], operations: list[Any]) -> Iterator[Violation]:
    points = _list(spec.get("extensionPoints"))
    yield from _duplicates(points, "id", ("spec", "extensionPoints"), "extension point id")
    operation_ids = {op.get("id") for op in operations if isinstance(op, dict)}
    for index, point in enumerate(points):
        if isinstance(point, dict) and point.get("after") not in operation_ids:
            yield Violation(
                pointer("spec", "extensionPoints", index, "after"),
                f"{point.get('after')!r} is not an operation of this template",
            )


def _reason_code_violations(trees: dict[str, Any]) -> Iterator[Violation]:
    seen: dict[str, str] = {}
    for tree_name, tree in trees.items():
        for path, code in _codes(_list(tree), ("spec", "reasonCodes", tree_name)):
            if code in seen:
                yield Violation(
                    pointer(*path, "code"), f"reason code {code!r} is already used at {seen[code]}"
                )
            else:
                seen[code] = pointer(*path)


def _codes(tree: list[Any], at: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], str]]:
    for index, node in enumerate(tree):
        if isinstance(node, dict) and isinstance(node.get("code"), str):
            yield (*at, index), node["code"]
            yield from _codes(_list(node.get("children")), (*at, index, "children"))


def reason_codes(spec: Mapping[str, Any]) -> dict[str, set[str]]:
    """Every code of each reason tree (downtime, scrap, rework), children included."""
    trees = _dict(spec.get("reasonCodes"))
    return {name: {code for _, code in _codes(_list(tree), ())} for name, tree in trees.items()}


def _migration_violations(
    migrations: dict[str, Any], parameters: Mapping[str, Any]
) -> Iterator[Violation]:
    renamed = _dict(migrations.get("renamedParameters"))
    for old, new in renamed.items():
        at = ("spec", "migrations", "renamedParameters", old)
        if new not in parameters:
            yield Violation(pointer(*at), f"renamed to {new!r}, which is not a parameter")
        if old in parameters:
            yield Violation(pointer(*at), f"{old!r} is still a parameter of this version")


def _duplicates(
    items: list[Any], field: str, at: tuple[Any, ...], what: str
) -> Iterator[Violation]:
    first: dict[Any, int] = {}
    for index, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get(field), str):
            continue
        value = item[field]
        if value in first:
            yield Violation(
                pointer(*at, index, field),
                f"duplicate {what} {value!r} (first at {pointer(*at, first[value])})",
            )
        else:
            first[value] = index
