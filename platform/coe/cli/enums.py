"""GraphQL enums as the CLI prints them: lowercase, the spelling of tables and the docs.

On the wire GraphQL enums are UPPER_CASE (`PUBLISHED`); everything the CLI shows — tables,
`--json`, plain rows — says `published`. `ApiClient` converts every answer once, here, so no
command spells a status twice. `ENUM_FIELDS` names each field (any type) whose type is an
enum, with the values it may carry; `tests/cli/test_enums.py` checks it against the schema.
"""

from __future__ import annotations

from typing import Any

ENUM_FIELDS: dict[str, frozenset[str]] = {
    # A problem's code (ProblemCode) never reaches a table: ApiClient raises the problem first,
    # with its code as the API spells it, like an error's.
    "code": frozenset(
        {
            "BAD_USER_INPUT",
            "CONFLICT",
            "NOT_FOUND",
            "SIGNATURE_REJECTED",
            "SIGNING_LOCKED",
            "VALIDATION_FAILED",
        }
    ),
    "kind": frozenset({"AUTOMATED", "MANUAL", "REUSED"}),
    "level": frozenset({"HIGH", "NOT_HIGH"}),
    "metric": frozenset({"RELEASE_VELOCITY", "REWORK_RATIO", "RIGHT_FIRST_TIME", "SCRAP_RATIO"}),
    "outcome": frozenset({"FAIL", "PASS"}),
    "severity": frozenset({"ERROR", "WARNING"}),
    "status": frozenset(
        {
            "APPROVED",
            "CLOSED",
            "COMPATIBLE",
            "DEPRECATED",
            "DRAFT",
            "IN_REVIEW",
            "NEEDS_OVERLAY_CHANGE",
            "NOT_USING",
            "OPEN",
            "PROPOSED",
            "PUBLISHED",
            "REJECTED",
            "RETIRED",
            "SUPERSEDED",
        }
    ),
}


def enum_fields(schema: Any) -> dict[str, frozenset[str]]:
    """`ENUM_FIELDS` as the graphql-core `schema` defines it (for the test that keeps the two
    equal)."""
    from graphql import GraphQLEnumType, GraphQLInterfaceType, GraphQLObjectType, get_named_type

    found: dict[str, set[str]] = {}
    for name, kind in schema.type_map.items():
        if name.startswith("__") or not isinstance(kind, GraphQLObjectType | GraphQLInterfaceType):
            continue
        for field_name, field in kind.fields.items():
            named = get_named_type(field.type)
            if isinstance(named, GraphQLEnumType):
                found.setdefault(field_name, set()).update(named.values)
    return {field_name: frozenset(values) for field_name, values in sorted(found.items())}


def lowercase_enums(answer: Any) -> Any:
    """`answer` (GraphQL data) with every enum value in lowercase; other values unchanged."""
    if isinstance(answer, list):
        return [lowercase_enums(item) for item in answer]
    if not isinstance(answer, dict):
        return answer
    return {key: _field(key, value) for key, value in answer.items()}


def _field(key: str, value: Any) -> Any:
    values = ENUM_FIELDS.get(key)
    if values is not None:
        if isinstance(value, str) and value in values:
            return value.lower()
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            return [item.lower() if item in values else item for item in value]
    return lowercase_enums(value)
