"""Fuzz every root field of the live schema (hypothesis-graphql): whatever a caller sends,
the answer is a refusal or a result, never an HTTP 5xx nor an INTERNAL_SERVER_ERROR.

Cases are generated first (deterministic: `derandomize=True`), then sent one by one to the
real app on a seeded world, so a failure lists every query that broke, not the first one.
Strings mix the world's real keys and documents (so resolvers reach real rows and workflows)
with arbitrary text, and real keys with NUL or another control character appended.
"""

from __future__ import annotations

import logging
import traceback
from datetime import UTC
from typing import Any

import graphql
import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis_graphql import Mode, mutations, nodes, queries

from coe.auth.principal import Role
from coe.config import Settings
from coe.graphql.schema import build_schema
from tests.world import PASSWORD, World, overlay, template

PER_FIELD = 18  # valid operations per root field (hypothesis stops early on tiny spaces)
NEGATIVE_PER_FIELD = 3  # operations with one schema violation, per root field
MINIMUM_CASES = 1_000

CONTROL = st.sampled_from(["\x00", "\x01", "\x08", "\x1b", "\x7f", "\x85", "\x89", "\u2028"])
TEXT = st.text(st.characters(codec="utf-8", max_codepoint=0xFFFF) | CONTROL, max_size=24)


def _plan(site: str = "penang") -> str:
    waves = [{"name": "pilot", "sites": [site], "gates": []}]
    return yaml.safe_dump(
        {
            "apiVersion": "coe.dev/v1",
            "kind": "RolloutPlan",
            "metadata": {"template": "pouch-sealing", "version": "1.0.0", "reason": "fuzz"},
            "spec": {"onIncompatibleOverlay": "skip", "waves": waves},
        }
    )


KEYS = st.sampled_from(
    [
        "cork",
        "penang",
        "pouch-sealing",
        "1.0.0",
        "1.1.0",
        "2.0.0",
        "ada",
        "quinn",
        PASSWORD,
        "emea",
        "Europe/Dublin",
        "source",
        "target",
        "30d",
    ]
)
DOCUMENTS = st.sampled_from(
    [
        yaml.safe_dump(template("1.1.0")),
        yaml.safe_dump(overlay(version=2, seal_temperature_c=188)),
        _plan(),
        "[" * 5_000,
        "a: &x [*x]",
        "Bu3\x89Ö",
        'key: "cork\\0"',
    ]
)
# A real key with a control character appended, as in `site(key: "cork\u0000")`.
TAINTED = st.tuples(KEYS | TEXT, CONTROL).map("".join)
STRINGS = st.one_of(KEYS, KEYS, DOCUMENTS, TEXT, TAINTED)
JSON_LEAF = (
    st.none().map(lambda _: graphql.NullValueNode())
    | st.booleans().map(nodes.Boolean)
    | st.integers(-(2**40), 2**40).map(nodes.Int)
    | st.floats(allow_nan=False, allow_infinity=False).map(nodes.Float)
    | STRINGS.map(nodes.String)
)
JSON_VALUE = st.recursive(
    JSON_LEAF,
    lambda children: (
        st.lists(children, max_size=3).map(nodes.List)
        | st.dictionaries(
            st.sampled_from(["seal_temperature_c", "cycles", "x"]) | TEXT, children, max_size=3
        ).map(
            lambda fields: nodes.Object(
                [
                    graphql.ObjectFieldNode(name=graphql.NameNode(value=_name(key)), value=value)
                    for key, value in fields.items()
                ]
            )
        )
    ),
    max_leaves=8,
)
SCALARS: dict[str, st.SearchStrategy[graphql.ValueNode]] = {
    "String": STRINGS.map(nodes.String),
    "JSON": JSON_VALUE,
    "Date": (st.dates().map(lambda d: d.isoformat()) | TEXT).map(nodes.String),
    "DateTime": (
        st.datetimes(timezones=st.none() | st.just(UTC)).map(lambda d: d.isoformat()) | TEXT
    ).map(nodes.String),
    "UUID": (st.uuids().map(str) | TEXT).map(nodes.String),
}


def _name(key: str) -> str:
    """A GraphQL object field name from arbitrary text (names are [_A-Za-z][_0-9A-Za-z]*)."""
    cleaned = "".join(c if c.isascii() and (c.isalnum() or c == "_") else "_" for c in key)
    return cleaned if cleaned[:1].isalpha() else "_" + cleaned


def _collect(strategy: st.SearchStrategy[str], count: int) -> list[str]:
    found: list[str] = []

    @settings(
        max_examples=count,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def gather(document: str) -> None:
        found.append(document)

    gather()
    return found


def fuzz_cases(schema: graphql.GraphQLSchema) -> list[tuple[str, str]]:
    """(root field, document) for every query and mutation field, valid and invalid ones."""
    cases: list[tuple[str, str]] = []
    for root, make in ((schema.query_type, queries), (schema.mutation_type, mutations)):
        assert root is not None
        for field in sorted(root.fields):
            for mode, count in ((Mode.POSITIVE, PER_FIELD), (Mode.NEGATIVE, NEGATIVE_PER_FIELD)):
                strategy = make(schema, fields=[field], custom_scalars=SCALARS, mode=mode)
                try:
                    cases += [(field, document) for document in _collect(strategy, count)]
                except InvalidArgument:  # NEGATIVE needs an argument to break; `me` has none
                    assert mode is Mode.NEGATIVE
    return cases


@pytest.fixture
async def seeded(world: World) -> World:
    """Cork and penang, pouch-sealing 1.0.0 published, penang's overlay approved."""
    await world.publish(template("1.0.0"))
    (await world.propose(overlay(seal_temperature_c=186))).ok()
    (await world.approve_overlay("penang", "pouch-sealing", 1)).ok()
    return world


async def test_no_input_gets_a_5xx_or_an_internal_error(
    seeded: World, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    schema = graphql.build_schema(build_schema(settings).as_str())
    cases = fuzz_cases(schema)
    assert schema.query_type is not None
    assert schema.mutation_type is not None
    fields = {*schema.query_type.fields, *schema.mutation_type.fields}
    assert {field for field, _ in cases} == fields, "every root field is fuzzed"
    assert len(cases) >= MINIMUM_CASES
    api = seeded.api
    tokens = [
        api.tokens.issue(Role.COE_ARCHITECT, subject="ada"),
        api.tokens.issue(*Role, sites=["cork", "penang"], subject="ada"),
    ]
    failures: list[str] = []
    with caplog.at_level(logging.ERROR):
        for number, (field, document) in enumerate(cases):
            request_id = f"fuzz-{number}"
            response = await api.client.post(
                "/graphql",
                json={"query": document},
                headers={
                    "Authorization": f"Bearer {tokens[number % 2]}",
                    "X-Request-ID": request_id,
                },
            )
            broken = _broken(response)
            if broken:
                cause = _cause(caplog.records, request_id)
                failures.append(f"{field}: {broken}: {cause}\n    {document}")
            caplog.clear()
    assert not failures, f"{len(failures)} of {len(cases)} cases broke:\n" + "\n".join(failures)


def _broken(response: Any) -> str | None:
    if response.status_code >= 500:
        return f"HTTP {response.status_code}"
    try:
        errors = response.json().get("errors") or []
    except ValueError:
        return None  # a non-JSON refusal (4xx) is still a refusal
    codes = [(error.get("extensions") or {}).get("code") for error in errors]
    return "INTERNAL_SERVER_ERROR" if "INTERNAL_SERVER_ERROR" in codes else None


def _cause(records: list[logging.LogRecord], request_id: str) -> str:
    """The logged exception and the innermost frame of our code that raised it."""
    for record in records:
        if request_id in record.getMessage() and record.exc_info and record.exc_info[1]:
            error = record.exc_info[1]
            frames = [f for f in traceback.extract_tb(error.__traceback__) if "/coe" in f.filename]
            where = f" at {frames[-1].filename}:{frames[-1].lineno}" if frames else ""
            return f"{type(error).__name__}: {str(error)[:200]}{where}"
    return "(no log record)"
