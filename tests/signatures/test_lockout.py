"""Signing lockout (21 CFR Part 11 §11.300(d)): every refused signing attempt is audited, and
after `signing_max_failures` refusals in a row the user id's signing is locked — for real and
for unknown user ids alike — until the lock lapses or a coe_architect unlocks it."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from coe.auth import service as users
from coe.auth.lockout import SigningPolicy, count_failure, is_locked
from coe.auth.principal import Principal, Role
from coe.auth.service import Credentials
from coe.auth.tokens import TokenVerifier
from coe.config import Settings
from coe.db import Sessions, read_only, transaction
from coe.errors import ConflictError, SignatureError
from coe.models import SigningLockout
from coe.secrets import audit_key
from coe.signatures.manifest import Meaning
from coe.signatures.service import sign
from coe.work import UnitOfWork
from tests.helpers import Api, Result
from tests.world import PASSWORD, World, overlay, template

MAX_FAILURES = 3
WRONG = "not my password, honestly"
KEY, VERSION = "pouch-sealing", "1.0.0"
APPROVE = (
    "mutation($k: String!, $v: String!, $s: SignerInput!) { approveTemplate(key: $k, "
    "version: $v, signature: $s) { status } }"
)
UNLOCK = (
    "mutation($u: String!, $r: String!) { unlockSigning(username: $u, reason: $r) "
    "{ userId consecutiveFailures locked lockedUntil } }"
)
SIGNING_RECORDS = (
    '{ auditRecords(filter: {entityType: "signing"}, first: 100) '
    "{ nodes { action actor entityId reason requestId before after } } }"
)


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"signing_max_failures": MAX_FAILURES})


@pytest.fixture
async def in_review(world: World) -> World:
    """A template version waiting for quinn's (or anyone's) approval signature."""
    document = template(VERSION)
    (await world.save(document)).ok()
    (await world.step("submitTemplate", document["metadata"]["key"], VERSION)).ok()
    return world


async def approve_as(api: Api, subject: str, password: str, version: str = VERSION) -> Result:
    token = api.tokens.issue(Role.QA_APPROVER, subject=subject)
    signer = {"username": subject, "password": password, "reason": "validation report reviewed"}
    return await api.gql(APPROVE, {"k": KEY, "v": version, "s": signer}, token=token)


def refusal(result: Result) -> tuple[str, str]:
    [code] = result.codes
    [message] = result.messages
    return code, message


async def signing_records(api: Api) -> list[dict[str, Any]]:
    nodes: list[dict[str, Any]] = (await api.as_role(Role.AUDITOR, SIGNING_RECORDS)).ok()[
        "auditRecords"
    ]["nodes"]
    return list(reversed(nodes))  # oldest first


async def lock(api: Api, subject: str, version: str = VERSION) -> list[tuple[str, str]]:
    return [refusal(await approve_as(api, subject, WRONG, version)) for _ in range(MAX_FAILURES)]


async def test_each_refusal_is_audited_and_the_last_locks_even_the_right_password(
    in_review: World, api: Api
) -> None:
    answers = await lock(api, "quinn")
    wrong = ("SIGNATURE_REJECTED", "user id or password is wrong")
    assert answers[:-1] == [wrong] * (MAX_FAILURES - 1)
    code, message = answers[-1]
    assert code == "SIGNING_LOCKED"
    assert message.startswith("user id or password is wrong; signing is locked for user id")

    code, message = refusal(await approve_as(api, "quinn", PASSWORD))
    assert code == "SIGNING_LOCKED", "the right password does not get through a lock"
    assert re.fullmatch(
        r"signing is locked for user id 'quinn' after too many failed attempts, until "
        r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC or until a coe_architect unlocks it",
        message,
    )
    shown = await in_review.as_user(
        "ada",
        "query($k: String!, $v: String) { templateVersion(key: $k, version: $v) "
        "{ status approval { signerId } } }",
        {"k": KEY, "v": VERSION},
    )
    assert shown.ok()["templateVersion"] == {"status": "IN_REVIEW", "approval": None}

    records = await signing_records(api)
    assert [record["action"] for record in records] == [
        *["signature.refused"] * MAX_FAILURES,
        "signing.locked",
        "signature.refused",
    ]
    for record in records:
        assert (record["actor"], record["entityId"]) == ("quinn", "quinn")
        assert record["requestId"], "each record names the request it came from"
    refused = [record for record in records if record["action"] == "signature.refused"]
    assert [record["after"]["consecutiveFailures"] for record in refused] == [1, 2, 3, 3]
    assert refused[0]["after"]["claimedUserId"] == "quinn"
    assert refused[0]["reason"] == "user id or password is wrong"
    assert records[MAX_FAILURES]["after"]["lockedUntil"] is not None
    stored = json.dumps(records)
    assert WRONG not in stored, "never the password"
    assert PASSWORD not in stored


async def test_an_unknown_user_id_gets_the_same_answers(in_review: World, api: Api) -> None:
    known, unknown = await lock(api, "quinn"), await lock(api, "ghost")
    assert [code for code, _ in unknown] == [code for code, _ in known]
    for (_, ghost_said), (_, quinn_heard) in zip(unknown, known, strict=True):
        assert same_words(ghost_said.replace("'ghost'", "'quinn'"), quinn_heard)
    after_known = refusal(await approve_as(api, "quinn", PASSWORD))
    after_unknown = refusal(await approve_as(api, "ghost", "whatever it may be"))
    assert after_unknown[0] == after_known[0] == "SIGNING_LOCKED"
    assert same_words(after_unknown[1].replace("'ghost'", "'quinn'"), after_known[1])
    ghost = [record for record in await signing_records(api) if record["entityId"] == "ghost"]
    assert [record["action"] for record in ghost] == [
        *["signature.refused"] * MAX_FAILURES,
        "signing.locked",
        "signature.refused",
    ]


def same_words(first: str, second: str) -> bool:
    """Equal but for the time of day (the two locks started a moment apart)."""
    stamp = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d"
    return re.sub(stamp, "<time>", first) == re.sub(stamp, "<time>", second)


async def test_an_architect_unlocks_audited_and_signing_works_again(
    in_review: World, api: Api
) -> None:
    await lock(api, "quinn")
    locks = (await in_review.as_user("ada", "{ signingLocks { userId locked } }")).ok()
    assert locks["signingLocks"] == [{"userId": "quinn", "locked": True}]

    unlocked = await in_review.as_user("ada", UNLOCK, {"u": "quinn", "r": "identity confirmed"})
    lifted = unlocked.ok()["unlockSigning"]
    assert (lifted["userId"], lifted["consecutiveFailures"], lifted["locked"]) == (
        "quinn",
        MAX_FAILURES,
        True,
    )
    record = (await signing_records(api))[-1]
    assert (record["action"], record["actor"], record["entityId"]) == (
        "signing.unlocked",
        "ada",
        "quinn",
    )
    assert record["reason"] == "identity confirmed"
    assert record["before"]["consecutiveFailures"] == MAX_FAILURES

    approved = (await approve_as(api, "quinn", PASSWORD)).ok()
    assert approved["approveTemplate"]["status"] == "APPROVED"
    again = await in_review.as_user("ada", UNLOCK, {"u": "quinn", "r": "once more"})
    assert again.codes == ["CONFLICT"], "nothing left to unlock"


@pytest.mark.parametrize("user", ["quinn", "sam", "nina"])
async def test_only_an_architect_can_unlock(in_review: World, api: Api, user: str) -> None:
    await lock(api, "quinn")
    refused = await in_review.as_user(user, UNLOCK, {"u": "quinn", "r": "let me in"})
    assert refused.codes == ["FORBIDDEN"]
    assert refusal(await approve_as(api, "quinn", PASSWORD))[0] == "SIGNING_LOCKED"
    assert "signing.unlocked" not in [r["action"] for r in await signing_records(api)]


async def test_the_lock_lapses_after_its_period(
    in_review: World, api: Api, sessions: Sessions
) -> None:
    await lock(api, "quinn")
    async with transaction(sessions) as session:  # as if the lockout period had passed
        row = await session.get(SigningLockout, "quinn")
        assert row is not None
        assert row.locked_at is not None
        assert row.locked_until is not None
        row.locked_at -= timedelta(minutes=31)
        row.locked_until = datetime.now(UTC) - timedelta(minutes=1)
        session.add(row)
    approved = (await approve_as(api, "quinn", PASSWORD)).ok()
    assert approved["approveTemplate"]["status"] == "APPROVED"
    async with read_only(sessions) as session:
        assert await session.get(SigningLockout, "quinn") is None, "a success clears the count"


async def test_a_success_resets_the_count_of_failures_in_a_row(in_review: World, api: Api) -> None:
    for _ in range(MAX_FAILURES - 1):
        await approve_as(api, "quinn", WRONG)
    (await approve_as(api, "quinn", PASSWORD)).ok()
    returned = await in_review.step(
        "returnTemplateToDraft", KEY, VERSION, user="quinn", reason="redo"
    )
    returned.ok()
    (await in_review.step("submitTemplate", KEY, VERSION)).ok()
    answers = [refusal(await approve_as(api, "quinn", WRONG)) for _ in range(MAX_FAILURES - 1)]
    assert {code for code, _ in answers} == {"SIGNATURE_REJECTED"}


async def test_a_lock_applies_to_every_kind_of_signing(world: World, api: Api) -> None:
    """One lock, whatever is signed: here an overlay approval after template approvals."""
    await world.publish(template("1.0.0"))
    (await world.propose(overlay(1))).ok()
    (await world.save(template("1.1.0"))).ok()
    (await world.step("submitTemplate", KEY, "1.1.0")).ok()
    await lock(api, "quinn", "1.1.0")
    result = await world.approve_overlay("penang", KEY, 1, user="quinn")
    assert result.codes == ["SIGNING_LOCKED"]


def test_a_lockout_of_zero_minutes_lasts_until_unlocked() -> None:
    policy = SigningPolicy.from_settings(Settings(signing_lockout_minutes=0))
    assert policy.lockout is None
    row = SigningLockout(username="quinn")
    now = datetime.now(UTC)
    locked = [count_failure(row, policy, now) for _ in range(policy.max_failures)]
    assert locked == [False] * (policy.max_failures - 1) + [True]
    assert row.locked_until is None
    assert is_locked(row, now + timedelta(days=365))


async def test_a_refusal_does_not_wait_for_an_audit_trail_its_own_transaction_holds(
    sessions: Sessions, settings: Settings
) -> None:
    """A service that audited before signing holds the audit trail's lock: the refusal is
    still counted (and refused), instead of waiting forever for its own caller."""
    quinn = Principal(subject="quinn", name="Quinn Murphy", roles=frozenset({Role.QA_APPROVER}))
    async with transaction(sessions) as session:
        work = UnitOfWork(session=session, principal=quinn, audit_key=audit_key(settings))
        await work.audit("template.submitted", "template_version", "x@1.0.0")
        with pytest.raises(SignatureError, match="password is wrong"):
            await sign(
                work,
                TokenVerifier.from_settings(settings),
                credentials=Credentials("quinn", WRONG),
                meaning=Meaning.APPROVED,
                reason="reviewed",
                entity_type="template_version",
                entity_id="x@1.0.0",
                content={},
            )
    async with read_only(sessions) as session:
        row = await session.get(SigningLockout, "quinn")
    assert row is not None
    assert row.failures == 1


async def test_unlocking_an_id_with_nothing_on_record_is_a_conflict(
    sessions: Sessions, settings: Settings
) -> None:
    architect = Principal(subject="ada", name="Ada", roles=frozenset({Role.COE_ARCHITECT}))
    async with transaction(sessions) as session:
        work = UnitOfWork(session=session, principal=architect, audit_key=audit_key(settings))
        with pytest.raises(ConflictError, match="not locked"):
            await users.unlock_signing(work, "nobody", "checking")
