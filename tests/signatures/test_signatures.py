"""Electronic signatures: re-authentication, four eyes, binding to the content hash, audit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from coe.auth import service as users
from coe.auth.principal import Principal, Role
from coe.auth.service import Credentials
from coe.auth.tokens import TokenVerifier, issue_dev_token
from coe.config import Settings
from coe.db import Sessions, libpq_url, transaction
from coe.errors import BadUserInputError, SignatureError
from coe.models import AuditRecord, Signature
from coe.secrets import audit_key
from coe.signatures import repository
from coe.signatures.manifest import Meaning, manifestation, verifies
from coe.signatures.service import sign
from coe.work import UnitOfWork
from tests.helpers import Api, audit_count

PASSWORD = "correct horse battery"
QUINN = Principal(subject="quinn", name="Quinn Murphy", roles=frozenset({Role.QA_APPROVER}))
CONTENT = {
    "template": "sterile-barrier-sealing",
    "version": "2.1.0",
    "parameters": {"seal_temperature_c": 180},
}


@pytest.fixture
async def signer(sessions: Sessions, settings: Settings) -> None:
    async with transaction(sessions) as session:
        admin = UnitOfWork(session=session, principal=QUINN, audit_key=audit_key(settings))
        await users.add_user(
            admin,
            username="quinn",
            display_name="Quinn Murphy",
            password=PASSWORD,
            roles=[Role.QA_APPROVER],
        )


async def sign_as(
    sessions: Sessions,
    settings: Settings,
    principal: Principal = QUINN,
    *,
    password: str | None = PASSWORD,
    username: str | None = "quinn",
    content: Any = CONTENT,
    author: str | None = "ada",
    verifier: TokenVerifier | None = None,
    **credentials: Any,
) -> Signature:
    async with transaction(sessions) as session:
        work = UnitOfWork(
            session=session, principal=principal, audit_key=audit_key(settings), request_id="req-1"
        )
        return await sign(
            work,
            verifier or TokenVerifier.from_settings(settings),
            credentials=Credentials(username=username, password=password, **credentials),
            meaning=Meaning.APPROVED,
            reason="Reviewed the validation report",
            entity_type="template_version",
            entity_id="sterile-barrier-sealing@2.1.0",
            content=content,
            author=author,
        )


async def test_a_signature_binds_signer_meaning_time_and_content(
    sessions: Sessions, settings: Settings, signer: None
) -> None:
    signature = await sign_as(sessions, settings)
    assert signature.signer_id == "quinn"
    assert signature.printed_name == "Quinn Murphy"
    assert signature.meaning == "approved"
    assert signature.signed_at.tzinfo is not None
    assert verifies(signature, CONTENT)
    async with sessions() as session:
        [stored] = await repository.for_entity(
            session, "template_version", "sterile-barrier-sealing@2.1.0"
        )
    assert verifies(stored, CONTENT), "the stored signature verifies after a round trip"
    text = manifestation(stored)
    assert "Quinn Murphy (quinn)" in text
    assert "approved" in text
    assert stored.signed_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC") in text


async def test_a_signature_no_longer_verifies_once_the_content_changes(
    sessions: Sessions, settings: Settings, signer: None
) -> None:
    signature = await sign_as(sessions, settings)
    changed = {**CONTENT, "parameters": {"seal_temperature_c": 185}}
    assert not verifies(signature, changed)
    signature.meaning = "reviewed"  # the signature's own fields are sealed too
    assert not verifies(signature, CONTENT)


async def test_signing_is_audited_and_linked(
    sessions: Sessions, settings: Settings, signer: None, api: Api
) -> None:
    signature = await sign_as(sessions, settings)
    records = (
        await api.as_role(
            Role.AUDITOR,
            '{ auditRecords(filter: {entityType: "template_version"}) '
            "{ nodes { action signatureId reason actor requestId } } }",
        )
    ).ok()
    assert records["auditRecords"]["nodes"] == [
        {
            "action": "signature.approved",
            "signatureId": str(signature.id),
            "reason": "Reviewed the validation report",
            "actor": "quinn",
            "requestId": "req-1",
        }
    ]
    shown = (
        await api.as_role(
            Role.AUDITOR,
            '{ signatures(entityType: "template_version", entityId: '
            '"sterile-barrier-sealing@2.1.0") { signerId printedName meaning manifestation } }',
        )
    ).ok()["signatures"]
    assert shown[0]["printedName"] == "Quinn Murphy"
    assert shown[0]["manifestation"].startswith("Quinn Murphy (quinn) — approved — ")


@pytest.mark.parametrize(
    ("credentials", "message"),
    [
        ({"password": "wrong password!"}, "user id or password is wrong"),
        ({"username": "ada"}, "only sign as yourself"),
        ({"password": None}, "needs your user id and password"),
    ],
)
async def test_bad_credentials_are_refused_and_only_the_refusal_is_written(
    sessions: Sessions,
    settings: Settings,
    signer: None,
    credentials: dict[str, Any],
    message: str,
) -> None:
    before = await audit_count(sessions)
    with pytest.raises(SignatureError, match=message):
        await sign_as(sessions, settings, **credentials)
    assert await audit_count(sessions) == before + 1, "the refused attempt is audited"
    async with sessions() as session:
        refused = await session.get(AuditRecord, before + 1)
    assert refused is not None
    assert (refused.action, refused.actor, refused.request_id) == (
        "signature.refused",
        "quinn",
        "req-1",
    )
    assert refused.reason is not None
    assert message in refused.reason
    async with sessions() as session:
        assert (
            await repository.for_entity(
                session, "template_version", "sterile-barrier-sealing@2.1.0"
            )
            == []
        )


async def test_the_four_eyes_rule_refuses_the_author(
    sessions: Sessions, settings: Settings, signer: None
) -> None:
    with pytest.raises(SignatureError, match="four-eyes"):
        await sign_as(sessions, settings, author="quinn")


async def test_a_signature_needs_a_reason(
    sessions: Sessions, settings: Settings, signer: None
) -> None:
    async with transaction(sessions) as session:
        work = UnitOfWork(session=session, principal=QUINN, audit_key=audit_key(settings))
        with pytest.raises(BadUserInputError, match=r"signature\.reason"):
            await sign(
                work,
                TokenVerifier.from_settings(settings),
                credentials=Credentials("quinn", PASSWORD),
                meaning=Meaning.APPROVED,
                reason="  ",
                entity_type="x",
                entity_id="y",
                content={},
            )


async def test_signatures_cannot_be_rewritten_in_the_database(
    sessions: Sessions, settings: Settings, signer: None
) -> None:
    await sign_as(sessions, settings)
    assert settings.database_url
    with (
        psycopg.connect(libpq_url(settings.database_url)) as connection,
        pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"),
    ):
        connection.execute("UPDATE signature SET meaning = 'reviewed'")


async def test_production_reauthentication_uses_a_fresh_token(
    sessions: Sessions, settings: Settings
) -> None:
    """With OIDC the signer presents a fresh ID token; here the dev issuer stands in for it."""
    key = Ed25519PrivateKey.generate()
    verifier = TokenVerifier(dev_public_key=key.public_key(), oidc=None)
    fresh = issue_dev_token(key, subject="quinn", name="Quinn Murphy", roles=[Role.QA_APPROVER])
    signature = await sign_as(
        sessions, settings, verifier=verifier, username=None, password=None, reauth_token=fresh
    )
    assert signature.signer_id == "quinn"
    stale = issue_dev_token(
        key,
        subject="quinn",
        name="Quinn Murphy",
        roles=[Role.QA_APPROVER],
        now=datetime.now(UTC) - timedelta(minutes=30),
        ttl=timedelta(hours=1),
    )
    with pytest.raises(SignatureError, match="older than"):
        await sign_as(
            sessions, settings, verifier=verifier, username=None, password=None, reauth_token=stale
        )
    someone_else = issue_dev_token(key, subject="ada", name="Ada", roles=[Role.QA_APPROVER])
    with pytest.raises(SignatureError, match="someone else"):
        await sign_as(
            sessions,
            settings,
            verifier=verifier,
            username=None,
            password=None,
            reauth_token=someone_else,
        )
