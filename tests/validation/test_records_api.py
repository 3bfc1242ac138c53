"""Validation records through GraphQL on the real database: who may save them, what is stored
and audited, idempotence, the frozen (approved) record, refusals that write nothing, reading."""

from __future__ import annotations

import copy
from typing import Any

import yaml
from sqlmodel import select

from coe.auth.principal import Role
from coe.canonical import content_hash
from coe.db import Sessions, transaction
from coe.models import TemplateStatus, TemplateVersion
from coe.models.validation import ValidationRecord, ValidationStatus
from tests.helpers import audit_count
from tests.validation.test_document import RECORD, TEMPLATES
from tests.world import World

KEY, VERSION = "sterile-barrier-sealing", "2.1.0"
SAVE = """
mutation($s: String!) { saveValidationRecord(source: $s) {
  outcome record { template version status templateSha256 documentSha256 authoredBy title
    previous intendedUse risk { operation level rationale }
    testCases { id operation title parameters reuse steps { action expected } }
    charter { mission operations timebox } }
} }
"""
READ = """
query($t: String!, $v: String!) { validationRecord(template: $t, version: $v) {
  template version status documentSha256 authoredBy testCases { id } } }
"""
LIST = "query($t: String) { validationRecords(template: $t) { template version status } }"


def source(document: dict[str, Any] = RECORD) -> dict[str, str]:
    return {"s": yaml.safe_dump(document, sort_keys=False)}


def changed(**parameters: Any) -> dict[str, Any]:
    document = copy.deepcopy(RECORD)
    document["spec"]["testCases"][1]["parameters"].update(parameters)
    return document


async def templates_saved(world: World) -> dict[str, Any]:
    """2.0.0 (the record's `previous`) and 2.1.0 as drafts: a record is written for a version
    under validation."""
    for version in ("2.0.0", VERSION):
        document = yaml.safe_load((TEMPLATES / f"{KEY}-{version}.yaml").read_text())
        saved = (await world.save(document)).ok()["saveTemplateDraft"]["template"]
    return dict(saved)


async def rows(sessions: Sessions) -> list[ValidationRecord]:
    async with transaction(sessions) as session:
        return list((await session.exec(select(ValidationRecord))).all())


async def test_a_qa_approver_saves_the_record_and_the_save_is_audited(
    world: World, sessions: Sessions
) -> None:
    template = await templates_saved(world)
    result = await world.as_user("quinn", SAVE, source())
    saved = result.ok()["saveValidationRecord"]
    record = saved["record"]
    assert saved["outcome"] == "created"
    assert record["template"] == KEY
    assert record["version"] == VERSION
    assert record["status"] == "OPEN"
    assert record["templateSha256"] == template["contentSha256"]
    assert record["documentSha256"] == content_hash(RECORD)
    assert record["authoredBy"] == "quinn"
    assert record["previous"] == "2.0.0"
    assert record["intendedUse"] == RECORD["spec"]["intendedUse"]
    assert [r["level"] for r in record["risk"]] == [
        "NOT_HIGH", "HIGH", "HIGH", "HIGH", "HIGH", "NOT_HIGH"
    ]  # fmt: skip
    first = record["testCases"][0]
    assert first["id"] == "TC-SETUP-1"
    assert first["parameters"] == {
        "seal_temperature_c": 170,
        "seal_pressure_bar": 3.0,
        "dwell_time_s": 0.6,
    }
    assert first["reuse"] is True
    assert len(first["steps"]) == 2
    assert record["charter"]["operations"] == ["op10-line-clearance", "op60-batch-review"]

    [row] = await rows(sessions)
    assert row.document == RECORD
    trail = (
        await world.as_user(
            "quinn",
            '{ auditRecords(filter: {entityType: "validation_record"}) '
            "{ nodes { action entityId actor before after } } }",
        )
    ).ok()["auditRecords"]["nodes"]
    assert [(r["action"], r["entityId"], r["actor"], r["before"]) for r in trail] == [
        ("validation.record_saved", f"{KEY}@{VERSION}", "quinn", None)
    ]
    assert trail[0]["after"]["documentSha256"] == content_hash(RECORD)
    assert trail[0]["after"]["outcome"] == "created"


async def test_saving_again_is_unchanged_and_a_change_updates(
    world: World, sessions: Sessions
) -> None:
    await templates_saved(world)
    (await world.as_user("ada", SAVE, source())).ok()
    before = await audit_count(sessions)
    again = (await world.as_user("quinn", SAVE, source())).ok()["saveValidationRecord"]
    assert again["outcome"] == "unchanged"
    assert again["record"]["authoredBy"] == "ada"
    assert await audit_count(sessions) == before
    update = changed(seal_temperature_c=188)
    updated = (await world.as_user("grace", SAVE, source(update))).ok()["saveValidationRecord"]
    assert updated["outcome"] == "updated"
    assert updated["record"]["authoredBy"] == "grace"
    assert updated["record"]["testCases"][1]["parameters"]["seal_temperature_c"] == 188
    assert await audit_count(sessions) == before + 1
    [row] = await rows(sessions)
    assert row.document_sha256 == content_hash(update)


async def test_roles_without_the_right_are_refused_and_nothing_is_written(
    world: World, sessions: Sessions
) -> None:
    await templates_saved(world)
    before = await audit_count(sessions)
    for role in (Role.EXECUTIVE, Role.SITE_ADMIN, Role.NPI_ENGINEER, Role.AUDITOR, Role.PLANT):
        result = await world.api.as_role(role, SAVE, source(), sites=["cork"])
        assert result.codes == ["FORBIDDEN"], role
    # A QA approver of one site does not validate for the whole enterprise.
    scoped = await world.as_user("rui", SAVE, source())
    assert scoped.codes == ["FORBIDDEN"]
    assert await rows(sessions) == []
    assert await audit_count(sessions) == before


async def test_refusals_say_why_and_write_nothing(world: World, sessions: Sessions) -> None:
    before = await audit_count(sessions)
    missing = await world.as_user("quinn", SAVE, source())
    assert missing.codes == ["NOT_FOUND"]
    assert missing.messages == [
        f"no {KEY}@{VERSION} in the registry: save the template version first"
    ]
    await templates_saved(world)
    before = await audit_count(sessions)

    out_of_bounds = await world.as_user("quinn", SAVE, source(changed(seal_temperature_c=200)))
    assert out_of_bounds.codes == ["VALIDATION_FAILED"]
    assert out_of_bounds.violations == [
        {
            "path": "/spec/testCases/1/parameters/seal_temperature_c",
            "reason": "200 is above the maximum 190",
            "severity": "ERROR",
        }
    ]
    broken = copy.deepcopy(RECORD)
    broken["spec"]["testCases"].pop(4)  # op50-label is high-risk
    broken["spec"]["testCases"][0]["id"] = "TC-SEAL-1"  # twice
    refused = await world.as_user("quinn", SAVE, source(broken))
    assert refused.codes == ["VALIDATION_FAILED"]
    assert {(v["path"], v["reason"]) for v in refused.violations} == {
        ("/spec/testCases/1/id", "test case 'TC-SEAL-1' appears twice"),
        ("/spec/risk/4", "high-risk operation 'op50-label' has no test case"),
    }
    no_previous = copy.deepcopy(RECORD)
    no_previous["metadata"]["previous"] = "1.9.0"
    unknown = await world.as_user("quinn", SAVE, source(no_previous))
    assert unknown.violations == [
        {
            "path": "/metadata/previous",
            "reason": f"no {KEY}@1.9.0 in the registry to reuse results from",
            "severity": "ERROR",
        }
    ]
    unreadable = await world.as_user("quinn", SAVE, {"s": "kind: [unclosed"})
    assert unreadable.codes == ["VALIDATION_FAILED"]
    async with transaction(sessions) as session:
        version = (
            await session.exec(select(TemplateVersion).where(TemplateVersion.version == VERSION))
        ).one()
        version.status = TemplateStatus.RETIRED
        session.add(version)
    retired = await world.as_user("quinn", SAVE, source())
    assert retired.codes == ["CONFLICT"]
    assert retired.messages == [f"{KEY}@{VERSION} is retired: it is not validated any more"]
    assert await rows(sessions) == []
    assert await audit_count(sessions) == before


async def test_an_approved_record_is_frozen(world: World, sessions: Sessions) -> None:
    await templates_saved(world)
    (await world.as_user("quinn", SAVE, source())).ok()
    async with transaction(sessions) as session:
        row = (await session.exec(select(ValidationRecord))).one()
        row.status = ValidationStatus.APPROVED
        session.add(row)
    before = await audit_count(sessions)
    refused = await world.as_user("quinn", SAVE, source(changed(seal_temperature_c=188)))
    assert refused.codes == ["CONFLICT"]
    assert "approved and frozen" in refused.messages[0]
    same = (await world.as_user("ada", SAVE, source())).ok()["saveValidationRecord"]
    assert same["outcome"] == "unchanged"
    assert same["record"]["status"] == "APPROVED"
    [row] = await rows(sessions)
    assert row.document == RECORD
    assert await audit_count(sessions) == before


async def test_every_person_reads_records_and_a_missing_one_is_not_found(world: World) -> None:
    await templates_saved(world)
    (await world.as_user("quinn", SAVE, source())).ok()
    for role in (Role.EXECUTIVE, Role.AUDITOR, Role.SITE_ADMIN, Role.NPI_ENGINEER):
        shown = (
            await world.api.as_role(role, READ, {"t": KEY, "v": VERSION}, sites=["penang"])
        ).ok()["validationRecord"]
        assert shown["documentSha256"] == content_hash(RECORD)
        assert len(shown["testCases"]) == 5
    listed = (await world.as_user("sam", LIST, {"t": KEY})).ok()["validationRecords"]
    assert listed == [{"template": KEY, "version": VERSION, "status": "OPEN"}]
    assert (await world.as_user("sam", LIST, {"t": "line-clearance"})).ok() == {
        "validationRecords": []
    }
    missing = await world.as_user("nina", READ, {"t": KEY, "v": "2.0.0"})
    assert missing.codes == ["NOT_FOUND"]
    plant = await world.api.as_role(Role.PLANT, READ, {"t": KEY, "v": VERSION}, sites=["cork"])
    assert plant.codes == ["FORBIDDEN"]
