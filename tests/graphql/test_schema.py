"""The committed schema is current, documented, and every root field is guarded."""

from __future__ import annotations

from pathlib import Path

from graphql import GraphQLObjectType, GraphQLSchema

from coe.config import Settings
from coe.graphql.permissions import unguarded_root_fields
from coe.graphql.schema import Mutation, Query, build_schema, schema_sdl

ROOT = Path(__file__).resolve().parents[2]


def test_committed_schema_is_current() -> None:
    committed = (ROOT / "schema.graphql").read_text()
    assert committed == schema_sdl(), "schema.graphql is stale: run `make schema` and commit it"


def test_every_root_field_requires_authorization() -> None:
    assert unguarded_root_fields(Query, Mutation) == []


def test_every_type_and_field_has_a_description() -> None:
    schema: GraphQLSchema = build_schema(Settings())._schema
    missing = []
    for name, graphql_type in schema.type_map.items():
        if name.startswith("__") or not isinstance(graphql_type, GraphQLObjectType):
            continue
        if name not in ("Query", "Mutation") and not graphql_type.description:
            missing.append(name)
        missing += [
            f"{name}.{field}"
            for field, definition in graphql_type.fields.items()
            if not definition.description
        ]
    assert missing == []
