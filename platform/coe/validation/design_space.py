"""The validated design space of a template version, and whether a site lies inside it (pure).

Which parameter values a test case exercises (the rule every caller relies on):

- every parameter the test case names in `parameters`, at the value it names;
- at the template's default, every other parameter *of its operation*: the parameters the
  operation's data-collection limits reference (`${name}`), and the process-wide parameters
  that no operation's limits reference (label language, printer model, warm-up time: the
  format ties them to no step, so every test ran with them);
- not the parameters only other operations reference: a passed seal test says nothing about
  the inspection step's `seal_width_mm`.

So a parameter's default is inside the space as soon as a passed test case touches one of its
operations without naming it. Operations tested at the defaults outside the scripted test cases
(e.g. a passed unscripted charter) can be passed as `exercised_at_defaults`.

Per parameter, the validated values are then: number, integer and duration parameters → the
closed range [lowest, highest] of the tested points (durations compared in seconds); boolean,
enum and string parameters → the set of tested values. Only the test cases in `passed` count;
a parameter no passed test case exercised has no validated values, and nothing is inside it.

Parameters are named as everywhere else on the platform (overlay `spec.set`, template diffs,
the effective definition's `parameters`): the version's own parameter names.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from coe.documents import duration_seconds
from coe.templates import expressions

RANGED = ("number", "integer", "duration")
COVERED = "covered by validation"
VERIFY = "site verification required"
NOT_VALIDATED = "not validated"
DASH = "\N{EN DASH}"  # between a range's ends; a hyphen would read as a minus sign


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def magnitude(kind: str, value: Any) -> Fraction | None:
    """A ranged value's comparable size (durations in seconds); None when it is not one."""
    if kind == "duration":
        return duration_seconds(value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if kind == "integer" and not isinstance(value, int):
        return None
    return Fraction(value)


def _text(value: Any) -> str:
    """A value as the YAML that wrote it: true, 0.6, en."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _same(left: Any, right: Any) -> bool:
    """Equal and of the same kind: true is not 1."""
    return isinstance(left, bool) == isinstance(right, bool) and left == right


@dataclass(frozen=True)
class ValidatedValues:
    """One parameter's validated values: the distinct points the passed test cases exercised
    (ranged parameters in ascending order, others by their text), and which test cases did."""

    parameter: str
    type: str
    points: tuple[Any, ...] = ()
    test_cases: tuple[str, ...] = ()

    @property
    def ranged(self) -> bool:
        return self.type in RANGED

    @property
    def validated(self) -> bool:
        return bool(self.points)

    @property
    def minimum(self) -> Any:
        return self.points[0] if self.ranged and self.points else None

    @property
    def maximum(self) -> Any:
        return self.points[-1] if self.ranged and self.points else None

    def contains(self, value: Any) -> bool:
        """Is `value` inside: within [minimum, maximum] (ranged), or one of the points."""
        if not self.points:
            return False
        if not self.ranged:
            return any(_same(point, value) for point in self.points)
        size = magnitude(self.type, value)
        low, high = magnitude(self.type, self.minimum), magnitude(self.type, self.maximum)
        return size is not None and low is not None and high is not None and low <= size <= high

    def describe(self) -> str:
        """'170' (one point), minimum and maximum joined by an en dash (ranged), '{de, en}'
        (the tested values), or 'not validated'."""
        if not self.points:
            return NOT_VALIDATED
        if self.ranged:
            if len(self.points) == 1:
                return _text(self.minimum)
            return f"{_text(self.minimum)}{DASH}{_text(self.maximum)}"
        return "{" + ", ".join(_text(point) for point in self.points) + "}"

    def as_dict(self) -> dict[str, Any]:
        found: dict[str, Any] = {
            "parameter": self.parameter,
            "type": self.type,
            "validated": self.describe(),
            "points": list(self.points),
            "testCases": list(self.test_cases),
        }
        if self.ranged and self.points:
            found["minimum"], found["maximum"] = self.minimum, self.maximum
        elif self.points:
            found["values"] = list(self.points)
        return found


@dataclass(frozen=True)
class DesignSpace:
    """What a template version's passed test cases validated, per parameter (by name)."""

    template: str
    version: str
    parameters: tuple[ValidatedValues, ...] = ()
    test_cases: tuple[str, ...] = ()  # the passed test cases that counted

    def of(self, parameter: str) -> ValidatedValues | None:
        """The parameter's validated values; None when the template has no such parameter."""
        return next((v for v in self.parameters if v.parameter == parameter), None)

    @property
    def empty(self) -> bool:
        return not any(values.validated for values in self.parameters)

    def as_dict(self) -> dict[str, Any]:
        return {
            "template": self.template,
            "version": self.version,
            "testCases": list(self.test_cases),
            "parameters": [values.as_dict() for values in self.parameters],
        }


@dataclass(frozen=True)
class UncoveredParameter:
    parameter: str
    value: Any  # the site's effective value
    validated: str  # what was validated (`ValidatedValues.describe`)

    def as_dict(self) -> dict[str, Any]:
        return {"parameter": self.parameter, "value": self.value, "validated": self.validated}


@dataclass(frozen=True)
class Coverage:
    """Whether a site's effective definition lies inside the validated design space."""

    uncovered_parameters: tuple[UncoveredParameter, ...] = ()
    # A site's extension steps were never part of the central validation.
    uncovered_steps: tuple[str, ...] = ()

    @property
    def covered(self) -> bool:
        return not self.uncovered_parameters and not self.uncovered_steps

    @property
    def verdict(self) -> str:
        """'covered by validation' or 'site verification required'."""
        return COVERED if self.covered else VERIFY

    def reasons(self) -> list[str]:
        """What is not covered, in words (for refusals and the evidence package)."""
        found = [
            f"{u.parameter} = {_text(u.value)} is outside the validated {u.validated}"
            if u.validated != NOT_VALIDATED
            else f"{u.parameter} = {_text(u.value)}: the parameter is not validated"
            for u in self.uncovered_parameters
        ]
        found += [
            f"extension step {step} is not covered by central validation"
            for step in self.uncovered_steps
        ]
        return found

    def as_dict(self) -> dict[str, Any]:
        return {
            "covered": self.covered,
            "verdict": self.verdict,
            "uncoveredParameters": [u.as_dict() for u in self.uncovered_parameters],
            "uncoveredSteps": list(self.uncovered_steps),
        }


# --- the space ---------------------------------------------------------------------------------


def operation_parameters(template: Mapping[str, Any]) -> dict[str, frozenset[str]]:
    """Per operation id, the parameters its data-collection limits reference."""
    found: dict[str, frozenset[str]] = {}
    for operation in _list(_dict(template.get("spec")).get("operations")):
        if not isinstance(operation, dict) or not isinstance(operation.get("id"), str):
            continue
        names: set[str] = set()
        for point in _list(operation.get("dataCollection")):
            for limit in _dict(point).values():
                if isinstance(limit, str) and "${" in limit:
                    try:
                        names |= expressions.references(expressions.parse(limit))
                    except expressions.ExpressionError:
                        continue  # reported by the template's own validation
        found[operation["id"]] = frozenset(names)
    return found


def exercised(template: Mapping[str, Any], test_case: Mapping[str, Any]) -> dict[str, Any]:
    """The parameter values one test case exercises (the rule in the module docstring)."""
    return _exercised_by(template, test_case.get("operation"), _dict(test_case.get("parameters")))


def _exercised_by(
    template: Mapping[str, Any], operation: Any, named: Mapping[str, Any]
) -> dict[str, Any]:
    parameters = _dict(_dict(template.get("spec")).get("parameters"))
    by_operation = operation_parameters(template)
    referenced = frozenset().union(*by_operation.values()) if by_operation else frozenset()
    own = by_operation.get(operation, frozenset()) if isinstance(operation, str) else frozenset()
    values = {
        name: _dict(parameter).get("default")
        for name, parameter in parameters.items()
        if name in own or name not in referenced
    }
    values.update({name: value for name, value in named.items() if name in parameters})
    return dict(sorted(values.items()))


def validated_space(
    template: Mapping[str, Any],
    record: Mapping[str, Any],
    passed: Collection[str],
    *,
    exercised_at_defaults: Collection[str] = (),
) -> DesignSpace:
    """The values the passed test cases of `record` exercised, per parameter of `template`.

    `passed`: ids of the test cases whose latest result passed (the others do not count).
    `exercised_at_defaults`: operation ids tested at the defaults outside the scripted test
    cases; their parameters count as exercised at the default."""
    points: dict[str, list[tuple[Any, str]]] = {}
    counted: list[str] = []
    for test_case in _list(_dict(record.get("spec")).get("testCases")):
        case_id = _dict(test_case).get("id")
        if not isinstance(case_id, str) or case_id not in passed:
            continue
        counted.append(case_id)
        for name, value in exercised(template, test_case).items():
            points.setdefault(name, []).append((value, case_id))
    for operation in exercised_at_defaults:
        for name, value in _exercised_by(template, operation, {}).items():
            points.setdefault(name, []).append((value, f"operation {operation}"))
    parameters = _dict(_dict(template.get("spec")).get("parameters"))
    metadata = _dict(template.get("metadata"))
    return DesignSpace(
        template=str(metadata.get("key")),
        version=str(metadata.get("version")),
        parameters=tuple(
            _validated(name, str(_dict(parameters[name]).get("type")), points.get(name, []))
            for name in sorted(parameters)
        ),
        test_cases=tuple(counted),
    )


def _validated(name: str, kind: str, tested: Iterable[tuple[Any, str]]) -> ValidatedValues:
    distinct: list[Any] = []
    cases: list[str] = []
    for value, case_id in tested:
        if kind in RANGED and magnitude(kind, value) is None:
            continue  # not a value of this parameter: validates nothing
        if isinstance(value, list | dict):
            continue
        if case_id not in cases:
            cases.append(case_id)
        if not any(_same(value, seen) for seen in distinct):
            distinct.append(value)
    if kind in RANGED:
        distinct.sort(key=lambda value: magnitude(kind, value) or 0)
    else:
        distinct.sort(key=_text)
    return ValidatedValues(name, kind, tuple(distinct), tuple(cases))


# --- a site against the space -----------------------------------------------------------------


def coverage(
    space: DesignSpace, effective: Mapping[str, Any], extension_steps: Sequence[str]
) -> Coverage:
    """Whether a site's effective parameter values lie inside `space`; every extension step
    (a site's own added step) is uncovered, since central validation never ran it."""
    uncovered = []
    for name in sorted(effective):
        values = space.of(name)
        if values is None or not values.contains(effective[name]):
            validated = values.describe() if values is not None else NOT_VALIDATED
            uncovered.append(UncoveredParameter(name, effective[name], validated))
    return Coverage(uncovered_parameters=tuple(uncovered), uncovered_steps=tuple(extension_steps))


@dataclass(frozen=True)
class SiteValues:
    """What coverage needs from a site's effective definition."""

    effective: dict[str, Any] = field(default_factory=dict)
    extension_steps: tuple[str, ...] = ()


def site_values(definition: Mapping[str, Any]) -> SiteValues:
    """The effective parameter values and the extension step ids of a composed
    EffectiveDefinition document (`coe.definitions.compose.compose(...).document`)."""
    parameters = _dict(definition.get("parameters"))
    steps = tuple(
        str(operation["id"])
        for operation in _list(definition.get("operations"))
        if isinstance(operation, dict) and operation.get("origin") == "site"
    )
    return SiteValues(
        effective={name: _dict(entry).get("value") for name, entry in parameters.items()},
        extension_steps=steps,
    )


def definition_coverage(space: DesignSpace, definition: Mapping[str, Any]) -> Coverage:
    """`coverage` of a composed EffectiveDefinition document."""
    values = site_values(definition)
    return coverage(space, values.effective, values.extension_steps)
