"""Signing in to the console at the identity provider, in a real Chromium: Authorization Code
with PKCE against a real OIDC provider on localhost (tests/oidc_provider.py), the code
redeemed through the API, the token in memory only; and an e-signature made after signing in
again at the provider (`prompt=login`, `max_age=0`) in a popup.

The API runs in-process here (uvicorn on a free port, real PostgreSQL), configured as
production is: trusting the provider and naming the console's client."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, expect

from coe.config import Settings
from tests.cli.conftest import live_api
from tests.console.conftest import Console, Platform, open_console
from tests.oidc_provider import Provider, trusting
from tests.world import World, template

CLIENT = "coe-console"
SIGNED = """query($k: String!, $v: String, $e: String!) {
  templateVersion(key: $k, version: $v) { status }
  signatures(entityType: "template_version", entityId: $e) { signerId printedName meaning }
}"""
__all__ = ["live_api"]  # the fixture, imported for the tests here


@pytest.fixture
def settings(settings: Settings, provider: Provider) -> Settings:
    return trusting(settings, provider, CLIENT)


@pytest.fixture
def oidc_console(
    world: World, live_api: str, settings: Settings, provider: Provider, chromium: Browser
) -> Iterator[Console]:
    with open_console(Platform(live_api, settings.home), chromium, also=(provider.issuer,)) as tab:
        yield tab


def _sign_in_at_the_provider(console: Console, path: str) -> None:
    console.goto(path)
    console.page.get_by_role("button", name="Sign in with your identity provider").click()
    console.page.get_by_test_id("who").wait_for()


def test_a_user_signs_in_at_the_identity_provider_with_pkce(
    oidc_console: Console, provider: Provider
) -> None:
    console = oidc_console
    console.goto("/transfers")
    expect(console.page).to_have_url(re.compile(r"/sign-in\?next=%2Ftransfers$"))
    console.check_accessibility("sign-in page with an identity provider")

    _sign_in_at_the_provider(console, "/transfers")

    expect(console.page.get_by_test_id("who")).to_contain_text("Quinn Murphy")
    expect(console.page).to_have_url(f"{console.url}/transfers")  # back where they were going
    [asked] = provider.authorize_requests
    assert asked["client_id"] == CLIENT
    assert asked["redirect_uri"] == f"{console.url}/auth/callback"
    assert asked["code_challenge_method"] == "S256"
    assert "prompt" not in asked, "a sign-in may reuse the provider's session"
    [redeemed] = provider.token_requests
    digest = hashlib.sha256(redeemed["code_verifier"].encode()).digest()
    assert base64.urlsafe_b64encode(digest).rstrip(b"=").decode() == asked["code_challenge"]
    stored = console.page.evaluate(
        "() => JSON.stringify(localStorage) + JSON.stringify(sessionStorage) + document.cookie"
    )
    assert stored == "{}{}", "neither the token nor the PKCE verifier may stay in storage"
    console.screenshot("sign-in-oidc")


def test_a_refused_sign_in_says_why_and_signs_nobody_in(
    oidc_console: Console, provider: Provider
) -> None:
    console = oidc_console
    console.goto("/auth/callback?error=access_denied&error_description=not+allowed&state=x")
    expect(console.page.get_by_role("alert")).to_contain_text("not started from this tab")
    console.page.get_by_role("link", name="Back to sign-in").click()
    button = console.page.get_by_role("button", name="Sign in with your identity provider")
    expect(button).to_be_visible()
    assert provider.token_requests == []


@pytest.fixture
async def in_review(world: World) -> tuple[str, str]:
    """A template version ada submitted for review: QA's to sign."""
    document = template()
    key, version = document["metadata"]["key"], document["metadata"]["version"]
    (await world.save(document)).ok()
    (await world.step("submitTemplate", key, version)).ok()
    return key, version


def test_a_signature_needs_a_fresh_sign_in_at_the_provider(
    in_review: tuple[str, str], oidc_console: Console, provider: Provider
) -> None:
    # (in_review first: async fixtures must run before the browser's loop starts)
    key, version = in_review
    console, page = oidc_console, oidc_console.page
    _sign_in_at_the_provider(console, "/inbox")
    page.get_by_role(
        "button", name=re.compile(f"^Review and sign: Template {key} {version}")
    ).click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_label("Password")).to_have_count(0)  # the provider holds the password
    dialog.get_by_label("Reason").fill("validation report reviewed")

    with page.expect_popup() as opened:
        dialog.get_by_role("button", name="Sign in again and sign").click()
    popup = opened.value

    expect(dialog.get_by_test_id("manifestation")).to_contain_text("Quinn Murphy")
    expect(dialog.get_by_test_id("manifestation")).to_contain_text("approved")
    assert popup.is_closed() or popup.wait_for_event("close") is None
    fresh = provider.authorize_requests[-1]
    assert (fresh["prompt"], fresh["max_age"]) == ("login", "0"), "no single sign-on reused"
    answer = httpx.post(
        f"{console.url}/graphql",
        json={
            "query": SIGNED,
            "variables": {"k": key, "v": version, "e": f"{key}@{version}"},
        },
        headers={"Authorization": f"Bearer {provider.token()}"},
    ).json()
    assert answer["data"]["templateVersion"]["status"] == "APPROVED"
    assert {"signerId": "quinn@acme", "printedName": "Quinn Murphy", "meaning": "approved"} in (
        answer["data"]["signatures"]
    )
