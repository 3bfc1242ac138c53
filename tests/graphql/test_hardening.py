"""GraphQL hardening: limits, masking, body size, production switches, deny by default."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from pydantic import SecretStr

from coe.app import create_app
from coe.auth.principal import Role
from coe.config import Environment, Settings
from coe.db import Sessions
from coe.graphql.schema import Mutation, Query
from tests.helpers import Api, Tokens, audit_count
from tests.sites.test_api import seed_enterprise

# One valid call per mutation; a mutation missing here fails test_table_covers_every_mutation,
# so nothing new escapes the deny-by-default checks.
SIGNER = '{username: "x", password: "y", reason: "z"}'
MUTATIONS: dict[str, str] = {
    "addSite": 'mutation { addSite(input: {key: "new-site", name: "N", region: "emea", '
    'timeZone: "UTC"}) { key } }',
    "updateSite": 'mutation { updateSite(key: "cork", patch: {name: "C"}) { key } }',
    "setEnvironments": 'mutation { setEnvironments(environments: ["production"]) '
    "{ environments } }",
    "setPlantInstance": 'mutation { setPlantInstance(site: "cork", environment: "validation", '
    'endpoint: "http://127.0.0.1:9") { key } }',
    "removePlantInstance": 'mutation { removePlantInstance(site: "cork", '
    'environment: "validation") { key } }',
    "addArea": 'mutation { addArea(site: "cork", key: "pkg", name: "P") { key } }',
    "addWorkCenter": 'mutation { addWorkCenter(site: "cork", area: "pkg", key: "l1", '
    'name: "L") { key } }',
    "addWorkUnit": 'mutation { addWorkUnit(site: "cork", workCenter: "l1", key: "u1", '
    'name: "U") { key } }',
    "saveTemplateDraft": 'mutation { saveTemplateDraft(source: "kind: x") { outcome } }',
    "submitTemplate": 'mutation { submitTemplate(key: "t", version: "1.0.0") { key } }',
    "approveTemplate": 'mutation { approveTemplate(key: "t", version: "1.0.0", '
    f"signature: {SIGNER}) {{ key }} }}",
    "returnTemplateToDraft": 'mutation { returnTemplateToDraft(key: "t", version: "1.0.0", '
    'reason: "r") { key } }',
    "publishTemplate": 'mutation { publishTemplate(key: "t", version: "1.0.0") { key } }',
    "deprecateTemplate": 'mutation { deprecateTemplate(key: "t", version: "1.0.0", '
    'reason: "r") { key } }',
    "retireTemplate": 'mutation { retireTemplate(key: "t", version: "1.0.0", reason: "r") '
    "{ key } }",
    "proposeOverlay": 'mutation { proposeOverlay(source: "kind: x") { outcome } }',
    "approveOverlay": 'mutation { approveOverlay(site: "cork", template: "t", version: 1, '
    f"signature: {SIGNER}) {{ version }} }}",
    "rejectOverlay": 'mutation { rejectOverlay(site: "cork", template: "t", version: 1, '
    'reason: "r") { version } }',
    "startRollout": 'mutation { startRollout(plan: "kind: x") { id } }',
    "approveRolloutGate": 'mutation { approveRolloutGate(id: "r", wave: "w", '
    f"signature: {SIGNER}) {{ id }} }}",
    "pauseRollout": 'mutation { pauseRollout(id: "r") { id } }',
    "resumeRollout": 'mutation { resumeRollout(id: "r") { id } }',
    "abortRollout": 'mutation { abortRollout(id: "r", rollback: true) { id } }',
    "retryRollout": 'mutation { retryRollout(id: "r") { id } }',
    "skipRolloutSite": 'mutation { skipRolloutSite(id: "r", site: "cork", reason: "x") { id } }',
    "startTransfer": 'mutation { startTransfer(input: {template: "t", fromSite: "cork", '
    'toSite: "penang"}) { id } }',
    "completeTransferOverlay": 'mutation { completeTransferOverlay(id: "t") { id } }',
    "approveTransfer": 'mutation { approveTransfer(id: "t", side: "source", '
    'signature: {reason: "x"}) { id } }',
    "extendTransferQualification": 'mutation { extendTransferQualification(id: "t", '
    'window: "1d") { id } }',
    "failTransfer": 'mutation { failTransfer(id: "t", reason: "x") { id } }',
    "cancelTransfer": 'mutation { cancelTransfer(id: "t", reason: "x") { id } }',
    "unlockSigning": 'mutation { unlockSigning(username: "x", reason: "r") { userId } }',
    "saveValidationRecord": 'mutation { saveValidationRecord(source: "kind: x") { outcome } }',
    "recordValidationResult": 'mutation { recordValidationResult(template: "t", '
    'version: "1.0.0", testCase: "TC-1", outcome: PASS, actual: "a", '
    f"signature: {SIGNER}) {{ __typename }} }}",
    "runValidationChecks": 'mutation { runValidationChecks(template: "t", version: "1.0.0") '
    "{ __typename } }",
    "openValidationDeviation": 'mutation { openValidationDeviation(template: "t", '
    'version: "1.0.0", title: "t", description: "d") { __typename } }',
    "closeValidationDeviation": 'mutation { closeValidationDeviation(template: "t", '
    'version: "1.0.0", key: "DEV-1", resolution: "r") { __typename } }',
    "reuseValidationResults": 'mutation { reuseValidationResults(template: "t", '
    'version: "1.0.0") { __typename } }',
    "concludeValidation": 'mutation { concludeValidation(template: "t", version: "1.0.0", '
    f'conclusion: "c", signature: {SIGNER}) {{ __typename }} }}',
}
ARCHITECT_ONLY: list[Role] = [r for r in Role if r is not Role.COE_ARCHITECT]
HIERARCHY: list[Role] = [r for r in Role if r not in (Role.COE_ARCHITECT, Role.SITE_ADMIN)]
APPROVERS: list[Role] = [r for r in Role if r not in (Role.COE_ARCHITECT, Role.QA_APPROVER)]
NPI_ONLY: list[Role] = [r for r in Role if r is not Role.NPI_ENGINEER]
QA_ONLY: list[Role] = [r for r in Role if r is not Role.QA_APPROVER]
TESTERS: list[Role] = [
    r for r in Role if r not in (Role.COE_ARCHITECT, Role.NPI_ENGINEER, Role.QA_APPROVER)
]
# Roles that may not call each mutation at all.
FORBIDDEN_ROLES: dict[str, list[Role]] = {
    "addSite": ARCHITECT_ONLY,
    "updateSite": ARCHITECT_ONLY,
    "setEnvironments": ARCHITECT_ONLY,
    "setPlantInstance": HIERARCHY,
    "removePlantInstance": HIERARCHY,
    "addArea": HIERARCHY,
    "addWorkCenter": HIERARCHY,
    "addWorkUnit": HIERARCHY,
    "saveTemplateDraft": ARCHITECT_ONLY,
    "submitTemplate": ARCHITECT_ONLY,
    "approveTemplate": APPROVERS,
    "returnTemplateToDraft": APPROVERS,
    "publishTemplate": ARCHITECT_ONLY,
    "deprecateTemplate": ARCHITECT_ONLY,
    "retireTemplate": ARCHITECT_ONLY,
    "proposeOverlay": HIERARCHY,
    "approveOverlay": APPROVERS,
    "rejectOverlay": APPROVERS,
    "startRollout": ARCHITECT_ONLY,
    # Any person may try; the workflow's validator checks the gate's role, sites and signer.
    "approveRolloutGate": [Role.PLANT],
    "pauseRollout": ARCHITECT_ONLY,
    "resumeRollout": ARCHITECT_ONLY,
    "abortRollout": ARCHITECT_ONLY,
    "retryRollout": ARCHITECT_ONLY,
    "skipRolloutSite": ARCHITECT_ONLY,
    "startTransfer": NPI_ONLY,
    "completeTransferOverlay": HIERARCHY,
    # Any person may try; the service checks QA approver of that side's site, the workflow the
    # rest.
    "approveTransfer": [Role.PLANT],
    "extendTransferQualification": NPI_ONLY,
    "failTransfer": NPI_ONLY,
    "cancelTransfer": NPI_ONLY,
    "unlockSigning": ARCHITECT_ONLY,
    "saveValidationRecord": APPROVERS,
    "recordValidationResult": TESTERS,
    "runValidationChecks": TESTERS,
    "openValidationDeviation": TESTERS,
    "closeValidationDeviation": TESTERS,
    "reuseValidationResults": TESTERS,
    "concludeValidation": QA_ONLY,
}


def test_table_covers_every_mutation() -> None:
    definition = Mutation.__strawberry_definition__  # type: ignore[attr-defined]
    fields = {field.graphql_name or _camel(field.python_name) for field in definition.fields}
    assert set(MUTATIONS) == fields
    assert set(FORBIDDEN_ROLES) == fields


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


@pytest.fixture
async def cork(api: Api, sessions: Sessions) -> None:
    await seed_enterprise(sessions)
    result = await api.as_role(
        Role.COE_ARCHITECT,
        'mutation { addSite(input: {key: "cork", '
        'name: "Cork", region: "emea", timeZone: "UTC"}) { key } }',
    )
    result.ok()


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
async def test_every_mutation_refuses_anonymous_callers(
    api: Api, sessions: Sessions, cork: None, mutation: str
) -> None:
    before = await audit_count(sessions)
    for headers in ({}, {"Authorization": "Bearer garbage"}):
        result = await api.gql(MUTATIONS[mutation], headers=headers)
        assert result.codes == ["UNAUTHENTICATED"]
        assert result.data is None
    assert await audit_count(sessions) == before


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
async def test_every_mutation_refuses_roles_without_the_right(
    api: Api, sessions: Sessions, cork: None, mutation: str
) -> None:
    before = await audit_count(sessions)
    for role in FORBIDDEN_ROLES[mutation]:
        result = await api.as_role(role, MUTATIONS[mutation], sites=["cork"])
        assert result.codes == ["FORBIDDEN"], role
    assert await audit_count(sessions) == before


QUERIES: dict[str, str] = {
    "me": "{ me { subject } }",
    "enterprise": "{ enterprise { key } }",
    "sites": "{ sites { totalCount } }",
    "site": '{ site(key: "cork") { key } }',
    "auditRecords": "{ auditRecords { totalCount } }",
    "auditRecord": "{ auditRecord(seq: 1) { seq } }",
    "auditChain": "{ auditChain { intact } }",
    "signatures": '{ signatures(entityType: "x", entityId: "y") { id } }',
    "templates": "{ templates { totalCount } }",
    "templateVersion": '{ templateVersion(key: "t") { key } }',
    "templateDiff": '{ templateDiff(key: "t", fromVersion: "1.0.0", toVersion: "2.0.0") '
    "{ breaking } }",
    "upgradeImpact": '{ upgradeImpact(template: "t", toVersion: "2.0.0") { template } }',
    "validateTemplate": '{ validateTemplate(source: "x: 1") { path } }',
    "overlays": "{ overlays { site } }",
    "validateOverlay": '{ validateOverlay(source: "x: 1") { migrations } }',
    "effectiveDefinition": '{ effectiveDefinition(site: "cork", template: "t") { sha256 } }',
    "rollout": '{ rollout(id: "r") { id } }',
    "rollouts": "{ rollouts { totalCount } }",
    "ledger": "{ ledger { site } }",
    "drift": "{ drift { site } }",
    "kpis": "{ kpis(metric: RIGHT_FIRST_TIME) { rows { rank } } }",
    "compareVersions": '{ compareVersions(template: "t", fromVersion: "1.0.0", '
    'toVersion: "2.0.0") { template } }',
    "adoption": "{ adoption { template } }",
    "transferPackage": '{ transferPackage(template: "t", fromSite: "cork", toSite: "penang") '
    "{ ready } }",
    "transfer": '{ transfer(id: "t") { id } }',
    "transfers": "{ transfers { totalCount } }",
    "signingLocks": "{ signingLocks { userId } }",
    "checkRolloutPlan": '{ checkRolloutPlan(plan: "kind: x") { template } }',
    "validationRecord": '{ validationRecord(template: "t", version: "1.0.0") { version } }',
    "validationRecords": "{ validationRecords { version } }",
}


def test_query_table_covers_every_query() -> None:
    definition = Query.__strawberry_definition__  # type: ignore[attr-defined]
    assert set(QUERIES) == {
        field.graphql_name or _camel(field.python_name) for field in definition.fields
    }


@pytest.mark.parametrize("query", sorted(QUERIES))
async def test_every_query_refuses_anonymous_callers(api: Api, query: str) -> None:
    for headers in ({}, {"Authorization": "Bearer garbage"}):
        result = await api.gql(QUERIES[query], headers=headers)
        assert result.codes == ["UNAUTHENTICATED"], query
        assert not any((result.data or {}).values()), "nothing is returned"


async def test_the_deepest_legitimate_query_fits_the_default_depth(api: Api) -> None:
    deepest = "{ sites { nodes { areas { workCenters { workUnits { key } } } } } }"
    assert (await api.as_role(Role.EXECUTIVE, deepest)).errors == []


async def test_too_deep_queries_are_refused(settings: Settings, tmp_path: Path) -> None:
    shallow = settings.model_copy(update={"graphql_max_depth": 3})
    tokens = Tokens(shallow)
    async with AsyncTestClient(app=create_app(shallow)) as client:
        api = Api(client, tokens)
        result = await api.as_role(
            Role.EXECUTIVE, "{ sites { nodes { areas { workCenters { key } } } } }"
        )
    assert result.codes == ["GRAPHQL_VALIDATION_FAILED"]
    assert "exceeds maximum operation depth" in result.errors[0]["message"]


async def test_aliases_are_limited(api: Api) -> None:
    many = "{ " + " ".join(f"a{i}: me {{ subject }}" for i in range(16)) + " }"
    result = await api.as_role(Role.EXECUTIVE, many)
    assert result.codes == ["GRAPHQL_VALIDATION_FAILED"]
    assert "aliases" in result.errors[0]["message"]
    few = "{ " + " ".join(f"a{i}: me {{ subject }}" for i in range(3)) + " }"
    assert (await api.as_role(Role.EXECUTIVE, few)).errors == []


async def test_tokens_are_limited(api: Api) -> None:
    huge = "{ me { " + " ".join(["subject"] * 2500) + " } }"
    result = await api.as_role(Role.EXECUTIVE, huge)
    assert result.codes == ["GRAPHQL_VALIDATION_FAILED"]
    assert "token" in result.errors[0]["message"].lower()


async def test_oversized_bodies_are_refused(api: Api) -> None:
    token = api.tokens.issue(Role.EXECUTIVE)
    body = {"query": "{ me { subject } }", "variables": {"padding": "x" * 1_100_000}}
    response = await api.client.post(
        "/graphql", json=body, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 413


async def test_malformed_requests_get_a_clear_error(api: Api) -> None:
    token = api.tokens.issue(Role.EXECUTIVE)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    response = await api.client.post("/graphql", content=b"{not json", headers=headers)
    assert response.status_code == 400
    result = await api.gql("{ me { subject ", token=token)
    assert result.codes == ["GRAPHQL_VALIDATION_FAILED"]
    assert "Syntax Error" in result.errors[0]["message"]


async def test_internal_errors_are_masked_and_logged_with_the_request_id(
    api: Api,
    sessions: Sessions,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    from coe.sites import service

    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("database password is hunter2")

    monkeypatch.setattr(service, "list_sites", broken)
    token = api.tokens.issue(Role.EXECUTIVE)
    with caplog.at_level(logging.ERROR, logger="coe.graphql"):
        result = await api.gql(
            "{ sites { totalCount } }", token=token, headers={"X-Request-ID": "trace-me"}
        )
    assert result.codes == ["INTERNAL_SERVER_ERROR"]
    assert "hunter2" not in str(result.body)
    assert "trace-me" in result.errors[0]["message"]
    assert any("trace-me" in record.getMessage() for record in caplog.records)


async def test_responses_carry_the_request_id(api: Api) -> None:
    response = await api.client.get("/health", headers={"X-Request-ID": "abc-123"})
    assert response.headers["x-request-id"] == "abc-123"
    response = await api.client.get("/health", headers={"X-Request-ID": "bad id\x01"})
    assert len(response.headers["x-request-id"]) == 32


async def test_health_and_readiness(api: Api) -> None:
    assert (await api.client.get("/health")).json() == {"status": "ok"}
    ready = await api.client.get("/ready")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"database": True, "temporal": True}


async def test_readiness_fails_when_temporal_is_unreachable(settings: Settings) -> None:
    broken = settings.model_copy(update={"temporal_address": "127.0.0.1:9"})
    async with AsyncTestClient(app=create_app(broken)) as client:
        ready = await client.get("/ready")
    assert ready.status_code == 503
    assert ready.json()["checks"] == {"database": True, "temporal": False}


async def test_production_turns_off_introspection_and_graphiql(settings: Settings) -> None:
    production = settings.model_copy(
        update={
            "env": Environment.PRODUCTION,
            "dev_issuer_enabled": True,
            "audit_key": SecretStr("ab" * 32),
            "plant_key": SecretStr("cd" * 32),
            "audit_anchor_sink": f"file:{settings.home / 'anchors.jsonl'}",
        }
    )
    tokens = Tokens(production)
    async with AsyncTestClient(app=create_app(production)) as client:
        api = Api(client, tokens)
        result = await api.as_role(Role.EXECUTIVE, "{ __schema { types { name } } }")
        assert result.errors
        assert "introspection" in result.errors[0]["message"].lower()
        ide = await client.get("/graphql", headers={"Accept": "text/html"})
        assert ide.status_code in (404, 405, 400)
    async with AsyncTestClient(app=create_app(settings)) as client:
        ide = await client.get("/graphql", headers={"Accept": "text/html"})
        assert ide.status_code == 200
        assert "graphiql" in ide.text.lower()


async def test_variables_of_the_wrong_shape_are_bad_input(api: Api) -> None:
    token = api.tokens.issue(Role.AUDITOR)
    result = await api.gql(
        "query($f: AuditFilter) { auditRecords(filter: $f) { totalCount } }",
        {"f": {"nonsense": 1}},
        token=token,
    )
    assert result.codes == ["BAD_USER_INPUT"]
    assert "nonsense" in result.errors[0]["message"]
