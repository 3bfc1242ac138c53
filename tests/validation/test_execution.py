"""Executing a validation record through GraphQL on the real database: the automated checks,
testers' e-signed results, deviations, the conclusion and who may sign it, the frozen record,
reuse from the previous version, and every refusal with nothing written."""

from __future__ import annotations

import copy
from typing import Any

import yaml
from sqlmodel import func, select

from coe.auth import service as users
from coe.auth.principal import Role
from coe.config import Settings
from coe.db import Sessions, read_only, transaction
from coe.models import AuditRecord, Signature
from coe.models.validation import ValidationDeviation, ValidationResult
from coe.rollouts import ledger
from coe.secrets import audit_key
from coe.validation import service
from coe.validation.design_space import exercised
from coe.validation.rules import find_case
from coe.work import UnitOfWork
from tests.helpers import ARCHITECT
from tests.validation.test_document import RECORD, TEMPLATE, TEMPLATES
from tests.world import PASSWORD, World

KEY, VERSION = "sterile-barrier-sealing", "2.1.0"
CASES = ["TC-SETUP-1", "TC-SEAL-1", "TC-SEAL-2", "TC-INSP-1", "TC-LABEL-1"]
SHA = "0123456789abcdef" * 4
# Beyond the world's people: a template author who is also a QA approver, and a QA tester.
EXTRA = {
    "olive": ("Olive Brandt", [Role.COE_ARCHITECT, Role.QA_APPROVER]),
    "vera": ("Vera Lind", [Role.QA_APPROVER]),
}
ROLES = {"olive": Role.COE_ARCHITECT, "vera": Role.QA_APPROVER}

RESULT_FIELDS = """id testCase kind outcome actual parameters evidence { name sha256 }
executedBy executedAt reusedFrom signature { printedName signedAt meaning signerId entityId }"""
RECORD_FIELDS = f"""status results {{ {RESULT_FIELDS} }} history {{ testCase outcome kind }}
deviations {{ key title status testCase openedBy resolution closedBy closedAt }}
conclusion {{ text concludedAt signature {{ printedName signedAt meaning signerId }} }}
conclusionBlockers"""
RESULT = f"""
mutation($t: String!, $v: String!, $c: String!, $o: ValidationOutcome!, $a: String!,
         $p: JSON, $e: [ValidationEvidenceInput!], $s: SignerInput!) {{
  recordValidationResult(template: $t, version: $v, testCase: $c, outcome: $o, actual: $a,
                         parameters: $p, evidence: $e, signature: $s) {{
    result {{ {RESULT_FIELDS} }} record {{ status conclusionBlockers }} }} }}
"""
CHECKS = f"""
mutation($t: String!, $v: String!) {{ runValidationChecks(template: $t, version: $v) {{
  recorded notes checks {{ {RESULT_FIELDS} }} record {{ status }} }} }}
"""
OPEN = """
mutation($t: String!, $v: String!, $title: String!, $d: String!, $c: String) {
  openValidationDeviation(template: $t, version: $v, title: $title, description: $d,
                          testCase: $c) {
    deviation { key title status testCase openedBy } record { conclusionBlockers } } }
"""
CLOSE = """
mutation($t: String!, $v: String!, $k: String!, $r: String!) {
  closeValidationDeviation(template: $t, version: $v, key: $k, resolution: $r) {
    deviation { key status resolution closedBy closedAt } } }
"""
CONCLUDE = f"""
mutation($t: String!, $v: String!, $c: String!, $s: SignerInput!) {{
  concludeValidation(template: $t, version: $v, conclusion: $c, signature: $s) {{
    {RECORD_FIELDS} }} }}
"""
REUSE = f"""
mutation($t: String!, $v: String!) {{ reuseValidationResults(template: $t, version: $v) {{
  reused {{ {RESULT_FIELDS} }} notReused }} }}
"""
READ = f"""
query($t: String!, $v: String!) {{ validationRecord(template: $t, version: $v) {{
  {RECORD_FIELDS} }} }}
"""
SAVE = "mutation($s: String!) { saveValidationRecord(source: $s) { outcome } }"


class Lab:
    """The world, with the validation of sterile-barrier-sealing 2.1.0 under way."""

    def __init__(self, world: World, sessions: Sessions, settings: Settings) -> None:
        self.world, self.sessions, self.settings = world, sessions, settings

    async def as_user(self, user: str, document: str, variables: dict[str, Any]) -> Any:
        if user in EXTRA:
            return await self.world.api.as_role(ROLES[user], document, variables, subject=user)
        return await self.world.as_user(user, document, variables)

    async def qa(self, user: str, document: str, variables: dict[str, Any]) -> Any:
        """As `user` holding their QA approver role."""
        return await self.world.api.as_role(Role.QA_APPROVER, document, variables, subject=user)

    async def result(
        self,
        case: str,
        user: str = "nina",
        outcome: str = "PASS",
        password: str = PASSWORD,
        version: str = VERSION,
        **extra: Any,
    ) -> Any:
        variables = {
            "t": KEY,
            "v": version,
            "c": case,
            "o": outcome,
            "a": f"{case} ran as scripted",
            "s": {"username": user, "password": password, "reason": f"executed {case}"},
            **extra,
        }
        return await self.as_user(user, RESULT, variables)

    async def checks(self, user: str = "nina", version: str = VERSION) -> Any:
        return await self.as_user(user, CHECKS, {"t": KEY, "v": version})

    async def open(self, user: str = "grace", **extra: Any) -> Any:
        variables = {
            "t": KEY,
            "v": VERSION,
            "title": "Peel tester out of calibration",
            "d": "The peel tester's calibration label expired the day before TC-SEAL-1.",
            "c": None,
            **extra,
        }
        return await self.as_user(user, OPEN, variables)

    async def close(self, key: str = "DEV-1", user: str = "nina") -> Any:
        variables = {
            "t": KEY,
            "v": VERSION,
            "k": key,
            "r": "Recalibrated (cert C-881); TC-SEAL-1 repeated",
        }
        return await self.as_user(user, CLOSE, variables)

    async def conclude(
        self, user: str = "quinn", password: str = PASSWORD, version: str = VERSION
    ) -> Any:
        variables = {
            "t": KEY,
            "v": version,
            "c": "Fit for intended use: every high-risk operation passed its scripted tests.",
            "s": {"username": user, "password": password, "reason": "validation concluded"},
        }
        return await self.qa(user, CONCLUDE, variables)

    async def read(self, version: str = VERSION) -> Any:
        answer = await self.world.as_user("sam", READ, {"t": KEY, "v": version})
        return answer.ok()["validationRecord"]

    async def counts(self) -> tuple[int, int, int, int]:
        """Audit records, results, deviations, signatures: what a refusal must not change."""
        async with read_only(self.sessions) as session:
            found = []
            for table in (AuditRecord, ValidationResult, ValidationDeviation, Signature):
                found.append((await session.exec(select(func.count()).select_from(table))).one())
        return found[0], found[1], found[2], found[3]

    async def deployed(self, site: str, version: str = VERSION, sha256: str = SHA) -> None:
        """The deployment activity's record: the site's validation instance reported `sha256`."""
        async with transaction(self.sessions) as session:
            work = UnitOfWork(
                session=session, principal=ARCHITECT, audit_key=audit_key(self.settings)
            )
            await ledger.record_live(
                work,
                rollout_id="validate-2-1-0",
                site=site,
                template=KEY,
                version=version,
                sha256=sha256,
                previous_sha256=None,
                deployed_by="ada",
                environment="validation",
            )


async def lab(world: World, sessions: Sessions, settings: Settings) -> Lab:
    """2.0.0 and 2.1.0 published, authored by olive (architect and QA approver), the shipped
    record saved for 2.1.0 by ada."""
    async with transaction(sessions) as session:
        admin = UnitOfWork(session=session, principal=ARCHITECT, audit_key=audit_key(settings))
        for username, (name, roles) in EXTRA.items():
            await users.add_user(
                admin, username=username, display_name=name, password=PASSWORD, roles=roles
            )
    found = Lab(world, sessions, settings)
    for version in ("2.0.0", VERSION):
        document = yaml.safe_load((TEMPLATES / f"{KEY}-{version}.yaml").read_text())
        await publish(found, document)
    saved = await world.as_user("ada", SAVE, {"s": yaml.safe_dump(RECORD, sort_keys=False)})
    assert saved.ok()["saveValidationRecord"]["outcome"] == "created"
    return found


async def publish(found: Lab, document: dict[str, Any]) -> None:
    key, version = document["metadata"]["key"], document["metadata"]["version"]
    step = "mutation($k: String!, $v: String!) {{ {0}(key: $k, version: $v) {{ key }} }}"
    (
        await found.as_user(
            "olive",
            "mutation($s: String!) { saveTemplateDraft(source: $s) { outcome } }",
            {"s": yaml.safe_dump(document)},
        )
    ).ok()
    (await found.as_user("olive", step.format("submitTemplate"), {"k": key, "v": version})).ok()
    (await found.world.approve(key, version)).ok()
    (await found.as_user("olive", step.format("publishTemplate"), {"k": key, "v": version})).ok()


def by_case(results: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {result["testCase"]: result for result in results}


async def test_a_version_is_validated_and_its_record_frozen(
    world: World, sessions: Sessions, settings: Settings
) -> None:
    the = await lab(world, sessions, settings)

    # The automated checks: the limits of every test case; no deployment to validation yet.
    first = (await the.checks()).ok()["runValidationChecks"]
    assert first["recorded"] == 5
    assert first["notes"] == [
        f"no site's validation instance runs {KEY}@{VERSION} yet: no deployment checks"
    ]
    checks = by_case(first["checks"])
    assert sorted(checks) == sorted(f"limits:{case}" for case in CASES)
    seal = checks["limits:TC-SEAL-1"]
    assert (seal["kind"], seal["outcome"], seal["executedBy"]) == ("AUTOMATED", "PASS", "nina")
    assert seal["actual"] == "every limit resolves inside its spec"
    assert seal["parameters"] == exercised(TEMPLATE, find_case(RECORD, "TC-SEAL-1") or {})
    assert seal["signature"] is None
    again = (await the.checks()).ok()["runValidationChecks"]
    assert again["recorded"] == 0  # nothing changed: nothing recorded twice

    # Once cork's validation instance reported the version's hash, its deployment passes.
    await the.deployed("cork")
    deployed = (await the.checks()).ok()["runValidationChecks"]
    assert (deployed["recorded"], deployed["notes"]) == (1, [])
    cork = by_case(deployed["checks"])["deployment:cork"]
    assert cork["outcome"] == "PASS"
    assert SHA in cork["actual"]
    assert "rollout validate-2-1-0" in cork["actual"]

    record = await the.read()
    assert record["status"] == "OPEN"
    assert record["conclusionBlockers"] == [
        "no result yet for TC-SETUP-1, TC-SEAL-1, TC-SEAL-2, TC-INSP-1, TC-LABEL-1"
    ]

    # Every scripted test case, by testers, each e-signed "tested".
    evidence = [{"name": "peel-strength.csv", "sha256": SHA}]
    for case in CASES:
        user = "grace" if case == "TC-LABEL-1" else "nina"
        extra: dict[str, Any] = {"e": evidence} if case == "TC-SEAL-1" else {}
        recorded = (await the.result(case, user, **extra)).ok()["recordValidationResult"]
        result = recorded["result"]
        assert (result["kind"], result["outcome"], result["executedBy"]) == (
            "MANUAL",
            "PASS",
            user,
        )
        assert result["parameters"] == exercised(TEMPLATE, find_case(RECORD, case) or {})
        signature = result["signature"]
        assert signature["meaning"] == "tested"
        assert signature["signerId"] == user
        assert signature["printedName"] == ("Grace Hopper" if user == "grace" else "Nina Okafor")
        assert signature["entityId"] == f"{KEY}@{VERSION}/{case}#{result['id']}"
    record = await the.read()
    assert by_case(record["results"])["TC-SEAL-1"]["evidence"] == evidence
    assert record["conclusionBlockers"] == []

    # A deviation, opened and closed.
    opened = (await the.open(c="TC-SEAL-1")).ok()["openValidationDeviation"]
    assert opened["deviation"] == {
        "key": "DEV-1",
        "title": "Peel tester out of calibration",
        "status": "OPEN",
        "testCase": "TC-SEAL-1",
        "openedBy": "grace",
    }
    assert opened["record"]["conclusionBlockers"] == [
        "deviation DEV-1 is open: Peel tester out of calibration"
    ]
    before = await the.counts()
    refused = await the.conclude()
    assert refused.codes == ["CONFLICT"]
    assert "deviation DEV-1 is open" in refused.messages[0]
    assert refused.problems[0]["details"]["blockers"] == [
        "deviation DEV-1 is open: Peel tester out of calibration"
    ]
    assert await the.counts() == before
    closed = (await the.close()).ok()["closeValidationDeviation"]["deviation"]
    assert (closed["status"], closed["closedBy"]) == ("CLOSED", "nina")
    assert closed["resolution"] == "Recalibrated (cert C-881); TC-SEAL-1 repeated"
    assert closed["closedAt"]

    # A failing result: the conclusion waits for it to pass again.
    (await the.result("TC-LABEL-1", "vera", outcome="FAIL")).ok()
    before = await the.counts()
    failing = await the.conclude()
    assert failing.codes == ["CONFLICT"]
    assert "the latest result failed for TC-LABEL-1" in failing.messages[0]
    assert await the.counts() == before
    (await the.result("TC-LABEL-1", "grace")).ok()

    # Neither the template's author nor a tester concludes.
    author = await the.conclude("olive")
    assert author.codes == ["CONFLICT"]
    assert "olive authored the template version and cannot conclude" in author.messages[0]
    tester = await the.conclude("vera")
    assert tester.codes == ["CONFLICT"]
    assert "vera tested this version and cannot conclude its validation" in tester.messages[0]
    wrong = await the.conclude(password="not the password")
    assert wrong.codes == ["SIGNATURE_REJECTED"]
    assert await the.counts() == (before[0] + 3, before[1] + 1, before[2], before[3] + 1)
    # (the passing result and its signature and audit records; the refused sign-in's audit)

    # Another QA approver concludes.
    concluded = (await the.conclude()).ok()["concludeValidation"]
    assert concluded["status"] == "APPROVED"
    assert concluded["conclusion"]["text"].startswith("Fit for intended use")
    assert concluded["conclusion"]["signature"]["meaning"] == "approved"
    assert concluded["conclusion"]["signature"]["printedName"] == "Quinn Murphy"
    assert concluded["conclusion"]["concludedAt"]
    assert concluded["conclusionBlockers"] == []
    assert {r["testCase"] for r in concluded["history"]} >= set(CASES)
    async with read_only(sessions) as session:
        actions = (await session.exec(select(AuditRecord.action))).all()
        assert await service.approved(session, KEY, VERSION)
        assert await service.passed_test_cases(session, KEY, VERSION) >= set(CASES)
    for action in ("validation.result_recorded", "validation.deviation_opened"):
        assert action in actions
    assert "validation.deviation_closed" in actions
    assert "validation.concluded" in actions
    assert "signature.tested" in actions

    # Frozen: every change refused, nothing written.
    before = await the.counts()
    for answer in (
        await the.result("TC-SEAL-1"),
        await the.checks(),
        await the.open(),
        await the.close(),
        await the.conclude(),
        await the.as_user("nina", REUSE, {"t": KEY, "v": VERSION}),
    ):
        assert answer.codes == ["CONFLICT"]
        assert "frozen" in answer.messages[0]
    changed = copy.deepcopy(RECORD)
    changed["spec"]["intendedUse"] += " Also for guidewire kits."
    refused_save = await world.as_user("ada", SAVE, {"s": yaml.safe_dump(changed)})
    assert refused_save.codes == ["CONFLICT"]
    assert await the.counts() == before


async def test_bad_results_are_refused_at_their_place_and_nothing_is_written(
    world: World, sessions: Sessions, settings: Settings
) -> None:
    the = await lab(world, sessions, settings)
    before = await the.counts()

    missing = await the.result("TC-SEAL-1", version="2.0.0")
    assert missing.codes == ["NOT_FOUND"]
    assert f"{KEY}@2.0.0 has no validation record" in missing.messages[0]

    unknown = await the.result("TC-SEAL-9")
    assert unknown.codes == ["VALIDATION_FAILED"]
    assert unknown.violations[0]["path"] == "/testCase"
    assert "its test cases: TC-SETUP-1, TC-SEAL-1" in unknown.violations[0]["reason"]

    parameters = await the.result(
        "TC-SEAL-1",
        p={"jaw_colour": "red", "seal_pressure_bar": "high", "seal_temperature_c": 200},
        e=[{"name": "photo.png", "sha256": "not-a-hash"}],
    )
    assert parameters.codes == ["VALIDATION_FAILED"]
    assert {(v["path"], v["reason"]) for v in parameters.violations} == {
        ("/parameters/jaw_colour", f"'jaw_colour' is not a parameter of {KEY}@{VERSION}"),
        ("/parameters/seal_pressure_bar", "'seal_pressure_bar' must be a number, not 'high'"),
        ("/parameters/seal_temperature_c", "'seal_temperature_c' 200 is above the maximum 190"),
        ("/evidence/0/sha256", "'not-a-hash' is not a sha256 (64 lower-case hexadecimal digits)"),
    }
    other = await the.result("TC-SEAL-1", p={"seal_temperature_c": 180})
    assert other.codes == ["VALIDATION_FAILED"]
    assert (
        "TC-SEAL-1 exercises seal_temperature_c = 170, not 180" in (other.violations[0]["reason"])
    )
    not_an_object = await the.result("TC-SEAL-1", p=[1, 2])
    assert not_an_object.codes == ["BAD_USER_INPUT"]
    assert await the.counts() == before

    wrong = await the.result("TC-SEAL-1", password="not the password")
    assert wrong.codes == ["SIGNATURE_REJECTED"]
    after = await the.counts()
    assert after[1:] == before[1:]  # no result, deviation or signature
    assert after[0] == before[0] + 1  # the refused sign-in, audited (§11.300(d))

    for user, role, sites in (
        ("sam", Role.SITE_ADMIN, ("penang",)),
        ("rui", Role.QA_APPROVER, ("cork",)),
    ):
        variables = {
            "t": KEY,
            "v": VERSION,
            "c": "TC-SEAL-1",
            "o": "PASS",
            "a": "ok",
            "s": {"username": user, "password": PASSWORD, "reason": "r"},
        }
        forbidden = await world.api.as_role(role, RESULT, variables, sites=sites, subject=user)
        assert forbidden.codes == ["FORBIDDEN"], user
        checks = await world.api.as_role(
            role, CHECKS, {"t": KEY, "v": VERSION}, sites=sites, subject=user
        )
        assert checks.codes == ["FORBIDDEN"], user
    npi = await world.as_user(
        "nina",
        CONCLUDE,
        {
            "t": KEY,
            "v": VERSION,
            "c": "c",
            "s": {"username": "nina", "password": PASSWORD, "reason": "r"},
        },
    )
    assert npi.codes == ["FORBIDDEN"]


async def test_deviation_refusals(world: World, sessions: Sessions, settings: Settings) -> None:
    the = await lab(world, sessions, settings)
    before = await the.counts()
    unknown_case = await the.open(c="TC-NOPE-1")
    assert unknown_case.codes == ["VALIDATION_FAILED"]
    assert unknown_case.violations[0]["path"] == "/testCase"
    no_title = await the.open(title="  ")
    assert no_title.codes == ["BAD_USER_INPUT"]
    assert "title: required" in no_title.messages[0]
    unknown_key = await the.close("DEV-7")
    assert unknown_key.codes == ["NOT_FOUND"]
    assert "has no deviation DEV-7" in unknown_key.messages[0]
    assert await the.counts() == before

    assert (await the.open()).ok()["openValidationDeviation"]["deviation"]["key"] == "DEV-1"
    assert (await the.open()).ok()["openValidationDeviation"]["deviation"]["key"] == "DEV-2"
    (await the.close("DEV-1")).ok()
    before = await the.counts()
    twice = await the.close("DEV-1")
    assert twice.codes == ["CONFLICT"]
    assert "DEV-1 is already closed (by nina)" in twice.messages[0]
    assert await the.counts() == before
    record = await the.read()
    assert [(d["key"], d["status"]) for d in record["deviations"]] == [
        ("DEV-1", "CLOSED"),
        ("DEV-2", "OPEN"),
    ]


async def test_a_conclusion_needs_the_limit_checks(
    world: World, sessions: Sessions, settings: Settings
) -> None:
    the = await lab(world, sessions, settings)
    for case in CASES:
        (await the.result(case)).ok()
    refused = await the.conclude()
    assert refused.codes == ["CONFLICT"]
    assert refused.problems[0]["details"]["blockers"] == [
        "the automated limit checks have not run (run the validation checks)"
    ]


async def test_unchanged_operations_reuse_the_previous_approved_result(
    world: World, sessions: Sessions, settings: Settings
) -> None:
    the = await lab(world, sessions, settings)
    refused = await the.as_user("nina", REUSE, {"t": KEY, "v": VERSION})
    assert refused.codes == ["CONFLICT"]
    assert f"{KEY}@2.0.0 has no approved validation record" in refused.messages[0]

    # 2.0.0's record: the same test cases, at values inside 2.0.0's dwell-time window.
    earlier = copy.deepcopy(RECORD)
    earlier["metadata"].update(version="2.0.0", title="CSA record of 2.0.0")
    del earlier["metadata"]["previous"]
    for case in earlier["spec"]["testCases"]:
        case.pop("reuse", None)
        if "dwell_time_s" in case.get("parameters", {}):
            case["parameters"]["dwell_time_s"] = min(
                max(case["parameters"]["dwell_time_s"], 0.8), 2.0
            )
    (await world.as_user("ada", SAVE, {"s": yaml.safe_dump(earlier)})).ok()
    (await the.checks(version="2.0.0")).ok()
    for case in CASES:
        (await the.result(case, version="2.0.0")).ok()
    (await the.conclude(version="2.0.0")).ok()

    reused = (await the.as_user("nina", REUSE, {"t": KEY, "v": VERSION})).ok()
    answer = reused["reuseValidationResults"]
    assert [r["testCase"] for r in answer["reused"]] == ["TC-INSP-1"]
    inspection = answer["reused"][0]
    assert (inspection["kind"], inspection["reusedFrom"]) == ("REUSED", "2.0.0")
    assert inspection["executedBy"] == "nina"
    assert inspection["signature"]["meaning"] == "tested"
    assert answer["notReused"] == [
        "TC-SETUP-1: operation op20-sealer-setup or a parameter it exercises changed since the "
        "previous version"
    ]
    again = (await the.as_user("nina", REUSE, {"t": KEY, "v": VERSION})).ok()
    assert again["reuseValidationResults"]["reused"] == []
    record = await the.read()
    assert by_case(record["results"])["TC-INSP-1"]["kind"] == "REUSED"
    assert "TC-INSP-1" not in record["conclusionBlockers"][0]
