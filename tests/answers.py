"""Asks a root field that answers with a result union (`coe.graphql.results`) for its plain
selection `... on <Result>` and for every problem, as a client writes it; and sorts the answers
back out: a result as it was asked, a problem into the list of problems."""

from __future__ import annotations

from functools import cache
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    NamedTypeNode,
    NameNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    get_named_type,
    parse,
    print_ast,
)

from coe.config import Settings
from coe.graphql.results import PROBLEMS
from coe.graphql.schema import build_schema

ANSWER = "answerType"
PROBLEM_NAMES = frozenset(problem.__name__ for problem in PROBLEMS)
PROBLEM_SELECTION = (
    "{ ... on Problem { code message details } "
    "... on ValidationFailed { violations { path reason severity } } }"
)


@cache
def _schema() -> GraphQLSchema:
    return build_schema(Settings())._schema


@cache
def _problem_fragments() -> tuple[InlineFragmentNode, ...]:
    document = parse(f"{{ x {PROBLEM_SELECTION} }}")
    operation = document.definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    field = operation.selection_set.selections[0]
    assert isinstance(field, FieldNode)
    assert field.selection_set is not None
    return tuple(
        node for node in field.selection_set.selections if isinstance(node, InlineFragmentNode)
    )


def _result_union(operation: OperationType, field: str) -> GraphQLUnionType | None:
    schema = _schema()
    root = schema.mutation_type if operation is OperationType.MUTATION else schema.query_type
    definition = root.fields.get(field) if root is not None else None
    if definition is None:
        return None
    named = get_named_type(definition.type)
    if isinstance(named, GraphQLUnionType) and {t.name for t in named.types} >= PROBLEM_NAMES:
        return named
    return None


def _wrapped(field: FieldNode, union: GraphQLUnionType) -> FieldNode:
    selections = field.selection_set.selections if field.selection_set else ()
    if any(not isinstance(node, FieldNode) for node in selections):
        return field  # written with fragments: sent as it is
    success = InlineFragmentNode(
        type_condition=NamedTypeNode(name=NameNode(value=union.types[0].name)),
        selection_set=SelectionSetNode(selections=tuple(selections)),
    )
    answer = FieldNode(alias=NameNode(value=ANSWER), name=NameNode(value="__typename"))
    field_set = SelectionSetNode(selections=(answer, success, *_problem_fragments()))
    return FieldNode(
        alias=field.alias,
        name=field.name,
        arguments=field.arguments,
        directives=field.directives,
        selection_set=field_set,
    )


def ask_for_answers(document: str) -> str:
    """The document with every plain result-union root selection asked for as a client would."""
    try:
        parsed = parse(document)
    except Exception:
        return document
    changed = False
    definitions = []
    for definition in parsed.definitions:
        if isinstance(definition, OperationDefinitionNode):
            selections = []
            for node in definition.selection_set.selections:
                union = (
                    _result_union(definition.operation, node.name.value)
                    if isinstance(node, FieldNode)
                    else None
                )
                if isinstance(node, FieldNode) and union is not None:
                    wrapped = _wrapped(node, union)
                    changed = changed or wrapped is not node
                    node = wrapped
                selections.append(node)
            definition = OperationDefinitionNode(
                operation=definition.operation,
                name=definition.name,
                variable_definitions=definition.variable_definitions,
                directives=definition.directives,
                selection_set=SelectionSetNode(selections=tuple(selections)),
            )
        definitions.append(definition)
    return print_ast(DocumentNode(definitions=tuple(definitions))) if changed else document


def sort_answers(data: Any) -> list[dict[str, Any]]:
    """Takes the problems out of `data` (in place: a result keeps only the fields asked)."""
    problems: list[dict[str, Any]] = []
    if not isinstance(data, dict):
        return problems
    for key, value in data.items():
        if isinstance(value, dict) and ANSWER in value:
            kind = value.pop(ANSWER)
            if kind in PROBLEM_NAMES:
                problems.append({"field": key, "type": kind, **value})
        elif isinstance(value, dict) and value.get("__typename") in PROBLEM_NAMES:
            problems.append({"field": key, "type": value["__typename"], **value})
    return problems
