"""GraphiQL in development, served from this repository's own build (`console/`, built by
`make`), never from a CDN: it renders offline and in a plant network, and its page may load
nothing from another origin (the Content-Security-Policy of coe.console)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from litestar import Request, Response
from strawberry.litestar.controller import GraphQLController

from coe.console import CONSOLE_DIST, GRAPHIQL_PAGE, built_page


async def graphiql_page(dist: Path = CONSOLE_DIST) -> Response[str]:
    """The built GraphiQL page under the console's strict CSP, or how to build it."""
    return await built_page(GRAPHIQL_PAGE, "GraphiQL", dist)


class ServesLocalGraphiQL(GraphQLController):
    """Replaces strawberry's GraphiQL template, which loads React and GraphiQL from unpkg."""

    async def render_graphql_ide(self, request: Request[Any, Any, Any]) -> Response[str]:
        return await graphiql_page()
