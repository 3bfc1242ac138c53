"""Rollouts in the web console, in a real Chromium against a real platform: the architect
starts a rollout from a plan (validated as typed) and watches its pilot go live on the waves-by-
sites grid; a QA approver signs the waiting gate in the one SignatureDialog (keyboard only) and
the rollout proceeds; the list filtered by status is the API's answer; a bad plan shows its
violation and cannot start. Also measures (reports, does not assert) how fast the grid renders
a 1,000-site rollout."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from tests.console.conftest import ROOT, Console, Platform, open_console, record_speed

PLAN = ROOT / "plans" / "sterile-barrier-sealing-2.1.0.yaml"  # pilot: cork, approval + soak
UNPUBLISHED_PLAN = ROOT / "plans" / "sterile-barrier-sealing-2.2.0.yaml"
ACTIVE = ["running", "paused", "awaiting_approval"]

ROLLOUT = """query($id: String!) { rollout(id: $id) { id status currentWave startedBy
  waves { name gates sites { site state sha256 } } } }"""
SIGNATURES = """query($t: String!, $id: String!) { signatures(entityType: $t, entityId: $id) {
  id signerId printedName meaning reason contentSha256 } }"""
AUDIT = """query($f: AuditFilter) { auditRecords(filter: $f, first: 25) {
  nodes { seq action signatureId requestId } } }"""


def unique_plan() -> str:
    """The committed plan with a reason of this run: a plan of its own, not a retried start."""
    text = PLAN.read_text(encoding="utf-8")
    return re.sub(
        r"^(  reason: )(.*)$",
        lambda m: f"{m.group(1)}{m.group(2)} (console test {uuid.uuid4().hex[:8]})",
        text,
        count=1,
        flags=re.MULTILINE,
    )


def grid_row(page: Page, wave: str, site: str) -> Any:
    return page.locator(f'section[data-wave="{wave}"] tr[data-site="{site}"]')


def expect_grid_matches_api(console: Console, rollout_id: str, wave: str) -> dict[str, Any]:
    """The wave's rows on the grid show the states of the API's rollout(id), once they agree."""
    deadline = time.monotonic() + 30
    while True:
        answer = console.api(ROLLOUT, {"id": rollout_id})["rollout"]
        sites = next(w for w in answer["waves"] if w["name"] == wave)["sites"]
        try:
            for site in sites:
                row = grid_row(console.page, wave, site["site"])
                expect(row).to_have_attribute("data-state", site["state"], timeout=3000)
                if site["sha256"]:
                    expect(row.get_by_title(site["sha256"])).to_have_text(site["sha256"][:12])
            return dict(answer)
        except AssertionError:
            if time.monotonic() > deadline:
                raise


@pytest.fixture
def quinn_tab(platform: Platform, chromium: Browser) -> Iterator[Console]:
    """Another browser context (another person), guarded as the `console` fixture's."""
    with open_console(platform, chromium) as tab:
        yield tab


def test_architect_starts_a_rollout_and_qa_signs_its_gate(
    console: Console, quinn_tab: Console, chromium: Browser
) -> None:
    active = console.api(
        'query($s: [String!]) { rollouts(template: "sterile-barrier-sealing", status: $s) '
        "{ nodes { id } } }",
        {"s": ACTIVE},
    )["rollouts"]["nodes"]
    # One rollout per template at a time: the platform's demo rollouts have all ended.
    assert not active, f"another rollout of sterile-barrier-sealing is under way: {active}"
    page = console.page
    console.sign_in("ada", path="/rollouts/new")
    expect(page.get_by_role("heading", name="Start a rollout")).to_be_visible()
    start = page.get_by_role("button", name="Start rollout")
    expect(start).to_be_disabled()
    plan = unique_plan()
    page.get_by_label("Plan (YAML or JSON)").fill(plan)
    check = console.api(
        "query($p: String!) { checkRolloutPlan(plan: $p) { __typename "
        "... on RolloutPlanCheck { template version waves { name sites gates } } } }",
        {"p": plan},
    )["checkRolloutPlan"]
    assert check["__typename"] == "RolloutPlanCheck", check
    valid = page.get_by_test_id("plan-valid")
    expect(valid).to_contain_text(f"{check['template']} {check['version']}")
    for wave in check["waves"]:
        wave_row = valid.get_by_role("row").filter(
            has=page.get_by_role("rowheader", name=wave["name"], exact=True)
        )
        expect(wave_row).to_contain_text(", ".join(wave["sites"]) or "none")
    expect(start).to_be_enabled()
    console.check_accessibility("new rollout page")
    console.screenshot("rollout-new")

    start.click()
    expect(page).to_have_url(re.compile(r"/rollouts/sterile-barrier-sealing-2\.1\.0-[0-9a-f]+$"))
    rollout_id = page.url.rsplit("/", 1)[1]
    try:
        pilot = check["waves"][0]["name"]
        # the pilot goes live, then waits for its approval: the grid follows without a reload
        expect(page.get_by_test_id("rollout-status")).to_contain_text(
            "awaiting approval", timeout=45_000
        )
        answer = expect_grid_matches_api(console, rollout_id, pilot)
        assert answer["status"] == "awaiting_approval"
        assert answer["currentWave"] == pilot
        assert all(site["state"] == "live" for site in answer["waves"][0]["sites"]), answer
        gate = page.locator(f'tr[data-gate="{pilot}:approval"]')
        expect(gate).to_contain_text("waiting for a qa_approver")
        # ada started it: she may not approve its gates, so she is not offered to
        expect(page.get_by_role("button", name=re.compile("^Approve gate"))).to_have_count(0)
        expect(page.get_by_role("button", name="Abort…")).to_be_visible()
        console.check_accessibility("rollout page")
        console.screenshot("rollout")
        # abort asks for a reason and the rollback choice (cancelled here: nothing is sent)
        page.get_by_role("button", name="Abort…").click()
        abort = page.get_by_role("dialog", name="Abort the rollout")
        expect(abort.get_by_label("Reason (optional)")).to_be_focused()
        expect(abort.get_by_role("radio", name=re.compile("^Roll back every site"))).to_be_visible()
        expect(abort.get_by_role("radio", name="Keep them as they are")).to_be_checked()
        console.check_accessibility("abort dialog")
        page.keyboard.press("Escape")
        expect(abort).to_be_hidden()

        # quinn, elsewhere, signs the waiting gate with the keyboard only
        qpage = quinn_tab.page
        quinn_tab.sign_in("quinn", path=f"/rollouts/{rollout_id}")
        approve = qpage.get_by_role("button", name=f"Approve gate of wave {pilot}…")
        expect(qpage.get_by_role("button", name="Abort…")).to_have_count(0)  # not a QA action
        approve.focus()
        qpage.keyboard.press("Enter")
        dialog = qpage.get_by_role("dialog")
        expect(dialog).to_be_visible()
        expect(dialog.get_by_test_id("sign-hash")).to_be_visible()
        qpage.keyboard.press("Escape")  # Escape closes it, nothing signed
        expect(dialog).to_be_hidden()
        expect(approve).to_be_focused()  # focus is back where it was: Enter opens it again
        qpage.keyboard.press("Enter")
        expect(dialog).to_be_visible()
        expect(dialog.get_by_test_id("sign-what")).to_contain_text(rollout_id)
        quinn_tab.check_accessibility("signature dialog")
        quinn_tab.screenshot("signature-dialog")
        reason = dialog.get_by_label("Reason")
        password = dialog.get_by_label("Password")
        if not reason.evaluate("e => e === document.activeElement"):
            for _ in range(10):  # Tab to the reason field
                qpage.keyboard.press("Tab")
                if reason.evaluate("e => e === document.activeElement"):
                    break
        expect(reason).to_be_focused()
        qpage.keyboard.type("Pilot at cork verified by the console test")
        qpage.keyboard.press("Tab")
        expect(password).to_be_focused()
        qpage.keyboard.type(quinn_tab.platform.password("quinn"))
        qpage.keyboard.press("Enter")
        manifestation = dialog.get_by_test_id("manifestation")
        expect(manifestation).to_be_visible(timeout=20_000)
        signatures = console.api(
            SIGNATURES, {"t": "rollout_gate", "id": f"{rollout_id}/{pilot}"}, role="qa_approver"
        )["signatures"]
        mine = [s for s in signatures if s["signerId"] == "quinn"]
        assert mine, signatures
        expect(manifestation).to_contain_text(mine[-1]["printedName"])
        expect(manifestation).to_contain_text(mine[-1]["meaning"])
        qpage.keyboard.press("Escape")
        expect(dialog).to_be_hidden()

        # the rollout proceeds: the next wave runs and finishes, on ada's grid, as the API says
        following = check["waves"][1]
        for site in following["sites"]:
            expect(grid_row(page, following["name"], site)).to_have_attribute(
                "data-state", re.compile("^(live|skipped|failed|rolled_back)$"), timeout=45_000
            )
        expect_grid_matches_api(console, rollout_id, following["name"])
        expect(page.locator(f'tr[data-gate="{pilot}:approval"]')).to_contain_text("passed")

        # the auditor finds the gate signature's audit record
        signed_gate = {"entityType": "rollout_gate", "entityId": f"{rollout_id}/{pilot}"}
        records = console.api(AUDIT, {"f": signed_gate}, role="auditor")["auditRecords"]["nodes"]
        record = next(r for r in records if r["signatureId"] == mine[-1]["id"])
        with open_console(console.platform, chromium) as audrey:
            audrey.sign_in("audrey", path=f"/audit?{urlencode(signed_gate)}")
            audrey.page.get_by_role("link", name=f"Record {record['seq']}", exact=True).click()
            expect(audrey.page.get_by_test_id("record-action")).to_have_text(record["action"])
            shown = audrey.page.get_by_test_id("record-signature")
            expect(shown.get_by_test_id("signature-name")).to_have_text(mine[-1]["printedName"])
            expect(shown.get_by_test_id("signature-meaning")).to_have_text(mine[-1]["meaning"])
            expect(audrey.page.get_by_test_id("record-request-id")).to_have_text(
                record["requestId"]
            )
    finally:  # a failed run leaves no rollout of this template under way for the next one
        left = console.api(ROLLOUT, {"id": rollout_id})["rollout"]
        if left["status"] in ACTIVE:
            console.api(
                'mutation($id: String!) { abortRollout(id: $id, reason: "console test ended") '
                "{ __typename } }",
                {"id": rollout_id},
            )


def test_the_list_filtered_by_status_is_the_apis_answer(console: Console) -> None:
    page = console.page
    console.sign_in("ada", path="/rollouts")
    expect(page.get_by_role("heading", name="Rollouts", exact=True)).to_be_visible()
    page.get_by_label("Status").select_option("completed")
    expect(page).to_have_url(re.compile(r"[?&]status=completed"))
    table = page.get_by_test_id("rollouts")
    deadline = time.monotonic() + 30
    while True:  # others start rollouts meanwhile: compare once the page shows the newest answer
        answer = console.api(
            '{ rollouts(status: ["completed"], first: 20) { totalCount nodes { id status } } }'
        )["rollouts"]
        try:
            expect(page.get_by_test_id("rollout-count")).to_have_text(
                f"{answer['totalCount']} rollout{'' if answer['totalCount'] == 1 else 's'}",
                timeout=5000,
            )
            ids = [node["id"] for node in answer["nodes"]]
            expect(table.locator("tbody tr")).to_have_count(len(ids), timeout=1000)
            shown = table.locator("tbody tr").evaluate_all(
                "rows => rows.map(r => r.dataset.rollout)"
            )
            assert shown == ids
            break
        except AssertionError:
            if time.monotonic() > deadline:
                raise
    for row in table.locator("tbody tr").all():
        expect(row).to_contain_text("completed")
    first = answer["nodes"][0]["id"]
    expect(table.get_by_role("link", name=first)).to_have_attribute("href", f"/rollouts/{first}")
    console.check_accessibility("rollouts list")
    console.screenshot("rollouts")


def test_a_bad_plan_shows_its_violation_and_cannot_start(console: Console) -> None:
    page = console.page
    console.sign_in("ada", path="/rollouts/new")
    plan = UNPUBLISHED_PLAN.read_text(encoding="utf-8")
    answer = console.api(
        "query($p: String!) { checkRolloutPlan(plan: $p) { __typename "
        "... on Problem { code message } "
        "... on ValidationFailed { violations { path reason } } } }",
        {"p": plan},
    )["checkRolloutPlan"]
    assert answer["__typename"] == "ValidationFailed", answer
    page.get_by_label("Plan (YAML or JSON)").fill(plan)
    check = page.get_by_test_id("plan-check")
    for violation in answer["violations"]:
        expect(check.get_by_role("alert")).to_contain_text(violation["reason"])
        expect(check.get_by_role("alert")).to_contain_text(violation["path"])
    expect(page.get_by_role("button", name="Start rollout")).to_be_disabled()
    # not YAML at all: still refused, still disabled
    page.get_by_label("Plan (YAML or JSON)").fill("kind: [")
    expect(check.get_by_role("alert")).to_be_visible()
    expect(page.get_by_role("button", name="Start rollout")).to_be_disabled()


GUARD = {  # a kpiGuard measurement shaped as the API's KpiGuardMeasurement
    "metric": "right_first_time",
    "verdict": "pass",
    "reason": "after is surely not worse than before by more than 2 %",
    "measuredAt": "2026-12-02T10:00:00+00:00",
    "maxDrop": 0.02,
    "minUnits": 200,
    "threshold": -0.02,
    "beforeUnits": 1000,
    "beforeHits": 950,
    "before": 0.95,
    "beforeLow": 0.935,
    "beforeHigh": 0.962,
    "afterUnits": 800,
    "afterHits": 768,
    "after": 0.96,
    "afterLow": 0.944,
    "afterHigh": 0.972,
    "difference": 0.01,
    "differenceLow": -0.009,
    "differenceHigh": 0.028,
}


def thousand_sites(rollout_id: str) -> dict[str, Any]:
    """A rollout(id) answer shaped exactly as the API's, with 1,000 sites in four waves."""
    states = ["live", "live", "live", "failed", "skipped", "rolled_back", "pending"]
    at = "2026-12-02T10:00:00+00:00"
    waves = []
    for w, (name, count) in enumerate([("pilot", 10), ("emea", 290), ("apac", 300), ("rest", 400)]):
        sites = []
        for i in range(count):
            n = sum(c for _, c in [("", 10), ("", 290), ("", 300)][:w]) + i
            state = states[n % len(states)]
            sites.append(
                {
                    "site": f"site-{n:04d}",
                    "wave": name,
                    "state": state,
                    "reason": None if state == "live" else f"{state} at step {n % 5}",
                    "violations": (
                        [{"path": "/parameters/dwell", "reason": "out of bounds"}]
                        if state == "skipped"
                        else None
                    ),
                    "sha256": f"{n:064x}" if state == "live" else None,
                    "previousSha256": f"{n + 1:064x}",
                    "updatedAt": at,
                    "history": [{"state": state, "reason": None, "at": at}],
                }
            )
        waves.append(
            {
                "name": name,
                "maxParallel": 20,
                "failureBudget": 5,
                "gates": ["approval by qa_approver (approved)"] if name == "pilot" else [],
                "sites": sites,
                "kpiGuard": GUARD if name == "pilot" else None,
            }
        )
    return {
        "data": {
            "rollout": {
                "id": rollout_id,
                "template": "speed-test",
                "version": "1.0.0",
                "templateSha256": "f" * 64,
                "status": "completed",
                "currentWave": None,
                "reason": None,
                "startedBy": "ada",
                "startedAt": at,
                "updatedAt": at,
                "finishedAt": at,
                "temporalUrl": "http://127.0.0.1:8300/namespaces/default/workflows/x",
                "warnings": [],
                "waves": waves,
            }
        }
    }


# In-page timers: from the change to the frame that shows its outcome (requestAnimationFrame
# after the DOM says so), so Playwright's own polling does not count.
UNTIL = """(test, t0) => new Promise((done, fail) => {
  const step = () => test() ? requestAnimationFrame(() => done(performance.now() - t0))
    : performance.now() - t0 > 30000 ? fail(new Error('timed out')) : requestAnimationFrame(step);
  step(); })"""
WHEN_SHOWN = f"""id => {{ const until = {UNTIL}; const t0 = performance.now();
  history.pushState({{}}, '', '/rollouts/' + id); dispatchEvent(new PopStateEvent('popstate'));
  return until(() => document.querySelectorAll('table.site-grid tbody tr').length === 1000, t0);
}}"""
WHEN_FILTERED = f"""text => {{ const until = {UNTIL};
  const input = [...document.querySelectorAll('label')].find(l =>
    l.textContent.startsWith('Filter sites')).querySelector('input');
  const set = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
  const t0 = performance.now(); set.call(input, text);
  input.dispatchEvent(new Event('input', {{ bubbles: true }}));
  return until(() => document.querySelectorAll('table.site-grid tbody tr').length === 1, t0);
}}"""
WHEN_OPENED = f"""site => {{ const until = {UNTIL};
  const button = document.querySelector(`tr[data-site="${{site}}"] button`);
  const t0 = performance.now(); button.click();
  return until(() => !!document.querySelector('[data-testid="site-detail"]'), t0);
}}"""


def test_the_grid_with_1000_sites_stays_responsive(console: Console) -> None:
    """Measures RENDERING ONLY, reported and not asserted: a real 1,000-site rollout cannot
    run here, so a Playwright route answers the rollout(id) query for one made-up id with a
    generated 1,000-site rollout shaped as the API's answer. Times: navigating to the rollout
    page until the grid shows all 1,000 rows, and one interaction (filtering to one site, then
    opening its detail). Printed and merged into build/console-speed.json (record_speed)."""
    page = console.page
    fake = f"speed-test-1.0.0-{uuid.uuid4().hex[:6]}"
    body = json.dumps(thousand_sites(fake))

    def answer(route: Route) -> None:
        request = route.request
        sent = request.post_data_json if request.method == "POST" else None
        if (
            isinstance(sent, dict)
            and sent.get("operationName") == "RolloutDetail"
            and sent.get("variables", {}).get("id") == fake
        ):
            route.fulfill(status=200, content_type="application/json", body=body)
        else:
            route.fallback()

    page.route("**/graphql", answer)
    console.sign_in("ada", path="/rollouts")
    expect(page.get_by_role("heading", name="Rollouts", exact=True)).to_be_visible()
    # Timed inside the page, to the frame: until the grid shows its rows (painted).
    render_ms = page.evaluate(WHEN_SHOWN, fake)
    expect(page.get_by_test_id("grid-count")).to_have_text("1000 of 1000 sites shown")
    expect(page.locator("table.site-grid tbody tr")).to_have_count(1000)
    filter_ms = page.evaluate(WHEN_FILTERED, "site-0999")
    expect(page.get_by_test_id("grid-count")).to_have_text("1 of 1000 sites shown")
    open_ms = page.evaluate(WHEN_OPENED, "site-0999")
    expect(page.get_by_test_id("site-detail")).to_contain_text("site-0999")
    interaction_ms = filter_ms + open_ms
    guard = page.get_by_test_id("kpi-guard-pilot")  # its chart and table, from the answer
    expect(guard).to_contain_text("pass")
    expect(guard.get_by_role("row", name=re.compile("^Difference"))).to_contain_text("-0.9 %")
    expect(guard.get_by_role("img", name=re.compile("^Difference after"))).to_be_visible()

    print(
        f"\nrollout grid, 1,000 sites: rendered in {render_ms:.0f} ms; "
        f"filter to one site {filter_ms:.0f} ms + open it {open_ms:.0f} ms "
        "(rendering only, made-up answer)"
    )
    record_speed(
        "rollout_grid_1000_ms",
        render_ms,
        1500,
        "rollout page with a 1,000-site answer (made up, rendering only): navigate to all rows",
    )
    record_speed(
        "rollout_grid_1000_interaction_ms",
        interaction_ms,
        200,
        "the same grid: filter to one site and open its detail",
    )


START = """mutation($p: String!) { startRollout(plan: $p) { __typename
  ... on Rollout { id } ... on Problem { code message } } }"""


def long_soak_plan() -> str:
    """The committed plan without its approval and with a five-minute soak after the pilot:
    time for an architect to pause, resume, skip a site and abort while it runs."""
    text = unique_plan().replace("        - approval: {role: qa_approver, meaning: approved}\n", "")
    assert "- soak: 10s" in text
    return text.replace("- soak: 10s", "- soak: 300s")


def no_rollout_under_way(console: Console, timeout: float = 120) -> None:
    """Wait until no rollout of the template is under way (one at a time per template)."""
    deadline = time.monotonic() + timeout
    while console.api(
        'query($s: [String!]) { rollouts(template: "sterile-barrier-sealing", status: $s) '
        "{ nodes { id } } }",
        {"s": ACTIVE},
    )["rollouts"]["nodes"]:
        assert time.monotonic() < deadline, "a rollout of sterile-barrier-sealing never ended"
        time.sleep(1)


def wait_for(console: Console, rollout_id: str, status: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while console.api(ROLLOUT, {"id": rollout_id})["rollout"]["status"] != status:
        assert time.monotonic() < deadline, f"{rollout_id} never became {status}"
        time.sleep(0.5)


def test_an_architect_pauses_resumes_skips_a_site_and_aborts_with_rollback(
    console: Console,
) -> None:
    no_rollout_under_way(console)  # the journey's rollout may still be finishing
    started = console.api(START, {"p": long_soak_plan()})["startRollout"]
    assert started["__typename"] == "Rollout", started
    rollout_id = started["id"]
    try:
        console.sign_in("ada", path=f"/rollouts/{rollout_id}")
        page = console.page
        status = page.get_by_test_id("rollout-status")

        page.get_by_role("button", name="Pause…").click()
        dialog = page.get_by_role("dialog", name="Pause the rollout")
        dialog.get_by_label("Reason (optional)").fill("line trial at penang first")
        dialog.get_by_role("button", name="Pause", exact=True).click()
        wait_for(console, rollout_id, "paused")
        expect(status).to_contain_text("paused")

        page.get_by_role("button", name="Resume…").click()
        page.get_by_role("dialog", name="Resume the rollout").get_by_role(
            "button", name="Resume", exact=True
        ).click()
        wait_for(console, rollout_id, "running")
        expect(status).to_contain_text("running")

        grid_row(page, "apac", "penang").get_by_role("button", name="penang").click()
        page.get_by_role("button", name="Skip site penang…").click()
        skip = page.get_by_role("dialog", name="Skip site penang")
        skip.get_by_label("Reason").fill("penang requalifies its sealer first")
        skip.get_by_role("button", name="Skip site", exact=True).click()
        expect(grid_row(page, "apac", "penang")).to_have_attribute("data-state", "skipped")

        page.get_by_role("button", name="Abort…").click()
        abort = page.get_by_role("dialog", name="Abort the rollout")
        abort.get_by_label("Roll back every site this rollout changed (newest first)").check()
        abort.get_by_role("button", name="Abort", exact=True).click()
        wait_for(console, rollout_id, "aborted", timeout=90)
        expect(status).to_contain_text("aborted")
        answer = console.api(ROLLOUT, {"id": rollout_id})["rollout"]
        states = {s["site"]: s["state"] for w in answer["waves"] for s in w["sites"]}
        assert states["penang"] == "skipped"
        assert states["cork"] in {"rolled_back", "live"}, states  # cork ran 2.1.0 already
        expect(grid_row(page, "pilot", "cork")).to_have_attribute("data-state", states["cork"])
    finally:
        if console.api(ROLLOUT, {"id": rollout_id})["rollout"]["status"] in ACTIVE:
            console.api(
                'mutation($id: String!) { abortRollout(id: $id, reason: "console test ended") '
                "{ __typename } }",
                {"id": rollout_id},
            )


def plant_faults(platform: Platform, site: str, *flags: str) -> None:
    """`coe plant-faults` on the platform's reference agent (as the README's demos do)."""
    done = subprocess.run(
        [sys.executable, "-m", "coe", "plant-faults", site, *flags],
        env={**os.environ, "COE_HOME": str(platform.home)},
        cwd=platform.home.parent,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def test_an_architect_retries_a_site_that_failed(console: Console) -> None:
    no_rollout_under_way(console)
    plant_faults(console.platform, "cork", "--wrong-hash")  # its deployment will not verify
    rollout_id = ""
    try:
        started = console.api(START, {"p": long_soak_plan()})["startRollout"]
        assert started["__typename"] == "Rollout", started
        rollout_id = started["id"]
        wait_for(console, rollout_id, "paused", timeout=90)  # over the pilot's failure budget
        failed = console.api(ROLLOUT, {"id": rollout_id})["rollout"]["waves"][0]["sites"][0]
        assert (failed["site"], failed["state"]) == ("cork", "failed"), failed
        plant_faults(console.platform, "cork", "--clear")  # the plant is fixed

        console.sign_in("ada", path=f"/rollouts/{rollout_id}")
        page = console.page
        expect(grid_row(page, "pilot", "cork")).to_have_attribute("data-state", "failed")
        expect(page.get_by_test_id("rollout-reason")).to_contain_text("failed in wave pilot")
        page.get_by_role("button", name="Retry failed sites…").click()
        dialog = page.get_by_role("dialog", name="Retry the failed sites of the current wave")
        dialog.get_by_label("Reason (optional)").fill("cork's agent fixed")
        dialog.get_by_role("button", name="Retry", exact=True).click()
        expect(grid_row(page, "pilot", "cork")).to_have_attribute(
            "data-state", "live", timeout=60_000
        )
        expect_grid_matches_api(console, rollout_id, "pilot")
    finally:
        plant_faults(console.platform, "cork", "--clear")
        if rollout_id and console.api(ROLLOUT, {"id": rollout_id})["rollout"]["status"] in ACTIVE:
            console.api(
                'mutation($id: String!) { abortRollout(id: $id, reason: "console test ended") '
                "{ __typename } }",
                {"id": rollout_id},
            )
