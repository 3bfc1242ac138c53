"""GraphiQL at /graphql: served from the repository's own build (console/), in a real Chromium,
with nothing loaded from another origin, and the bearer token pasted into the page."""

from __future__ import annotations

import html
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from litestar.testing import AsyncTestClient
from playwright.sync_api import BrowserContext, Page, Request, Route, expect, sync_playwright

from coe.app import create_app
from coe.auth.principal import Role
from coe.config import Settings
from coe.console import CONSOLE_DIST, GRAPHIQL_PAGE
from coe.graphql.ide import graphiql_page
from tests.chromium import CHROMIUM, CHROMIUM_FLAGS
from tests.cli.conftest import live_api
from tests.helpers import Tokens, production_like

__all__ = ["live_api"]  # the real uvicorn server fixture, shared with the CLI tests

ME = "{ me { subject } }"


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[BrowserContext]:
    assert CHROMIUM.exists(), "Debian's chromium is missing: apt-get install -y chromium"
    assert (CONSOLE_DIST / GRAPHIQL_PAGE).exists(), "GraphiQL is not built: run `make unit`"
    profile = tmp_path / "chromium-profile"
    profile.mkdir()
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS
        )
        yield context
        context.close()


class Traffic:
    """Every request the page (and its workers) makes; any to another origin is refused."""

    def __init__(self, context: BrowserContext, origin: str) -> None:
        self.origin = origin
        self.urls: list[str] = []
        self.graphql_headers: list[dict[str, str]] = []
        context.route("**/*", self._route)
        context.on("request", self._seen)

    def _route(self, route: Route) -> None:
        if _origin(route.request.url) == self.origin:
            route.continue_()
        else:
            route.abort()

    def _seen(self, request: Request) -> None:
        self.urls.append(request.url)
        if request.method == "POST" and urlsplit(request.url).path == "/graphql":
            self.graphql_headers.append(request.headers)

    def elsewhere(self) -> list[str]:
        return [url for url in self.urls if _origin(url) != self.origin]


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def run_query(page: Page, query: str) -> None:
    editor = page.locator(".graphiql-query-editor .monaco-editor").first
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(query)
    page.locator("button.graphiql-execute-button").click()


def test_graphiql_renders_offline_and_sends_the_pasted_token(
    browser: BrowserContext, live_api: str, tokens: Tokens
) -> None:
    traffic = Traffic(browser, live_api)
    problems: list[str] = []
    page = browser.new_page()
    page.on("console", lambda message: problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))

    answer = page.goto(f"{live_api}/graphql")
    assert answer is not None
    assert answer.status == 200
    policy = answer.headers["content-security-policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    response = page.locator(".graphiql-response")

    run_query(page, ME)
    expect(response).to_contain_text("UNAUTHENTICATED", timeout=30_000)

    token = tokens.issue(Role.COE_ARCHITECT, subject="ada")
    page.locator("#coe-token").fill(f"Bearer {token}\n")  # pasted with its scheme, as copied
    page.get_by_role("button", name="Use token").click()
    expect(page.locator(".coe-token-state")).to_contain_text("Authorization: Bearer")
    run_query(page, ME)
    expect(response).to_contain_text('"subject": "ada"', timeout=30_000)

    assert traffic.graphql_headers[-1]["authorization"] == f"Bearer {token}"
    assert "authorization" not in traffic.graphql_headers[0]
    assert traffic.elsewhere() == [], "the page loaded something from another origin"
    assert any("/console/assets/" in url and ".worker" in url for url in traffic.urls)
    violations = [text for text in problems if "Content Security Policy" in text]
    assert violations == []
    assert token not in page.url
    stored = page.evaluate("() => [JSON.stringify(localStorage), JSON.stringify(sessionStorage)]")
    assert token not in stored[0], "the token must not outlive the tab (localStorage)"
    assert token in stored[1]


def test_the_token_survives_a_reload_of_the_tab_only(
    browser: BrowserContext, live_api: str, tokens: Tokens
) -> None:
    Traffic(browser, live_api)
    page = browser.new_page()
    page.goto(f"{live_api}/graphql")
    token = tokens.issue(Role.AUDITOR, subject="audrey")
    page.locator("#coe-token").fill(token)
    page.get_by_role("button", name="Use token").click()
    page.reload()
    run_query(page, ME)
    expect(page.locator(".graphiql-response")).to_contain_text('"audrey"', timeout=30_000)
    headers = page.locator(".graphiql-editor-tool .monaco-editor").last
    expect(headers).to_contain_text("Authorization")

    another_tab = browser.new_page()
    another_tab.goto(f"{live_api}/graphql")
    expect(another_tab.locator(".coe-token-state")).to_contain_text("No token")

    page.get_by_role("button", name="Forget").click()
    run_query(page, ME)
    expect(page.locator(".graphiql-response")).to_contain_text("UNAUTHENTICATED", timeout=30_000)


async def test_graphql_in_a_browser_is_our_page_not_strawberrys_cdn_template(
    client: AsyncTestClient[Any],
) -> None:
    page = await client.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "unpkg.com" not in page.text
    assert "/console/assets/" in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]
    script = page.text.split('src="', 1)[1].split('"', 1)[0]
    asset = await client.get(script)
    assert asset.status_code == 200
    assert "javascript" in asset.headers["content-type"]
    assert asset.headers["content-security-policy"] == page.headers["content-security-policy"]


async def test_a_missing_build_is_explained_not_a_crash(tmp_path: Path) -> None:
    page = await graphiql_page(tmp_path / "dist")
    assert page.status_code == 503
    body = str(page.content)
    assert "GraphiQL is not built" in body
    assert "make console" in body
    assert "cd console && npm ci && npm run build" in html.unescape(body)
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]


async def test_production_serves_neither_graphiql_nor_its_files(settings: Settings) -> None:
    production = production_like(settings)
    async with AsyncTestClient(app=create_app(production)) as client:
        page = await client.get("/graphql", headers={"Accept": "text/html"})
        assert page.status_code != 200
        assets = await client.get(f"/console/{GRAPHIQL_PAGE}")
        assert assets.status_code == 404
