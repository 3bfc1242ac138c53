"""The web console (`console/`, built by `make`): its page at `/` and at each of its client
routes, and its built files under `/console/`, all under one strict Content-Security-Policy —
this origin only, so the console (and GraphiQL, in development) renders offline and inside a
plant network, and a page can load nothing from another host."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import anyio
from litestar import Response, get
from litestar.enums import MediaType
from litestar.exceptions import NotFoundException
from litestar.router import Router
from litestar.static_files import create_static_files_router
from litestar.status_codes import HTTP_200_OK, HTTP_503_SERVICE_UNAVAILABLE

# Where Vite writes the console's build (console/vite.config.ts: base "/console/").
CONSOLE_DIST = Path(__file__).resolve().parents[2] / "console" / "dist"
CONSOLE_PATH = "/console"
APP_PAGE = "index.html"
GRAPHIQL_PAGE = "graphiql.html"

# The client routes of the single-page app (console/src/app/App.tsx): the API answers each,
# and every path below it, with the app's page; the app's router shows the page.
CONSOLE_ROUTES = (
    "/sign-in",
    "/auth",
    "/sites",
    "/rollouts",
    "/templates",
    "/my-site",
    "/inbox",
    "/transfers",
    "/audit",
    "/validation",
)

# Only this origin. Styles allow inline because the editors (Monaco, CodeMirror) and the charts
# inject their own <style> elements; fonts and images allow data: because GraphiQL's stylesheet
# embeds its fonts. Scripts: this origin's files only, no inline script, no eval.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "font-src 'self' data:",
        "img-src 'self' data: blob:",
        "worker-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}
# Built files carry a content hash in their names: the browser may keep them.
ASSET_HEADERS = {name: value for name, value in PAGE_HEADERS.items() if name != "Cache-Control"}

NOT_BUILT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{what} is not built</title></head>
<body style="font: 16px system-ui, sans-serif; max-width: 44rem; margin: 3rem auto">
<h1>{what} is not built</h1>
<p>The API serves {what} from the console's build, which is missing here
(<code>{dist}</code>). Build it once, then reload this page:</p>
<pre>make console        # npm ci + build (make run, make test and make unit do it too)
# or by hand:
cd console &amp;&amp; npm ci &amp;&amp; npm run build</pre>
<p>The API itself works without it: POST GraphQL to <code>/graphql</code> with
<code>Content-Type: application/json</code> and
<code>Authorization: Bearer &lt;token&gt;</code>.</p>
</body></html>
"""


async def built_page(name: str, what: str, dist: Path = CONSOLE_DIST) -> Response[str]:
    """A built HTML page under the strict CSP, or a page saying how to build it."""
    page = anyio.Path(dist / name)
    if not await page.is_file():
        return Response(
            NOT_BUILT.format(what=what, dist=html.escape(str(dist))),
            status_code=HTTP_503_SERVICE_UNAVAILABLE,
            media_type=MediaType.HTML,
            headers=PAGE_HEADERS,
        )
    return Response(
        await page.read_text(encoding="utf-8"),
        status_code=HTTP_200_OK,
        media_type=MediaType.HTML,
        headers=PAGE_HEADERS,
    )


@get(
    ["/", *CONSOLE_ROUTES, *(f"{route}/{{rest:path}}" for route in CONSOLE_ROUTES)],
    include_in_schema=False,
)
async def console_page() -> Response[str]:
    """The web console's page: its router shows the page the path names."""
    return await built_page(APP_PAGE, "The web console")


def console_assets(*, graphiql: bool, dist: Path = CONSOLE_DIST) -> Router:
    """The build's scripts, styles, fonts and workers under /console/ (404s if not built).
    GraphiQL's page is among them in development only."""

    async def guard(request: Any) -> None:
        if not graphiql and request.url.path.endswith(f"/{GRAPHIQL_PAGE}"):
            raise NotFoundException()

    return create_static_files_router(
        path=CONSOLE_PATH,
        directories=[dist],
        include_in_schema=False,
        before_request=guard,
        after_request=_with_page_headers,
    )


async def _with_page_headers(response: Response[Any]) -> Response[Any]:
    """The same policy on every file: a worker script is governed by its own response's CSP."""
    response.headers.update(ASSET_HEADERS)
    return response
