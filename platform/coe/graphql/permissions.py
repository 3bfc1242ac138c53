"""Authorization on every root field. A root field without `allow(...)` fails schema build."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import strawberry
from strawberry.extensions import FieldExtension
from strawberry.types import Info

from coe.auth.principal import Role
from coe.errors import ForbiddenError


class Authorize(FieldExtension):
    """Requires an authenticated caller holding one of `roles`, which must be named: the
    `plant` role (a machine credential) reaches only the fields that name it."""

    def __init__(self, roles: tuple[Role, ...]) -> None:
        if not roles:
            raise ValueError("allow() needs the roles that may call the field")
        self.roles = roles

    def check(self, info: Info) -> None:
        principal = info.context.caller()
        if not principal.has_role(*self.roles):
            allowed = ", ".join(sorted(self.roles))
            raise ForbiddenError(f"{info.field_name} requires one of the roles: {allowed}")

    # Positional-only, so a GraphQL argument may itself be named `source` or `info`.
    def resolve(  # type: ignore[override]
        self, next_: Callable[..., Any], source: Any, info: Info, /, **kwargs: Any
    ) -> Any:
        self.check(info)
        return next_(source, info, **kwargs)

    async def resolve_async(  # type: ignore[override]
        self, next_: Callable[..., Awaitable[Any]], source: Any, info: Info, /, **kwargs: Any
    ) -> Any:
        self.check(info)
        return await next_(source, info, **kwargs)


def allow(*roles: Role) -> list[FieldExtension]:
    """Field extensions for a root field: `@strawberry.field(extensions=allow(Role.X))`."""
    return [Authorize(roles)]


PEOPLE: tuple[Role, ...] = tuple(role for role in Role if role is not Role.PLANT)
"""Every role of a person: what most fields allow. Site scope still applies (`auth/scope.py`)."""


def unguarded_root_fields(*types: type) -> list[str]:
    """Root fields lacking an Authorize extension: deny by default is checked at build time."""
    missing = []
    for root in types:
        definition = root.__strawberry_definition__  # type: ignore[attr-defined]
        for field in definition.fields:
            if not any(isinstance(ext, Authorize) for ext in field.extensions):
                missing.append(f"{definition.name}.{field.name}")
    return missing


def assert_guarded(*types: type) -> None:
    missing = unguarded_root_fields(*types)
    if missing:
        raise RuntimeError(f"root fields without authorization: {', '.join(missing)}")


__all__ = ["PEOPLE", "Authorize", "allow", "assert_guarded", "strawberry"]
