"""The limit expression language: exact, and nothing but arithmetic on parameters."""

from __future__ import annotations

from decimal import Decimal

import pytest

from coe.templates.expressions import (
    ExpressionError,
    decimals,
    evaluate,
    parse,
    references,
    resolve,
)

VALUES = decimals({"t": 180, "w": 1.5, "n": 3})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("${t} - 5", 175),
        ("${t} + 5", 185),
        ("(${t} - 170) * 2 / 4", 5),
        ("-${n} + 10", 7),
        ("${w} * 2", 3),
        ("${t} / 7", 180 / 7),
        ("1e2 + 0.5", 100.5),
        ("  ${t}  ", 180),
        ("2 * (3 + (4 - 1))", 12),
    ],
)
def test_expressions_evaluate(text: str, expected: float) -> None:
    assert resolve(text, VALUES) == expected


def test_arithmetic_is_decimal() -> None:
    assert evaluate(parse("0.1 + 0.2"), {}) == Decimal("0.3")
    assert resolve("0.1 + 0.2", {}) == 0.3
    assert resolve("${x} - 0.2", decimals({"x": 4.1})) == 3.9


def test_whole_results_are_integers() -> None:
    assert isinstance(resolve("${w} * 2", VALUES), int)


def test_references_are_found() -> None:
    assert references(parse("(${a} + ${b}) * ${a}")) == {"a", "b"}


@pytest.mark.parametrize(
    "text",
    [
        "",
        "t - 5",
        "${t} -",
        "(${t}",
        "${t})",
        "${T}",
        "__import__('os')",
        "${t} ** 2",
        "${t} % 2",
        "lambda: 1",
        "${t}.real",
        "[1]",
        "${t}${t}",
        "1 2",
    ],
)
def test_anything_else_is_refused(text: str) -> None:
    with pytest.raises(ExpressionError):
        parse(text)


def test_division_by_zero_is_an_error_not_a_crash() -> None:
    with pytest.raises(ExpressionError, match="division by zero"):
        resolve("${t} / (${n} - 3)", VALUES)


def test_long_expressions_are_refused() -> None:
    with pytest.raises(ExpressionError, match="longer than"):
        parse("1 + " * 200 + "1")
