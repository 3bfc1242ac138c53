"""Typed results: a business failure is answered as data of a problem type the schema names
(ValidationFailed with its violations, NotFound, Conflict, BadInput, SignatureRejected); a
refusal for authentication or authorization stays a GraphQL error. The documents here are sent
exactly as written, fragments and all (the `Api` helper adds them only to plain selections)."""

from __future__ import annotations

from typing import Any

import yaml
from graphql import GraphQLUnionType, get_named_type

from coe.auth.principal import Role
from coe.cli.client import PROBLEM, PROBLEM_NAMES, ApiError, _problem
from coe.config import Settings
from coe.db import Sessions
from coe.errors import ConflictError, ForbiddenError, ServiceUnavailableError, ValidationFailedError
from coe.graphql.results import PROBLEMS, ProblemCode, problem_of
from coe.graphql.schema import build_schema
from tests.helpers import audit_count
from tests.world import PASSWORD, World, template

ANSWER = "__typename ... on Problem { code message details } " + (
    "... on ValidationFailed { violations { path reason severity } }"
)


def test_every_mutation_answers_with_a_result_union() -> None:
    schema = build_schema(Settings())._schema
    assert schema.mutation_type is not None
    plain = []
    for name, field in schema.mutation_type.fields.items():
        named = get_named_type(field.type)
        members = {t.name for t in named.types} if isinstance(named, GraphQLUnionType) else set()
        if not {problem.__name__ for problem in PROBLEMS} <= members:
            plain.append(name)
    assert plain == []
    checked = get_named_type(schema.query_type.fields["checkRolloutPlan"].type)  # type: ignore[union-attr]
    assert isinstance(checked, GraphQLUnionType)


def test_the_cli_knows_every_problem_type() -> None:
    assert {problem.__name__ for problem in PROBLEMS} == PROBLEM_NAMES
    assert PROBLEM.replace(" ", "") == ANSWER.replace(" ", "")


def test_business_errors_map_to_their_problem_and_refusals_do_not() -> None:
    failed = problem_of(ValidationFailedError("bad", [{"path": "/spec/x", "reason": "too big"}]))
    assert failed is not None
    assert failed.code is ProblemCode.VALIDATION_FAILED
    assert [(v.path, v.reason, v.severity.value) for v in failed.violations] == [  # type: ignore[attr-defined]
        ("/spec/x", "too big", "error")
    ]
    conflict = problem_of(ConflictError("already published", status="published"))
    assert conflict is not None
    assert conflict.code is ProblemCode.CONFLICT
    details: Any = conflict.details
    assert details == {"status": "published"}
    assert problem_of(ForbiddenError("no")) is None
    assert problem_of(ServiceUnavailableError("temporal down")) is None


def test_the_cli_ends_with_a_problem_as_with_an_error() -> None:
    answered: dict[str, Any] = {
        "startRollout": {
            "__typename": "ValidationFailed",
            "code": "VALIDATION_FAILED",
            "message": "the plan is not valid",
            "details": None,
            "violations": [{"path": "/spec", "reason": "missing", "severity": "ERROR"}],
        }
    }
    problem = _problem(answered)
    assert isinstance(problem, ApiError)
    assert (problem.code, problem.message) == ("VALIDATION_FAILED", "the plan is not valid")
    assert problem.answered == {
        "code": "VALIDATION_FAILED",
        "violations": [{"path": "/spec", "reason": "missing", "severity": "error"}],
    }
    assert _problem({"startRollout": {"__typename": "Rollout", "id": "r1"}}) is None


async def test_a_refused_plan_is_answered_with_its_violations(
    world: World, sessions: Sessions
) -> None:
    before = await audit_count(sessions)
    plan = {"apiVersion": "coe.dev/v1", "kind": "RolloutPlan", "metadata": {}, "spec": {}}
    answered = await world.as_user(
        "ada",
        "mutation($p: String!) { startRollout(plan: $p) { "
        f"... on Rollout {{ id }} {ANSWER} }} }}",
        {"p": yaml.safe_dump(plan)},
    )
    assert answered.errors == []
    assert answered.body["data"]["startRollout"]["__typename"] == "ValidationFailed"
    problem = answered.body["data"]["startRollout"]
    assert problem["code"] == "VALIDATION_FAILED"
    assert problem["violations"], problem
    assert {v["severity"] for v in problem["violations"]} == {"ERROR"}
    assert all(v["path"].startswith("/") and v["reason"] for v in problem["violations"])
    assert await audit_count(sessions) == before  # nothing written


async def test_a_check_of_a_bad_plan_is_answered_too(world: World) -> None:
    answered = await world.as_user(
        "ada",
        "query($p: String!) { checkRolloutPlan(plan: $p) { "
        f"... on RolloutPlanCheck {{ template }} {ANSWER} }} }}",
        {"p": "kind: [unclosed"},
    )
    assert answered.errors == []
    problem = answered.body["data"]["checkRolloutPlan"]
    assert problem["__typename"] == "ValidationFailed"
    assert problem["violations"][0]["reason"]


async def test_conflict_not_found_and_signature_problems(world: World) -> None:
    await world.publish(template())
    changed = await world.as_user(
        "ada",
        "mutation($s: String!) { saveTemplateDraft(source: $s) { "
        f"... on SavedTemplate {{ outcome }} {ANSWER} }} }}",
        {"s": yaml.safe_dump(template(seal_temperature_c={"default": 182}))},
    )
    conflict = changed.body["data"]["saveTemplateDraft"]
    assert (conflict["__typename"], conflict["code"]) == ("Conflict", "CONFLICT")
    assert "publish a new version" in conflict["message"]

    missing = await world.as_user(
        "ada",
        'mutation { submitTemplate(key: "no-such-template", version: "9.9.9") { '
        f"... on TemplateVersion {{ status }} {ANSWER} }} }}",
    )
    assert missing.body["data"]["submitTemplate"]["__typename"] == "NotFound"

    await world.save(template("1.1.0"))
    (await world.step("submitTemplate", "pouch-sealing", "1.1.0")).ok()
    refused = await world.as_user(
        "quinn",
        'mutation($s: SignerInput!) { approveTemplate(key: "pouch-sealing", '
        f'version: "1.1.0", signature: $s) {{ ... on TemplateVersion {{ status }} {ANSWER} }} }}',
        {"s": {"username": "quinn", "password": PASSWORD + "x", "reason": "checked"}},
    )
    answered = refused.body["data"]["approveTemplate"]
    assert (answered["__typename"], answered["code"]) == ("SignatureRejected", "SIGNATURE_REJECTED")


async def test_authorization_refusals_stay_errors(world: World) -> None:
    refused = await world.api.as_role(
        Role.SITE_ADMIN,
        f'mutation {{ startRollout(plan: "x") {{ ... on Rollout {{ id }} {ANSWER} }} }}',
        sites=["penang"],
    )
    assert refused.body["data"] is None
    assert [e["extensions"]["code"] for e in refused.errors] == ["FORBIDDEN"]
