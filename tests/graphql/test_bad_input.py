"""Bad input gets a clear refusal (never a 500) and nothing is written; a real 5xx is logged
with its request id and traceback, and the caller is told that id."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar import get
from litestar.testing import AsyncTestClient

from coe.app import create_app
from coe.auth.principal import Role
from coe.config import Settings
from coe.db import Sessions
from tests.helpers import Api, audit_count
from tests.sites.test_api import ADD_SITE, seed_enterprise, site_input

JSON = {"Content-Type": "application/json"}


async def _post(api: Api, body: bytes) -> Any:
    token = api.tokens.issue(Role.COE_ARCHITECT)
    return await api.client.post(
        "/graphql", content=body, headers={**JSON, "Authorization": f"Bearer {token}"}
    )


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (b'"hello"', "JSON object"),
        (b"42", "JSON object"),
        (b"[" * 100_000 + b"]" * 100_000, "nested"),
        (b'{"query": "{ me { subject } }", "variables": ' + b"[" * 500 + b"]" * 500 + b"}", ""),
        (b"{not json", "JSON"),
    ],
    ids=["string", "number", "deep", "deep-variables", "not-json"],
)
async def test_bodies_that_are_not_a_graphql_request_are_a_400(
    api: Api, body: bytes, says: str
) -> None:
    response = await _post(api, body)
    assert response.status_code == 400, response.text
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "BAD_REQUEST"
    assert says in error["message"]


async def test_deeply_nested_variables_are_refused_with_their_depth(api: Api) -> None:
    deep: Any = "x"
    for _ in range(200):
        deep = {"a": deep}
    token = api.tokens.issue(Role.COE_ARCHITECT)
    response = await api.client.post(
        "/graphql",
        json={"query": "query($c: JSON) { me { subject } }", "variables": {"c": deep}},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 400
    assert "nested deeper than" in response.json()["errors"][0]["message"]


@pytest.fixture
async def enterprise(sessions: Sessions) -> None:
    await seed_enterprise(sessions)


async def _site_count(api: Api) -> int:
    result = await api.as_role(Role.EXECUTIVE, "{ sites { totalCount } }")
    count: int = result.ok()["sites"]["totalCount"]
    return count


@pytest.mark.parametrize(
    ("document", "where"),
    [
        ('{ site(key: "cork\\u0000") { key } }', "site(key:)"),
        ('{ validateTemplate(source: "a: \\u0000") { path } }', "validateTemplate(source:)"),
        (
            'mutation { addSite(input: {key: "x", name: "N\\u0000", region: "emea", '
            'timeZone: "UTC"}) { key } }',
            "addSite(input:).name",
        ),
        (
            'mutation { addSite(input: {key: "x", name: "N", region: "emea", timeZone: "UTC", '
            'regulatoryScope: ["ok", "\\u0000"]}) { key } }',
            "addSite(input:).regulatoryScope[1]",
        ),
    ],
)
async def test_a_nul_in_a_literal_is_bad_input_and_nothing_is_written(
    api: Api, sessions: Sessions, enterprise: None, document: str, where: str
) -> None:
    before = await audit_count(sessions)
    result = await api.as_role(Role.COE_ARCHITECT, document)
    assert result.codes == ["BAD_USER_INPUT"], result.body
    assert where in result.errors[0]["message"]
    assert "U+0000" in result.errors[0]["message"]
    assert result.data is None
    assert await audit_count(sessions) == before
    assert await _site_count(api) == 0


async def test_a_nul_in_a_variable_is_bad_input_and_nothing_is_written(
    api: Api, sessions: Sessions, enterprise: None
) -> None:
    before = await audit_count(sessions)
    labels = [{"key": "bu", "value": "ok"}, {"key": "bu2", "value": "bad\x00"}]
    result = await api.as_role(
        Role.COE_ARCHITECT, ADD_SITE, {"input": site_input("cork", labels=labels)}
    )
    assert result.codes == ["BAD_USER_INPUT"], result.body
    assert "$input.labels[1].value" in result.errors[0]["message"]
    assert await audit_count(sessions) == before
    assert await _site_count(api) == 0
    # The same site without the NUL goes in: the refusal was about the NUL alone.
    labels[1]["value"] = "fine"
    (
        await api.as_role(
            Role.COE_ARCHITECT, ADD_SITE, {"input": site_input("cork", labels=labels)}
        )
    ).ok()
    assert await _site_count(api) == 1


async def test_a_nul_inside_a_json_argument_is_bad_input(api: Api) -> None:
    token = api.tokens.issue(Role.NPI_ENGINEER)
    result = await api.gql(
        'query($c: JSON) { transferPackage(template: "t", fromSite: "a", toSite: "b", '
        "choices: $c) { ready } }",
        {"c": {"speed\x00": 1}},
        token=token,
    )
    assert result.codes == ["BAD_USER_INPUT"], result.body
    assert "$c" in result.errors[0]["message"]


async def test_an_unpaired_surrogate_in_a_variable_is_bad_input(api: Api) -> None:
    # JSON's \ud800 escape decodes to a lone surrogate, which no encoder can write out.
    body = b'{"query": "query($s: String!) { validateTemplate(source: $s) { path } }", '
    body += b'"variables": {"s": "a: \\ud800"}}'
    response = await _post(api, body)
    assert response.status_code == 200
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "$s" in error["message"]
    assert "surrogate" in error["message"]


VALIDATE = "query($s: String!) { validateTemplate(source: $s) { path reason } }"
VALIDATE_OVERLAY = (
    "query($s: String!) { validateOverlay(source: $s) { violations { path reason } } }"
)
SAVE = "mutation($s: String!) { saveTemplateDraft(source: $s) { outcome } }"


@pytest.mark.parametrize(
    ("source", "pointer", "says"),
    [
        ("Bu3\u0089Ö", "", "U+0089"),
        ("[" * 5_000, "/0" * 65, "nested deeper than 64"),
        ("a:\n" + "".join("  " * i + "- \n" for i in range(1, 400)), "/a" + "/0" * 64, "deeper"),
        ('key: "cork\\0"', "/key", "U+0000"),
        ("when: 2024-13-45", "", "not valid YAML"),
        ("n: " + "1" * 5_000, "", "not valid YAML"),
    ],
    ids=["control-character", "deep-flow", "deep-block", "escaped-nul", "bad-date", "huge-int"],
)
async def test_unreadable_yaml_is_a_violation_with_a_pointer(
    api: Api, sessions: Sessions, source: str, pointer: str, says: str
) -> None:
    token = api.tokens.issue(Role.COE_ARCHITECT)
    result = await api.gql(VALIDATE, {"s": source}, token=token)
    violations = result.ok()["validateTemplate"]
    assert len(violations) == 1, violations
    assert violations[0]["path"] == pointer
    assert says in violations[0]["reason"]

    result = await api.gql(VALIDATE_OVERLAY, {"s": source}, token=token)
    assert result.ok()["validateOverlay"]["violations"] == violations

    before = await audit_count(sessions)
    result = await api.gql(SAVE, {"s": source}, token=token)
    assert result.codes == ["VALIDATION_FAILED"], result.body
    assert [{"path": v["path"], "reason": v["reason"]} for v in result.violations] == violations
    assert await audit_count(sessions) == before


async def test_a_deep_literal_in_the_query_text_is_refused(api: Api) -> None:
    token = api.tokens.issue(Role.COE_ARCHITECT)
    deep = "[" * 1_500 + "]" * 1_500
    result = await api.gql(
        f'{{ transferPackage(template: "t", fromSite: "a", toSite: "b", choices: {deep}) '
        "{ ready } }",
        token=token,
    )
    assert result.status == 200
    assert result.codes == ["GRAPHQL_VALIDATION_FAILED"], result.body


@get("/test-only/broken", sync_to_thread=False)
def broken() -> None:
    raise RuntimeError("disk on fire: secret=hunter2")


@pytest.fixture
async def broken_client(settings: Settings) -> AsyncIterator[AsyncTestClient[Any]]:
    """The real app with one extra route that fails (started before caplog's handler is set,
    as Litestar configures logging at startup)."""
    app = create_app(settings)
    app.register(broken)
    async with AsyncTestClient(app=app) as client:
        yield client


async def test_an_unhandled_error_is_logged_with_its_request_id_and_traceback(
    broken_client: AsyncTestClient[Any], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="coe.app"):
        response = await broken_client.get("/test-only/broken", headers={"X-Request-ID": "req-500"})
    assert response.status_code == 500
    assert response.headers["x-request-id"] == "req-500"
    body = response.json()
    assert body["requestId"] == "req-500"
    assert body["error"] == "INTERNAL_SERVER_ERROR"
    assert "req-500" in body["message"]
    assert "hunter2" not in response.text
    [record] = [r for r in caplog.records if "req-500" in r.getMessage()]
    assert record.exc_info is not None
    assert record.exc_info[0] is RuntimeError
    assert "/test-only/broken" in record.getMessage()
