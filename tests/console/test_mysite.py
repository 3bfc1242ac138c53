"""My site in a real Chromium against a real platform: a site admin sees the site's hierarchy,
what runs there and drift as the API answers them, edits an overlay with validation as one types
(the violation marked at its line), fixes it, previews the effective definition's diff and
proposes the revision, which the history then shows as awaiting QA's signature; QA signs it
from their inbox and the site admin's history shows the signature."""

from __future__ import annotations

import re
import time
from typing import Any

from playwright.sync_api import Browser, expect

from tests.console.conftest import Console, open_console

SITE = "penang"  # sam's site; the only site this journey writes to

HIERARCHY = """query ($site: String!) { site(key: $site) { areas { key name
  workCenters { key name workUnits { key name } } } } }"""
LEDGER = """query ($site: String!) { ledger(site: $site) { template version status } }"""
DRIFT = "{ drift { site template detail } }"
OVERLAYS = """query ($site: String!, $template: String) {
  overlays(site: $site, template: $template) {
  template version status document } }"""
RUNNING = """query ($site: String!, $template: String!) {
  ledger(site: $site, template: $template) {
  version status } }"""
PARAMETERS = """query ($key: String!, $version: String) {
  templateVersion(key: $key, version: $version) {
  version parameters { name type minimum maximum siteConfigurable } } }"""


def _flatten(site: dict[str, Any]) -> list[list[str]]:
    rows: list[list[str]] = []
    for area in site["areas"]:
        rows.append(["area", area["key"]])
        for center in area["workCenters"]:
            rows.append(["work-center", center["key"]])
            rows.extend(["work-unit", unit["key"]] for unit in center["workUnits"])
    return rows


def _numeric_overlay_parameter(console: Console) -> tuple[str, str, float, float]:
    """A template of the site whose newest overlay sets a bounded number: (template, name,
    minimum, maximum), from the API's overlays, ledger and templateVersion."""
    overlays = console.api(OVERLAYS, {"site": SITE}, role="site_admin")["overlays"]
    newest: dict[str, dict[str, Any]] = {}
    for revision in overlays:
        if revision["version"] > newest.get(revision["template"], {"version": 0})["version"]:
            newest[revision["template"]] = revision
    for template, revision in sorted(newest.items()):
        running = console.api(RUNNING, {"site": SITE, "template": template}, role="site_admin")
        live = [entry["version"] for entry in running["ledger"] if entry["status"] == "live"]
        version = live[0] if live else None
        answer = console.api(PARAMETERS, {"key": template, "version": version}, role="site_admin")
        for parameter in answer["templateVersion"]["parameters"]:
            bounded = parameter["minimum"] is not None and parameter["maximum"] is not None
            if (
                parameter["type"] in ("number", "integer")
                and parameter["siteConfigurable"]
                and bounded
                and parameter["name"] in revision["document"]["spec"].get("set", {})
            ):
                return template, parameter["name"], parameter["minimum"], parameter["maximum"]
    raise AssertionError(f"no overlay of {SITE} sets a bounded number")


def _runs_the_newest_revision(console: Console, template: str) -> bool:
    """Whether the effective definition that runs at the site is that of its newest overlay
    revision (none proposed since)."""
    variables = {"site": SITE, "template": template}
    overlays = console.api(OVERLAYS, variables, role="site_admin")["overlays"]
    running = console.api(RUNNING, variables, role="site_admin")["ledger"]
    live = [entry["version"] for entry in running if entry["status"] == "live"]
    effective = console.api(
        """query ($site: String!, $template: String!, $version: String) {
          effectiveDefinition(site: $site, template: $template, version: $version) {
            overlayVersion } }""",
        {**variables, "version": live[0] if live else None},
        role="site_admin",
    )["effectiveDefinition"]
    return bool(overlays) and effective["overlayVersion"] == max(r["version"] for r in overlays)


def test_site_admin_sees_the_site_as_the_api_does(console: Console) -> None:
    console.sign_in("sam", path="/my-site")
    page = console.page
    expect(page.get_by_role("heading", level=1)).to_contain_text("My site")

    site = console.api(HIERARCHY, {"site": SITE}, role="site_admin")["site"]
    hierarchy = page.get_by_role("list", name="Site hierarchy")
    expect(hierarchy).to_be_visible()
    shown = hierarchy.locator("[data-kind]").evaluate_all(
        "nodes => nodes.map(node => [node.dataset.kind, node.dataset.key])"
    )
    assert shown == _flatten(site)
    for area in site["areas"]:
        expect(hierarchy).to_contain_text(area["name"])
        for center in area["workCenters"]:
            expect(hierarchy).to_contain_text(center["name"])

    ledger = console.api(LEDGER, {"site": SITE}, role="site_admin")["ledger"]
    table = page.get_by_role("table", name="What runs at the site")
    expect(table.get_by_role("row")).to_have_count(len(ledger) + 1)
    for entry in ledger:
        row = table.get_by_role("row").filter(
            has=page.get_by_role("rowheader", name=entry["template"], exact=True)
        )
        expect(
            row.filter(has_text=entry["version"]).filter(has_text=entry["status"])
        ).to_have_count(1)

    drift = [d for d in console.api(DRIFT, role="site_admin")["drift"] if d["site"] == SITE]
    drift_section = page.get_by_role("region", name="Drift")
    if drift:
        expect(drift_section.get_by_role("row")).to_have_count(len(drift) + 1)
        for entry in drift:
            expect(drift_section).to_contain_text(entry["detail"])
    else:
        expect(drift_section).to_contain_text("No drift")

    console.check_accessibility("my site")
    console.screenshot("my-site")


def test_site_admin_proposes_an_overlay_and_qa_signs_it(
    console: Console, chromium: Browser
) -> None:
    revision_id = propose_an_overlay_in_the_browser(console)
    site, rest = revision_id.split("/", 1)
    template, version = rest.split("#")
    with open_console(console.platform, chromium) as qa:  # QA, in a browser of their own
        qa.sign_in("quinn", path="/inbox")
        what = f"Overlay {template} revision {version} for {site}"
        qa.page.get_by_role("button", name=f"Review and sign: {what}").click()
        dialog = qa.page.get_by_role("dialog")
        dialog.get_by_label("Reason").fill("reviewed against the validation report")
        dialog.get_by_label("Password").fill(qa.platform.password("quinn"))
        dialog.get_by_role("button", name="Sign", exact=True).click()
        expect(dialog.get_by_test_id("manifestation")).to_contain_text("Quinn Murphy")

    revisions = console.api(OVERLAYS, {"site": site, "template": template}, role="site_admin")
    signed = {r["version"]: r for r in revisions["overlays"]}[int(version)]
    assert signed["status"] == "APPROVED"
    # the site admin's history picks the signature up without a reload
    history = console.page.get_by_role("table", name="Revision history")
    row = history.get_by_role("row").filter(
        has=console.page.get_by_role("rowheader", name=version, exact=True)
    )
    expect(row).to_contain_text("Quinn Murphy", timeout=20_000)


def propose_an_overlay_in_the_browser(console: Console) -> str:
    """As sam: open the editor of a penang overlay, type an out-of-bounds value, see the
    violation at its line, fix it, see the preview's diff, propose; the history shows the
    proposed revision. Returns its id, `site/template#version` (as the API checked it)."""
    template, name, minimum, maximum = _numeric_overlay_parameter(console)
    console.sign_in("sam", path="/my-site")
    page = console.page
    page.get_by_role("link", name=f"Edit overlay of {template}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Overlay: {template}")
    expect(page.get_by_test_id("valid")).to_be_visible()  # the newest revision, as it is
    diff = page.get_by_label("Effective definition changes")
    if _runs_the_newest_revision(console, template):
        # Unedited, the preview reproduces the API's effective definition: only the overlay's
        # revision number (bumped to the next one) differs from what runs now.
        expect(diff.locator(".diff-add")).to_have_count(1)
        expect(diff.locator(".diff-add")).to_have_text(re.compile(r"^\+\s+version: \d+\s*$"))
    else:  # a revision still awaits QA: the editor starts from it, so more differs
        expect(diff.locator(".diff-add")).not_to_have_count(0)

    lines = page.get_by_test_id("overlay-editor").locator(".cm-line")
    line = lines.filter(has_text=re.compile(rf"^\s*{re.escape(name)}:"))
    expect(line).to_have_count(1)
    texts = lines.all_inner_texts()
    number = next(i for i, text in enumerate(texts) if text.strip().startswith(f"{name}:")) + 1
    old = texts[number - 1].split(":", 1)[1].strip()

    def replace_value(current: str, value: str) -> None:
        line.click()
        page.keyboard.press("End")
        for _ in current:
            page.keyboard.press("Backspace")
        page.keyboard.type(value)

    # an out-of-bounds value: the violation at its line, in the editor and in the list
    too_high = str(int(maximum) + 7)
    replace_value(old, too_high)
    violations = page.get_by_role("table", name=re.compile(r"violation"))
    row = violations.get_by_role("row").filter(has_text=f"/spec/set/{name}")
    expect(row).to_contain_text(f"Line {number}")
    expect(row).to_contain_text(str(too_high))
    expect(lines.nth(number - 1).locator(".cm-lintRange-error")).to_have_count(1)
    expect(page.get_by_role("button", name="Propose")).to_be_disabled()
    console.check_accessibility("overlay editor with a violation")

    # fixed with a value in bounds that differs per run (an identical proposal is "unchanged")
    span = int(maximum) - int(minimum)
    fixed = int(minimum) + int(time.time()) % (span + 1) if span > 0 else int(minimum)
    if str(fixed) == old:
        fixed = fixed + 1 if fixed < maximum else fixed - 1
    replace_value(too_high, str(fixed))
    expect(page.get_by_test_id("valid")).to_be_visible()
    expect(lines.nth(number - 1).locator(".cm-lintRange-error")).to_have_count(0)

    expect(diff.locator(".diff-add").filter(has_text=f"value: {fixed}")).not_to_have_count(0)
    console.screenshot("overlay-editor")

    page.get_by_role("button", name="Propose").click()
    proposed = page.get_by_test_id("proposed")
    expect(proposed).to_contain_text("Proposed revision")
    expect(proposed).to_contain_text("awaits a QA approver")
    revision = int(re.search(r"revision (\d+)", proposed.inner_text()).group(1))  # type: ignore[union-attr]

    answer = console.api(OVERLAYS, {"site": SITE, "template": template}, role="site_admin")
    stored = {r["version"]: r for r in answer["overlays"]}
    assert stored[revision]["status"] == "PROPOSED"
    assert stored[revision]["document"]["spec"]["set"][name] == fixed

    history = page.get_by_role("table", name="Revision history")
    shown = history.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name=str(revision), exact=True)
    )
    expect(shown).to_contain_text("proposed")
    expect(shown).to_contain_text("awaits QA signature")
    # every revision the API listed is in the history (others may add more meanwhile)
    for version in stored:
        expect(history.get_by_role("rowheader", name=str(version), exact=True)).to_have_count(1)
    console.check_accessibility("overlay editor")
    return f"{SITE}/{template}#{revision}"


def test_an_architect_picks_the_site(console: Console) -> None:
    console.sign_in("ada", path="/my-site")
    page = console.page
    page.get_by_label("Site", exact=True).select_option(SITE)
    page.get_by_role("button", name="Open").click()
    expect(page).to_have_url(f"{console.url}/my-site/{SITE}")
    site = console.api("query ($k: String!) { site(key: $k) { name } }", {"k": SITE})["site"]
    name = site["name"]
    expect(page.get_by_role("heading", level=1)).to_have_text(f"My site: {name}")
    expect(page.get_by_role("list", name="Site hierarchy")).to_be_visible()
    console.check_accessibility("my site, site picker")
