"""The Templates pages in a real Chromium against a real platform: the list, a version's
configuration surface, the diff between two versions, the upgrade impact per site, and a
version's lifecycle from draft to published (QA signing in the one SignatureDialog), then
deprecated and retired — each checked against the API's own answer."""

from __future__ import annotations

import json
import re
import time
from typing import Any

import httpx
from playwright.sync_api import Locator, Page, expect

from tests.console.conftest import Console

DEMO = "sterile-barrier-sealing"  # the demo template with several published versions
JOURNEY = "line-clearance"  # the demo template the lifecycle journey adds a version to

TEMPLATES = """{ templates(first: 100) { nodes { key title latestPublished { version }
  versions { version status } } } }"""
VERSION = """query($key: String!, $version: String) {
  templateVersion(key: $key, version: $version) {
  key version status contentSha256 document approval { printedName }
  parameters { name type default minimum maximum values unit siteConfigurable } } }"""
STATUS = """query($key: String!, $version: String!) {
  templateVersion(key: $key, version: $version) { status } }"""
LABELS = {
    "DRAFT": "Draft",
    "IN_REVIEW": "In review",
    "APPROVED": "Approved",
    "PUBLISHED": "Published",
    "DEPRECATED": "Deprecated",
    "RETIRED": "Retired",
}


def shown(value: Any) -> str:
    """A JSON value as the page writes it (JavaScript's number formatting: 4.0 is "4")."""
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return json.dumps(value)


def row(scope: Page | Locator, header: str) -> Locator:
    """The table row (within `scope`) whose row header is exactly `header`."""
    page = scope if isinstance(scope, Page) else scope.page
    return scope.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name=header, exact=True)
    )


def test_the_list_is_the_apis_templates(console: Console) -> None:
    console.sign_in("ada", path="/templates")
    templates = console.api(TEMPLATES)["templates"]["nodes"]
    assert templates, "the demo has templates"
    page = console.page
    table = page.get_by_test_id("templates-table")
    expect(table.get_by_role("rowheader")).to_have_count(len(templates))
    for template in templates:
        line = row(table, template["key"])
        expect(line).to_contain_text(template["title"])
        current = template["latestPublished"]
        expect(line.get_by_test_id("current-version")).to_have_text(
            current["version"] if current else "none published"
        )
        versions = line.get_by_role("listitem")
        expect(versions).to_have_count(len(template["versions"]))
        for item, version in zip(versions.all(), template["versions"], strict=True):
            expect(item).to_have_text(f"{version['version']} {LABELS[version['status']]}")
    console.check_accessibility("templates list")
    console.screenshot("templates")


def test_a_version_shows_its_parameters_and_resolved_limits(console: Console) -> None:
    answer = console.api(VERSION, {"key": DEMO, "version": None})["templateVersion"]
    version = answer["version"]
    console.sign_in("eve", path=f"/templates/{DEMO}")  # → its current version
    page = console.page
    expect(page).to_have_url(f"{console.url}/templates/{DEMO}/{version}")
    expect(page.get_by_test_id("content-sha256")).to_have_text(answer["contentSha256"])
    expect(page.get_by_test_id("version-status")).to_have_text(LABELS[answer["status"]])
    table = page.get_by_test_id("parameters")
    expect(table.get_by_role("rowheader")).to_have_count(len(answer["parameters"]))
    for parameter in answer["parameters"]:
        line = row(table, parameter["name"])
        if parameter["values"]:
            bounds = "one of " + ", ".join(parameter["values"])
        elif parameter["minimum"] is None and parameter["maximum"] is None:
            # a string's bounds are its pattern and length, as the document declares them
            declared = answer["document"]["spec"]["parameters"][parameter["name"]]
            rules = [f"pattern {declared['pattern']}"] if "pattern" in declared else []
            if "maxLength" in declared:
                rules.append(f"at most {declared['maxLength']} characters")
            bounds = ", ".join(rules) or "—"
        else:
            bounds = f"{shown(parameter['minimum'])} … {shown(parameter['maximum'])}"
        expect(line.get_by_test_id("bounds")).to_have_text(bounds)
        expect(line.get_by_test_id("unit")).to_have_text(parameter["unit"] or "—")
        expect(line).to_contain_text(
            "Site-overridable" if parameter["siteConfigurable"] else "Locked"
        )
    # The limits resolved with the global values are what a site without an overlay runs.
    sites = console.api(
        "query($t: String!, $v: String!) { upgradeImpact(template: $t, toVersion: $v) "
        "{ sites { site overlayVersion } } }",
        {"t": DEMO, "v": version},
    )["upgradeImpact"]["sites"]
    bare = next(site["site"] for site in sites if site["overlayVersion"] is None)
    effective = console.api(
        "query($s: String!, $t: String!, $v: String) { effectiveDefinition(site: $s, "
        "template: $t, version: $v) { overlayVersion definition } }",
        {"s": bare, "t": DEMO, "v": version},
    )["effectiveDefinition"]
    assert effective["overlayVersion"] is None
    checked = 0
    for operation in effective["definition"]["operations"]:
        for point in operation.get("dataCollection") or []:
            line = row(page, point["id"])
            for limit, cell in (("lowerLimit", "lower"), ("upperLimit", "upper")):
                if point.get(limit) is not None:
                    expect(line.get_by_test_id(cell).locator("strong")).to_have_text(
                        shown(point[limit])
                    )
                    checked += 1
    assert checked, "the demo template collects data with limits"
    expect(page.get_by_role("heading", name="Extension points")).to_be_visible()
    expect(page.get_by_role("heading", name="Reason trees")).to_be_visible()
    # An executive may not change a template's lifecycle: nothing is offered.
    expect(page.get_by_text("No lifecycle step is open to you on this version.")).to_be_visible()
    expect(page.get_by_role("button", name="Deprecate")).to_have_count(0)
    # nor read signatures (the API refuses executives): the approval shows in the facts
    expect(page.get_by_role("heading", name="Signatures")).to_have_count(0)
    approval = answer["approval"]
    if approval:
        expect(page.get_by_text(approval["printedName"])).to_be_visible()
    console.check_accessibility("template version")
    console.screenshot("template-version")


def _predecessor(console: Console, version: str) -> str:
    """The newest published version older than `version`, as the API's upgrade impact says."""
    answer = console.api(
        "query($t: String!, $v: String!) { upgradeImpact(template: $t, toVersion: $v) "
        "{ fromVersion } }",
        {"t": DEMO, "v": version},
    )
    older: str = answer["upgradeImpact"]["fromVersion"]
    return older


def _two_versions(console: Console) -> tuple[str, str]:
    """Two published versions of the demo template with breaking and compatible changes: the
    current one's predecessor and the version before that (1.4.0 → 2.0.0 in the demo)."""
    current = console.api(VERSION, {"key": DEMO, "version": None})["templateVersion"]["version"]
    new = _predecessor(console, current)
    return _predecessor(console, new), new


def test_the_diff_shows_the_apis_breaking_and_compatible_changes(console: Console) -> None:
    old, new = _two_versions(console)
    diff = console.api(
        "query($k: String!, $f: String!, $t: String!) { templateDiff(key: $k, fromVersion: $f, "
        "toVersion: $t) { breaking changes { subject breaking description } } }",
        {"k": DEMO, "f": old, "t": new},
    )["templateDiff"]
    console.sign_in("ada", path=f"/templates/{DEMO}/diff?from={old}&to={new}")
    page = console.page
    breaking = [c for c in diff["changes"] if c["breaking"]]
    compatible = [c for c in diff["changes"] if not c["breaking"]]
    expect(page.get_by_test_id("diff-verdict")).to_contain_text(
        f"{len(breaking)} breaking, {len(compatible)} compatible"
    )
    expect(page.get_by_test_id("diff-verdict")).to_contain_text(
        "Breaking" if diff["breaking"] else "Compatible"
    )
    for name, changes in (("breaking", breaking), ("compatible", compatible)):
        table = page.get_by_test_id(f"changes-{name}")
        if not changes:
            expect(table).to_have_count(0)
            continue
        expect(table.get_by_role("row")).to_have_count(len(changes) + 1)
        for change in changes:
            expect(table).to_contain_text(change["description"])
    text_diff = page.get_by_label(f"Document of {DEMO}: {old} → {new}")
    expect(text_diff).to_contain_text(f"version: {new}")
    console.check_accessibility("template diff")
    console.screenshot("template-diff")


def test_the_upgrade_impact_shows_the_apis_sites(console: Console) -> None:
    newest = console.api(VERSION, {"key": DEMO, "version": None})["templateVersion"]["version"]
    impact = console.api(
        "query($t: String!, $v: String!) { upgradeImpact(template: $t, toVersion: $v) "
        "{ fromVersion sites { site status overlayVersion violations { path reason } } } }",
        {"t": DEMO, "v": newest},
        role="executive",
    )["upgradeImpact"]
    console.sign_in("eve", path=f"/templates/{DEMO}/impact?to={newest}")
    page = console.page
    table = page.get_by_test_id("impact")
    expect(table.get_by_role("rowheader")).to_have_count(len(impact["sites"]))
    words = {
        "COMPATIBLE": "Compatible",
        "NEEDS_OVERLAY_CHANGE": "Blocked: overlay must change",
        "NOT_USING": "Not using",
    }
    for site in impact["sites"]:
        line = row(table, site["site"])
        expect(line).to_contain_text(words[site["status"]])
        expect(line).to_contain_text(
            str(site["overlayVersion"]) if site["overlayVersion"] is not None else "none"
        )
        for violation in site["violations"]:
            expect(line).to_contain_text(violation["reason"])
    expect(page.get_by_text(f"{impact['fromVersion']} → {newest}, per site")).to_be_visible()
    console.check_accessibility("upgrade impact")
    console.screenshot("template-impact")


def _status(console: Console, version: str) -> str:
    answer = console.api(STATUS, {"key": JOURNEY, "version": version})
    status: str = answer["templateVersion"]["status"]
    return status


def _expect_status(console: Console, version: str, status: str) -> None:
    expect(console.page.get_by_test_id("version-status")).to_have_text(LABELS[status])
    assert _status(console, version) == status


def _exists(console: Console, version: str) -> bool:
    """Whether the journey's template has `version` (in any status)."""
    answer = httpx.post(
        f"{console.url}/graphql",
        json={"query": STATUS, "variables": {"key": JOURNEY, "version": version}},
        headers={"Authorization": f"Bearer {console.platform.token('coe_architect')}"},
        timeout=60,
    ).json()
    if answer.get("errors"):
        assert answer["errors"][0]["extensions"]["code"] == "NOT_FOUND", answer
        return False
    return True


def _new_draft(console: Console, what: str) -> tuple[str, str]:
    """A new draft of the journey's template through the API (ada): a copy of its current
    version with a version newer than any there is (on a clash with one saved meanwhile, the
    next one). Answers its version and content sha256."""
    template = next(t for t in console.api(TEMPLATES)["templates"]["nodes"] if t["key"] == JOURNEY)
    current = console.api(VERSION, {"key": JOURNEY, "version": None})["templateVersion"]
    newest = max(
        tuple(int(part) for part in version.split("-")[0].split("."))
        for version in [current["version"], *(v["version"] for v in template["versions"])]
    )
    document = current["document"]
    document["metadata"]["changeSummary"] = f"Console journey {time.time_ns()}: {what}"
    bump = 1
    while _exists(console, f"{newest[0]}.{newest[1] + bump}.0"):  # never touch another draft
        bump += 1
    version = f"{newest[0]}.{newest[1] + bump}.0"
    document["metadata"]["version"] = version
    saved = console.api(
        "mutation($s: String!) { saveTemplateDraft(source: $s) { __typename "
        "... on SavedTemplate { outcome template { version status contentSha256 } } "
        "... on Problem { code message } } }",
        {"s": json.dumps(document)},
    )["saveTemplateDraft"]
    assert saved["__typename"] == "SavedTemplate", saved
    assert saved["outcome"] == "created", saved
    return version, saved["template"]["contentSha256"]


def test_a_version_goes_from_draft_to_published(console: Console) -> None:
    # ada saves a new draft through the API: a copy of the demo template, a new version.
    version, sha = _new_draft(console, "wording only")
    path = f"/templates/{JOURNEY}/{version}"
    page = console.page

    # ada submits it in the page.
    console.sign_in("ada", path=path)
    _expect_status(console, version, "DRAFT")
    expect(page.get_by_role("button", name="Publish")).to_have_count(0)
    page.get_by_role("button", name="Submit for review").click()
    _expect_status(console, version, "IN_REVIEW")
    # the author may not approve their own version: not offered
    expect(page.get_by_role("button", name="Approve (sign)")).to_have_count(0)
    page.get_by_role("button", name="Sign out").click()

    # quinn approves it in the SignatureDialog.
    console.sign_in("quinn", path=path)
    _expect_status(console, version, "IN_REVIEW")
    expect(page.get_by_role("button", name="Submit for review")).to_have_count(0)
    page.get_by_role("button", name="Approve (sign)").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_test_id("sign-hash")).to_have_text(sha)
    expect(dialog.get_by_label(re.compile(r"^Changes"))).to_contain_text(f"version: {version}")
    console.check_accessibility("template approval dialog")
    dialog.get_by_label("Reason").fill("Reviewed in the console journey")
    dialog.get_by_label("Password").fill(console.platform.password("quinn"))
    dialog.get_by_role("button", name="Sign").click()
    manifestation = dialog.get_by_test_id("manifestation")
    expect(manifestation).to_be_visible()
    console.screenshot("template-approval")
    signatures = console.api(
        'query($i: String!) { signatures(entityType: "template_version", entityId: $i) '
        "{ signerId printedName signedAt meaning contentSha256 } }",
        {"i": f"{JOURNEY}@{version}"},
    )["signatures"]
    signed = next(s for s in signatures if s["signerId"] == "quinn")
    assert signed["contentSha256"] == sha
    expect(manifestation).to_contain_text(signed["printedName"])
    expect(manifestation).to_contain_text(signed["meaning"])
    expect(manifestation).to_contain_text(
        re.compile(rf"{signed['signedAt'][:10]} \d\d:\d\d:\d\d UTC")
    )
    dialog.get_by_role("button", name="Close").click()
    _expect_status(console, version, "APPROVED")
    expect(page.get_by_role("button", name="Publish")).to_have_count(0)  # architects only
    page.get_by_role("button", name="Sign out").click()

    # ada publishes it.
    console.sign_in("ada", path=path)
    _expect_status(console, version, "APPROVED")
    page.get_by_role("button", name="Publish").click()
    _expect_status(console, version, "PUBLISHED")
    expect(page.get_by_test_id("signatures")).to_contain_text(signed["printedName"])

    # … and, done with it, deprecates and retires it, each with a reason.
    for action, status, reason in (
        ("Deprecate", "DEPRECATED", "superseded after the console journey"),
        ("Retire", "RETIRED", "no site runs it"),
    ):
        page.get_by_role("button", name=action, exact=True).click()
        page.get_by_role("textbox", name="Reason").fill(reason)
        page.get_by_role("button", name=f"Confirm: {action.lower()}").click()
        _expect_status(console, version, status)


def test_qa_returns_a_version_in_review_to_draft_with_a_reason(console: Console) -> None:
    version, _ = _new_draft(console, "returned in review")
    submitted = console.api(
        "mutation($k: String!, $v: String!) { submitTemplate(key: $k, version: $v) "
        "{ __typename ... on TemplateVersion { status } } }",
        {"k": JOURNEY, "v": version},
    )["submitTemplate"]
    assert submitted == {"__typename": "TemplateVersion", "status": "IN_REVIEW"}
    console.sign_in("quinn", path=f"/templates/{JOURNEY}/{version}")
    page = console.page
    _expect_status(console, version, "IN_REVIEW")
    page.get_by_role("button", name="Return to draft").click()
    confirm = page.get_by_role("button", name="Confirm: return to draft")
    expect(confirm).to_be_disabled()  # a reason is required
    page.get_by_role("textbox", name="Reason").fill("Please add the change record number")
    console.check_accessibility("return to draft form")
    confirm.click()
    _expect_status(console, version, "DRAFT")
    expect(page.get_by_role("button", name="Approve (sign)")).to_have_count(0)
