"""Environments and plant instances: the enterprise's promotion stages and where each site's
agent listens in them, through GraphQL, with their rules, roles, audit and bad input."""

from __future__ import annotations

import pytest

from coe.auth.principal import Role
from coe.db import Sessions
from coe.models import PRODUCTION
from coe.sites.validation import environments_violations
from tests.helpers import Api, audit_count
from tests.sites.test_api import add_sites, enterprise

__all__ = ["enterprise"]  # the fixture

ENVIRONMENTS = "{ enterprise { environments } }"
SET_ENVIRONMENTS = """
mutation($environments: [String!]!, $reason: String) {
  setEnvironments(environments: $environments, reason: $reason) { environments }
}
"""
SET_INSTANCE = """
mutation($site: String!, $environment: String!, $endpoint: String!) {
  setPlantInstance(site: $site, environment: $environment, endpoint: $endpoint,
                   reason: "validation agent") {
    key plantEndpoint instances { environment endpoint }
  }
}
"""
REMOVE_INSTANCE = """
mutation($site: String!, $environment: String!) {
  removePlantInstance(site: $site, environment: $environment) { instances { environment } }
}
"""


def test_default_like_lists_are_valid() -> None:
    assert environments_violations(["validation", "production"], PRODUCTION) == []
    assert environments_violations(["development", "validation", "production"], PRODUCTION) == []
    assert environments_violations(["production"], PRODUCTION) == []


@pytest.mark.parametrize(
    ("names", "paths"),
    [
        ([], ["/environments"]),
        (["validation"], ["/environments/0"]),
        (["production", "validation"], ["/environments/1"]),
        (["Val idation", "production"], ["/environments/0"]),
        (["qa", "qa", "production"], ["/environments/1"]),
        ([f"env-{n}" for n in range(8)] + ["production"], ["/environments"]),
    ],
)
def test_bad_lists_name_where(names: list[str], paths: list[str]) -> None:
    assert [v["path"] for v in environments_violations(names, PRODUCTION)] == paths


async def test_architect_sets_the_environments_and_the_change_is_audited(
    api: Api, enterprise: None
) -> None:
    assert (await api.as_role(Role.EXECUTIVE, ENVIRONMENTS)).ok()["enterprise"] == {
        "environments": ["validation", "production"]
    }
    wanted = ["development", "validation", "production"]
    result = await api.as_role(
        Role.COE_ARCHITECT, SET_ENVIRONMENTS, {"environments": wanted, "reason": "dev stage"}
    )
    assert result.ok()["setEnvironments"] == {"environments": wanted}
    assert (await api.as_role(Role.AUDITOR, ENVIRONMENTS)).ok()["enterprise"] == {
        "environments": wanted
    }
    records = (
        await api.as_role(
            Role.AUDITOR,
            '{ auditRecords(filter: {entityType: "enterprise"}) '
            "{ nodes { action before after reason } } }",
        )
    ).ok()["auditRecords"]["nodes"]
    assert records == [
        {
            "action": "enterprise.environments_changed",
            "before": {"environments": ["validation", "production"]},
            "after": {"environments": wanted},
            "reason": "dev stage",
        }
    ]


async def test_only_architects_set_environments(
    api: Api, sessions: Sessions, enterprise: None
) -> None:
    before = await audit_count(sessions)
    result = await api.as_role(
        Role.SITE_ADMIN, SET_ENVIRONMENTS, {"environments": ["production"]}, sites=["cork"]
    )
    assert result.codes == ["FORBIDDEN"]
    assert await audit_count(sessions) == before


async def test_a_site_admin_adds_and_removes_a_validation_instance(
    api: Api, sessions: Sessions, enterprise: None
) -> None:
    await add_sites(api, "cork")
    result = await api.as_role(
        Role.SITE_ADMIN,
        SET_INSTANCE,
        {"site": "cork", "environment": "validation", "endpoint": "http://127.0.0.1:9301"},
        sites=["cork"],
    )
    assert result.ok()["setPlantInstance"] == {
        "key": "cork",
        "plantEndpoint": None,
        "instances": [{"environment": "validation", "endpoint": "http://127.0.0.1:9301"}],
    }
    # The environment is in use: it cannot be dropped while cork has an instance there.
    before = await audit_count(sessions)
    refused = await api.as_role(
        Role.COE_ARCHITECT, SET_ENVIRONMENTS, {"environments": ["production"]}
    )
    assert refused.codes == ["VALIDATION_FAILED"]
    assert [{"path": v["path"], "reason": v["reason"]} for v in refused.violations] == [
        {
            "path": "/environments",
            "reason": "'validation' still has the instances of cork: remove them first",
        }
    ]
    assert await audit_count(sessions) == before
    removed = await api.as_role(
        Role.SITE_ADMIN,
        REMOVE_INSTANCE,
        {"site": "cork", "environment": "validation"},
        sites=["cork"],
    )
    assert removed.ok()["removePlantInstance"] == {"instances": []}
    again = await api.as_role(
        Role.SITE_ADMIN,
        REMOVE_INSTANCE,
        {"site": "cork", "environment": "validation"},
        sites=["cork"],
    )
    assert again.codes == ["NOT_FOUND"]
    actions = (
        await api.as_role(
            Role.AUDITOR,
            '{ auditRecords(filter: {entityType: "site", entityId: "cork"}) { nodes { action } } }',
        )
    ).ok()["auditRecords"]["nodes"]
    assert [a["action"] for a in actions] == [
        "site.instance_removed",
        "site.instance_set",
        "site.created",
    ]
    dropped = await api.as_role(
        Role.COE_ARCHITECT, SET_ENVIRONMENTS, {"environments": ["production"]}
    )
    assert dropped.ok()["setEnvironments"] == {"environments": ["production"]}


async def test_instances_are_refused_outside_the_environments_the_scope_or_the_role(
    api: Api, sessions: Sessions, enterprise: None
) -> None:
    await add_sites(api, "cork", "penang")
    before = await audit_count(sessions)
    bad = await api.as_role(
        Role.COE_ARCHITECT,
        SET_INSTANCE,
        {"site": "cork", "environment": "staging", "endpoint": "ftp://plant"},
    )
    assert bad.codes == ["VALIDATION_FAILED"]
    assert [{"path": v["path"], "reason": v["reason"]} for v in bad.violations] == [
        {"path": "/endpoint", "reason": "an http(s) URL of the plant instance"},
        {
            "path": "/environment",
            "reason": "'staging' is not one of the enterprise's environments "
            "(validation, production)",
        },
    ]
    other_site = await api.as_role(
        Role.SITE_ADMIN,
        SET_INSTANCE,
        {"site": "penang", "environment": "validation", "endpoint": "http://127.0.0.1:9"},
        sites=["cork"],
    )
    assert other_site.codes == ["FORBIDDEN"]
    production = await api.as_role(
        Role.SITE_ADMIN,
        SET_INSTANCE,
        {"site": "cork", "environment": "production", "endpoint": "http://127.0.0.1:9"},
        sites=["cork"],
    )
    assert production.codes == ["FORBIDDEN"]
    assert await audit_count(sessions) == before
    moved = await api.as_role(
        Role.COE_ARCHITECT,
        SET_INSTANCE,
        {"site": "cork", "environment": "production", "endpoint": "http://127.0.0.1:9"},
    )
    assert moved.ok()["setPlantInstance"]["plantEndpoint"] == "http://127.0.0.1:9"
