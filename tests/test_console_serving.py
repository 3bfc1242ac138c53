"""The API serves the web console's page at / and at each client route (deep links work), under
the strict CSP, in production too; API paths are never swallowed by it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from coe.app import create_app
from coe.config import Settings
from coe.console import APP_PAGE, CONSOLE_DIST, CONSOLE_ROUTES, built_page
from tests.helpers import production_like


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/sign-in",
        "/rollouts/3f1c/sites",
        "/my-site",
        "/audit",
        "/validation/sterile-barrier-sealing/2.1.0",
    ],
)
async def test_each_client_route_answers_the_apps_page(
    client: AsyncTestClient[Any], path: str
) -> None:
    assert (CONSOLE_DIST / APP_PAGE).exists(), "the console is not built: run `make console`"
    page = await client.get(path)
    assert page.status_code == 200
    assert '<div id="root">' in page.text
    assert "/console/assets/" in page.text
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "connect-src 'self'" in policy
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["x-frame-options"] == "DENY"


async def test_api_paths_are_not_the_console(client: AsyncTestClient[Any]) -> None:
    assert (await client.get("/api/v1/nothing")).status_code == 404
    assert (await client.get("/sitesx")).status_code == 404
    assert "/graphql" not in CONSOLE_ROUTES


async def test_production_serves_the_console_but_not_graphiql(settings: Settings) -> None:
    production = production_like(settings)
    async with AsyncTestClient(app=create_app(production)) as client:
        page = await client.get("/rollouts")
        assert page.status_code == 200
        script = page.text.split('src="', 1)[1].split('"', 1)[0]
        assert (await client.get(script)).status_code == 200
        assert (await client.get("/console/graphiql.html")).status_code == 404


async def test_a_missing_build_says_how_to_build_it(tmp_path: Any) -> None:
    page = await built_page(APP_PAGE, "The web console", tmp_path / "dist")
    assert page.status_code == 503
    assert "The web console is not built" in str(page.content)


def test_every_picture_and_page_the_readme_links_is_in_the_repository() -> None:
    """The README's screenshots (docs/console/, saved by the browser journeys) and local
    links exist: a user's clone shows them."""
    root = Path(__file__).resolve().parents[1]
    readme = (root / "README.md").read_text(encoding="utf-8")
    linked = re.findall(r"\]\(((?:docs|console|infra|bench)/[^)#\s]+)\)", readme)
    assert any(path.endswith(".png") for path in linked)
    missing = [path for path in linked if not (root / path).exists()]
    assert missing == []
