"""The web console in a real Chromium (Debian's /usr/bin/chromium), against a real platform:
one `coe up` (PostgreSQL, Temporal, worker, API, plant agents, demo content) for the whole
session. Every test gets a fresh browser context that may reach this origin only, fails on any
console error of the page, and can sign in as a demo user, ask the API directly (to check what
the page shows against the API's own answer), run axe-core and save a screenshot.

To work on the console against a `coe up` that is already running, set COE_CONSOLE_HOME (its
COE_HOME) and COE_CONSOLE_URL (its API), and the tests use it instead of starting one."""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Route,
    expect,
    sync_playwright,
)

from tests.chromium import CHROMIUM, CHROMIUM_FLAGS
from tests.e2e.stack import Up

ROOT = Path(__file__).resolve().parents[2]
# The console's speed, measured by the journeys (in the browser, after sign-in) and reported at
# the end of the run, not asserted: timings belong to benchmarks (see bench/).
SPEED = ROOT / "build" / "console-speed.json"


def record_speed(name: str, milliseconds: float, target_ms: float, what: str) -> None:
    """Keep one measurement of this run in build/console-speed.json (shown in the summary)."""
    figures = json.loads(SPEED.read_text()) if SPEED.exists() else {}
    figures[name] = {"ms": round(milliseconds, 1), "target_ms": target_ms, "what": what}
    SPEED.parent.mkdir(parents=True, exist_ok=True)
    SPEED.write_text(json.dumps(figures, indent=2) + "\n")


SPEED.unlink(missing_ok=True)  # this run's figures only (conftest loads once per run)

# The platform under test shares two cores with this browser (and with the demo plants'
# production): Playwright's 5 s default for an expectation is too tight on a loaded CI machine,
# where a click's answer (an argon2 check, a workflow's signal) occasionally takes longer. How
# fast the console is, is measured (record_speed), not held to by these waits.
expect.set_options(timeout=15_000)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not SPEED.exists():
        return
    terminalreporter.section("console speed (measured in Chromium, not asserted)")
    for name, figure in json.loads(SPEED.read_text()).items():
        verdict = "within" if figure["ms"] <= figure["target_ms"] else "OVER"
        terminalreporter.write_line(
            f"{name}: {figure['ms']:.0f} ms (target {figure['target_ms']:.0f} ms, {verdict}) "
            f"— {figure['what']}"
        )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test here starts (or uses) the whole platform: `make unit` leaves them out."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.e2e)


AXE = ROOT / "console" / "node_modules" / "axe-core" / "axe.min.js"
# Screenshots of every journey (the README's come from here: see docs/console/).
SCREENSHOTS = Path(os.environ.get("COE_SCREENSHOTS", ROOT / "build" / "screenshots"))
CONTENT = ("templates", "site_overlays", "plans", "contracts")
# The demo's people (coe/demo/sites.py DEMO_USERS) by role.
USERS = {
    "coe_architect": "ada",
    "site_admin": "sam",
    "executive": "eve",
    "npi_engineer": "nina",
    "qa_approver": "quinn",
    "auditor": "audrey",
}


@dataclass
class Platform:
    url: str
    home: Path

    def token(self, role: str) -> str:
        return (self.home / "tokens" / role).read_text().strip()

    def password(self, username: str) -> str:
        passwords: dict[str, str] = json.loads((self.home / "demo-users.json").read_text())
        return passwords[username]

    def api(
        self, query: str, variables: dict[str, Any] | None = None, *, role: str = "coe_architect"
    ) -> dict[str, Any]:
        """The API's own answer (`data`), with the role's dev token; fails on errors."""
        answer = httpx.post(
            f"{self.url}/graphql",
            json={"query": query, "variables": variables or {}},
            headers={"Authorization": f"Bearer {self.token(role)}"},
            timeout=60,
        ).json()
        assert not answer.get("errors"), answer["errors"]
        data: dict[str, Any] = answer["data"]
        return data


def _wait_for_demo_rollouts(platform: Platform, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    log = platform.home / "logs" / "demo-rollouts.log"
    while time.monotonic() < deadline:
        if log.exists() and "Demo rollouts" in log.read_text(encoding="utf-8", errors="replace"):
            nodes = platform.api("{ rollouts(first: 100) { nodes { status } } }")
            if all(node["status"] != "running" for node in nodes["rollouts"]["nodes"]):
                return
        time.sleep(1)
    raise AssertionError("the demo rollouts did not finish")


LIVE = "{ ledger { site template version } }"
MADE = """query($f: KpiFilter) { kpis(metric: RIGHT_FIRST_TIME, groupBy: [SITE, TEMPLATE, VERSION],
  filter: $f) { rows { group { site template version } denominator } } }"""


def _wait_for_demo_production(platform: Platform, timeout: float = 180) -> None:
    """The demo plants backfill their history a little after each deployment settles: wait
    until every version live at a site has units there, so a journey that reads KPIs (or
    plans a transfer against a baseline) does not depend on running late."""
    live = {
        (e["site"], e["template"], e["version"])
        for e in platform.api(LIVE)["ledger"]
        if e["site"] and e["template"]
    }
    deadline = time.monotonic() + timeout
    while True:
        rows = platform.api(MADE, {"f": None}, role="executive")["kpis"]["rows"]
        made = {
            (r["group"]["site"], r["group"]["template"], r["group"]["version"])
            for r in rows
            if r["denominator"]
        }
        if live <= made:
            return
        assert time.monotonic() < deadline, f"no demo production yet for {sorted(live - made)}"
        time.sleep(2)


@pytest.fixture(scope="session")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    if os.environ.get("COE_CONSOLE_URL") and os.environ.get("COE_CONSOLE_HOME"):
        yield Platform(os.environ["COE_CONSOLE_URL"], Path(os.environ["COE_CONSOLE_HOME"]))
        return
    work = tmp_path_factory.mktemp("console") / "repo"
    work.mkdir()
    for folder in CONTENT:
        shutil.copytree(ROOT / folder, work / folder)
    up = Up(work / ".coe", cwd=work)
    up.start()
    try:
        up.wait_ready()
        running = Platform(up.url, up.home)
        _wait_for_demo_rollouts(running)
        _wait_for_demo_production(running)
        yield running
    finally:
        if up.process is not None and up.process.poll() is None:
            up.stop()


# Per test, not per session: a running sync Playwright holds an event loop in this thread,
# which would break every asyncio fixture of the tests that run after these.
@pytest.fixture
def chromium() -> Iterator[Browser]:
    assert CHROMIUM.exists(), "Debian's chromium is missing: apt-get install -y chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS
        )
        yield browser
        browser.close()


@dataclass
class Console:
    """One browser tab on the console, and the platform behind it."""

    platform: Platform
    context: BrowserContext
    page: Page
    errors: list[str] = field(default_factory=list)
    elsewhere: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.platform.url

    def goto(self, path: str) -> None:
        self.page.goto(f"{self.url}{path}")

    def sign_in(self, username: str, *, path: str = "/") -> None:
        """Open `path`, which sends a signed-out user to the sign-in page, and sign in there."""
        self.goto(path)
        self.page.get_by_label("User id").fill(username)
        self.page.get_by_label("Password").fill(self.platform.password(username))
        self.page.get_by_role("button", name="Sign in").click()
        self.page.get_by_test_id("who").wait_for()

    def api(
        self, query: str, variables: dict[str, Any] | None = None, *, role: str = "coe_architect"
    ) -> dict[str, Any]:
        return self.platform.api(query, variables, role=role)

    def check_accessibility(self, what: str) -> None:
        """axe-core on the page as it is: no serious or critical violation."""
        if not self.page.evaluate("() => typeof window.axe === 'object'"):
            self.page.evaluate(AXE.read_text(encoding="utf-8"))
        results = self.page.evaluate(
            "() => window.axe.run(document, { resultTypes: ['violations'] })"
        )
        serious = [
            f"{violation['id']} ({violation['impact']}): {violation['help']} — "
            + ", ".join(str(node["target"]) for node in violation["nodes"][:3])
            for violation in results["violations"]
            if violation["impact"] in ("serious", "critical")
        ]
        assert serious == [], f"{what}: accessibility violations:\n" + "\n".join(serious)

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


# Chromium's own line for a resource answered 4xx/5xx; journeys that expect one say so.
RESOURCE_ERROR = re.compile(r"^Failed to load resource")


@contextmanager
def open_console(
    platform: Platform, browser: Browser, *, also: tuple[str, ...] = ()
) -> Iterator[Console]:
    """A tab on `platform` that may reach its origin (and the origins in `also`, e.g. an
    identity provider) only; on leaving, fails on other hosts asked and console errors."""
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    allowed = {_origin(platform.url), *(_origin(url) for url in also)}
    tab = Console(platform, context, context.new_page())

    def route(route: Route) -> None:
        if _origin(route.request.url) in allowed:
            route.continue_()
        else:
            tab.elsewhere.append(route.request.url)
            route.abort()

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            tab.errors.append(message.text)

    def watch(page: Page) -> None:
        page.on("console", on_console)
        page.on("pageerror", lambda error: tab.errors.append(str(error)))

    context.route("**/*", route)
    context.on("page", watch)  # popups too (the identity provider's sign-in window)
    watch(tab.page)
    yield tab
    context.close()
    assert tab.elsewhere == [], f"the console asked another host: {tab.elsewhere}"
    assert tab.errors == [], f"the browser console logged errors: {tab.errors}"


@pytest.fixture
def console(platform: Platform, chromium: Browser) -> Iterator[Console]:
    with open_console(platform, chromium) as tab:
        yield tab
