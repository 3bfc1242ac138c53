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
    """Requires an authenticated caller holding one of `roles` (any role when empty)."""

    def __init__(self, roles: tuple[Role, ...]) -> None:
        self.roles = roles

    def check(self, info: Info) -> None:
        principal = info.context.caller()
        if self.roles and not principal.has_role(*self.roles):
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


ANY_ROLE: tuple[Role, ...] = ()


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


__all__ = ["ANY_ROLE", "Authorize", "allow", "assert_guarded", "strawberry"]
