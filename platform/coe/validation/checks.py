"""The automated limit check of a validation record (pure): the definition composed at every
tested parameter value resolves every data-collection limit inside its spec.

In the ProcessTemplate format a data-collection point carries its spec limits itself:
`lowerLimit` and `upperLimit` (the specification range) and `target` (the aim), each a number or
an expression over parameters (`${seal_temperature_c} - 5`). The template's own validation
checks them at the defaults only; a test case moves parameters away from the defaults, where a
limit may stop making sense (a `${min_barcode_grade}` lower limit raised above the fixed target).
So, for each test case, the check

1. takes its parameter values: each must be a parameter of the version and an acceptable value
   of it (type and declared minimum/maximum: the parameter's own spec, the rule overlays obey);
   every parameter it does not name stays at the template's default;
2. composes the definition at those values with the platform's own composition
   (`coe.definitions.compose.compose`, the template's defaults replaced by the tested values, so
   locked parameters can be tested too);
3. requires every data-collection point whose limits depend on parameters to resolve each
   limit to a number and to keep `lowerLimit <= target <= upperLimit` (those present).

Failures point into the record (`document: record`, a test case's parameter) or into the
template (`document: template`, the limit that does not resolve or leaves its spec).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from coe.canonical import content_hash
from coe.definitions.compose import LIMIT_FIELDS, PreparedTemplate, compose
from coe.documents import pointer
from coe.templates import expressions
from coe.templates.validation import value_problems
from coe.validation.design_space import exercised

SITE = "validation"  # the composed document names a site; this one exists only in the check
RECORD, TEMPLATE = "record", "template"
# The order a point's resolved limits must keep, lowest first.
ORDER = ("lowerLimit", "target", "upperLimit")


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


@dataclass(frozen=True)
class LimitFailure:
    document: str  # "record" or "template": which document `pointer` points into
    pointer: str
    reason: str

    def as_dict(self) -> dict[str, str]:
        return {"document": self.document, "path": self.pointer, "reason": self.reason}


@dataclass(frozen=True)
class LimitCheck:
    """The limit check of one test case."""

    test_case: str
    # The values the test case exercises (`coe.validation.design_space.exercised`).
    parameters: dict[str, Any]
    failures: tuple[LimitFailure, ...] = ()

    @property
    def passed(self) -> bool:
        return not self.failures

    def as_dict(self) -> dict[str, Any]:
        return {
            "testCase": self.test_case,
            "passed": self.passed,
            "parameters": dict(self.parameters),
            "failures": [failure.as_dict() for failure in self.failures],
        }


def check_limits(template: Mapping[str, Any], record: Mapping[str, Any]) -> list[LimitCheck]:
    """The limit check of every test case of `record` (a ValidationRecord document) against
    `template` (the ProcessTemplate document of the version it validates), in record order."""
    return [
        check_test_case(template, _dict(test_case), index)
        for index, test_case in enumerate(_list(_dict(record.get("spec")).get("testCases")))
    ]


def check_test_case(
    template: Mapping[str, Any], test_case: Mapping[str, Any], index: int = 0
) -> LimitCheck:
    """The limit check of one test case, the `index`-th of its record (for the pointers)."""
    case_id = str(test_case.get("id"))
    named = _dict(test_case.get("parameters"))
    at = ("spec", "testCases", index, "parameters")
    failures = list(_parameter_failures(template, named, at))
    if not failures:
        failures = list(_limit_failures(template, named))
    return LimitCheck(case_id, exercised(template, test_case), tuple(failures))


def _parameter_failures(
    template: Mapping[str, Any], named: Mapping[str, Any], at: tuple[Any, ...]
) -> Iterator[LimitFailure]:
    parameters = _dict(_dict(template.get("spec")).get("parameters"))
    metadata = _dict(template.get("metadata"))
    version = f"{metadata.get('key')}@{metadata.get('version')}"
    for name, value in named.items():
        parameter = parameters.get(name)
        if not isinstance(parameter, dict):
            yield LimitFailure(
                RECORD, pointer(*at, name), f"{name!r} is not a parameter of {version}"
            )
            continue
        for problem in value_problems(parameter, value):
            yield LimitFailure(RECORD, pointer(*at, name), f"{name!r} {problem}")


def _at_values(template: Mapping[str, Any], named: Mapping[str, Any]) -> dict[str, Any]:
    """The template with the tested values as its defaults: composing it without an overlay
    gives the definition at the test point."""
    spec = _dict(template.get("spec"))
    parameters = {
        name: {**parameter, "default": named[name]} if name in named else parameter
        for name, parameter in _dict(spec.get("parameters")).items()
    }
    return {**template, "spec": {**spec, "parameters": parameters}}


def _limit_failures(
    template: Mapping[str, Any], named: Mapping[str, Any]
) -> Iterator[LimitFailure]:
    document = _at_values(template, named)
    try:
        # The hash is the version's own: the composed document is the version's, at these values.
        definition = compose(PreparedTemplate(document, content_hash(template)), SITE).document
    except (expressions.ExpressionError, ArithmeticError, KeyError, TypeError):
        yield from _unresolved(document)
        return
    values = {name: entry["value"] for name, entry in definition["parameters"].items()}
    composed = {op["id"]: op for op in definition["operations"]}
    for op_index, operation in enumerate(_list(template["spec"]["operations"])):
        points = _list(_dict(composed.get(operation["id"])).get("dataCollection"))
        for point_index, point in enumerate(_list(operation.get("dataCollection"))):
            if not _depends(point):
                continue
            at = ("spec", "operations", op_index, "dataCollection", point_index)
            yield from _order_failures(point, points[point_index], values, at)


def _depends(point: Mapping[str, Any]) -> bool:
    return any(isinstance(point.get(field), str) for field in LIMIT_FIELDS)


def _unresolved(document: Mapping[str, Any]) -> Iterator[LimitFailure]:
    """Which limits do not resolve at these values (composition stops at the first)."""
    parameters = _dict(document["spec"].get("parameters"))
    numeric = expressions.decimals(
        {
            name: p["default"]
            for name, p in parameters.items()
            if isinstance(p.get("default"), int | float) and not isinstance(p["default"], bool)
        }
    )
    for op_index, operation in enumerate(_list(document["spec"]["operations"])):
        for point_index, point in enumerate(_list(_dict(operation).get("dataCollection"))):
            for field in LIMIT_FIELDS:
                limit = _dict(point).get(field)
                if not isinstance(limit, str):
                    continue
                at = pointer("spec", "operations", op_index, "dataCollection", point_index, field)
                try:
                    expressions.resolve(limit, numeric)
                except expressions.ExpressionError as error:
                    yield LimitFailure(TEMPLATE, at, f"{field} {limit!r} does not resolve: {error}")
                except KeyError as error:
                    yield LimitFailure(
                        TEMPLATE,
                        at,
                        f"{field} {limit!r} does not resolve: ${{{error.args[0]}}} has no "
                        "numeric value",
                    )


def _order_failures(
    written: Mapping[str, Any],
    resolved: Mapping[str, Any],
    values: Mapping[str, Any],
    at: tuple[Any, ...],
) -> Iterator[LimitFailure]:
    """`lowerLimit <= target <= upperLimit`, each pair of those present."""
    present = [field for field in ORDER if resolved.get(field) is not None]
    where = _where(written, values)
    for low_index, low in enumerate(present):
        for high in present[low_index + 1 :]:
            if resolved[low] > resolved[high]:
                yield LimitFailure(
                    TEMPLATE,
                    pointer(*at, low),
                    f"{written.get('id')}: {low} {resolved[low]} is above {high} "
                    f"{resolved[high]}{where}",
                )


def _where(written: Mapping[str, Any], values: Mapping[str, Any]) -> str:
    """' at seal_temperature_c = 170': the values the point's limits depend on."""
    names: set[str] = set()
    for field in LIMIT_FIELDS:
        limit = written.get(field)
        if isinstance(limit, str):
            names |= expressions.references(expressions.parse(limit))
    shown = ", ".join(f"{name} = {values[name]}" for name in sorted(names) if name in values)
    return f" at {shown}" if shown else ""
