"""Who is calling, with which roles, over which sites. Deny by default."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from coe.errors import ForbiddenError


class Role(StrEnum):
    COE_ARCHITECT = "coe_architect"
    SITE_ADMIN = "site_admin"
    EXECUTIVE = "executive"
    NPI_ENGINEER = "npi_engineer"
    QA_APPROVER = "qa_approver"
    AUDITOR = "auditor"
    PLANT = "plant"


# Roles that only ever act on the sites their token names.
SITE_BOUND_ROLES = frozenset({Role.SITE_ADMIN, Role.PLANT})
# Roles that are enterprise-wide unless the token names sites.
SITE_SCOPABLE_ROLES = frozenset({Role.QA_APPROVER})


def parse_roles(values: Iterable[str]) -> frozenset[Role]:
    roles = set()
    for value in values:
        try:
            roles.add(Role(value))
        except ValueError:
            raise ValueError(f"unknown role {value!r}") from None
    return frozenset(roles)


@dataclass(frozen=True)
class Principal:
    """An authenticated caller. `sites` scopes the site-bound and site-scopable roles."""

    subject: str
    name: str
    roles: frozenset[Role]
    sites: frozenset[str] = frozenset()
    issuer: str = "coe-dev"

    def has_role(self, *roles: Role) -> bool:
        return any(role in self.roles for role in roles)

    def role_covers_site(self, role: Role, site: str) -> bool:
        if role not in self.roles:
            return False
        if role in SITE_BOUND_ROLES:
            return site in self.sites
        if role in SITE_SCOPABLE_ROLES:
            return not self.sites or site in self.sites
        return True

    def _holds_everywhere(self, role: Role) -> bool:
        if role not in self.roles or role in SITE_BOUND_ROLES:
            return False
        return not (role in SITE_SCOPABLE_ROLES and self.sites)

    def may_act_on_site(self, site: str, *roles: Role) -> bool:
        return any(self.role_covers_site(role, site) for role in roles)

    def may_read_site(self, site: str) -> bool:
        return any(self.role_covers_site(role, site) for role in self.roles)

    def readable_sites(self) -> frozenset[str] | None:
        """The sites this caller may read; None means every site."""
        return None if any(self._holds_everywhere(role) for role in self.roles) else self.sites

    def require_roles(self, *roles: Role) -> None:
        if not self.has_role(*roles):
            raise ForbiddenError(f"requires one of the roles: {', '.join(sorted(roles))}")

    def require_enterprise_wide(self, *roles: Role) -> None:
        """Refuse unless one of `roles` is held for every site: content that every plant
        runs (a template) is not approved with a token scoped to some of them."""
        if not any(self._holds_everywhere(role) for role in roles):
            raise ForbiddenError(
                f"requires one of the roles {', '.join(sorted(roles))} for the whole "
                "enterprise (this token is limited to some sites)"
            )

    def require_site(self, site: str, *roles: Role) -> None:
        """Refuse unless one of `roles` (any role, when none given) covers `site`."""
        allowed = self.may_act_on_site(site, *roles) if roles else self.may_read_site(site)
        if not allowed:
            raise ForbiddenError(f"not permitted for site {site!r}", site=site)


SYSTEM = Principal(subject="system", name="COE Platform", roles=frozenset(Role))
