"""QA — Awaiting my signature (/inbox), in a real Chromium against a real platform: the inbox
lists what the API says waits for quinn (an overlay revision sam proposes, a template version
ada submits, and whatever else waits), quinn signs the overlay in the one e-signature dialog by
keyboard only — a wrong password first, which the API refuses — sees the manifestation, and the
revision leaves the inbox, approved; the template version goes back to draft with a reason."""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime
from typing import Any

import yaml
from playwright.sync_api import Locator, Page, expect

from tests.console.conftest import ROOT, Console, Platform

QUINN = "quinn"
OVERLAY_TEMPLATE = "dispensing-weighing"
SITE = "penang"

PROPOSE = """
mutation($s: String!) {
  proposeOverlay(source: $s) {
    __typename
    ... on ProposedOverlay { outcome overlay { site template version contentSha256 } }
    ... on Problem { code message }
    ... on ValidationFailed { violations { path reason } }
  }
}"""
REVISIONS = """
query($site: String!, $template: String!) {
  overlays(site: $site, template: $template) { version status contentSha256 document }
}"""
SAVE = """
mutation($s: String!) {
  saveTemplateDraft(source: $s) {
    __typename
    ... on SavedTemplate { template { key version } }
    ... on Problem { code message }
  }
}"""
SUBMIT = """
mutation($k: String!, $v: String!) {
  submitTemplate(key: $k, version: $v) {
    __typename
    ... on TemplateVersion { status contentSha256 }
    ... on Problem { code message }
  }
}"""
WAITING = """
{
  overlays { site template version status proposedBy }
  templates(first: 100) { nodes { versions { key version status author } } }
  rollouts(status: ["awaiting_approval"], first: 100) {
    nodes { id status currentWave startedBy waves { name gates } }
  }
  transfers(status: ["awaiting_approval"], first: 100) {
    nodes { id status startedBy approvals }
  }
}"""
SIGNATURES = """
query($t: String!, $id: String!) {
  signatures(entityType: $t, entityId: $id) {
    signerId printedName signedAt meaning reason contentSha256 manifestation
  }
}"""


def propose_overlay(platform: Platform) -> dict[str, Any]:
    """sam proposes a new revision of penang's dispensing-weighing overlay, its booth humidity
    limit changed from the one in effect (varied per run); answers the stored revision (site,
    template, version, hash) with the limit, a tag of the run and the document in effect."""
    source = yaml.safe_load(
        (ROOT / "site_overlays" / SITE / f"{OVERLAY_TEMPLATE}.yaml").read_text(encoding="utf-8")
    )
    tag = secrets.token_hex(3)
    for _attempt in range(3):  # another session may propose the same overlay meanwhile
        revisions = platform.api(
            REVISIONS, {"site": SITE, "template": OVERLAY_TEMPLATE}, role="site_admin"
        )["overlays"]
        before = next((r["document"] for r in revisions if r["status"] == "APPROVED"), None)
        was = before["spec"]["set"].get("booth_rh_max_pct") if before else None
        # 50..55 % RH: within the template's bounds, and never the value in effect
        limit = secrets.choice([value for value in range(50, 56) if value != was])
        source["spec"]["set"]["booth_rh_max_pct"] = limit
        source["metadata"]["reason"] = f"Console inbox test {tag}: booth humidity at most {limit} %"
        source["metadata"]["version"] = max((r["version"] for r in revisions), default=0) + 1
        answer = platform.api(PROPOSE, {"s": yaml.safe_dump(source)}, role="site_admin")
        proposed = answer["proposeOverlay"]
        if proposed["__typename"] == "ProposedOverlay":
            assert proposed["outcome"] == "proposed"
            return {**proposed["overlay"], "limit": limit, "tag": tag, "before": before}
    raise AssertionError(f"could not propose the overlay: {answer}")


def submit_template(platform: Platform) -> dict[str, Any]:
    """ada submits a new template (a copy of catheter-assembly under a key of its own) for
    review; answers its key, version and content hash."""
    document = platform.api('{ templateVersion(key: "catheter-assembly") { document } }')[
        "templateVersion"
    ]["document"]
    key = f"console-inbox-{secrets.token_hex(3)}"
    document["metadata"].update(key=key, version="1.0.0", changeSummary=f"Inbox test {key}")
    saved = platform.api(SAVE, {"s": yaml.safe_dump(document)})["saveTemplateDraft"]
    assert saved["__typename"] == "SavedTemplate", saved
    submitted = platform.api(SUBMIT, {"k": key, "v": "1.0.0"})["submitTemplate"]
    assert submitted["status"] == "IN_REVIEW", submitted
    return {"key": key, "version": "1.0.0", "sha256": submitted["contentSha256"]}


def waiting_for_quinn(platform: Platform) -> set[str]:
    """What the API says waits for quinn (qa_approver of every site): "<entityType> <id>" of
    each proposed overlay, version in review, rollout gate and transfer side she may sign —
    never what she proposed, wrote or started."""
    data = platform.api(WAITING, role="qa_approver")
    items = {
        f"overlay {o['site']}/{o['template']}#{o['version']}"
        for o in data["overlays"]
        if o["status"] == "PROPOSED" and o["proposedBy"] != QUINN
    }
    items |= {
        f"template_version {v['key']}@{v['version']}"
        for t in data["templates"]["nodes"]
        for v in t["versions"]
        if v["status"] == "IN_REVIEW" and v["author"] != QUINN
    }
    for rollout in data["rollouts"]["nodes"]:
        wave = next((w for w in rollout["waves"] if w["name"] == rollout["currentWave"]), None)
        if rollout["startedBy"] == QUINN or wave is None:
            continue
        if any(gate.startswith("approval by qa_approver ") for gate in wave["gates"]):
            items.add(f"rollout_gate {rollout['id']}/{wave['name']}")
    for transfer in data["transfers"]["nodes"]:
        signers = {side: (a or {}).get("signer") for side, a in transfer["approvals"].items()}
        if transfer["startedBy"] == QUINN or QUINN in signers.values():
            continue
        items |= {
            f"transfer {transfer['id']}/{side}"
            for side in ("source", "target")
            if not signers.get(side)
        }
    return items


def shown(page: Page) -> set[str]:
    rows = page.get_by_test_id("inbox-item")
    return {str(rows.nth(i).get_attribute("data-entity")) for i in range(rows.count())}


def expect_inbox_matches_the_api(console: Console) -> None:
    """The rows equal the API's answer (other sessions change it too: compare again after the
    page's next poll when it moved meanwhile)."""
    rows = console.page.get_by_test_id("inbox-item")
    for _attempt in range(3):
        expected = waiting_for_quinn(console.platform)
        expect(rows).to_have_count(len(expected), timeout=20_000)
        if shown(console.page) == expected:
            return
    assert shown(console.page) == waiting_for_quinn(console.platform)


def tab_to(page: Page, target: Locator, limit: int = 12) -> None:
    """Press Tab until `target` has the focus (keyboard only)."""
    for _press in range(limit):
        if target.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press("Tab")
    expect(target).to_be_focused()


def utc(iso: str) -> str:
    """As the console shows a time: "2026-12-02 11:30:05 UTC"."""
    return datetime.fromisoformat(iso).astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


REJECT = """
mutation($s: String!, $t: String!, $v: Int!) {
  rejectOverlay(site: $s, template: $t, version: $v, reason: "left over by a console test") {
    __typename
  }
}"""
RETURN = """
mutation($k: String!) {
  returnTemplateToDraft(key: $k, version: "1.0.0", reason: "left over by a console test") {
    __typename
  }
}"""


def test_quinn_signs_an_overlay_revision_from_the_inbox(console: Console) -> None:
    overlay = propose_overlay(console.platform)
    template = submit_template(console.platform)
    try:
        signs_and_returns(console, overlay, template)
    finally:  # a failed run leaves nothing waiting in the shared inbox
        revisions = console.api(
            REVISIONS, {"site": SITE, "template": OVERLAY_TEMPLATE}, role="qa_approver"
        )["overlays"]
        if any(r["version"] == overlay["version"] and r["status"] == "PROPOSED" for r in revisions):
            console.api(
                REJECT,
                {"s": SITE, "t": OVERLAY_TEMPLATE, "v": overlay["version"]},
                role="qa_approver",
            )
        status = console.api(
            'query($k: String!) { templateVersion(key: $k, version: "1.0.0") { status } }',
            {"k": template["key"]},
        )["templateVersion"]["status"]
        if status == "IN_REVIEW":
            console.api(RETURN, {"k": template["key"]})


def signs_and_returns(console: Console, overlay: dict[str, Any], template: dict[str, Any]) -> None:
    entity_id = f"{overlay['site']}/{overlay['template']}#{overlay['version']}"
    what = f"Overlay {overlay['template']} revision {overlay['version']} for {overlay['site']}"

    console.sign_in("quinn", path="/inbox")
    page = console.page
    expect(page.get_by_role("heading", level=1, name="Awaiting my signature")).to_be_visible()
    mine = page.locator(f'[data-entity="overlay {entity_id}"]')
    expect(mine).to_be_visible(timeout=20_000)
    expect(mine).to_contain_text(overlay["site"])
    expect(mine).to_contain_text("sam")
    expect(
        page.locator(f'[data-entity="template_version {template["key"]}@1.0.0"]')
    ).to_be_visible()
    expect_inbox_matches_the_api(console)
    console.check_accessibility("inbox")
    console.screenshot("inbox")

    # Keyboard only: focus the item's button, open with Enter, close with Escape.
    sign = page.get_by_role("button", name=f"Review and sign: {what}")
    sign.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("heading", level=2)).to_have_text("Sign: approved")
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    expect(sign).to_be_focused()  # the focus returns to the item, nothing signed

    # Enter on the item again (the inbox may have re-rendered it since: press where it is)
    sign.press("Enter")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_test_id("sign-what")).to_have_text(what)
    expect(dialog.get_by_test_id("sign-hash")).to_have_text(overlay["contentSha256"])
    diff = dialog.get_by_label("Changes")
    expect(diff).to_contain_text(re.compile(rf'\+ +"booth_rh_max_pct": {overlay["limit"]}\b'))
    expect(diff).to_contain_text(overlay["tag"])
    was = (overlay["before"] or {}).get("spec", {}).get("set", {}).get("booth_rh_max_pct")
    if was is not None:
        expect(diff).to_contain_text(re.compile(rf'- +"booth_rh_max_pct": {was}\b'))
    console.check_accessibility("inbox signing dialog")

    # A wrong password: the API's SignatureRejected problem, nothing signed.
    reason = dialog.get_by_label("Reason")
    password = dialog.get_by_label("Password")
    tab_to(page, reason)
    page.keyboard.type(f"Overlay {overlay['tag']} reviewed against the validation report")
    page.keyboard.press("Tab")
    expect(password).to_be_focused()
    page.keyboard.type("not-the-password")
    page.keyboard.press("Enter")
    expect(dialog.get_by_role("alert")).to_contain_text("SIGNATURE_REJECTED")
    console.screenshot("inbox-sign")

    # The right password, by keyboard: signed, the manifestation shows.
    tab_to(page, password)
    page.keyboard.type(console.platform.password("quinn"))
    page.keyboard.press("Enter")
    manifestation = dialog.get_by_test_id("manifestation")
    expect(manifestation).to_be_visible(timeout=15_000)
    expect(dialog.get_by_role("heading", level=2)).to_have_text("Signed")
    signatures = console.api(SIGNATURES, {"t": "overlay", "id": entity_id}, role="qa_approver")[
        "signatures"
    ]
    signed = [s for s in signatures if s["signerId"] == QUINN]
    assert len(signed) == 1, signatures
    signature = signed[0]
    assert signature["contentSha256"] == overlay["contentSha256"]
    expect(manifestation).to_contain_text(signature["printedName"])
    expect(manifestation).to_contain_text(utc(signature["signedAt"]))
    expect(manifestation).to_contain_text(signature["meaning"])
    expect(manifestation).to_contain_text(signature["manifestation"])
    console.check_accessibility("inbox signing dialog, signed")
    tab_to(page, dialog.get_by_role("button", name="Close"))
    page.keyboard.press("Enter")
    expect(dialog).to_have_count(0)

    # It left the inbox, and the API says the revision is approved.
    expect(mine).to_have_count(0, timeout=15_000)
    expect(page.get_by_test_id("inbox-done")).to_contain_text(signature["manifestation"])
    revisions = console.api(
        REVISIONS, {"site": SITE, "template": OVERLAY_TEMPLATE}, role="qa_approver"
    )["overlays"]
    status = {r["version"]: r["status"] for r in revisions}
    assert status[overlay["version"]] == "APPROVED"

    # The template version goes back to its author, with a reason.
    page.get_by_role(
        "button", name=re.compile(rf"^Return to draft: Template {template['key']} 1\.0\.0")
    ).click()
    back = page.get_by_role("dialog", name=re.compile("^Return to draft"))
    back.get_by_label("Reason").fill("Returned by the console inbox test")
    back.get_by_role("button", name="Return to draft").click()
    expect(back).to_have_count(0)
    expect(page.locator(f'[data-entity="template_version {template["key"]}@1.0.0"]')).to_have_count(
        0, timeout=15_000
    )
    versions = console.api(
        'query($k: String!) { templateVersion(key: $k, version: "1.0.0") { status } }',
        {"k": template["key"]},
    )
    assert versions["templateVersion"]["status"] == "DRAFT"
