"""GraphiQL in development, served from this repository's own build (`console/`, built by
`make`), never from a CDN: it renders offline and in a plant network, and its page may load
nothing from another origin (the Content-Security-Policy below)."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import anyio
from litestar import Request, Response
from litestar.enums import MediaType
from litestar.router import Router
from litestar.static_files import create_static_files_router
from litestar.status_codes import HTTP_200_OK, HTTP_503_SERVICE_UNAVAILABLE
from strawberry.litestar.controller import GraphQLController

# Where Vite writes the console's build (console/vite.config.ts: base "/console/").
CONSOLE_DIST = Path(__file__).resolve().parents[3] / "console" / "dist"
CONSOLE_PATH = "/console"
GRAPHIQL_PAGE = "graphiql.html"

# Only this origin. Styles allow inline because the editor (Monaco) injects its own <style>
# elements; fonts and images allow data: because GraphiQL's stylesheet embeds its fonts.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "font-src 'self' data:",
        "img-src 'self' data:",
        "worker-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    )
)
PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}
# Built files carry a content hash in their names: the browser may keep them.
ASSET_HEADERS = {name: value for name, value in PAGE_HEADERS.items() if name != "Cache-Control"}

NOT_BUILT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>GraphiQL is not built</title></head>
<body style="font: 16px system-ui, sans-serif; max-width: 44rem; margin: 3rem auto">
<h1>GraphiQL is not built</h1>
<p>The API serves GraphiQL from the console's build, which is missing here
(<code>{dist}</code>). Build it once, then reload this page:</p>
<pre>make console        # npm ci + build (make run, make test and make unit do it too)
# or by hand:
cd console &amp;&amp; npm ci &amp;&amp; npm run build</pre>
<p>The API itself works without it: POST GraphQL to <code>/graphql</code> with
<code>Content-Type: application/json</code> and
<code>Authorization: Bearer &lt;token&gt;</code>.</p>
</body></html>
"""


async def graphiql_page(dist: Path = CONSOLE_DIST) -> Response[str]:
    """The built GraphiQL page under a strict CSP, or a page saying how to build it."""
    page = anyio.Path(dist / GRAPHIQL_PAGE)
    if not await page.is_file():
        return Response(
            NOT_BUILT.format(dist=html.escape(str(dist))),
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


def console_assets(dist: Path = CONSOLE_DIST) -> Router:
    """The build's scripts, styles, fonts and workers under /console/ (404s if not built)."""
    return create_static_files_router(
        path=CONSOLE_PATH,
        directories=[dist],
        include_in_schema=False,
        after_request=_with_page_headers,
    )


async def _with_page_headers(response: Response[Any]) -> Response[Any]:
    """The same policy on every file: a worker script is governed by its own response's CSP."""
    response.headers.update(ASSET_HEADERS)
    return response


class ServesLocalGraphiQL(GraphQLController):
    """Replaces strawberry's GraphiQL template, which loads React and GraphiQL from unpkg."""

    async def render_graphql_ide(self, request: Request[Any, Any, Any]) -> Response[str]:
        return await graphiql_page()
