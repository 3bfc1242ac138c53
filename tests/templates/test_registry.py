"""The template registry through GraphQL: lifecycle, e-signed approval, semver discipline,
frozen published versions, diff and upgrade impact; nothing written on any failure."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
import yaml

from coe.auth.principal import Role
from coe.config import Settings
from coe.db import Sessions, libpq_url
from tests.helpers import audit_count
from tests.world import World, overlay, template

KEY = "pouch-sealing"


async def test_a_version_goes_from_draft_to_published(world: World) -> None:
    saved = (await world.save(template())).ok()["saveTemplateDraft"]
    assert saved["outcome"] == "created"
    assert saved["template"]["status"] == "DRAFT"
    assert (await world.save(template())).ok()["saveTemplateDraft"]["outcome"] == "unchanged"
    submitted = (await world.step("submitTemplate", KEY, "1.0.0")).ok()["submitTemplate"]
    assert submitted["status"] == "IN_REVIEW"
    approved = (await world.approve(KEY, "1.0.0")).ok()["approveTemplate"]
    assert approved["status"] == "APPROVED"
    assert approved["approval"] == {"signerId": "quinn", "meaning": "approved"}
    published = (await world.step("publishTemplate", KEY, "1.0.0")).ok()["publishTemplate"]
    assert published["status"] == "PUBLISHED"
    assert len(published["contentSha256"]) == 64
    actions = (
        await world.api.as_role(
            Role.AUDITOR,
            '{ auditRecords(filter: {entityType: "template_version"}) { nodes { action actor } } }',
        )
    ).ok()["auditRecords"]["nodes"]
    assert [(a["action"], a["actor"]) for a in reversed(actions)] == [
        ("template.draft_created", "ada"),
        ("template.in_review", "ada"),
        ("signature.approved", "quinn"),
        ("template.approved", "quinn"),
        ("template.published", "ada"),
    ]


@pytest.mark.parametrize(
    ("user", "password", "username", "code"),
    [
        ("ada", "long enough password", None, "SIGNATURE_REJECTED"),  # the author: four eyes
        ("quinn", "wrong password 123", None, "SIGNATURE_REJECTED"),
        ("quinn", "long enough password", "grace", "SIGNATURE_REJECTED"),  # as someone else
        ("sam", "long enough password", None, "FORBIDDEN"),  # a site admin may not approve
    ],
)
async def test_approval_is_refused_and_nothing_is_written(
    world: World, sessions: Sessions, user: str, password: str, username: str | None, code: str
) -> None:
    (await world.save(template())).ok()
    (await world.step("submitTemplate", KEY, "1.0.0")).ok()
    before = await audit_count(sessions)
    result = await world.approve(KEY, "1.0.0", user=user, password=password, username=username)
    assert result.codes == [code]
    # a refused re-authentication is itself recorded (signature.refused, Part 11 §11.300(d))
    refused_reauth = user == "quinn"
    assert await audit_count(sessions) == before + refused_reauth
    version = (
        await world.as_user(
            "ada",
            '{ templateVersion(key: "pouch-sealing", '
            'version: "1.0.0") { status approval { signerId } } }',
        )
    ).ok()
    assert version["templateVersion"] == {"status": "IN_REVIEW", "approval": None}


async def test_another_architect_may_approve(world: World) -> None:
    (await world.save(template())).ok()
    (await world.step("submitTemplate", KEY, "1.0.0")).ok()
    approved = (await world.approve(KEY, "1.0.0", user="grace")).ok()["approveTemplate"]
    assert approved["approval"]["signerId"] == "grace"


async def test_only_approved_versions_are_published(world: World) -> None:
    (await world.save(template())).ok()
    result = await world.step("publishTemplate", KEY, "1.0.0")
    assert result.codes == ["CONFLICT"]
    (await world.step("submitTemplate", KEY, "1.0.0")).ok()
    assert (await world.step("publishTemplate", KEY, "1.0.0")).codes == ["CONFLICT"]


async def test_a_published_version_never_changes(
    world: World, sessions: Sessions, settings: Settings
) -> None:
    await world.publish(template())
    before = await audit_count(sessions)
    changed = await world.save(template(seal_temperature_c={"default": 182}))
    assert changed.codes == ["CONFLICT"]
    assert "publish a new version" in changed.messages[0]
    assert (await world.save(template())).ok()["saveTemplateDraft"]["outcome"] == "unchanged"
    assert await audit_count(sessions) == before
    assert settings.database_url
    with (
        psycopg.connect(libpq_url(settings.database_url)) as connection,
        pytest.raises(psycopg.errors.InsufficientPrivilege, match="frozen"),
    ):
        connection.execute("UPDATE template_version SET document = '{}'::json")


async def test_a_new_version_must_be_greater_than_every_published_one(world: World) -> None:
    await world.publish(template("1.2.0"))
    result = await world.save(template("1.1.0"))
    assert result.codes == ["VALIDATION_FAILED"]
    assert "not greater than every published version (latest 1.2.0)" in str(result.problems)


async def test_a_breaking_change_needs_a_major_version(world: World, sessions: Sessions) -> None:
    await world.publish(template("1.0.0"))
    narrowed = template("1.1.0", seal_temperature_c={"maximum": 185})
    (await world.save(narrowed)).ok()
    (await world.step("submitTemplate", KEY, "1.1.0")).ok()
    (await world.approve(KEY, "1.1.0")).ok()
    before = await audit_count(sessions)
    refused = await world.step("publishTemplate", KEY, "1.1.0")
    assert refused.codes == ["VALIDATION_FAILED"]
    assert refused.violations == [
        {
            "path": "/metadata/version",
            "reason": "breaking changes since 1.0.0 need a major version (2.0.0): parameter "
            "seal_temperature_c: maximum lowered 190 → 185 (narrowed)",
            "severity": "ERROR",
        }
    ]
    assert await audit_count(sessions) == before
    await world.publish(template("2.0.0", seal_temperature_c={"maximum": 185}))


async def test_an_invalid_template_is_refused_with_every_violation(
    world: World, sessions: Sessions
) -> None:
    bad = template(cycles={"default": 99})
    bad["spec"]["operations"][1]["id"] = "op10-clearance"
    before = await audit_count(sessions)
    result = await world.save(bad)
    assert result.codes == ["VALIDATION_FAILED"]
    paths = {v["path"] for v in result.violations}
    assert paths == {
        "/spec/parameters/cycles/default",
        "/spec/operations/1/id",
        "/spec/extensionPoints/0/after",
    }  # op20-seal is gone with the rename
    assert await audit_count(sessions) == before
    unreadable = await world.as_user(
        "ada", 'mutation { saveTemplateDraft(source: "a: [") { outcome } }'
    )
    assert unreadable.codes == ["VALIDATION_FAILED"]


async def test_only_architects_write_templates(world: World, sessions: Sessions) -> None:
    before = await audit_count(sessions)
    for user in ("quinn", "sam"):
        assert (await world.save(template(), user=user)).codes == ["FORBIDDEN"]
    assert await audit_count(sessions) == before
    listing = await world.api.as_role(Role.EXECUTIVE, "{ templates { totalCount } }")
    assert listing.ok()["templates"]["totalCount"] == 0


async def test_drafts_are_visible_to_the_coe_only(world: World) -> None:
    await world.publish(template("1.0.0"))
    (await world.save(template("1.1.0"))).ok()
    query = "{ templates { nodes { key versions { version status } } } }"
    coe = (await world.as_user("quinn", query)).ok()["templates"]["nodes"][0]["versions"]
    assert [v["version"] for v in coe] == ["1.1.0", "1.0.0"]
    executive = (await world.api.as_role(Role.EXECUTIVE, query)).ok()
    assert [v["version"] for v in executive["templates"]["nodes"][0]["versions"]] == ["1.0.0"]
    hidden = await world.api.as_role(
        Role.EXECUTIVE, '{ templateVersion(key: "pouch-sealing", version: "1.1.0") { key } }'
    )
    assert hidden.codes == ["NOT_FOUND"]


async def test_the_list_keeps_each_templates_versions_when_their_numbers_interleave(
    world: World,
) -> None:
    """Versions of another template numbered between two of this one's (2.0.0 > 1.5.0 >
    1.0.0) must not split this one's versions, nor put one of them under the other key."""
    await world.publish(template("1.0.0"))
    await world.publish(template("2.0.0", seal_temperature_c={"maximum": 185}))
    other = template("1.5.0")
    other["metadata"]["key"] = "tray-sealing"
    await world.publish(other)

    nodes = (
        await world.as_user("quinn", "{ templates { nodes { key versions { version } } } }")
    ).ok()["templates"]["nodes"]

    assert {node["key"]: [v["version"] for v in node["versions"]] for node in nodes} == {
        "pouch-sealing": ["2.0.0", "1.0.0"],
        "tray-sealing": ["1.5.0"],
    }


async def test_lifecycle_continues_to_deprecated_and_retired(world: World) -> None:
    await world.publish(template())
    assert (await world.step("retireTemplate", KEY, "1.0.0", reason="x")).codes == ["CONFLICT"]
    deprecated = (await world.step("deprecateTemplate", KEY, "1.0.0", reason="superseded")).ok()
    assert deprecated["deprecateTemplate"]["status"] == "DEPRECATED"
    retired = (await world.step("retireTemplate", KEY, "1.0.0", reason="withdrawn")).ok()
    assert retired["retireTemplate"]["status"] == "RETIRED"


async def test_a_reviewer_can_send_a_version_back(world: World) -> None:
    (await world.save(template())).ok()
    (await world.step("submitTemplate", KEY, "1.0.0")).ok()
    returned = await world.step(
        "returnTemplateToDraft", KEY, "1.0.0", user="quinn", reason="limits need a second look"
    )
    assert returned.ok()["returnTemplateToDraft"]["status"] == "DRAFT"


async def test_template_diff_through_the_api(world: World) -> None:
    await world.publish(template("1.0.0"))
    await world.publish(template("2.0.0", cycles={"maximum": 4, "default": 3}))
    diff = (
        await world.api.as_role(
            Role.EXECUTIVE,
            '{ templateDiff(key: "pouch-sealing", fromVersion: "1.0.0", '
            'toVersion: "2.0.0") { breaking changes { area subject kind breaking description } } }',
        )
    ).ok()["templateDiff"]
    assert diff["breaking"] is True
    assert diff["changes"] == [
        {
            "area": "parameters",
            "subject": "cycles",
            "kind": "changed",
            "breaking": True,
            "description": "parameter cycles: maximum lowered 5 → 4 (narrowed)",
        }
    ]


async def test_upgrade_impact_names_the_sites_and_the_violations(world: World) -> None:
    await world.publish(template("1.0.0"))
    (await world.propose(overlay(site="penang", seal_temperature_c=189))).ok()
    (await world.approve_overlay("penang", KEY, 1)).ok()
    cork = overlay(site="cork", cycles=5)
    cork["spec"].pop("extend")
    (await world.propose(cork, user="ada")).ok()
    (await world.approve_overlay("cork", KEY, 1)).ok()
    next_major = template("2.0.0", seal_temperature_c={"maximum": 185})
    await world.publish(next_major)
    impact = (
        await world.api.as_role(
            Role.EXECUTIVE,
            '{ upgradeImpact(template: "pouch-sealing", toVersion: "2.0.0") { '
            "fromVersion sites { site status overlayVersion violations { path reason } } } }",
        )
    ).ok()["upgradeImpact"]
    assert impact["fromVersion"] == "1.0.0"
    by_site = {s["site"]: s for s in impact["sites"]}
    assert by_site["cork"]["status"] == "NEEDS_OVERLAY_CHANGE"
    assert by_site["cork"]["violations"] == [
        {
            "path": "/metadata/templateVersions",
            "reason": "template version 2.0.0 is outside '>=1.0.0 <2.0.0'",
        }
    ]
    assert by_site["penang"]["status"] == "NEEDS_OVERLAY_CHANGE"
    assert {
        "path": "/spec/set/seal_temperature_c",
        "reason": "'seal_temperature_c' 189 is above the maximum 185",
    } in by_site["penang"]["violations"]
    scoped = (
        await world.as_user(
            "sam",
            '{ upgradeImpact(template: "pouch-sealing", toVersion: "2.0.0") { sites { site } } }',
        )
    ).ok()
    assert scoped["upgradeImpact"]["sites"] == [{"site": "penang"}]


def _renamed(version: str) -> dict[str, Any]:
    """`cycles` renamed `cycle_count`: declared by 2.0.0 and carried over by later versions."""
    document = template(version)
    parameters = document["spec"]["parameters"]
    parameters["cycle_count"] = parameters.pop("cycles")
    document["spec"]["migrations"] = {"renamedParameters": {"cycles": "cycle_count"}}
    return document


async def test_upgrade_impact_attributes_a_rename_to_the_version_that_declared_it(
    world: World,
) -> None:
    await world.publish(template("1.0.0"))
    cork = overlay(site="cork", cycles=4)
    cork["metadata"]["templateVersions"] = ">=1.0.0 <3.0.0"
    cork["spec"].pop("extend")
    (await world.propose(cork, user="ada")).ok()
    (await world.approve_overlay("cork", KEY, 1)).ok()
    await world.publish(_renamed("2.0.0"))
    await world.publish(_renamed("2.1.0"))

    async def impact(to_version: str, from_version: str) -> dict[str, Any]:
        result = await world.api.as_role(
            Role.EXECUTIVE,
            'query($t: String!, $f: String) { upgradeImpact(template: "pouch-sealing", '
            "toVersion: $t, fromVersion: $f) { diff { changes { kind subject } } "
            "sites { site status migrations } } }",
            {"t": to_version, "f": from_version},
        )
        answer: dict[str, Any] = result.ok()["upgradeImpact"]
        return answer

    minor = await impact("2.1.0", "2.0.0")
    [cork_impact] = [s for s in minor["sites"] if s["site"] == "cork"]
    assert cork_impact["status"] == "COMPATIBLE"
    assert cork_impact["migrations"] == ["cycles → cycle_count (renamed in 2.0.0)"]
    assert ("renamed", "cycles") not in {
        (c["kind"], c["subject"]) for c in minor["diff"]["changes"]
    }
    major = await impact("2.1.0", "1.0.0")
    assert {"kind": "renamed", "subject": "cycles"} in major["diff"]["changes"]


async def test_validate_template_without_storing(world: World, sessions: Sessions) -> None:
    before = await audit_count(sessions)
    result = (
        await world.api.as_role(
            Role.EXECUTIVE,
            "query($s: String!) { validateTemplate(source: $s) { path reason } }",
            {"s": yaml.safe_dump(template(cycles={"default": 0}))},
        )
    ).ok()
    assert result["validateTemplate"] == [
        {
            "path": "/spec/parameters/cycles/default",
            "reason": "the default 0 is below the minimum 1",
        }
    ]
    assert await audit_count(sessions) == before
