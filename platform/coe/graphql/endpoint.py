"""The /graphql endpoint: strawberry's Litestar controller, answering a body that is not a
GraphQL request with a 400 in GraphQL's error shape instead of a 500 or a bare text line."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, cast

from cross_web import HTTPException  # what strawberry's views raise and catch (its dependency)
from litestar import Request, Response
from litestar.status_codes import HTTP_400_BAD_REQUEST
from strawberry.litestar import make_graphql_controller
from strawberry.litestar.controller import GraphQLController, GraphQLResource
from strawberry.schema import BaseSchema

from coe.graphql.ide import ServesLocalGraphiQL

MAX_JSON_DEPTH = 64
CODES = {400: "BAD_REQUEST", 404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED", 413: "PAYLOAD_TOO_LARGE"}


def decode_request(data: str | bytes) -> dict[str, Any]:
    """The body as a JSON object of bounded depth, or an HTTPException saying what is wrong."""
    try:
        body = json.loads(data)
    except RecursionError:
        raise _too_deep() from None
    except ValueError as error:  # JSONDecodeError, and bytes that are not UTF-8 at all
        raise HTTPException(HTTP_400_BAD_REQUEST, f"the body is not JSON: {error}") from None
    if not isinstance(body, dict):
        raise HTTPException(
            HTTP_400_BAD_REQUEST,
            "the body must be a JSON object with `query` (and optionally `variables` and "
            f"`operationName`), not a JSON {_kind(body)}",
        )
    if json_depth(body) > MAX_JSON_DEPTH:
        raise _too_deep()
    return body


def json_depth(value: object) -> int:
    """How deeply arrays and objects nest in a decoded JSON value (a scalar is 0)."""
    deepest, pending = 0, [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, list):
            deepest = max(deepest, depth)
            pending += [(child, depth + 1) for child in item]
    return deepest


def _too_deep() -> HTTPException:
    return HTTPException(
        HTTP_400_BAD_REQUEST, f"the body is nested deeper than {MAX_JSON_DEPTH} levels: refused"
    )


def _kind(value: object) -> str:
    names = {str: "string", bool: "boolean", int: "number", float: "number", list: "array"}
    return names.get(type(value), "null")


def error_response(status_code: int, message: str) -> Response[Any]:
    """An HTTP-level refusal in the shape GraphQL clients already read."""
    code = CODES.get(status_code, "BAD_REQUEST")
    return Response(
        {"errors": [{"message": message, "extensions": {"code": code}}]},
        status_code=status_code,
    )


class _RefusesBadBodies(GraphQLController):
    def parse_json(self, data: str | bytes) -> Any:
        """HTTP bodies only: WebSocket messages go through `decode_json`, left as it is."""
        return decode_request(data)

    async def execute_request(
        self, request: Request[Any, Any, Any], context: Any, root_value: Any
    ) -> Response[GraphQLResource | str]:
        try:
            return await self.run(request, context=context, root_value=root_value)
        except HTTPException as error:
            return error_response(error.status_code, error.reason)


def graphql_controller(
    schema: BaseSchema, *, graphiql: bool, context_getter: Callable[..., Any]
) -> type[GraphQLController]:
    """The controller strawberry builds, with the body checks above in front of it and, when
    `graphiql` is on, our locally built GraphiQL page instead of strawberry's CDN template."""
    made = make_graphql_controller(
        schema,
        path="/graphql",
        graphql_ide="graphiql" if graphiql else None,
        allow_queries_via_get=False,
        context_getter=context_getter,
    )
    return cast(
        type[GraphQLController],
        type("CoeGraphQLController", (_RefusesBadBodies, ServesLocalGraphiQL, made), {}),
    )
