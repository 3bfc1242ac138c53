"""Limits such as `${seal_temperature_c} - 5`: a tiny, safe arithmetic language.

Grammar (nothing else is accepted — there is no `eval`):

    expr   := term (('+' | '-') term)*
    term   := factor (('*' | '/') factor)*
    factor := NUMBER | '${' NAME '}' | '(' expr ')' | '-' factor

Arithmetic is decimal (what was written is what is computed: 4.1 - 0.2 is 3.9) and runs in
software, so a composed definition is byte-identical on every machine; results are integers
when whole, otherwise the nearest float. Expressions are compiled once and cached, since the
same template limit is evaluated for every site.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Context, Decimal, DivisionByZero, InvalidOperation, localcontext
from functools import lru_cache

TOKEN = re.compile(
    r"\s*(?:(?P<number>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|\$\{(?P<name>[a-z][a-z0-9_]*)\}"
    r"|(?P<op>[-+*/()]))"
)
MAX_LENGTH = 500


class ExpressionError(ValueError):
    """The text is not an expression of the grammar above."""


@dataclass(frozen=True)
class Num:
    value: Decimal


@dataclass(frozen=True)
class Ref:
    name: str


@dataclass(frozen=True)
class Neg:
    operand: Node


@dataclass(frozen=True)
class BinOp:
    op: str
    left: Node
    right: Node


Node = Num | Ref | Neg | BinOp


def _tokens(text: str) -> list[tuple[str, str]]:
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"longer than {MAX_LENGTH} characters")
    tokens, position = [], 0
    while position < len(text):
        if text[position:].strip() == "":
            break
        match = TOKEN.match(text, position)
        if match is None:
            raise ExpressionError(
                f"unexpected {text[position:].strip()[:20]!r}: only numbers, ${{parameter}} "
                "and + - * / ( ) are allowed"
            )
        kind = match.lastgroup
        assert kind is not None
        tokens.append((kind, match.group(kind)))
        position = match.end()
    return tokens


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.index = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise ExpressionError("the expression ends too early")
        self.index += 1
        return token

    def expression(self) -> Node:
        node = self.term()
        while (token := self.peek()) is not None and token[1] in ("+", "-"):
            self.take()
            node = BinOp(token[1], node, self.term())
        return node

    def term(self) -> Node:
        node = self.factor()
        while (token := self.peek()) is not None and token[1] in ("*", "/"):
            self.take()
            node = BinOp(token[1], node, self.factor())
        return node

    def factor(self) -> Node:
        kind, value = self.take()
        if kind == "number":
            return Num(Decimal(value))
        if kind == "name":
            return Ref(value)
        if value == "-":
            return Neg(self.factor())
        if value == "(":
            node = self.expression()
            if self.take() != ("op", ")"):
                raise ExpressionError("a '(' is not closed")
            return node
        raise ExpressionError(f"unexpected {value!r}")


@lru_cache(maxsize=65536)
def parse(text: str) -> Node:
    tokens = _tokens(text)
    if not tokens:
        raise ExpressionError("empty expression")
    parser = _Parser(tokens)
    node = parser.expression()
    if parser.peek() is not None:
        raise ExpressionError(f"unexpected {parser.peek()[1]!r}")  # type: ignore[index]
    return node


def references(node: Node) -> set[str]:
    if isinstance(node, Ref):
        return {node.name}
    if isinstance(node, Neg):
        return references(node.operand)
    if isinstance(node, BinOp):
        return references(node.left) | references(node.right)
    return set()


# 34 significant digits (IEEE 754 decimal128): far beyond any measurement, the same everywhere.
DECIMAL = Context(prec=34)
# Whole numbers are Python ints (exact and fast, the common case); the rest are Decimals.
Exact = int | Decimal
Compiled = Callable[[Mapping[str, Exact]], Exact]


def _exact(value: Decimal) -> Exact:
    return int(value) if value == value.to_integral_value() else value


def _divide(left: Exact, right: Exact) -> Exact:
    if isinstance(left, int) and isinstance(right, int) and right and left % right == 0:
        return left // right
    return Decimal(left) / Decimal(right)


def _compile(node: Node) -> Compiled:
    if isinstance(node, Num):
        constant = _exact(node.value)
        return lambda values: constant
    if isinstance(node, Ref):
        name = node.name
        return lambda values: values[name]
    if isinstance(node, Neg):
        operand = _compile(node.operand)
        return lambda values: -operand(values)
    left, right = _compile(node.left), _compile(node.right)
    if node.op == "+":
        return lambda values: left(values) + right(values)
    if node.op == "-":
        return lambda values: left(values) - right(values)
    if node.op == "*":
        return lambda values: left(values) * right(values)
    return lambda values: _divide(left(values), right(values))


@lru_cache(maxsize=65536)
def compiled(text: str) -> Compiled:
    """Parse and compile once; evaluating is then a few closure calls."""
    return _compile(parse(text))


def decimals(values: Mapping[str, int | float]) -> dict[str, Exact]:
    """Parameter values as exact numbers of what was written (repr of a float is its shortest
    round-tripping form, so 0.1 stays 0.1)."""
    return {name: _exact(Decimal(repr(value))) for name, value in values.items()}


def evaluate(node: Node, values: Mapping[str, Exact]) -> Exact:
    with localcontext(DECIMAL):
        try:
            return _compile(node)(values)
        except (DivisionByZero, InvalidOperation):
            raise ExpressionError("division by zero") from None


def as_number(value: Exact) -> int | float:
    """Whole results stay integers; others become the nearest float (deterministic)."""
    if isinstance(value, int):
        return value
    integral = value.to_integral_value()
    return int(integral) if value == integral else float(value)


def resolve(limit: int | float | str, values: Mapping[str, Exact]) -> int | float:
    """A limit as written (number or expression) → its value for these parameter values."""
    if isinstance(limit, bool):
        raise ExpressionError("a limit cannot be true/false")
    if isinstance(limit, int | float):
        return limit
    with localcontext(DECIMAL):
        try:
            return as_number(compiled(limit)(values))
        except (DivisionByZero, InvalidOperation):
            raise ExpressionError("division by zero") from None
