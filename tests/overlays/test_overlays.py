"""Site overlays and effective definitions through GraphQL: who may propose and approve,
validation against every published version in range, history, and what plants run."""

from __future__ import annotations

import pytest
import yaml

from coe.auth.principal import Role
from coe.canonical import canonical_json, content_hash
from coe.db import Sessions
from tests.helpers import audit_count
from tests.world import World, overlay, template

KEY = "pouch-sealing"
DEFINITION = (
    "query($site: String!, $v: String) { effectiveDefinition(site: $site, "
    'template: "pouch-sealing", version: $v) { version sha256 overlayVersion '
    "definition canonicalJson } }"
)
HISTORY = '{ overlays(template: "pouch-sealing") { site version status proposedBy } }'


@pytest.fixture
async def published(world: World) -> World:
    await world.publish(template("1.0.0"))
    return world


async def test_a_site_admin_proposes_and_a_qa_approver_makes_it_effective(
    published: World,
) -> None:
    proposed = (await published.propose(overlay(seal_temperature_c=186))).ok()
    assert proposed["proposeOverlay"] == {
        "outcome": "proposed",
        "overlay": {"site": "penang", "template": KEY, "version": 1, "status": "PROPOSED"},
    }
    before = (await published.as_user("sam", DEFINITION, {"site": "penang"})).ok()
    assert before["effectiveDefinition"]["overlayVersion"] is None, "not effective yet"
    approved = (await published.approve_overlay("penang", KEY, 1)).ok()["approveOverlay"]
    assert approved == {"status": "APPROVED", "approval": {"signerId": "quinn"}}
    after = (await published.as_user("sam", DEFINITION, {"site": "penang"})).ok()
    definition = after["effectiveDefinition"]
    assert definition["overlayVersion"] == 1
    assert definition["definition"]["parameters"]["seal_temperature_c"]["value"] == 186
    assert definition["sha256"] == content_hash(definition["definition"])
    assert definition["canonicalJson"].encode() == canonical_json(definition["definition"])


async def test_revisions_supersede_each_other_and_history_is_kept(published: World) -> None:
    (await published.propose(overlay(1, seal_temperature_c=186))).ok()
    (await published.approve_overlay("penang", KEY, 1)).ok()
    (await published.propose(overlay(2, seal_temperature_c=188))).ok()
    (await published.approve_overlay("penang", KEY, 2)).ok()
    history = (await published.as_user("sam", HISTORY)).ok()["overlays"]
    assert [(h["version"], h["status"]) for h in history] == [(2, "APPROVED"), (1, "SUPERSEDED")]
    definition = (await published.as_user("sam", DEFINITION, {"site": "penang"})).ok()
    assert definition["effectiveDefinition"]["overlayVersion"] == 2


async def test_proposing_the_same_content_again_changes_nothing(
    published: World, sessions: Sessions
) -> None:
    (await published.propose(overlay())).ok()
    before = await audit_count(sessions)
    again = (await published.propose(overlay())).ok()
    assert again["proposeOverlay"]["outcome"] == "unchanged"
    assert await audit_count(sessions) == before


async def test_a_site_admin_cannot_touch_another_sites_overlay(
    published: World, sessions: Sessions
) -> None:
    before = await audit_count(sessions)
    result = await published.propose(overlay(site="cork"))
    assert result.codes == ["FORBIDDEN"]
    assert await audit_count(sessions) == before
    other = await published.as_user("sam", DEFINITION, {"site": "cork"})
    assert other.codes == ["FORBIDDEN"]
    history = await published.as_user("sam", '{ overlays(site: "cork") { version } }')
    assert history.codes == ["FORBIDDEN"]


@pytest.mark.parametrize(
    ("user", "code"),
    [
        ("sam", "FORBIDDEN"),  # proposers do not approve
        ("rui", "FORBIDDEN"),  # a QA approver of cork only
        ("ada", "SIGNATURE_REJECTED"),
    ],  # ada proposed it: four eyes
)
async def test_approval_by_the_wrong_person_is_refused(
    published: World, sessions: Sessions, user: str, code: str
) -> None:
    (await published.propose(overlay(), user="ada")).ok()
    before = await audit_count(sessions)
    assert (await published.approve_overlay("penang", KEY, 1, user=user)).codes == [code]
    assert await audit_count(sessions) == before


@pytest.mark.parametrize(
    ("document", "path"),
    [
        (overlay(seal_temperature_c=250), "/spec/set/seal_temperature_c"),
        (overlay(seal_width_mm=8), "/spec/set/seal_width_mm"),
        (overlay(site="nowhere"), "/metadata/site"),
    ],
)
async def test_invalid_overlays_are_refused_and_nothing_is_written(
    published: World, sessions: Sessions, document: dict[str, object], path: str
) -> None:
    before = await audit_count(sessions)
    result = await published.propose(document, user="ada")
    assert result.codes == ["VALIDATION_FAILED"]
    assert path in [v["path"] for v in result.violations]
    assert await audit_count(sessions) == before


async def test_an_overlay_is_checked_against_every_published_version_in_range(
    published: World,
) -> None:
    await published.publish(template("1.1.0", seal_temperature_c={"maximum": 195}))
    fits_only_newer = overlay(seal_temperature_c=193)
    result = await published.propose(fits_only_newer)
    assert result.codes == ["VALIDATION_FAILED"]
    [violation] = result.violations
    assert violation == {
        "path": "/spec/set/seal_temperature_c",
        "reason": "'seal_temperature_c' 193 is above the maximum 190 (against pouch-sealing@1.0.0)",
        "severity": "ERROR",
    }
    narrowed = overlay(seal_temperature_c=193)
    narrowed["metadata"]["templateVersions"] = ">=1.1.0 <2.0.0"
    (await published.propose(narrowed)).ok()


async def test_an_overlay_for_an_unpublished_template_is_refused(world: World) -> None:
    result = await world.propose(overlay())
    assert result.codes == ["VALIDATION_FAILED"]
    assert "no published version" in str(result.problems)


async def test_validate_overlay_reports_without_storing(published: World) -> None:
    result = (
        await published.as_user(
            "sam",
            "query($s: String!) { validateOverlay(source: $s) { violations { path reason }"
            " migrations } }",
            {"s": yaml.safe_dump(overlay(cycles=9))},
        )
    ).ok()["validateOverlay"]
    assert result["violations"] == [
        {"path": "/spec/set/cycles", "reason": "'cycles' 9 is above the maximum 5"}
    ]


async def test_definitions_without_an_overlay_use_the_defaults(published: World) -> None:
    definition = (await published.api.as_role(Role.EXECUTIVE, DEFINITION, {"site": "cork"})).ok()[
        "effectiveDefinition"
    ]
    assert definition["overlayVersion"] is None
    assert definition["definition"]["parameters"]["seal_temperature_c"]["value"] == 180


async def test_a_plant_reads_its_own_definition_only(published: World) -> None:
    own = await published.api.as_role(Role.PLANT, DEFINITION, {"site": "penang"}, sites=["penang"])
    assert own.ok()["effectiveDefinition"]["version"] == "1.0.0"
    other = await published.api.as_role(Role.PLANT, DEFINITION, {"site": "cork"}, sites=["penang"])
    assert other.codes == ["FORBIDDEN"]


async def test_a_definition_needs_a_published_version(published: World) -> None:
    (await published.save(template("1.1.0"))).ok()
    draft = await published.api.as_role(
        Role.COE_ARCHITECT, DEFINITION, {"site": "cork", "v": "1.1.0"}
    )
    assert draft.codes == ["CONFLICT"]


async def test_an_overlay_not_covering_the_version_is_reported(published: World) -> None:
    (await published.propose(overlay())).ok()
    (await published.approve_overlay("penang", KEY, 1)).ok()
    await published.publish(template("2.0.0", cycles={"maximum": 4}))
    result = await published.as_user("sam", DEFINITION, {"site": "penang", "v": "2.0.0"})
    assert result.codes == ["VALIDATION_FAILED"]
    assert "does not cover pouch-sealing@2.0.0" in result.errors[0]["message"]


async def test_definitions_are_identical_across_requests(published: World) -> None:
    first = (await published.as_user("sam", DEFINITION, {"site": "penang"})).ok()
    second = (await published.as_user("sam", DEFINITION, {"site": "penang"})).ok()
    assert (
        first["effectiveDefinition"]["canonicalJson"]
        == second["effectiveDefinition"]["canonicalJson"]
    )
