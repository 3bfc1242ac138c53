"""Error policy: expected errors keep their code, everything else is masked and logged."""

from __future__ import annotations

import logging
from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from coe.errors import CoeError

log = logging.getLogger("coe.graphql")


class ErrorPolicy(SchemaExtension):
    """Every error leaves with `extensions.code`; internal ones say only the request id."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        errors = getattr(result, "errors", None)
        if result is not None and errors:
            result.errors = [self._classify(error) for error in errors]

    def _classify(self, error: GraphQLError) -> GraphQLError:
        original = error.original_error
        if isinstance(original, CoeError):
            return error
        if original is None:
            extensions = {"code": "GRAPHQL_VALIDATION_FAILED", **(error.extensions or {})}
            return _copy(error, error.message, extensions)
        if isinstance(original, GraphQLError):  # variables that do not fit their types
            return _copy(error, error.message, {"code": "BAD_USER_INPUT"})
        request_id = getattr(self.execution_context.context, "request_id", None)
        log.error(
            "internal error in GraphQL operation (request %s)",
            request_id,
            exc_info=(type(original), original, original.__traceback__),
        )
        return _copy(
            error,
            f"Internal error. Quote request id {request_id} when reporting it.",
            {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id},
        )


def _copy(error: GraphQLError, message: str, extensions: dict[str, object]) -> GraphQLError:
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        extensions=extensions,
    )
