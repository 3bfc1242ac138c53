"""The validation page of a template version in a real Chromium against a real platform: the
demo's record of sterile-barrier-sealing 2.1.0 (open, in validation) with its stages, what
blocks its conclusion, its test cases and the coverage per site — each against the API's own
answer; the evidence PDF downloaded with the session's token; and a tester's manual result
recorded through the one SignatureDialog (meaning tested), shown with its manifestation."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Locator, Page, expect

from tests.console.conftest import Console

TEMPLATE, VERSION = "sterile-barrier-sealing", "2.1.0"  # the demo's version in validation

RECORD = """query($t: String!, $v: String!) { validationRecord(template: $t, version: $v) {
  status conclusionBlockers testCases { id title }
  results { testCase outcome executedBy signature { manifestation } } } }"""
COVERAGE = """query($t: String!, $v: String!) { upgradeImpact(template: $t, toVersion: $v) {
  coverage { site covered verdict reasons } } }"""
VERDICTS = {True: "covered by validation", False: "site verification required", None: "not stated"}


def row(scope: Locator, header: str) -> Locator:
    """The table row (within `scope`) whose row header is exactly `header`."""
    return scope.get_by_role("row").filter(
        has=scope.page.get_by_role("rowheader", name=header, exact=True)
    )


def open_validation(console: Console, username: str) -> Page:
    """Sign in on the template version's page and follow its link to the validation page."""
    console.sign_in(username, path=f"/templates/{TEMPLATE}/{VERSION}")
    page = console.page
    page.get_by_role("link", name="Validation", exact=True).click()
    expect(page).to_have_url(f"{console.url}/validation/{TEMPLATE}/{VERSION}")
    return page


def test_the_record_in_validation_shows_its_blockers_coverage_and_evidence(
    console: Console, tmp_path: Path
) -> None:
    page = open_validation(console, "quinn")
    record = console.api(RECORD, {"t": TEMPLATE, "v": VERSION})["validationRecord"]
    assert record["status"] == "OPEN", "the demo keeps 2.1.0 in validation"

    expect(page.get_by_test_id("record-status")).to_have_text("◔ open")
    stages = page.get_by_test_id("stages")
    expect(stages.locator("[data-stage]")).to_have_count(5)
    expect(stages.locator('[data-stage="production"]')).to_contain_text("blocked until")

    assert record["conclusionBlockers"], "an open record without results has blockers"
    blockers = page.get_by_test_id("blockers").get_by_role("listitem")
    expect(blockers).to_have_text(record["conclusionBlockers"])

    tests = page.get_by_test_id("test-cases")
    latest = {result["testCase"]: result for result in record["results"]}
    for case in record["testCases"]:
        line = row(tests, case["id"])
        expect(line).to_contain_text(case["title"])
        result = latest.get(case["id"])
        expect(line.get_by_test_id("outcome")).to_contain_text(
            result["outcome"].lower() if result else "not executed"
        )

    coverage = console.api(COVERAGE, {"t": TEMPLATE, "v": VERSION})["upgradeImpact"]["coverage"]
    assert coverage, "demo sites use the template"
    table = page.get_by_test_id("coverage")
    expect(table.get_by_role("rowheader")).to_have_count(len(coverage))
    for site in coverage:
        line = row(table, site["site"])
        expect(line.get_by_test_id("verdict")).to_contain_text(VERDICTS[site["covered"]])
        for reason in site["reasons"]:
            expect(line).to_contain_text(reason)

    console.check_accessibility("validation page")
    console.screenshot("validation")

    with page.expect_download(timeout=120_000) as started:
        page.get_by_role("button", name="Download evidence (PDF)").click()
    download = started.value
    assert download.suggested_filename.endswith(".pdf"), download.suggested_filename
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF-"), "the download is a PDF"
    expect(page.get_by_test_id("evidence-saved")).to_contain_text("package sha256")


def test_a_tester_records_a_manual_result_signed_as_tested(console: Console) -> None:
    # nina (npi_engineer) tests; the dialog reads her signature back through `signatures`
    page = open_validation(console, "nina")
    form = page.get_by_test_id("manual-result-form")
    form.get_by_label("Test case").select_option("CHARTER")
    form.get_by_label("Fail").check()
    actual = "Console test: a label preview showed the expiry in the wrong format."
    form.get_by_label("Actual result").fill(actual)
    form.get_by_role("button", name="Sign as tested and record").click()

    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_test_id("sign-what")).to_contain_text("CHARTER")
    dialog.get_by_label("Reason").fill("Executed the test charter")
    dialog.get_by_label("Password").fill(console.platform.password("nina"))
    dialog.get_by_role("button", name="Sign", exact=True).click()
    expect(dialog.get_by_test_id("manifestation")).to_contain_text("tested")
    dialog.get_by_role("button", name="Close").click()

    record = console.api(RECORD, {"t": TEMPLATE, "v": VERSION})["validationRecord"]
    charter = next(result for result in record["results"] if result["testCase"] == "CHARTER")
    assert charter["outcome"] == "FAIL"
    assert charter["executedBy"] == "nina"
    line = row(page.get_by_test_id("test-cases"), "CHARTER")
    expect(line.get_by_test_id("outcome")).to_contain_text("fail")
    expect(line).to_contain_text(actual)
    expect(line.get_by_test_id("signature")).to_have_text(charter["signature"]["manifestation"])
