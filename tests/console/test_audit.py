"""Auditor — Audit trail (/audit), in a real Chromium against a real platform: quinn signs an
overlay revision sam proposed (through the API), audrey finds that signature's records by entity
and actor, the results equal the API's auditRecords for the same filter, the record shows the
before/after diff, the signature's manifestation and the request id the API has, and the chain
status equals auditChain."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import expect

from tests.console.conftest import Console, Platform
from tests.console.test_inbox import OVERLAY_TEMPLATE, SITE, propose_overlay

APPROVE = """
mutation($site: String!, $t: String!, $v: Int!, $s: SignerInput!) {
  approveOverlay(site: $site, template: $t, version: $v, signature: $s) {
    __typename
    ... on OverlayRevision { status approval { id } }
    ... on Problem { code message }
  }
}"""
RECORDS = """
query($filter: AuditFilter, $first: Int!) {
  auditRecords(filter: $filter, first: $first) {
    totalCount
    nodes { seq action actor entityType entityId requestId signatureId before after }
  }
}"""
CHAIN = "{ auditChain { intact records headSeq anchoredSeq findings { seq } } }"
SIGNATURES = """
query($t: String!, $id: String!) {
  signatures(entityType: $t, entityId: $id) {
    id printedName signedAt meaning reason contentSha256 manifestation
  }
}"""


def signed_by_quinn(platform: Platform) -> str:
    """An overlay revision sam proposes and quinn approves with her e-signature (API)."""
    overlay = propose_overlay(platform)
    approved = platform.api(
        APPROVE,
        {
            "site": SITE,
            "t": OVERLAY_TEMPLATE,
            "v": overlay["version"],
            "s": {
                "username": "quinn",
                "password": platform.password("quinn"),
                "reason": f"Audit trail test {overlay['tag']}: reviewed",
            },
        },
        role="qa_approver",
    )["approveOverlay"]
    assert approved["status"] == "APPROVED", approved
    return f"{SITE}/{OVERLAY_TEMPLATE}#{overlay['version']}"


def utc(iso: str) -> str:
    return datetime.fromisoformat(iso).astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def test_audrey_finds_the_signature_quinn_made(console: Console) -> None:
    entity_id = signed_by_quinn(console.platform)
    audit_filter: dict[str, Any] = {
        "entityType": "overlay",
        "entityId": entity_id,
        "actor": "quinn",
    }
    answer = console.api(RECORDS, {"filter": audit_filter, "first": 25}, role="auditor")
    records = answer["auditRecords"]["nodes"]
    assert {r["action"] for r in records} >= {"signature.approved", "overlay.approved"}

    chain_before = console.api(CHAIN, role="auditor")["auditChain"]
    console.sign_in("audrey", path="/audit")
    page = console.page
    expect(page.get_by_role("heading", level=1, name="Audit trail")).to_be_visible()
    search = page.get_by_role("search", name="Search the audit trail")
    search.get_by_label("Entity type").fill("overlay")
    search.get_by_label("Entity id").fill(entity_id)
    search.get_by_label("Actor (user id)").fill("quinn")
    search.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"/audit\?"))
    query = parse_qs(urlsplit(page.url).query)
    assert query == {"entityType": ["overlay"], "entityId": [entity_id], "actor": ["quinn"]}

    # The results are the API's, record for record.
    rows = page.get_by_test_id("audit-record")
    expect(rows).to_have_count(len(records))
    assert [rows.nth(i).get_attribute("data-seq") for i in range(len(records))] == [
        str(r["seq"]) for r in records
    ]
    for index, record in enumerate(records):
        expect(rows.nth(index)).to_contain_text(record["action"])
        expect(rows.nth(index)).to_contain_text(record["actor"])
    expect(page.get_by_test_id("audit-results")).to_contain_text(
        f"{answer['auditRecords']['totalCount']} record"
    )

    # The chain status is the API's (the trail grows meanwhile: between two answers).
    expect(page.get_by_test_id("chain-verdict")).to_contain_text(
        "Verified" if chain_before["intact"] else "Not verified"
    )
    shown_records = int(page.get_by_test_id("chain-records").inner_text())
    chain_after = console.api(CHAIN, role="auditor")["auditChain"]
    assert chain_after["intact"] == chain_before["intact"]
    assert chain_before["records"] <= shown_records <= chain_after["records"]
    anchor = page.get_by_test_id("chain-anchor")
    if chain_after["anchoredSeq"] is None:
        expect(anchor).to_have_text("no anchor recorded yet")
    else:
        expect(anchor).to_contain_text(re.compile(r"anchor at seq \d+"))
        shown_anchor = int(re.findall(r"\d+", anchor.inner_text())[-1])
        assert shown_anchor <= chain_after["anchoredSeq"]
        assert chain_before["anchoredSeq"] is None or shown_anchor >= chain_before["anchoredSeq"]
    console.check_accessibility("audit trail")
    console.screenshot("audit")

    # A UTC time range around the signature narrows the same search, as the API does.
    nodes = console.api(
        "query($f: AuditFilter) { auditRecords(filter: $f, first: 1) { nodes { occurredAt } } }",
        {"f": audit_filter},
        role="auditor",
    )["auditRecords"]["nodes"]
    signed_at = datetime.fromisoformat(nodes[0]["occurredAt"]).astimezone(UTC)
    since = (signed_at - timedelta(seconds=60)).replace(microsecond=0)
    until = (signed_at + timedelta(seconds=60)).replace(microsecond=0)
    search.get_by_label("From (UTC)").fill(since.strftime("%Y-%m-%dT%H:%M:%S"))
    search.get_by_label("Until (UTC)").fill(until.strftime("%Y-%m-%dT%H:%M:%S"))
    search.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"since=.*until="))
    ranged = console.api(
        RECORDS,
        {
            "filter": {**audit_filter, "since": since.isoformat(), "until": until.isoformat()},
            "first": 25,
        },
        role="auditor",
    )["auditRecords"]["nodes"]
    assert ranged, "the signature's records lie in the range"
    expect(rows).to_have_count(len(ranged))
    assert [rows.nth(i).get_attribute("data-seq") for i in range(len(ranged))] == [
        str(r["seq"]) for r in ranged
    ]

    # The overlay's approval record: before/after, its signature and request id.
    record = next(r for r in records if r["action"] == "overlay.approved")
    assert record["signatureId"]
    assert record["requestId"]
    page.get_by_role("link", name=f"Record {record['seq']}", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Audit record {record['seq']}")
    expect(page.get_by_test_id("record-action")).to_have_text("overlay.approved")
    expect(page.get_by_test_id("record-actor")).to_have_text("quinn")
    expect(page.get_by_test_id("record-entity")).to_have_text(f"overlay {entity_id}")
    expect(page.get_by_test_id("record-request-id")).to_have_text(record["requestId"])
    diff = page.get_by_label("Before and after")
    assert record["before"]["status"] == "proposed"
    assert record["after"]["status"] == "approved"
    expect(diff).to_contain_text(re.compile(r'- +"status": "proposed"'))
    expect(diff).to_contain_text(re.compile(r'\+ +"status": "approved"'))

    signatures = console.api(SIGNATURES, {"t": "overlay", "id": entity_id}, role="auditor")[
        "signatures"
    ]
    signature = next(s for s in signatures if s["id"] == record["signatureId"])
    shown = page.get_by_test_id("record-signature")
    expect(shown.get_by_test_id("signature-name")).to_have_text(signature["printedName"])
    expect(shown.get_by_test_id("signature-time")).to_have_text(utc(signature["signedAt"]))
    expect(shown.get_by_test_id("signature-meaning")).to_have_text(signature["meaning"])
    expect(shown.get_by_test_id("signature-manifestation")).to_have_text(signature["manifestation"])
    expect(shown).to_contain_text(signature["contentSha256"])
    expect(page.get_by_test_id("chain-this-record")).to_contain_text(f"seq {record['seq']}")
    console.check_accessibility("audit record")
    console.screenshot("audit-record")

    # Back to the same search (kept in the URL).
    page.get_by_role("link", name="Back to the search").click()
    expect(page.get_by_label("From (UTC)")).to_have_value(since.strftime("%Y-%m-%dT%H:%M:%S"))
    expect(page.get_by_test_id("audit-record")).to_have_count(len(ranged))
