"""Limits such as `${seal_temperature_c} - 5`: a tiny, safe arithmetic language.

Grammar (nothing else is accepted — there is no `eval`):

    expr   := term (('+' | '-') term)*
    term   := factor (('*' | '/') factor)*
    factor := NUMBER | '${' NAME '}' | '(' expr ')' | '-' factor

Arithmetic is exact (fractions), so a composed definition is byte-identical on every machine;
results are integers when whole, otherwise the nearest float.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

TOKEN = re.compile(
    r"\s*(?:(?P<number>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|\$\{(?P<name>[a-z][a-z0-9_]*)\}"
    r"|(?P<op>[-+*/()]))"
)
MAX_LENGTH = 500


class ExpressionError(ValueError):
    """The text is not an expression of the grammar above."""


@dataclass(frozen=True)
class Num:
    value: Fraction


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
            return Num(Fraction(value))
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


def evaluate(node: Node, values: Mapping[str, int | float]) -> Fraction:
    if isinstance(node, Num):
        return node.value
    if isinstance(node, Ref):
        return Fraction(values[node.name])
    if isinstance(node, Neg):
        return -evaluate(node.operand, values)
    left, right = evaluate(node.left, values), evaluate(node.right, values)
    if node.op == "+":
        return left + right
    if node.op == "-":
        return left - right
    if node.op == "*":
        return left * right
    if right == 0:
        raise ExpressionError("division by zero")
    return left / right


def as_number(value: Fraction) -> int | float:
    """Whole results stay integers; others become the nearest float (deterministic)."""
    return int(value) if value.denominator == 1 else float(value)


def resolve(limit: int | float | str, values: Mapping[str, int | float]) -> int | float:
    """A limit as written (number or expression) → its value for these parameter values."""
    if isinstance(limit, bool):
        raise ExpressionError("a limit cannot be true/false")
    if isinstance(limit, int | float):
        return limit
    return as_number(evaluate(parse(limit), values))
