"""The development sign-in (POST /api/v1/auth/sign-in): a user id and password of the local
identity store → a short-lived dev token. Refusals count toward the signing lockout of Part 11
§11.300(d), reveal nothing about which user ids exist, and are audited like successes."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
from litestar.testing import AsyncTestClient

from coe.app import create_app
from coe.auth import repository
from coe.auth.principal import Role
from coe.config import Settings
from coe.db import Sessions, transaction
from coe.models import SigningLockout
from tests.helpers import Api, audit_count
from tests.world import PASSWORD, World

SIGN_IN = "/api/v1/auth/sign-in"
MAX_FAILURES = 3
TOKEN_MINUTES = 7.0
WRONG = "not my password, honestly"
REFUSED = {"error": "UNAUTHENTICATED", "message": "user id or password is wrong"}
UNLOCK = (
    "mutation($u: String!, $r: String!) { unlockSigning(username: $u, reason: $r) "
    "{ userId locked } }"
)
SESSION_RECORDS = (
    "query($t: String!) { auditRecords(filter: {entityType: $t}, first: 100) "
    "{ nodes { action actor entityId reason requestId after } } }"
)


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={"signing_max_failures": MAX_FAILURES, "sign_in_token_minutes": TOKEN_MINUTES}
    )


async def sign_in(api: Api, user_id: str, password: str) -> tuple[int, dict[str, Any]]:
    response = await api.client.post(SIGN_IN, json={"userId": user_id, "password": password})
    assert response.headers["cache-control"] == "no-store"
    return response.status_code, response.json()


async def records(api: Api, entity_type: str = "session") -> list[dict[str, Any]]:
    answer = await api.as_role(Role.AUDITOR, SESSION_RECORDS, {"t": entity_type})
    nodes: list[dict[str, Any]] = answer.ok()["auditRecords"]["nodes"]
    return list(reversed(nodes))  # oldest first


async def test_a_sign_in_answers_a_short_lived_token_that_works(world: World, api: Api) -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    status, body = await sign_in(api, "rui", PASSWORD)
    assert status == 200
    assert {key: body[key] for key in ("subject", "name", "roles", "sites")} == {
        "subject": "rui",
        "name": "Rui Costa",
        "roles": ["qa_approver"],
        "sites": ["cork"],
    }
    expires_at = datetime.fromisoformat(body["expiresAt"])
    assert expires_at.utcoffset() == timedelta(0), "stated in UTC"
    lifetime = timedelta(minutes=TOKEN_MINUTES)
    assert before + lifetime <= expires_at <= datetime.now(UTC) + lifetime
    claims = jwt.decode(body["token"], options={"verify_signature": False})
    assert datetime.fromtimestamp(claims["exp"], UTC) == expires_at

    me = await api.gql("{ me { subject name roles sites } }", token=body["token"])
    assert me.ok()["me"] == {
        "subject": "rui",
        "name": "Rui Costa",
        "roles": ["qa_approver"],
        "sites": ["cork"],
    }
    [record] = await records(api)
    assert (record["action"], record["actor"], record["entityId"]) == (
        "session.signed_in",
        "rui",
        "rui",
    )
    assert record["requestId"]
    assert record["after"]["tokenId"] == claims["jti"], "the record names the token it issued"
    assert record["after"]["expiresAt"] == body["expiresAt"]
    assert body["token"] not in json.dumps(record)
    assert PASSWORD not in json.dumps(record)


async def test_the_token_is_refused_once_it_has_expired(
    world: World, api: Api, settings: Settings
) -> None:
    short = settings.model_copy(update={"sign_in_token_minutes": 0.05, "token_leeway_seconds": 0})
    async with AsyncTestClient(app=create_app(short)) as client:
        other = Api(client, api.tokens)
        _, body = await sign_in(other, "quinn", PASSWORD)
        claims = jwt.decode(body["token"], options={"verify_signature": False})
        assert claims["exp"] - claims["iat"] == 3
        assert (await other.gql("{ me { subject } }", token=body["token"])).ok()
        await asyncio.sleep(datetime.fromisoformat(body["expiresAt"]).timestamp() - time.time() + 1)
        expired = await other.gql("{ me { subject } }", token=body["token"])
    assert expired.codes == ["UNAUTHENTICATED"]
    assert expired.messages == ["token has expired"]


async def test_wrong_password_unknown_and_inactive_user_get_the_same_answer(
    world: World, api: Api, sessions: Sessions
) -> None:
    async with transaction(sessions) as session:
        user = await repository.by_username(session, "nina")  # nina leaves
        assert user is not None
        user.active = False
        session.add(user)
    answers = [
        await sign_in(api, "quinn", WRONG),
        await sign_in(api, "ghost", WRONG),
        await sign_in(api, "nina", PASSWORD),
    ]
    assert answers == [(401, REFUSED)] * 3

    refused = await records(api)
    assert [(r["action"], r["actor"], r["entityId"]) for r in refused] == [
        ("session.refused", "quinn", "quinn"),
        ("session.refused", "ghost", "ghost"),
        ("session.refused", "nina", "nina"),
    ]
    assert all(r["reason"] == "user id or password is wrong" for r in refused)
    assert [r["after"]["consecutiveFailures"] for r in refused] == [1, 1, 1]
    assert all(r["requestId"] for r in refused)
    stored = json.dumps(refused)
    assert WRONG not in stored, "never the password"
    assert PASSWORD not in stored


async def lock(api: Api, user_id: str) -> list[tuple[int, dict[str, Any]]]:
    return [await sign_in(api, user_id, WRONG) for _ in range(MAX_FAILURES)]


async def test_failures_lock_the_user_id_until_an_architect_unlocks_it(
    world: World, api: Api
) -> None:
    answers = await lock(api, "quinn")
    assert answers[:-1] == [(401, REFUSED)] * (MAX_FAILURES - 1)
    status, body = answers[-1]
    assert (status, body["error"]) == (423, "SIGNING_LOCKED")
    assert body["message"].startswith("user id or password is wrong; signing is locked")
    assert datetime.fromisoformat(body["lockedUntil"]) > datetime.now(UTC)

    status, body = await sign_in(api, "quinn", PASSWORD)
    assert (status, body["error"]) == (423, "SIGNING_LOCKED"), "the right password is refused"
    assert "lockedUntil" in body
    locks = (await world.as_user("ada", "{ signingLocks { userId locked } }")).ok()
    assert locks["signingLocks"] == [{"userId": "quinn", "locked": True}], "the signing lock"

    actions = [r["action"] for r in await records(api)]
    assert actions == ["session.refused"] * (MAX_FAILURES + 1)
    [locked] = await records(api, "signing")
    assert (locked["action"], locked["actor"], locked["entityId"]) == (
        "signing.locked",
        "quinn",
        "quinn",
    )

    unlocked = await world.as_user("ada", UNLOCK, {"u": "quinn", "r": "identity confirmed"})
    assert unlocked.ok()["unlockSigning"]["userId"] == "quinn"
    assert (await sign_in(api, "quinn", PASSWORD))[0] == 200


async def test_an_unknown_user_id_locks_the_same_way(world: World, api: Api) -> None:
    known, unknown = await lock(api, "quinn"), await lock(api, "ghost")
    for (status, ghost_said), (same, quinn_heard) in zip(unknown, known, strict=True):
        assert status == same
        assert ghost_said.keys() == quinn_heard.keys()
        assert ghost_said["error"] == quinn_heard["error"]
    assert (await sign_in(api, "ghost", "whatever"))[0] == 423


async def test_a_success_clears_the_count(world: World, api: Api) -> None:
    for _ in range(2):
        for _ in range(MAX_FAILURES - 1):
            assert (await sign_in(api, "quinn", WRONG))[0] == 401
        assert (await sign_in(api, "quinn", PASSWORD))[0] == 200
    locks = (await world.as_user("ada", "{ signingLocks { userId } }")).ok()
    assert locks["signingLocks"] == []


async def test_a_lapsed_lock_lets_the_right_password_in(
    world: World, api: Api, sessions: Sessions
) -> None:
    await lock(api, "quinn")
    async with transaction(sessions) as session:  # as if the lockout period had passed
        row = await session.get(SigningLockout, "quinn")
        assert row is not None
        assert row.locked_at is not None
        row.locked_at -= timedelta(minutes=31)
        row.locked_until = datetime.now(UTC) - timedelta(minutes=1)
        session.add(row)
    assert (await sign_in(api, "quinn", PASSWORD))[0] == 200


async def test_without_the_dev_issuer_there_is_no_sign_in(
    settings: Settings, sessions: Sessions
) -> None:
    production_like = settings.model_copy(update={"dev_issuer_enabled": False})
    async with AsyncTestClient(app=create_app(production_like)) as client:
        response = await client.post(SIGN_IN, json={"userId": "quinn", "password": PASSWORD})
    assert response.status_code == 404
    assert response.json()["error"] == "NOT_FOUND"
    assert await audit_count(sessions) == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b"not json", None),
        (b'["quinn", "password"]', None),
        (b"\xff\xfe", None),
        (json.dumps({"password": PASSWORD}).encode(), "userId"),
        (json.dumps({"userId": "", "password": PASSWORD}).encode(), "userId"),
        (json.dumps({"userId": 7, "password": PASSWORD}).encode(), "userId"),
        (json.dumps({"userId": "q" * 201, "password": PASSWORD}).encode(), "userId"),
        (json.dumps({"userId": "quinn"}).encode(), "password"),
        (json.dumps({"userId": "quinn", "password": None}).encode(), "password"),
        (json.dumps({"userId": "quinn", "password": ["x"]}).encode(), "password"),
        (json.dumps({"userId": "quinn", "password": "p" * 201}).encode(), "password"),
    ],
)
async def test_a_bad_body_is_refused_and_nothing_is_written(
    world: World, api: Api, sessions: Sessions, body: bytes, field: str | None
) -> None:
    written = await audit_count(sessions)
    response = await api.client.post(
        SIGN_IN, content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    answer = response.json()
    assert answer["error"] == "BAD_REQUEST"
    if field is not None:
        assert answer["field"] == field
        assert answer["message"].startswith(field)
    else:
        assert "JSON object" in answer["message"]
    assert await audit_count(sessions) == written
    locks = (await world.as_user("ada", "{ signingLocks { userId } }")).ok()
    assert locks["signingLocks"] == []
