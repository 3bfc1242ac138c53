"""Site scoping, in one place: which sites a caller may see, and — per kind of object — which
sites an object belongs to. Resolvers and services ask a `Scope`; none computes scope itself.

The rule per kind (what `sites_of` answers):

| kind | belongs to |
|---|---|
| site, area, work center, work unit | its site |
| overlay revision, effective definition | its site |
| ledger entry, drift observation, KPI row | its site |
| rollout | every site of its waves (a caller sees only their sites' rows of it) |
| rollout gate | the sites of its wave |
| transfer | its source and its target |
| transfer approval (one side) | that side's site |
| audit record | its `site` (none: enterprise-wide) |
| signature | the object it signs |
| template version, template diff | the enterprise (no site: every person may read it) |

An object that belongs to no site is enterprise-wide. Roles are the other half: the `plant`
role is a machine credential and reaches only the fields that allow it by name
(`graphql/permissions.py`); everything else is for people.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from coe.auth.principal import Principal
from coe.errors import ForbiddenError, NotFoundError

T = TypeVar("T")

ENTERPRISE: frozenset[str] = frozenset()
"""The sites of an enterprise-wide object (a template): none in particular."""


@dataclass(frozen=True)
class Scope:
    """The sites a caller may see; `sites is None` means every site."""

    sites: frozenset[str] | None

    @classmethod
    def of(cls, principal: Principal) -> Scope:
        return cls(principal.readable_sites())

    @property
    def everywhere(self) -> bool:
        return self.sites is None

    def covers(self, site: str) -> bool:
        return self.sites is None or site in self.sites

    def sees(self, object_sites: Iterable[str]) -> bool:
        """An object is seen when one of its sites is covered; an enterprise-wide one always."""
        wanted = frozenset(object_sites)
        return self.sites is None or not wanted or bool(wanted & self.sites)

    def require(self, site: str) -> None:
        """Refuse a site outside the scope, whether or not it exists (FORBIDDEN)."""
        if not self.covers(site):
            raise ForbiddenError(f"not permitted for site {site!r}", site=site)

    def found(self, row: T | None, object_sites: Callable[[T], Iterable[str]], what: str) -> T:
        """A row looked up by id: missing and out of scope answer alike (NOT_FOUND), so ids
        of other sites' objects cannot be probed."""
        if row is None or not self.sees(object_sites(row)):
            raise NotFoundError(f"no {what}")
        return row

    def keep(self, rows: Iterable[T], site_of: Callable[[T], str]) -> list[T]:
        """The rows whose site is covered."""
        return [row for row in rows if self.covers(site_of(row))]

    def narrow(self, asked: Sequence[str] | None = None) -> list[str] | None:
        """A site filter for a query: what was asked, cut to the scope (None: no filter)."""
        if self.sites is None:
            return None if asked is None else list(asked)
        return sorted(self.sites if asked is None else set(asked) & self.sites)

    def narrow_to(self, site: str | None) -> list[str] | None:
        """A filter for an optional `site` argument: that site (FORBIDDEN outside the scope),
        else the whole scope."""
        if site is None:
            return self.narrow()
        self.require(site)
        return [site]
