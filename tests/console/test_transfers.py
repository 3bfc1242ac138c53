"""The NPI engineer's journey in the console: plan a transfer between two demo sites (the
package shown is the API's transferPackage for the same arguments), make the decisions, start
it, follow it on its page (steps and the qualification chart's numbers as the API's transfer
answers) and find it in the list; then cancel it, so the demo is left as it was. And the
people after the NPI engineer: the target's site admin completes the overlay, QA of each side
signs on the transfer's page, and the transfer goes on to its deployment."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
import time
from typing import Any
from urllib.parse import quote

from playwright.sync_api import Browser, expect

from coe.demo.sites import DEMO_SITES
from tests.console.conftest import Console, Platform, open_console

TEMPLATE = "sterile-barrier-sealing"  # the demo's transferable process (README walk-through)
SOURCE = "cork"
ACTIVE = ["awaiting_overlay", "awaiting_approval", "deploying", "qualifying", "awaiting_decision"]

PACKAGE = """
query($template: String!, $from: String!, $to: String!, $choices: JSON) {
  transferPackage(template: $template, fromSite: $from, toSite: $to, choices: $choices) {
    version ready warnings
    baseline { version rightFirstTime { numerator denominator value } }
    carried
    decisions { parameter sourceValue chosen resolved }
    equipment { operation equipmentClass where }
    blockers { path reason }
  }
}"""
TRANSFER = """
query($id: String!) {
  transfer(id: $id) { id status reason tolerance minUnits package startedBy }
}"""
LIST = """
query($template: String, $status: [String!]) {
  transfers(template: $template, status: $status, first: 50) {
    totalCount nodes { id status target }
  }
}"""
CANCEL = """
mutation($id: String!) {
  cancelTransfer(id: $id, reason: "console test cleanup") { __typename }
}"""


def pct(value: float | None) -> str:
    """As the console writes a ratio (model.ts `pct`)."""
    return "—" if value is None else f"{value * 100:.2f} %"


def show(value: Any) -> str:
    return (
        value
        if isinstance(value, str)
        else str(value).lower()
        if isinstance(value, bool)
        else str(value)
    )


def free_target(console: Console) -> tuple[str, dict[str, Any]]:
    """A demo site the template can go to from the source now: nothing blocks it and no
    transfer of the template to it is under way (one at a time per target)."""
    active = console.api(LIST, {"template": TEMPLATE, "status": ACTIVE}, role="npi_engineer")
    busy = {node["target"] for node in active["transfers"]["nodes"]}
    refused: dict[str, Any] = {}
    for site in sorted(demo.key for demo in DEMO_SITES):
        if site in (SOURCE, *busy):
            continue
        found = console.api(
            PACKAGE, {"template": TEMPLATE, "from": SOURCE, "to": site}, role="npi_engineer"
        )["transferPackage"]
        if not found["blockers"]:
            return site, found
        refused[site] = found["blockers"][:1]
    raise AssertionError(f"no demo site can take {TEMPLATE} from {SOURCE} now: {refused}")


def test_the_npi_engineer_plans_starts_and_follows_a_transfer(console: Console) -> None:
    target, package = free_target(console)
    page = console.page
    console.sign_in("nina", path="/transfers/new")
    expect(page.get_by_role("heading", name="Plan a transfer", level=1)).to_be_visible()
    page.get_by_label("Template").select_option(TEMPLATE)
    page.get_by_label("Source site").select_option(SOURCE)
    page.get_by_label("Target site").select_option(target)

    # the package shown is the API's for the same arguments
    expect(page.get_by_role("heading", name=re.compile(rf"^Package: {TEMPLATE}@"))).to_contain_text(
        f"{TEMPLATE}@{package['version']} {SOURCE} → {target}"
    )
    carried = page.get_by_test_id("package-carried").locator("tbody tr")
    expect(carried).to_have_count(len(package["carried"]))
    for row, (key, value) in zip(carried.all(), package["carried"].items(), strict=True):
        expect(row.get_by_role("rowheader")).to_have_text(key)
        expect(row.locator("td")).to_have_text(show(value))
    decisions = page.get_by_test_id("package-decisions").locator("tbody tr")
    expect(decisions).to_have_count(len(package["decisions"]))
    for row, decision in zip(decisions.all(), package["decisions"], strict=True):
        expect(row.get_by_role("rowheader")).to_have_text(decision["parameter"])
        expect(row.locator("td").nth(0)).to_have_text(show(decision["sourceValue"]))
        expect(row.locator("td").nth(2)).to_have_text("to choose")
    equipment = page.get_by_test_id("package-equipment").locator("tbody tr")
    expect(equipment).to_have_count(len(package["equipment"]))
    for row, need in zip(equipment.all(), package["equipment"], strict=True):
        expect(row.get_by_role("rowheader")).to_have_text(need["operation"])
        expect(row.locator("td").nth(0)).to_have_text(need["equipmentClass"])
        expect(row.locator("td").nth(1)).to_contain_text(", ".join(need["where"]))
    expect(page.get_by_test_id("package-blockers-none")).to_be_visible()
    baseline = package["baseline"]
    expect(page.get_by_test_id("package-baseline")).to_contain_text(
        f"{baseline['rightFirstTime']['numerator']}/{baseline['rightFirstTime']['denominator']}"
    )
    expected_badge = "ready" if package["ready"] else "decisions to make"
    expect(page.get_by_test_id("package-ready")).to_have_text(expected_badge)
    console.check_accessibility("plan a transfer")

    # make the decisions (the source's value, a valid one): the package becomes ready
    choices = {d["parameter"]: d["sourceValue"] for d in package["decisions"]}
    for parameter, value in choices.items():
        page.get_by_label(f"Target value of {parameter}").fill(show(value))
    decided = console.api(
        PACKAGE,
        {"template": TEMPLATE, "from": SOURCE, "to": target, "choices": choices},
        role="npi_engineer",
    )["transferPackage"]
    assert decided["ready"], decided
    assert not decided["blockers"], decided
    expect(page.get_by_test_id("package-ready")).to_have_text("ready")
    for row, decision in zip(decisions.all(), decided["decisions"], strict=True):
        expect(row.locator("td").nth(2)).to_have_text(f"chosen: {show(decision['chosen'])}")
    start = page.get_by_role("button", name="Start transfer")
    expect(start).to_be_enabled()
    console.screenshot("transfer-new")

    page.get_by_label("Reason (kept in the audit trail)").fill("console test: NPI journey")
    start.click()
    expect(page).to_have_url(re.compile(rf"/transfers/{TEMPLATE}-{SOURCE}-{target}-[0-9a-f]+$"))
    transfer_id = page.url.rsplit("/", 1)[1]
    try:
        shown = console.api(TRANSFER, {"id": transfer_id}, role="npi_engineer")["transfer"]
        assert shown["startedBy"] == "nina"
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Transfer {transfer_id}")
        expect(page.get_by_test_id("transfer-status").first).to_have_text(shown["status"])
        expect(page.get_by_test_id("transfer-reason")).to_have_text(shown["reason"])
        steps = page.get_by_test_id("transfer-steps")
        expect(steps.locator("li")).to_have_count(6)
        current = steps.locator("li[aria-current=step]")
        expect(current).to_have_count(1)
        expect(current).to_contain_text(f"in progress ({shown['status']})")
        at = {"awaiting_overlay": "overlay", "awaiting_approval": "approval"}[shown["status"]]
        expect(current).to_have_attribute("data-step", at)

        # the qualification chart, with the API's baseline and tolerance beside it
        kept = shown["package"]["baseline"]["rightFirstTime"]
        chart = page.get_by_role("img", name=re.compile("^Qualification chart"))
        expect(chart).to_be_visible()
        expect(chart.locator("svg")).to_have_count(1)
        expect(chart).to_have_attribute(
            "aria-label",
            re.compile(
                re.escape(f"baseline right-first-time {pct(kept['value'])} ")
                + r".*"
                + re.escape(
                    f"over {kept['denominator']} units; tolerance {pct(shown['tolerance'])}"
                )
            ),
        )
        table = page.get_by_test_id("qualification-table")
        baseline_row = table.locator("tr[data-row=baseline] td")
        expect(baseline_row).to_have_text(
            [
                pct(kept["value"]),
                pct(kept["low"]),
                pct(kept["high"]),
                f"{kept['numerator']}/{kept['denominator']}",
            ]
        )
        expect(table.locator("tr[data-row=tolerance] td").first).to_have_text(
            pct(shown["tolerance"])
        )
        expect(table.locator("tr[data-row=tolerance] td").last).to_have_text(
            f"at least {shown['minUnits']}"
        )
        console.check_accessibility("transfer page")
        console.screenshot("transfer")

        # the list, filtered by the template in the URL, is the API's
        page.get_by_role("link", name="all transfers").click()
        page.get_by_label("Template").select_option(TEMPLATE)
        expect(page).to_have_url(re.compile(rf"/transfers\?template={re.escape(quote(TEMPLATE))}$"))
        listed = console.api(LIST, {"template": TEMPLATE}, role="npi_engineer")["transfers"]
        rows = page.get_by_test_id("transfers-table").locator("tbody tr")
        expect(rows).to_have_count(len(listed["nodes"]))
        expect(rows.get_by_role("rowheader")).to_have_text([node["id"] for node in listed["nodes"]])
        expect(page.get_by_test_id("transfers-total")).to_contain_text(str(listed["totalCount"]))
        mine = page.locator(f'tr[data-transfer="{transfer_id}"]')
        expect(mine.get_by_test_id("transfer-status")).to_have_text(shown["status"])
        expect(mine).to_contain_text(f"{SOURCE} → {target}")
        expect(page.get_by_label("Template")).to_have_value(TEMPLATE)
        console.check_accessibility("transfers list")
        console.screenshot("transfers")

        # cancel it from its page (the NPI engineer may): the page follows the API
        mine.get_by_role("link", name=transfer_id).click()
        page.get_by_label("Reason to cancel").fill("console test: done")
        page.get_by_role("button", name="Cancel transfer").click()
        expect(page.get_by_test_id("transfer-status").first).to_have_text("cancelled")
        ended = console.api(TRANSFER, {"id": transfer_id}, role="npi_engineer")["transfer"]
        assert ended["status"] == "cancelled"
        expect(
            page.get_by_test_id("transfer-steps").locator("li[data-step=outcome]")
        ).to_have_attribute("data-state", "cancelled")
        expect(page.get_by_role("button", name="Cancel transfer")).to_have_count(0)

        # the status filter, in the URL too, lists what the API lists for it
        page.get_by_role("link", name="all transfers").click()
        page.get_by_label("Template").select_option(TEMPLATE)
        page.get_by_label("Status").select_option("cancelled")
        expect(page).to_have_url(re.compile(r"[?&]status=cancelled(&|$)"))
        expect(page).to_have_url(re.compile(rf"[?&]template={re.escape(quote(TEMPLATE))}(&|$)"))
        cancelled = console.api(
            LIST, {"template": TEMPLATE, "status": ["cancelled"]}, role="npi_engineer"
        )["transfers"]
        assert transfer_id in [node["id"] for node in cancelled["nodes"]]
        expect(rows.get_by_role("rowheader")).to_have_text(
            [node["id"] for node in cancelled["nodes"]]
        )
    finally:
        left = console.api(TRANSFER, {"id": transfer_id}, role="npi_engineer")["transfer"]
        if left["status"] in ACTIVE and left["status"] != "deploying":
            console.api(CANCEL, {"id": transfer_id}, role="npi_engineer")


START = """
mutation($input: StartTransferInput!) {
  startTransfer(input: $input) {
    __typename ... on Transfer { id status } ... on Problem { code message }
  }
}"""


def add_user(platform: Platform, username: str, name: str, role: str, site: str) -> str:
    """A person of the target site in the local identity store (`coe user add`, as the README
    shows), with a password of this run."""
    password = secrets.token_urlsafe(12)
    command = ["user", "add", username, "--name", name, "--role", role, "--site", site]
    added = subprocess.run(
        [sys.executable, "-m", "coe", *command, "--password-stdin"],
        input=password,
        env={**os.environ, "COE_HOME": str(platform.home)},
        cwd=platform.home.parent,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert added.returncode == 0, added.stderr
    return password


def sign_in_as(console: Console, username: str, password: str, path: str) -> None:
    console.goto(path)
    console.page.get_by_label("User id").fill(username)
    console.page.get_by_label("Password").fill(password)
    console.page.get_by_role("button", name="Sign in").click()
    console.page.get_by_test_id("who").wait_for()


def sign_side(console: Console, side: str, site: str, password: str) -> None:
    page = console.page
    page.get_by_role("button", name=f"Sign for the {side} ({site})").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Reason").fill(f"{side} side reviewed in the console test")
    dialog.get_by_label("Password").fill(password)
    dialog.get_by_role("button", name="Sign", exact=True).click()
    expect(dialog.get_by_test_id("manifestation")).to_be_visible(timeout=20_000)
    dialog.get_by_role("button", name="Close").click()


def test_the_target_completes_the_overlay_and_two_qa_approvers_sign(
    console: Console, chromium: Browser
) -> None:
    target, package = free_target(console)
    tag = secrets.token_hex(3)
    admin, qa = f"admin-{target}-{tag}", f"qa-{target}-{tag}"
    admin_password = add_user(console.platform, admin, f"Admin {tag}", "site_admin", target)
    qa_password = add_user(console.platform, qa, f"QA {tag}", "qa_approver", target)
    started = console.api(
        START,
        {"input": {"template": TEMPLATE, "fromSite": SOURCE, "toSite": target}},
        role="npi_engineer",
    )["startTransfer"]
    assert started["__typename"] == "Transfer", started
    transfer_id = started["id"]
    path = f"/transfers/{transfer_id}"
    try:
        # the target's site admin completes the overlay with the decisions
        sign_in_as(console, admin, admin_password, path)
        page = console.page
        for decision in package["decisions"]:
            page.get_by_label(re.compile(rf"^{re.escape(decision['parameter'])} \(source:")).fill(
                show(decision["sourceValue"])
            )
        page.get_by_role("button", name="Propose the overlay").click()
        status = page.get_by_test_id("transfer-status").first
        expect(status).to_have_text("awaiting_approval", timeout=20_000)
        assert (
            console.api(TRANSFER, {"id": transfer_id}, role="npi_engineer")["transfer"]["status"]
            == "awaiting_approval"
        )
        expect(page.get_by_role("button", name=re.compile("^Sign for the"))).to_have_count(0)

        # QA of the source (quinn, every site) and of the target sign, each in their browser
        console.page.get_by_role("button", name="Sign out").click()
        console.sign_in("quinn", path=path)
        sign_side(console, "source", SOURCE, console.platform.password("quinn"))
        with open_console(console.platform, chromium) as target_qa:
            sign_in_as(target_qa, qa, qa_password, path)
            sign_side(target_qa, "target", target, qa_password)
            expect(target_qa.page.get_by_test_id("transfer-status").first).to_have_text(
                re.compile("^(deploying|qualifying)$"), timeout=30_000
            )
        approvals = console.api(
            "query($id: String!) { transfer(id: $id) { status approvals } }",
            {"id": transfer_id},
            role="npi_engineer",
        )["transfer"]
        assert approvals["status"] in {"deploying", "qualifying"}, approvals
        assert set(approvals["approvals"]) == {"source", "target"}
    finally:
        deadline = time.monotonic() + 60  # a deployment under way cannot be cancelled
        while True:
            left = console.api(TRANSFER, {"id": transfer_id}, role="npi_engineer")["transfer"]
            if left["status"] != "deploying" or time.monotonic() > deadline:
                break
            time.sleep(1)
        if left["status"] in ACTIVE and left["status"] != "deploying":
            console.api(CANCEL, {"id": transfer_id}, role="npi_engineer")
