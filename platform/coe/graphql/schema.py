"""Assembles the schema from the domains' queries and mutations, with the hardening on."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    DisableIntrospection,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)
from strawberry.extensions.tracing import OpenTelemetryExtension
from strawberry.schema.config import StrawberryConfig

from coe.audit.types import AuditQueries
from coe.auth.types import IdentityMutations, IdentityQueries
from coe.config import Settings
from coe.definitions.types import DefinitionQueries
from coe.graphql.extensions import ErrorPolicy, RefuseUnstorableText
from coe.graphql.permissions import assert_guarded
from coe.graphql.results import attach_problem_answers
from coe.kpis.queries import KpiQueries
from coe.overlays.mutations import OverlayMutations
from coe.overlays.queries import OverlayQueries
from coe.rollouts.mutations import RolloutMutations
from coe.rollouts.queries import RolloutQueries
from coe.signatures.types import SignatureQueries
from coe.sites.mutations import SiteMutations
from coe.sites.queries import SiteQueries
from coe.templates.mutations import TemplateMutations
from coe.templates.queries import TemplateQueries
from coe.transfers.mutations import TransferMutations
from coe.transfers.queries import TransferQueries
from coe.validation.mutations import ValidationMutations
from coe.validation.queries import ValidationQueries


@strawberry.type(description="Everything a caller may read, each field checked for role and site.")
class Query(
    IdentityQueries,
    SiteQueries,
    TemplateQueries,
    OverlayQueries,
    DefinitionQueries,
    RolloutQueries,
    KpiQueries,
    TransferQueries,
    AuditQueries,
    SignatureQueries,
    ValidationQueries,
):
    pass


@strawberry.type(description="Every change; each mutation is one audited transaction.")
class Mutation(
    SiteMutations,
    TemplateMutations,
    OverlayMutations,
    RolloutMutations,
    TransferMutations,
    IdentityMutations,
    ValidationMutations,
):
    pass


assert_guarded(Query, Mutation)
attach_problem_answers(Query, Mutation)


class OperationTracing(OpenTelemetryExtension):
    """Spans for each operation, its parsing and validation (resolver SQL and Temporal calls
    are traced by their own instrumentation), but not one span per field: a `resolve` hook
    turns every field of every result row into a coroutine, which made a 200-row KPI table
    several times slower."""

    resolve = SchemaExtension.resolve  # type: ignore[assignment]


class CoeSchema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        """Expected errors are answers, not incidents; ErrorPolicy logs the unexpected ones
        (with the request id) before masking them."""


def build_schema(settings: Settings) -> CoeSchema:
    # Factories, so every request gets fresh extension instances.
    extensions: list[Callable[[], SchemaExtension] | type[SchemaExtension]] = [
        lambda: QueryDepthLimiter(max_depth=settings.graphql_max_depth),
        lambda: MaxTokensLimiter(max_token_count=settings.graphql_max_tokens),
        lambda: MaxAliasesLimiter(max_alias_count=settings.graphql_max_aliases),
        ErrorPolicy,
        RefuseUnstorableText,
        OperationTracing,
    ]
    if settings.is_production:
        extensions.append(DisableIntrospection)
    return CoeSchema(
        query=Query,
        mutation=Mutation,
        extensions=extensions,
        config=StrawberryConfig(auto_camel_case=True),
    )


def schema_sdl(settings: Settings | None = None) -> str:
    """The schema as SDL; committed as schema.graphql and checked by a test."""
    return build_schema(settings or Settings()).as_str() + "\n"
