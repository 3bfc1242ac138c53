"""Error policy: expected errors keep their code, everything else is masked and logged; text
that cannot be stored is refused before anything runs."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from graphql import (
    BREAK,
    SKIP,
    ArgumentNode,
    DirectiveNode,
    DocumentNode,
    ExecutionResult,
    FieldNode,
    GraphQLError,
    ListValueNode,
    ObjectValueNode,
    StringValueNode,
    ValueNode,
    Visitor,
    visit,
)
from strawberry.extensions import SchemaExtension

from coe.errors import CoeError
from coe.text import unstorable

log = logging.getLogger("coe.graphql")


class ErrorPolicy(SchemaExtension):
    """Every error leaves with `extensions.code`; internal ones say only the request id."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        errors = getattr(result, "errors", None)
        if result is not None and errors:
            result.errors = [self._classify(error) for error in errors]

    def _classify(self, error: GraphQLError) -> GraphQLError:
        original = error.original_error
        if isinstance(original, CoeError):
            return error
        if original is None:
            extensions = {"code": "GRAPHQL_VALIDATION_FAILED", **(error.extensions or {})}
            return _copy(error, error.message, extensions)
        if isinstance(original, GraphQLError):  # variables that do not fit their types
            return _copy(error, error.message, {"code": "BAD_USER_INPUT"})
        request_id = getattr(self.execution_context.context, "request_id", None)
        log.error(
            "internal error in GraphQL operation (request %s)",
            request_id,
            exc_info=(type(original), original, original.__traceback__),
        )
        return _copy(
            error,
            f"Internal error. Quote request id {request_id} when reporting it.",
            {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id},
        )


def _copy(error: GraphQLError, message: str, extensions: dict[str, object]) -> GraphQLError:
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        extensions=extensions,
    )


class RefuseUnstorableText(SchemaExtension):
    """Text PostgreSQL cannot store (NUL, unpaired surrogates) is refused as BAD_USER_INPUT
    before any resolver runs, wherever it is: a literal or a variable, nested in input objects
    and lists, or inside a JSON value. One check here instead of one per argument."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        problem = None
        if context.graphql_document is not None:
            problem = _literal_problem(context.graphql_document)
        problem = problem or _variable_problem(context.variables or {})
        if problem is not None and not context.result:
            context.result = ExecutionResult(
                data=None, errors=[GraphQLError(problem, extensions={"code": "BAD_USER_INPUT"})]
            )
        yield


class _LiteralFinder(Visitor):
    """Finds the first argument literal with unstorable text, naming field and argument."""

    def __init__(self) -> None:
        super().__init__()
        self.owners: list[str] = []
        self.problem: str | None = None

    def enter_field(self, node: FieldNode, *_: Any) -> None:
        self.owners.append(node.name.value)

    def leave_field(self, node: FieldNode, *_: Any) -> None:
        self.owners.pop()

    def enter_directive(self, node: DirectiveNode, *_: Any) -> None:
        self.owners.append("@" + node.name.value)

    def leave_directive(self, node: DirectiveNode, *_: Any) -> None:
        self.owners.pop()

    def enter_argument(self, node: ArgumentNode, *_: Any) -> object:
        owner = self.owners[-1] if self.owners else ""
        self.problem = _value_problem(node.value, f"{owner}({node.name.value}:)")
        return BREAK if self.problem else SKIP


def _literal_problem(document: DocumentNode) -> str | None:
    finder = _LiteralFinder()
    visit(document, finder)
    return finder.problem


def _value_problem(root: ValueNode, where: str) -> str | None:
    pending: list[tuple[ValueNode, str]] = [(root, where)]
    while pending:
        node, path = pending.pop()
        if isinstance(node, StringValueNode) and (problem := unstorable(node.value)):
            return f"Argument {path} {problem}."
        if isinstance(node, ListValueNode):
            pending += [(item, f"{path}[{i}]") for i, item in enumerate(node.values)]
        elif isinstance(node, ObjectValueNode):
            pending += [(field.value, f"{path}.{field.name.value}") for field in node.fields]
    return None


def _variable_problem(variables: dict[str, Any]) -> str | None:
    pending: list[tuple[Any, str]] = [(value, f"${name}") for name, value in variables.items()]
    while pending:
        value, path = pending.pop()
        if isinstance(value, str) and (problem := unstorable(value)):
            return f"Variable {path} {problem}."
        if isinstance(value, list):
            pending += [(item, f"{path}[{i}]") for i, item in enumerate(value)]
        elif isinstance(value, dict):
            for key, item in value.items():
                if isinstance(key, str) and (problem := unstorable(key)):
                    return f"Variable {path} has a field name that {problem}."
                pending.append((item, f"{path}.{key}"))
    return None
