"""Signing in to the web console and out of it, in a real Chromium against a real `coe up`:
the console is served at / (and at its client routes) under the strict CSP, navigation follows
the token's roles, the token stays in memory, and an ended session returns to the same page."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.console.conftest import Console


def test_the_console_is_served_at_the_root_under_a_strict_policy(console: Console) -> None:
    answer = console.page.goto(f"{console.url}/rollouts/some/deep/link")
    assert answer is not None
    assert answer.status == 200
    policy = answer.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "default-src 'self'" in policy
    # signed out: the sign-in page, which will come back to the deep link
    expect(console.page).to_have_url(
        re.compile(r"/sign-in\?next=%2Frollouts%2Fsome%2Fdeep%2Flink$")
    )
    expect(console.page.get_by_role("button", name="Sign in")).to_be_visible()
    console.check_accessibility("sign-in page")
    console.screenshot("sign-in")


def test_each_role_sees_its_sections_and_the_token_stays_in_memory(console: Console) -> None:
    console.sign_in("quinn")
    me = console.api("{ me { name roles } }", role="qa_approver")["me"]
    who = console.page.get_by_test_id("who")
    expect(who).to_contain_text(me["name"])
    expect(console.page).to_have_url(f"{console.url}/inbox")  # QA starts on the inbox
    nav = console.page.get_by_role("navigation", name="Sections")
    expect(nav.get_by_role("link", name="Awaiting my signature")).to_be_visible()
    expect(nav.get_by_role("link", name="My site")).to_have_count(0)  # not a site admin's
    stored = console.page.evaluate(
        "() => JSON.stringify(localStorage) + JSON.stringify(sessionStorage) + document.cookie"
    )
    assert stored == "{}{}", "the token must live in memory only"
    console.check_accessibility("signed-in frame")

    console.page.get_by_role("button", name="Sign out").click()
    expect(console.page.get_by_text("You have signed out.")).to_be_visible()
    console.goto("/inbox")
    expect(console.page).to_have_url(re.compile(r"/sign-in\?next=%2Finbox$"))


def test_a_site_admin_is_not_offered_what_qa_does(console: Console) -> None:
    console.sign_in("sam")
    expect(console.page).to_have_url(f"{console.url}/my-site")
    nav = console.page.get_by_role("navigation", name="Sections")
    expect(nav.get_by_role("link", name="My site")).to_be_visible()
    expect(nav.get_by_role("link", name="Awaiting my signature")).to_have_count(0)
    expect(nav.get_by_role("link", name="Audit trail")).to_have_count(0)
    expect(console.page.get_by_test_id("who")).to_contain_text("penang")


def test_a_reload_asks_to_sign_in_again_and_returns_to_the_page(console: Console) -> None:
    console.sign_in("eve", path="/templates?x=1")
    expect(console.page).to_have_url(f"{console.url}/templates?x=1")
    console.page.reload()  # the in-memory token is gone with the page
    expect(console.page).to_have_url(re.compile(r"/sign-in\?next=%2Ftemplates%3Fx%3D1$"))
    console.page.get_by_label("User id").fill("eve")
    console.page.get_by_label("Password").fill(console.platform.password("eve"))
    console.page.get_by_role("button", name="Sign in").click()
    expect(console.page).to_have_url(f"{console.url}/templates?x=1")
