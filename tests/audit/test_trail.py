"""The audit trail in PostgreSQL: append-only by trigger, tampering found by `coe audit verify`."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from typing import Any

import psycopg
import pytest

from coe.audit import service
from coe.audit.anchors import anchor_store
from coe.audit.chain import link_hash
from coe.auth.principal import Role
from coe.config import Settings
from coe.db import Sessions, libpq_url, read_only
from coe.secrets import audit_key
from tests.helpers import Api
from tests.sites.test_api import add_sites, seed_enterprise


async def run_cli(settings: Settings, *args: str) -> tuple[int, str]:
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url or "",
        "COE_HOME": str(settings.home),
    }
    completed = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "coe", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return completed.returncode, completed.stdout + completed.stderr


async def verify(settings: Settings, *extra: str) -> tuple[int, dict[str, Any]]:
    code, output = await run_cli(settings, "audit", "verify", "--json", *extra)
    return code, json.loads(output[output.index("{") :])


def tamper(settings: Settings, *statements: str) -> None:
    """What an attacker with database superuser rights could do: bypass the triggers."""
    assert settings.database_url
    with psycopg.connect(libpq_url(settings.database_url)) as connection:
        connection.execute("SET session_replication_role = replica")
        for statement in statements:
            connection.execute(statement)


@pytest.fixture
async def trail(api: Api, sessions: Sessions) -> None:
    """Six audit records: five sites and one update."""
    await seed_enterprise(sessions)
    await add_sites(api, "a-site", "b-site", "c-site", "d-site")
    result = await api.as_role(
        Role.COE_ARCHITECT,
        'mutation { updateSite(key: "b-site", patch: {name: "B"}) { key } }',
    )
    result.ok()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_record SET reason = 'nothing happened' WHERE seq = 2",
        "DELETE FROM audit_record WHERE seq = 2",
        "TRUNCATE audit_record",
    ],
)
async def test_the_database_refuses_to_rewrite_history(
    settings: Settings, trail: None, statement: str
) -> None:
    assert settings.database_url
    with (
        psycopg.connect(libpq_url(settings.database_url)) as connection,
        pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"),
    ):
        connection.execute(statement)


async def test_verify_passes_on_an_intact_trail(settings: Settings, trail: None) -> None:
    code, report = await verify(settings)
    assert code == 0
    assert report["intact"] is True
    assert report["records"] == 5
    assert report["head"]["seq"] == 5


async def test_verify_names_an_edited_record(settings: Settings, trail: None) -> None:
    tamper(settings, "UPDATE audit_record SET reason = 'approved by QA' WHERE seq = 3")
    code, report = await verify(settings)
    assert code == 1
    assert [(f["kind"], f["seq"]) for f in report["findings"]] == [("edited", 3)]


async def test_verify_names_a_deleted_record(settings: Settings, trail: None) -> None:
    tamper(settings, "DELETE FROM audit_record WHERE seq = 2")
    code, report = await verify(settings)
    assert code == 1
    assert [(f["kind"], f["seq"]) for f in report["findings"]] == [("deleted", 2)]


async def test_verify_names_an_inserted_record(settings: Settings, trail: None) -> None:
    tamper(
        settings,
        "UPDATE audit_record SET seq = seq + 100 WHERE seq >= 3",
        "UPDATE audit_record SET seq = seq - 99 WHERE seq >= 100",
        "INSERT INTO audit_record (seq, occurred_at, actor, action, entity_type, entity_id, "
        "prev_hash, hash) SELECT 3, now(), 'mallory', 'site.deleted', 'site', 'c-site', hash, "
        "repeat('f', 64) FROM audit_record WHERE seq = 2",
    )
    code, report = await verify(settings)
    assert code == 1
    assert [(f["kind"], f["seq"]) for f in report["findings"]] == [("inserted", 3)]


async def test_verify_names_reordered_records(settings: Settings, trail: None) -> None:
    tamper(
        settings,
        "UPDATE audit_record SET seq = -1 WHERE seq = 2",
        "UPDATE audit_record SET seq = 2 WHERE seq = 3",
        "UPDATE audit_record SET seq = 3 WHERE seq = -1",
    )
    code, report = await verify(settings)
    assert code == 1
    assert {f["kind"] for f in report["findings"]} == {"reordered"}
    assert report["findings"][0]["seq"] == 2


async def anchor_now(settings: Settings, sessions: Sessions) -> None:
    """What the monitor does after each intact check: record the head outside the database."""
    async with read_only(sessions) as session:
        report = await service.verify(
            session, audit_key(settings), anchors=anchor_store(settings), record=True
        )
    assert report.intact
    assert report.anchored_seq == report.head_seq


async def chain_via_api(api: Api) -> dict[str, Any]:
    query = "{ auditChain { intact records anchoredSeq findings { seq kind detail } } }"
    report: dict[str, Any] = (await api.as_role(Role.AUDITOR, query)).ok()["auditChain"]
    return report


async def test_deleting_the_newest_records_is_found_without_an_anchor_flag(
    api: Api, settings: Settings, sessions: Sessions, trail: None
) -> None:
    await anchor_now(settings, sessions)
    tamper(settings, "DELETE FROM audit_record WHERE seq >= 4")
    code, report = await verify(settings)
    assert code == 1
    assert [(f["kind"], f["seq"]) for f in report["findings"]] == [("deleted", 4)]
    assert "seq 4-5 missing from the end" in report["findings"][0]["detail"]
    assert report["anchored_seq"] == 5
    via_api = await chain_via_api(api)
    assert via_api["intact"] is False
    assert via_api["anchoredSeq"] == 5
    assert [(f["kind"], f["seq"]) for f in via_api["findings"]] == [("deleted", 4)]


async def test_a_truncated_table_is_found(
    api: Api, settings: Settings, sessions: Sessions, trail: None
) -> None:
    await anchor_now(settings, sessions)
    tamper(settings, "TRUNCATE audit_record")
    code, report = await verify(settings)
    assert code == 1
    assert report["records"] == 0
    assert [(f["kind"], f["seq"]) for f in report["findings"]] == [("deleted", 1)]
    assert "the chain is empty" in report["findings"][0]["detail"]
    assert (await chain_via_api(api))["intact"] is False


async def test_an_older_database_restored_and_written_to_is_found(
    api: Api, settings: Settings, sessions: Sessions, trail: None
) -> None:
    await anchor_now(settings, sessions)
    tamper(settings, "DELETE FROM audit_record WHERE seq = 5")  # the state of an older backup
    result = await api.as_role(
        Role.COE_ARCHITECT, 'mutation { updateSite(key: "c-site", patch: {name: "C"}) { key } }'
    )
    result.ok()  # the restored database links a new seq 5 onto seq 4: the links all verify
    code, report = await verify(settings)
    assert code == 1
    assert [(f["kind"], f["seq"]) for f in report["findings"]] == [("edited", 5)]
    assert "another hash" in report["findings"][0]["detail"]
    assert (await chain_via_api(api))["intact"] is False


async def test_a_forged_row_inserted_directly_is_found(
    api: Api, settings: Settings, sessions: Sessions, trail: None
) -> None:
    await anchor_now(settings, sessions)
    content = {
        "occurred_at": "2026-01-01T00:00:00+00:00",
        "actor": "mallory",
        "action": "site.deleted",
        "entity_type": "site",
        "entity_id": "c-site",
    }
    assert settings.database_url
    with psycopg.connect(libpq_url(settings.database_url)) as connection:  # INSERT is allowed
        head = connection.execute("SELECT hash FROM audit_record WHERE seq = 5").fetchone()
        assert head is not None
        forged = link_hash(b"a guessed key", head[0], content)
        connection.execute(
            "INSERT INTO audit_record (seq, occurred_at, actor, action, entity_type, entity_id, "
            "prev_hash, hash) VALUES (6, %s, %s, %s, %s, %s, %s, %s)",
            (*content.values(), head[0], forged),
        )
    code, report = await verify(settings)
    assert code == 1
    assert [(f["kind"], f["seq"]) for f in report["findings"]] == [("edited", 6)]
    assert (await chain_via_api(api))["findings"] == [
        {"seq": 6, "kind": "edited", "detail": report["findings"][0]["detail"]}
    ]


async def test_an_anchor_given_by_hand_is_checked_too(settings: Settings, trail: None) -> None:
    _, intact = await verify(settings)
    assert intact["anchored_seq"] is None, "nothing recorded an anchor yet"
    anchor = f"{intact['head']['seq']}:{intact['head']['hash']}"
    tamper(settings, "DELETE FROM audit_record WHERE seq = 5")
    code, report = await verify(settings, "--anchor", anchor)
    assert code == 1
    assert [(f["kind"], f["seq"]) for f in report["findings"]] == [("deleted", 5)]


async def test_verify_says_which_record_in_plain_words(settings: Settings, trail: None) -> None:
    tamper(settings, "DELETE FROM audit_record WHERE seq = 4")
    code, output = await run_cli(settings, "audit", "verify")
    assert code == 1
    assert "TAMPERED" in output
    assert "seq 4: deleted" in output


async def test_auditors_read_the_trail_and_verify_through_the_api(
    api: Api, settings: Settings, trail: None
) -> None:
    report = (await api.as_role(Role.AUDITOR, "{ auditChain { intact records } }")).ok()
    assert report["auditChain"] == {"intact": True, "records": 5}
    tamper(settings, "UPDATE audit_record SET actor = 'someone' WHERE seq = 1")
    report = (
        await api.as_role(Role.AUDITOR, "{ auditChain { intact findings { seq kind } } }")
    ).ok()
    assert report["auditChain"] == {"intact": False, "findings": [{"seq": 1, "kind": "edited"}]}


async def test_audit_trail_filters_and_pages(api: Api, trail: None) -> None:
    query = (
        "query($f: AuditFilter, $after: String) { auditRecords(filter: $f, first: 2, "
        "after: $after) { totalCount nodes { seq action entityId } "
        "pageInfo { hasNextPage endCursor } } }"
    )
    page = (await api.as_role(Role.AUDITOR, query, {"f": {"entityType": "site"}})).ok()
    records = page["auditRecords"]
    assert records["totalCount"] == 5
    assert [n["seq"] for n in records["nodes"]] == [5, 4]
    after = records["pageInfo"]["endCursor"]
    page = (
        await api.as_role(Role.AUDITOR, query, {"f": {"entityType": "site"}, "after": after})
    ).ok()
    assert [n["seq"] for n in page["auditRecords"]["nodes"]] == [3, 2]
    by_site = (await api.as_role(Role.AUDITOR, query, {"f": {"site": "b-site"}})).ok()
    assert [n["action"] for n in by_site["auditRecords"]["nodes"]] == [
        "site.updated",
        "site.created",
    ]
    by_actor = (await api.as_role(Role.AUDITOR, query, {"f": {"actor": "nobody"}})).ok()
    assert by_actor["auditRecords"]["totalCount"] == 0


async def test_the_trail_is_for_auditors_and_qa(api: Api, trail: None) -> None:
    query = "{ auditRecords { totalCount } }"
    for role in (Role.EXECUTIVE, Role.COE_ARCHITECT, Role.NPI_ENGINEER):
        assert (await api.as_role(role, query)).codes == ["FORBIDDEN"]
    scoped = await api.as_role(Role.QA_APPROVER, query, sites=["b-site"])
    assert scoped.ok()["auditRecords"]["totalCount"] == 2
    other = await api.as_role(
        Role.QA_APPROVER,
        '{ auditRecords(filter: {site: "a-site"}) { totalCount } }',
        sites=["b-site"],
    )
    assert other.codes == ["FORBIDDEN"]


async def test_one_record_by_its_number_within_the_callers_scope(api: Api, trail: None) -> None:
    query = "query($s: Int!) { auditRecord(seq: $s) { seq action site } }"
    record = (await api.as_role(Role.AUDITOR, query, {"s": 3})).ok()["auditRecord"]
    assert record["seq"] == 3
    mine = (await api.as_role(Role.AUDITOR, query, {"s": 5})).ok()["auditRecord"]["site"]
    assert (await api.as_role(Role.QA_APPROVER, query, {"s": 5}, sites=[mine])).ok()
    at_mine = await _seqs_at(api, mine)
    elsewhere = next(seq for seq in range(1, 6) if seq not in at_mine)
    scoped = await api.as_role(Role.QA_APPROVER, query, {"s": elsewhere}, sites=[mine])
    assert scoped.codes == ["NOT_FOUND"]
    assert (await api.as_role(Role.AUDITOR, query, {"s": 99})).codes == ["NOT_FOUND"]
    assert (await api.as_role(Role.EXECUTIVE, query, {"s": 3})).codes == ["FORBIDDEN"]


async def _seqs_at(api: Api, site: str) -> set[int]:
    query = "query($f: AuditFilter) { auditRecords(filter: $f) { nodes { seq } } }"
    answer = (await api.as_role(Role.AUDITOR, query, {"f": {"site": site}})).ok()
    return {node["seq"] for node in answer["auditRecords"]["nodes"]}
