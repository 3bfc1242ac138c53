"""The equipment hierarchy through GraphQL: roles, site scoping, audit, bad input."""

from __future__ import annotations

from typing import Any

import pytest

from coe.auth.principal import Role
from coe.db import Sessions
from tests.helpers import Api, audit_count

ADD_SITE = """
mutation($input: SiteInput!, $reason: String) {
  addSite(input: $input, reason: $reason) { key name region timeZone labels { key value } }
}
"""
SITE = "query($key: String!) { site(key: $key) { key areas { key workCenters { key "
SITE += "equipmentClasses workUnits { key equipmentClass } } } } }"
SITES = "query($first: Int!, $after: String) { sites(first: $first, after: $after) "
SITES += "{ totalCount nodes { key } pageInfo { hasNextPage endCursor } } }"
INIT = 'mutation { addSite(input: {key: "x", name: "x", region: "r", timeZone: "UTC"}) { key } }'


def site_input(key: str, region: str = "emea", **extra: Any) -> dict[str, Any]:
    return {"key": key, "name": key.title(), "region": region, "timeZone": "Europe/Dublin", **extra}


async def seed_enterprise(sessions: Sessions) -> None:
    from coe.models import Enterprise

    async with sessions() as session, session.begin():
        session.add(Enterprise(key="acme", name="Acme"))


@pytest.fixture
async def enterprise(sessions: Sessions) -> None:
    await seed_enterprise(sessions)


async def add_sites(api: Api, *keys: str) -> None:
    for key in keys:
        result = await api.as_role(Role.COE_ARCHITECT, ADD_SITE, {"input": site_input(key)})
        result.ok()


async def test_architect_adds_a_site_and_the_change_is_audited(
    api: Api, sessions: Sessions, enterprise: None
) -> None:
    result = await api.as_role(
        Role.COE_ARCHITECT,
        ADD_SITE,
        {
            "input": site_input("cork", labels=[{"key": "bu", "value": "vascular"}]),
            "reason": "new plant",
        },
        subject="ada",
    )
    assert result.ok()["addSite"] == {
        "key": "cork",
        "name": "Cork",
        "region": "emea",
        "timeZone": "Europe/Dublin",
        "labels": [{"key": "bu", "value": "vascular"}],
    }
    records = await api.as_role(
        Role.AUDITOR,
        "{ auditRecords { nodes { actor action entityType entityId site reason after "
        "requestId } } }",
    )
    [record] = records.ok()["auditRecords"]["nodes"]
    assert record["actor"] == "ada"
    assert record["action"] == "site.created"
    assert (record["entityType"], record["entityId"], record["site"]) == ("site", "cork", "cork")
    assert record["reason"] == "new plant"
    assert record["after"]["timeZone"] == "Europe/Dublin"
    assert record["requestId"]


async def test_request_id_from_the_caller_is_kept_in_the_audit_record(
    api: Api, enterprise: None
) -> None:
    token = api.tokens.issue(Role.COE_ARCHITECT)
    result = await api.gql(
        ADD_SITE, {"input": site_input("cork")}, token=token, headers={"X-Request-ID": "req-42"}
    )
    result.ok()
    records = await api.as_role(Role.AUDITOR, "{ auditRecords { nodes { requestId } } }")
    assert records.ok()["auditRecords"]["nodes"][0]["requestId"] == "req-42"


@pytest.mark.parametrize(
    "role",
    [
        Role.SITE_ADMIN,
        Role.EXECUTIVE,
        Role.NPI_ENGINEER,
        Role.QA_APPROVER,
        Role.AUDITOR,
        Role.PLANT,
    ],
)
async def test_only_architects_add_sites(
    api: Api, sessions: Sessions, enterprise: None, role: Role
) -> None:
    result = await api.as_role(role, ADD_SITE, {"input": site_input("cork")}, sites=["cork"])
    assert result.codes == ["FORBIDDEN"]
    assert await audit_count(sessions) == 0
    listing = await api.as_role(Role.EXECUTIVE, SITES, {"first": 10})
    assert listing.ok()["sites"]["totalCount"] == 0


async def test_invalid_site_reports_every_violation_and_writes_nothing(
    api: Api, sessions: Sessions, enterprise: None
) -> None:
    bad = {
        "key": "Cork!",
        "name": "",
        "region": "EMEA",
        "timeZone": "Mars/Olympus",
        "country": "Ireland",
        "plantEndpoint": "ftp://plant",
    }
    result = await api.as_role(Role.COE_ARCHITECT, ADD_SITE, {"input": bad})
    assert result.codes == ["VALIDATION_FAILED"]
    paths = {v["path"] for v in result.violations}
    assert paths == {"/key", "/name", "/region", "/timeZone", "/country", "/plantEndpoint"}
    assert await audit_count(sessions) == 0


async def test_duplicate_site_is_a_conflict(api: Api, sessions: Sessions, enterprise: None) -> None:
    await add_sites(api, "cork")
    before = await audit_count(sessions)
    result = await api.as_role(Role.COE_ARCHITECT, ADD_SITE, {"input": site_input("cork")})
    assert result.codes == ["CONFLICT"]
    assert await audit_count(sessions) == before


async def test_site_admin_sees_only_their_sites(api: Api, enterprise: None) -> None:
    await add_sites(api, "cork", "penang", "suzhou")
    mine = await api.as_role(Role.SITE_ADMIN, SITES, {"first": 10}, sites=["penang"])
    assert [n["key"] for n in mine.ok()["sites"]["nodes"]] == ["penang"]
    other = await api.as_role(Role.SITE_ADMIN, SITE, {"key": "cork"}, sites=["penang"])
    assert other.codes == ["FORBIDDEN"]
    missing = await api.as_role(Role.SITE_ADMIN, SITE, {"key": "nowhere"}, sites=["penang"])
    assert missing.codes == ["FORBIDDEN"], "scoped callers learn nothing about other sites"
    everyone = await api.as_role(Role.EXECUTIVE, SITES, {"first": 10})
    assert everyone.ok()["sites"]["totalCount"] == 3


async def test_unknown_site_is_not_found_for_enterprise_roles(api: Api, enterprise: None) -> None:
    result = await api.as_role(Role.EXECUTIVE, SITE, {"key": "nowhere"})
    assert result.codes == ["NOT_FOUND"]


async def test_sites_are_paginated_with_a_maximum_page_size(api: Api, enterprise: None) -> None:
    await add_sites(api, "a-site", "b-site", "c-site")
    first = (await api.as_role(Role.EXECUTIVE, SITES, {"first": 2})).ok()["sites"]
    assert [n["key"] for n in first["nodes"]] == ["a-site", "b-site"]
    assert first["pageInfo"]["hasNextPage"] is True
    assert first["totalCount"] == 3
    second = (
        await api.as_role(
            Role.EXECUTIVE, SITES, {"first": 2, "after": first["pageInfo"]["endCursor"]}
        )
    ).ok()["sites"]
    assert [n["key"] for n in second["nodes"]] == ["c-site"]
    assert second["pageInfo"]["hasNextPage"] is False
    too_many = await api.as_role(Role.EXECUTIVE, SITES, {"first": 101})
    assert too_many.codes == ["BAD_USER_INPUT"]
    forged = await api.as_role(Role.EXECUTIVE, SITES, {"first": 2, "after": "not-a-cursor"})
    assert forged.codes == ["BAD_USER_INPUT"]


HIERARCHY = [
    (
        'mutation { addArea(site: "penang", key: "packaging", name: "Packaging") { key } }',
        "addArea",
    ),
    (
        'mutation { addWorkCenter(site: "penang", area: "packaging", key: "line-1", '
        'name: "Line 1", equipmentClasses: ["heat-sealer", "label-printer"]) { key } }',
        "addWorkCenter",
    ),
    (
        'mutation { addWorkUnit(site: "penang", workCenter: "line-1", key: "sealer-01", '
        'name: "Sealer", equipmentClass: "heat-sealer") { key } }',
        "addWorkUnit",
    ),
]


async def test_site_admin_builds_the_hierarchy_of_their_own_site(
    api: Api, enterprise: None
) -> None:
    await add_sites(api, "penang")
    for document, field in HIERARCHY:
        result = await api.as_role(Role.SITE_ADMIN, document, sites=["penang"])
        assert result.ok()[field]
    site = (await api.as_role(Role.SITE_ADMIN, SITE, {"key": "penang"}, sites=["penang"])).ok()
    assert site["site"]["areas"] == [
        {
            "key": "packaging",
            "workCenters": [
                {
                    "key": "line-1",
                    "equipmentClasses": ["heat-sealer", "label-printer"],
                    "workUnits": [{"key": "sealer-01", "equipmentClass": "heat-sealer"}],
                }
            ],
        }
    ]


async def test_site_admin_cannot_change_another_site(
    api: Api, sessions: Sessions, enterprise: None
) -> None:
    await add_sites(api, "penang", "cork")
    before = await audit_count(sessions)
    document = HIERARCHY[0][0].replace("penang", "cork")
    result = await api.as_role(Role.SITE_ADMIN, document, sites=["penang"])
    assert result.codes == ["FORBIDDEN"]
    assert await audit_count(sessions) == before


async def test_unknown_hierarchy_parent_is_not_found_and_writes_nothing(
    api: Api, sessions: Sessions, enterprise: None
) -> None:
    await add_sites(api, "penang")
    before = await audit_count(sessions)
    result = await api.as_role(Role.COE_ARCHITECT, HIERARCHY[1][0])  # area does not exist yet
    assert result.codes == ["NOT_FOUND"]
    assert "packaging" in result.messages[0]
    result = await api.as_role(Role.COE_ARCHITECT, HIERARCHY[0][0].replace("penang", "nowhere"))
    assert result.codes == ["NOT_FOUND"]
    assert await audit_count(sessions) == before


async def test_update_site_records_before_and_after(api: Api, enterprise: None) -> None:
    await add_sites(api, "cork")
    result = await api.as_role(
        Role.COE_ARCHITECT,
        'mutation { updateSite(key: "cork", patch: {name: "Cork (IE)", '
        'plantEndpoint: "http://10.0.0.5:9100"}, reason: "rename") { name plantEndpoint } }',
    )
    assert result.ok()["updateSite"] == {
        "name": "Cork (IE)",
        "plantEndpoint": "http://10.0.0.5:9100",
    }
    instances = await api.as_role(
        Role.SITE_ADMIN,
        '{ site(key: "cork") { instances { environment endpoint } } }',
        sites=["cork"],
    )
    assert instances.ok()["site"]["instances"] == [
        {"environment": "production", "endpoint": "http://10.0.0.5:9100"}
    ]
    cleared = await api.as_role(
        Role.COE_ARCHITECT,
        'mutation { updateSite(key: "cork", patch: {plantEndpoint: null}) '
        "{ plantEndpoint instances { environment } } }",
    )
    assert cleared.ok()["updateSite"] == {"plantEndpoint": None, "instances": []}
    records = (
        await api.as_role(
            Role.AUDITOR,
            '{ auditRecords(filter: {entityType: "site", entityId: "cork"}) '
            "{ nodes { action before after reason } } }",
        )
    ).ok()["auditRecords"]["nodes"]
    assert [r["action"] for r in records] == ["site.updated", "site.updated", "site.created"]
    rename = records[1]
    assert rename["before"]["name"] == "Cork"
    assert rename["after"]["name"] == "Cork (IE)"
    assert rename["reason"] == "rename"
