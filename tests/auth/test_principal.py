"""Role and site scoping rules (pure)."""

from __future__ import annotations

import pytest

from coe.auth.principal import Principal, Role, parse_roles
from coe.errors import ForbiddenError


def principal(*roles: Role, sites: frozenset[str] = frozenset()) -> Principal:
    return Principal(subject="u", name="U", roles=frozenset(roles), sites=sites)


def test_site_admin_acts_only_on_their_sites() -> None:
    admin = principal(Role.SITE_ADMIN, sites=frozenset({"penang"}))
    assert admin.may_act_on_site("penang", Role.SITE_ADMIN)
    assert not admin.may_act_on_site("cork", Role.SITE_ADMIN)
    assert admin.readable_sites() == frozenset({"penang"})
    with pytest.raises(ForbiddenError):
        admin.require_site("cork")


def test_enterprise_roles_read_every_site() -> None:
    for role in (Role.COE_ARCHITECT, Role.EXECUTIVE, Role.NPI_ENGINEER, Role.AUDITOR):
        assert principal(role).readable_sites() is None
        assert principal(role).may_read_site("anywhere")


def test_qa_approver_is_enterprise_wide_unless_scoped() -> None:
    assert principal(Role.QA_APPROVER).may_act_on_site("cork", Role.QA_APPROVER)
    scoped = principal(Role.QA_APPROVER, sites=frozenset({"penang"}))
    assert not scoped.may_act_on_site("cork", Role.QA_APPROVER)
    assert scoped.readable_sites() == frozenset({"penang"})


def test_a_role_the_principal_lacks_covers_nothing() -> None:
    executive = principal(Role.EXECUTIVE)
    assert not executive.may_act_on_site("cork", Role.SITE_ADMIN)
    with pytest.raises(ForbiddenError):
        executive.require_roles(Role.COE_ARCHITECT)


def test_unknown_roles_are_refused() -> None:
    assert parse_roles(["auditor"]) == frozenset({Role.AUDITOR})
    with pytest.raises(ValueError, match="unknown role 'root'"):
        parse_roles(["root"])
