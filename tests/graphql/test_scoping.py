"""The scoping matrix: every Query and Mutation field of the schema, asked by callers scoped to
site A (penang) about site B's (cork's) objects, and by A's plant token. Each is refused or
answers nothing of B; the plant reaches only the fields made for it, for its own site. A field
added to the schema without a row here fails `test_every_field_has_a_scoping_case`."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from graphql import GraphQLObjectType

from coe.auth.principal import Role
from coe.config import Settings
from coe.db import Sessions, transaction
from coe.graphql.schema import build_schema
from coe.models import (
    DriftObservation,
    KpiDaily,
    LedgerEntry,
    Rollout,
    RolloutSite,
    Signature,
    Transfer,
)
from tests.helpers import Result
from tests.sites.test_api import add_sites
from tests.world import World, overlay, template

A, B = "penang", "cork"
R_B, T_B = "r-cork-only", "t-cork-to-galway"
REFUSED = {"FORBIDDEN", "NOT_FOUND"}
SIGNER = '{username: "rui", password: "long enough password", reason: "checked"}'
PLAN = "apiVersion: coe.dev/v1\nkind: RolloutPlan\nspec: {waves: [{name: w, sites: [cork]}]}"


@dataclass(frozen=True)
class Case:
    """`document` names B's objects; `refuse`: the answer must be FORBIDDEN or NOT_FOUND for
    the scoped callers (else it may answer, with nothing of B in it)."""

    document: str
    refuse: bool = False


def _overlay_source(site: str) -> str:
    return json.dumps(json.dumps(overlay(site=site)))  # a YAML (JSON) source as a literal


QUERIES: dict[str, Case] = {
    "me": Case("{ me { subject sites } }"),
    "enterprise": Case("{ enterprise { key name } }"),
    "sites": Case("{ sites { nodes { key } totalCount } }"),
    "site": Case('{ site(key: "cork") { key } }', refuse=True),
    "templates": Case("{ templates { nodes { key } } }"),
    "templateVersion": Case('{ templateVersion(key: "pouch-sealing") { key version } }'),
    "templateDiff": Case(
        '{ templateDiff(key: "pouch-sealing", fromVersion: "1.0.0", toVersion: "1.0.0") '
        "{ breaking } }"
    ),
    "upgradeImpact": Case(
        '{ upgradeImpact(template: "pouch-sealing", toVersion: "1.1.0") { sites { site } } }'
    ),
    "validateTemplate": Case('{ validateTemplate(source: "kind: ProcessTemplate") { reason } }'),
    "overlays": Case('{ overlays(site: "cork") { site version } }', refuse=True),
    "validateOverlay": Case(
        f"{{ validateOverlay(source: {_overlay_source(B)}) {{ migrations violations "
        "{ reason } } }"
    ),
    "effectiveDefinition": Case(
        '{ effectiveDefinition(site: "cork", template: "pouch-sealing") { sha256 } }',
        refuse=True,
    ),
    "checkRolloutPlan": Case(
        f"{{ checkRolloutPlan(plan: {json.dumps(PLAN)}) {{ waves {{ sites }} }} }}", refuse=True
    ),
    "rollout": Case(f'{{ rollout(id: "{R_B}") {{ id }} }}', refuse=True),
    "rollouts": Case("{ rollouts { nodes { id waves { sites { site } } } totalCount } }"),
    "ledger": Case('{ ledger(site: "cork") { site rolloutId } }', refuse=True),
    "drift": Case("{ drift { site detail } }"),
    "kpis": Case(
        '{ kpis(metric: RIGHT_FIRST_TIME, groupBy: [SITE], from: "2026-01-01", '
        'to: "2026-01-31") { rows { group { site } denominator } enterprise { denominator } } }'
    ),
    "compareVersions": Case(
        '{ compareVersions(template: "pouch-sealing", fromVersion: "1.0.0", toVersion: '
        '"1.0.0", from: "2026-01-01", to: "2026-01-31") { sites { site } } }'
    ),
    "adoption": Case("{ adoption { template sitesUsing leadTimes { site } } }"),
    "transferPackage": Case(
        '{ transferPackage(template: "pouch-sealing", fromSite: "cork", toSite: "penang") '
        "{ template } }",
        refuse=True,
    ),
    "transfer": Case(f'{{ transfer(id: "{T_B}") {{ id }} }}', refuse=True),
    "transfers": Case("{ transfers { nodes { id source target } totalCount } }"),
    "auditRecords": Case(
        '{ auditRecords(filter: {site: "cork"}) { nodes { seq site } } }', refuse=True
    ),
    # Every early record by number: those of B (its creation among them) are not found.
    "auditRecord": Case(
        "{ "
        + " ".join(
            f"r{seq}: auditRecord(seq: {seq}) {{ seq site entityId }}" for seq in range(1, 13)
        )
        + " }"
    ),
    "auditChain": Case("{ auditChain { intact records } }"),
    "signingLocks": Case("{ signingLocks { userId } }", refuse=True),
    "signatures": Case(
        '{ signatures(entityType: "overlay", entityId: "cork/pouch-sealing#1") '
        "{ entityId printedName reason } }"
    ),
    # Enterprise-wide (a version is validated once, centrally): nothing of a site in them.
    "validationRecord": Case(
        '{ validationRecord(template: "pouch-sealing", version: "1.0.0") { version } }'
    ),
    "validationRecords": Case("{ validationRecords { template version } }"),
}

MUTATIONS: dict[str, Case] = {
    "addSite": Case(
        'mutation { addSite(input: {key: "galway2", name: "G", region: "emea", country: "IE", '
        'timeZone: "Europe/Dublin"}) { key } }',
        refuse=True,
    ),
    "updateSite": Case(
        'mutation { updateSite(key: "cork", patch: {name: "Cork!"}) { key } }', refuse=True
    ),
    "setEnvironments": Case(
        'mutation { setEnvironments(environments: ["production"]) { environments } }',
        refuse=True,
    ),
    "setPlantInstance": Case(
        'mutation { setPlantInstance(site: "cork", environment: "validation", '
        'endpoint: "http://127.0.0.1:9") { key } }',
        refuse=True,
    ),
    "removePlantInstance": Case(
        'mutation { removePlantInstance(site: "cork", environment: "production") { key } }',
        refuse=True,
    ),
    "addArea": Case('mutation { addArea(site: "cork", key: "x", name: "X") { key } }', refuse=True),
    "addWorkCenter": Case(
        'mutation { addWorkCenter(site: "cork", area: "x", key: "y", name: "Y") { key } }',
        refuse=True,
    ),
    "addWorkUnit": Case(
        'mutation { addWorkUnit(site: "cork", workCenter: "y", key: "z", name: "Z") { key } }',
        refuse=True,
    ),
    "saveTemplateDraft": Case(
        'mutation { saveTemplateDraft(source: "kind: ProcessTemplate") { outcome } }',
        refuse=True,
    ),
    "submitTemplate": Case(
        'mutation { submitTemplate(key: "pouch-sealing", version: "1.0.0") { status } }',
        refuse=True,
    ),
    "approveTemplate": Case(
        'mutation { approveTemplate(key: "pouch-sealing", version: "1.0.0", '
        f"signature: {SIGNER}) {{ status }} }}",
        refuse=True,
    ),
    "returnTemplateToDraft": Case(
        'mutation { returnTemplateToDraft(key: "pouch-sealing", version: "1.0.0", '
        'reason: "r") { status } }',
        refuse=True,
    ),
    "publishTemplate": Case(
        'mutation { publishTemplate(key: "pouch-sealing", version: "1.0.0") { status } }',
        refuse=True,
    ),
    "deprecateTemplate": Case(
        'mutation { deprecateTemplate(key: "pouch-sealing", version: "1.0.0", reason: "r") '
        "{ status } }",
        refuse=True,
    ),
    "retireTemplate": Case(
        'mutation { retireTemplate(key: "pouch-sealing", version: "1.0.0", reason: "r") '
        "{ status } }",
        refuse=True,
    ),
    "proposeOverlay": Case(
        f"mutation {{ proposeOverlay(source: {_overlay_source(B)}) {{ outcome }} }}",
        refuse=True,
    ),
    "approveOverlay": Case(
        'mutation { approveOverlay(site: "cork", template: "pouch-sealing", version: 2, '
        f"signature: {SIGNER}) {{ status }} }}",
        refuse=True,
    ),
    "rejectOverlay": Case(
        'mutation { rejectOverlay(site: "cork", template: "pouch-sealing", version: 2, '
        'reason: "r") { status } }',
        refuse=True,
    ),
    "startRollout": Case(
        f"mutation {{ startRollout(plan: {json.dumps(PLAN)}) {{ id }} }}", refuse=True
    ),
    "approveRolloutGate": Case(
        f'mutation {{ approveRolloutGate(id: "{R_B}", wave: "pilot", signature: {SIGNER}) '
        "{ id } }",
        refuse=True,
    ),
    "pauseRollout": Case(f'mutation {{ pauseRollout(id: "{R_B}") {{ id }} }}', refuse=True),
    "resumeRollout": Case(f'mutation {{ resumeRollout(id: "{R_B}") {{ id }} }}', refuse=True),
    "abortRollout": Case(f'mutation {{ abortRollout(id: "{R_B}") {{ id }} }}', refuse=True),
    "retryRollout": Case(f'mutation {{ retryRollout(id: "{R_B}") {{ id }} }}', refuse=True),
    "skipRolloutSite": Case(
        f'mutation {{ skipRolloutSite(id: "{R_B}", site: "cork", reason: "r") {{ id }} }}',
        refuse=True,
    ),
    "startTransfer": Case(
        'mutation { startTransfer(input: {template: "pouch-sealing", fromSite: "cork", '
        'toSite: "galway"}) { id } }',
        refuse=True,
    ),
    "completeTransferOverlay": Case(
        f'mutation {{ completeTransferOverlay(id: "{T_B}") {{ id }} }}', refuse=True
    ),
    "approveTransfer": Case(
        f'mutation {{ approveTransfer(id: "{T_B}", side: "source", signature: {SIGNER}) '
        "{ id } }",
        refuse=True,
    ),
    "extendTransferQualification": Case(
        f'mutation {{ extendTransferQualification(id: "{T_B}", window: "P1D") {{ id }} }}',
        refuse=True,
    ),
    "failTransfer": Case(f'mutation {{ failTransfer(id: "{T_B}", reason: "r") {{ id }} }}', True),
    "unlockSigning": Case(
        'mutation { unlockSigning(username: "rui", reason: "r") { userId } }', refuse=True
    ),
    "cancelTransfer": Case(
        f'mutation {{ cancelTransfer(id: "{T_B}", reason: "r") {{ id }} }}', refuse=True
    ),
    # Enterprise-wide: a QA approver of one site does not validate for every site.
    "saveValidationRecord": Case(
        'mutation { saveValidationRecord(source: "kind: ValidationRecord") { outcome } }',
        refuse=True,
    ),
    "recordValidationResult": Case(
        'mutation { recordValidationResult(template: "pouch-sealing", version: "1.0.0", '
        f'testCase: "TC-1", outcome: PASS, actual: "a", signature: {SIGNER}) '
        "{ __typename } }",
        refuse=True,
    ),
    "runValidationChecks": Case(
        'mutation { runValidationChecks(template: "pouch-sealing", version: "1.0.0") '
        "{ __typename } }",
        refuse=True,
    ),
    "openValidationDeviation": Case(
        'mutation { openValidationDeviation(template: "pouch-sealing", version: "1.0.0", '
        'title: "t", description: "d") { __typename } }',
        refuse=True,
    ),
    "closeValidationDeviation": Case(
        'mutation { closeValidationDeviation(template: "pouch-sealing", version: "1.0.0", '
        'key: "DEV-1", resolution: "r") { __typename } }',
        refuse=True,
    ),
    "reuseValidationResults": Case(
        'mutation { reuseValidationResults(template: "pouch-sealing", version: "1.0.0") '
        "{ __typename } }",
        refuse=True,
    ),
    "concludeValidation": Case(
        'mutation { concludeValidation(template: "pouch-sealing", version: "1.0.0", '
        f'conclusion: "c", signature: {SIGNER}) {{ __typename }} }}',
        refuse=True,
    ),
}

# More questions about B's objects than one per field: each signed kind, each filter.
EXTRA: list[tuple[str, Case]] = [
    ("overlays", Case("{ overlays { site version } }")),
    ("ledger", Case("{ ledger(history: true) { site rolloutId } }")),
    ("auditRecords", Case("{ auditRecords(first: 100) { nodes { seq site entityId } } }")),
    (
        "signatures",
        Case(
            f'{{ signatures(entityType: "rollout_gate", entityId: "{R_B}/pilot") '
            "{ entityId printedName } }"
        ),
    ),
    (
        "signatures",
        Case(
            f'{{ signatures(entityType: "transfer", entityId: "{T_B}/source") {{ printedName }} }}'
        ),
    ),
    (
        "kpis",
        Case(
            '{ kpis(metric: SCRAP_RATIO, groupBy: [SITE], filter: {sites: ["cork"]}, '
            'from: "2026-01-01", to: "2026-01-31") '
            "{ rows { group { site } denominator } enterprise { denominator } } }"
        ),
    ),
]

# What a plant token may ask, about its own site (anything else is FORBIDDEN).
PLANT_FIELDS = {
    "me": "{ me { subject } }",
    "site": '{ site(key: "penang") { key } }',
    "effectiveDefinition": (
        '{ effectiveDefinition(site: "penang", template: "pouch-sealing") { sha256 } }'
    ),
}

# Fields whose answer names B for an enterprise-wide caller, so hiding B from A means something.
SHOWN_TO_EVERY_SITE = {
    "sites",
    "overlays",
    "rollouts",
    "ledger",
    "drift",
    "kpis",
    "transfers",
    "auditRecords",
    "signatures",
    "upgradeImpact",
    "adoption",
}

SCOPED_CALLERS: dict[str, tuple[Role, ...]] = {
    "site admin of A": (Role.SITE_ADMIN,),
    "QA approver of A": (Role.QA_APPROVER,),
    "site admin and QA approver of A": (Role.SITE_ADMIN, Role.QA_APPROVER),
    "plant of A": (Role.PLANT,),
}


def root_fields(settings: Settings, kind: str) -> set[str]:
    graphql_type = build_schema(settings)._schema.get_type(kind)
    assert isinstance(graphql_type, GraphQLObjectType)
    return set(graphql_type.fields)


def test_every_field_has_a_scoping_case(settings: Settings) -> None:
    assert root_fields(settings, "Query") == set(QUERIES)
    assert root_fields(settings, "Mutation") == set(MUTATIONS)


async def _seed_b_objects(sessions: Sessions) -> None:
    """B's (cork's) rollout, ledger, drift, transfer, signatures and KPIs; A's too."""
    now = datetime.now(UTC)
    async with transaction(sessions) as session:
        for site in (A, B):
            rollout_id = R_B if site == B else "r-penang-only"
            session.add(
                Rollout(
                    id=rollout_id,
                    template="pouch-sealing",
                    version="1.0.0",
                    template_sha256="0" * 64,
                    plan={
                        "waves": [
                            {"name": "pilot", "max_parallel": 1, "failure_budget": 0, "gates": []}
                        ]
                    },
                    status="completed",
                    started_by="ada",
                    workflow_id=f"rollout-{rollout_id}",
                    started_at=now,
                    updated_at=now,
                )
            )
            await session.flush()
            session.add(
                RolloutSite(
                    rollout_id=rollout_id, site=site, wave="pilot", position=0, state="live"
                )
            )
            session.add(
                LedgerEntry(
                    site=site,
                    template="pouch-sealing",
                    version="1.0.0",
                    sha256="1" * 64,
                    rollout_id=rollout_id,
                    deployed_by="ada",
                    status="live",
                    since=now,
                )
            )
            session.add(
                DriftObservation(
                    site=site,
                    template="pouch-sealing",
                    detail=f"{site} drifted",
                    first_seen=now,
                    last_seen=now,
                )
            )
            session.add(
                KpiDaily(
                    site=site,
                    template="pouch-sealing",
                    version="1.0.0",
                    product="p",
                    day=date(2026, 1, 10),
                    units=10,
                    right_first_time=9,
                    scrapped=1,
                )
            )
        session.add(
            Transfer(
                id=T_B,
                template="pouch-sealing",
                version="1.0.0",
                source=B,
                target="galway",
                status="awaiting_approval",
                tolerance=0.02,
                min_units=10,
                window_seconds=60,
                package={"baseline": {"site": B}},
                started_by="nina",
                workflow_id=f"transfer-{T_B}",
                started_at=now,
                updated_at=now,
            )
        )
        for entity_type, entity_id in (
            ("rollout_gate", f"{R_B}/pilot"),
            ("transfer", f"{T_B}/source"),
        ):
            session.add(
                Signature(
                    id=uuid.uuid4(),
                    signer_id="quinn",
                    printed_name="Quinn Murphy of cork",
                    signed_at=now,
                    meaning="approved",
                    reason="cork reviewed",
                    entity_type=entity_type,
                    entity_id=entity_id,
                    content_sha256="2" * 64,
                    manifest_sha256="",
                )
            )


@pytest.fixture
async def two_sites(world: World, sessions: Sessions) -> World:
    await add_sites(world.api, "galway")
    await world.publish(template())
    await world.publish(template("1.1.0"))
    for site, admin in ((A, "sam"), (B, "cara")):
        (await world.propose(overlay(site=site), user=admin)).ok()
        (await world.approve_overlay(site, "pouch-sealing", 1)).ok()
    await _seed_b_objects(sessions)
    return world


def _leaks(result: Result) -> list[str]:
    """B's markers in the answer's data (errors and problems may name what was asked)."""
    problems = {problem["field"] for problem in result.problems}
    text = json.dumps({k: v for k, v in (result.data or {}).items() if k not in problems})
    return [marker for marker in (B, R_B, T_B, "galway") if marker in text]


def _check(result: Result, case: Case, who: str, field: str) -> None:
    assert result.status < 500, (who, field, result.body)
    assert "INTERNAL_SERVER_ERROR" not in result.codes, (who, field, result.errors)
    if case.refuse:
        answered = (result.data or {}).get(field)
        refused = answered is None or field in {problem["field"] for problem in result.problems}
        assert refused, (who, field, result.data)
        assert result.codes, (who, field, result.data)
        assert set(result.codes) <= REFUSED, (who, field, result.messages)
    assert not _leaks(result), (who, field, result.data)


async def test_callers_of_site_a_get_nothing_of_site_b(two_sites: World) -> None:
    api = two_sites.api
    cases = [*QUERIES.items(), *MUTATIONS.items(), *EXTRA]
    for who, roles in SCOPED_CALLERS.items():
        token = api.tokens.issue(*roles, sites=[A], subject=f"scoped-{roles[0]}")
        for field, case in cases:
            _check(await api.gql(case.document, token=token), case, who, field)


async def test_plant_reaches_only_its_own_sites_fields(two_sites: World) -> None:
    api = two_sites.api
    token = api.tokens.issue(Role.PLANT, sites=[A], subject="plant-penang")
    for field, case in [*QUERIES.items(), *MUTATIONS.items()]:
        result = await api.gql(case.document, token=token)
        expected = {"FORBIDDEN"} if field not in PLANT_FIELDS else REFUSED
        if field == "me":
            continue  # nothing of B to ask about; checked below
        assert result.codes, (field, result.data)
        assert set(result.codes) <= expected, (field, result.errors)
    for field, document in PLANT_FIELDS.items():
        assert (await api.gql(document, token=token)).ok()[field], field


async def test_a_transfer_package_is_not_read_with_a_plant_token(two_sites: World) -> None:
    api = two_sites.api
    token = api.tokens.issue(Role.PLANT, sites=[B], subject="plant-cork")
    result = await api.gql(f'{{ transfer(id: "{T_B}") {{ id package }} }}', token=token)
    assert result.codes == ["FORBIDDEN"]
    assert result.data is None


async def test_people_of_every_site_still_see_b(two_sites: World) -> None:
    """The matrix is not passed by hiding everything: enterprise-wide callers and B's own
    scoped callers see B's objects."""
    api = two_sites.api
    architect = api.tokens.issue(Role.COE_ARCHITECT, Role.AUDITOR, Role.EXECUTIVE, subject="ada")
    rollouts = (await api.gql(QUERIES["rollouts"].document, token=architect)).ok()
    assert {node["id"] for node in rollouts["rollouts"]["nodes"]} == {R_B, "r-penang-only"}
    for field, case in [*QUERIES.items(), *EXTRA]:
        if field in SHOWN_TO_EVERY_SITE:
            result = await api.gql(case.document, token=architect)
            assert B in json.dumps(result.ok()), (field, result.data)
    cork_qa = api.tokens.issue(Role.QA_APPROVER, sites=[B], subject="rui")
    for field, document in (
        ("rollout", QUERIES["rollout"].document),
        ("transfer", QUERIES["transfer"].document),
        ("signatures", EXTRA[3][1].document),
        ("signatures", EXTRA[4][1].document),
        ("signatures", QUERIES["signatures"].document),
    ):
        answer = (await api.gql(document, token=cork_qa)).ok()[field]
        assert answer, (field, answer)
