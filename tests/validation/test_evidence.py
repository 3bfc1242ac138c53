"""The evidence package on the real database: a version validated the platform's way (checks,
e-signed manual results, a deviation opened and closed, the conclusion signed), deployed to a
validation instance and to production; then its package — the JSON form against its committed
schema and its sha256, every section of the PDF against the database, the PDF rendered to PNG —
and who may download it over HTTP."""

from __future__ import annotations

import io
import json
from datetime import UTC
from pathlib import Path
from typing import Any

import pypdfium2
import pytest
from jsonschema import Draft202012Validator
from litestar.testing import AsyncTestClient
from PIL import ImageStat
from pypdf import PdfReader
from sqlmodel import col, select

from coe.audit.anchors import anchor_store
from coe.auth.principal import Principal, Role
from coe.config import Settings
from coe.db import Sessions, read_only, transaction
from coe.errors import ForbiddenError, NotFoundError
from coe.models import AuditRecord, LedgerEntry, Signature, TemplateVersion
from coe.models.rollout import Rollout
from coe.models.validation import ValidationDeviation, ValidationRecord, ValidationResult
from coe.rollouts import ledger
from coe.secrets import audit_key
from coe.validation import evidence
from coe.validation.evidence import Export, Format
from coe.validation.package import SECTIONS, json_form, package_sha256, schema_text, verifies
from coe.work import UnitOfWork
from tests.helpers import ARCHITECT, Tokens
from tests.validation.test_execution import CASES, KEY, SHA, VERSION, Lab, lab
from tests.world import World

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "schemas" / "evidence-package.schema.json"
AUDITOR = Principal(subject="audrey", name="Audrey Fenn", roles=frozenset({Role.AUDITOR}))
PRODUCTION_SHA = "fedcba9876543210" * 4
TESTER = {case: "grace" if case == "TC-LABEL-1" else "nina" for case in CASES}
PENANG_OVERLAY = {
    "apiVersion": "coe.dev/v1",
    "kind": "SiteOverlay",
    "metadata": {
        "site": "penang",
        "template": KEY,
        "templateVersions": ">=2.1.0 <3.0.0",
        "version": 1,
        "reason": "Chinese labels for the APAC market",
    },
    "spec": {"set": {"label_language": "zh"}},
}


async def validated(world: World, sessions: Sessions, settings: Settings) -> Lab:
    """sterile-barrier-sealing 2.1.0 validated end to end through the API (H-C's execution
    service), deployed at cork's validation instance and in production at cork; penang's
    overlay (labels in Chinese) lies outside what was validated."""
    the = await lab(world, sessions, settings)
    await the.deployed("cork")
    (await the.checks()).ok()
    for case in CASES:
        extra: dict[str, Any] = (
            {"e": [{"name": "peel-strength.csv", "sha256": SHA}]} if case == "TC-SEAL-1" else {}
        )
        (await the.result(case, user=TESTER[case], **extra)).ok()
    (await the.open(c="TC-SEAL-1")).ok()
    (await the.close()).ok()
    (await the.conclude()).ok()
    await _rollouts_and_production(sessions, settings)
    (await world.propose(PENANG_OVERLAY)).ok()
    (await world.approve_overlay("penang", KEY, 1)).ok()
    return the


async def _rollouts_and_production(sessions: Sessions, settings: Settings) -> None:
    """The rollout rows a start writes (no workflow runs here: the ledger entry is what its
    deployment activity records) and cork's production deployment."""
    async with transaction(sessions) as session:
        version = (
            await session.exec(
                select(TemplateVersion).where(
                    TemplateVersion.key == KEY, TemplateVersion.version == VERSION
                )
            )
        ).one()
        for rollout_id, environment, status in (
            ("validate-2-1-0", "validation", "completed"),
            ("produce-2-1-0", "production", "completed"),
        ):
            session.add(
                Rollout(
                    id=rollout_id,
                    template=KEY,
                    version=VERSION,
                    template_sha256=version.content_sha256,
                    environment=environment,
                    plan={},
                    status=status,
                    started_by="ada",
                    workflow_id=f"rollout-{rollout_id}",
                )
            )
        work = UnitOfWork(session=session, principal=ARCHITECT, audit_key=audit_key(settings))
        await ledger.record_live(
            work,
            rollout_id="produce-2-1-0",
            site="cork",
            template=KEY,
            version=VERSION,
            sha256=PRODUCTION_SHA,
            previous_sha256=None,
            deployed_by="ada",
        )


async def exported(
    sessions: Sessions,
    settings: Settings,
    format: Format = Format.JSON,
    principal: Principal = AUDITOR,
    site: str | None = None,
    version: str = VERSION,
) -> Export:
    async with transaction(sessions) as session:
        work = UnitOfWork(session=session, principal=principal, audit_key=audit_key(settings))
        return await evidence.export(
            work, KEY, version, format, site=site, anchors=anchor_store(settings)
        )


class Database:
    """What the package must show, read straight from the tables."""

    def __init__(self, session: Any) -> None:
        self.session = session

    async def rows(self, statement: Any) -> list[Any]:
        return list((await self.session.exec(statement)).all())


async def database(sessions: Sessions) -> dict[str, Any]:
    async with read_only(sessions) as session:
        db = Database(session)
        record = (await db.rows(select(ValidationRecord).where(ValidationRecord.template == KEY)))[
            0
        ]
        return {
            "template": (
                await db.rows(
                    select(TemplateVersion).where(
                        TemplateVersion.key == KEY, TemplateVersion.version == VERSION
                    )
                )
            )[0],
            "record": record,
            "results": await db.rows(
                select(ValidationResult).where(ValidationResult.record_id == record.id)
            ),
            "deviations": await db.rows(
                select(ValidationDeviation).where(ValidationDeviation.record_id == record.id)
            ),
            "ledger": await db.rows(
                select(LedgerEntry).where(
                    LedgerEntry.template == KEY, LedgerEntry.version == VERSION
                )
            ),
            "signatures": await db.rows(select(Signature).order_by(col(Signature.signed_at))),
            "audit": await db.rows(select(AuditRecord).order_by(col(AuditRecord.seq))),
        }


def when(value: Any) -> str:
    return str(value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC"))


def pdf_text(content: bytes) -> str:
    """The PDF's text, whitespace folded (table cells wrap)."""
    pages = PdfReader(io.BytesIO(content)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


# --- the JSON form ----------------------------------------------------------------------------


async def test_the_json_package_holds_every_record_and_its_sha256_recomputes(
    world: World, sessions: Sessions, settings: Settings
) -> None:
    await validated(world, sessions, settings)
    done = await exported(sessions, settings)
    form = json.loads(done.content)
    db = await database(sessions)

    validator = Draft202012Validator(json.loads(SCHEMA.read_text()))
    assert [error.message for error in validator.iter_errors(form)] == []
    assert form["sha256"] == package_sha256(form) == done.package.sha256
    assert verifies(form)
    tampered = {**form, "deviations": []}
    assert not verifies(tampered)

    # 1. the version and its hash; 2. the record
    template, record = db["template"], db["record"]
    assert form["template"]["contentSha256"] == template.content_sha256
    assert form["template"]["author"] == "olive"
    assert form["template"]["approvalSignatureId"] == str(template.approval_signature_id)
    assert form["validationRecord"]["documentSha256"] == record.document_sha256
    assert form["validationRecord"]["status"] == "approved"
    assert [r["operation"] for r in form["validationRecord"]["risk"]] == [
        r["operation"] for r in record.document["spec"]["risk"]
    ]

    # 3. every test case with ALL its results; the automated checks as system records
    cases = {case["id"]: case for case in form["testCases"]}
    assert list(cases)[: len(CASES)] == CASES
    for case in CASES:
        stored = [r for r in db["results"] if r.test_case == case]
        assert {r["id"] for r in cases[case]["results"]} == {r.id for r in stored}
        assert cases[case]["latestOutcome"] == "pass"
        assert cases[case]["results"][0]["executedBy"] == TESTER[case]
        assert cases[case]["results"][0]["kind"] == "manual"
    seal = cases["TC-SEAL-1"]["results"][0]
    assert seal["evidence"] == [{"name": "peel-strength.csv", "sha256": SHA}]
    checks = {check["id"] for check in form["systemChecks"]}
    assert checks == {f"limits:{case}" for case in CASES} | {"deployment:cork"}
    assert all(r["kind"] == "automated" for c in form["systemChecks"] for r in c["results"])

    # 4. deviations and their resolution
    (deviation,) = db["deviations"]
    assert form["deviations"] == [
        {
            "key": "DEV-1",
            "title": deviation.title,
            "description": deviation.description,
            "testCase": "TC-SEAL-1",
            "status": "closed",
            "openedBy": "grace",
            "openedAt": form["deviations"][0]["openedAt"],
            "resolution": deviation.resolution,
            "closedBy": "nina",
            "closedAt": form["deviations"][0]["closedAt"],
        }
    ]

    # 5. the environment history: every ledger entry, by which rollout and whom
    history = form["environmentHistory"]
    assert history["environments"] == ["validation", "production"]
    assert sorted((d["environment"], d["site"], d["sha256"]) for d in history["deployments"]) == [
        ("production", "cork", PRODUCTION_SHA),
        ("validation", "cork", SHA),
    ]
    assert {d["id"] for d in history["deployments"]} == {e.id for e in db["ledger"]}
    assert {(d["rolloutId"], d["deployedBy"]) for d in history["deployments"]} == {
        ("validate-2-1-0", "ada"),
        ("produce-2-1-0", "ada"),
    }
    assert sorted(r["id"] for r in history["rollouts"]) == ["produce-2-1-0", "validate-2-1-0"]

    # 6. coverage per production site: cork at the defaults inside, penang's Chinese labels not
    sites = {site["site"]: site for site in form["coverage"]["sites"]}
    assert sorted(sites) == ["cork", "penang"]
    assert sites["cork"]["verdict"] == "covered by validation"
    assert sites["penang"]["verdict"] == "site verification required"
    assert [u["parameter"] for u in sites["penang"]["uncoveredParameters"]] == ["label_language"]
    assert sites["penang"]["uncoveredParameters"][0]["value"] == "zh"

    # 7. every signature of the version's records, linked to what it signs
    signatures = {s["id"]: s for s in form["signatures"]}
    relevant = [
        s
        for s in db["signatures"]
        if (s.entity_type, s.entity_id) == ("template_version", f"{KEY}@{VERSION}")
        or s.entity_id.startswith(f"{KEY}@{VERSION}")
    ]
    assert set(signatures) == {str(s.id) for s in relevant}
    conclusion = signatures[str(record.conclusion_signature_id)]
    assert conclusion["meaning"] == "approved"
    assert conclusion["printedName"] == "Quinn Murphy"
    assert conclusion["signs"] == f"the conclusion of the validation record of {KEY}@{VERSION}"
    assert signatures[str(template.approval_signature_id)]["signs"] == (
        f"the approval of template version {KEY}@{VERSION}"
    )
    tested = [s for s in form["signatures"] if s["meaning"] == "tested"]
    assert len(tested) == len(CASES)
    assert all(s["manifestVerifies"] for s in form["signatures"])
    by_id = {str(s.id): s for s in relevant}
    for found in form["signatures"]:
        assert found["contentSha256"] == by_id[found["id"]].content_sha256

    # 8. the audit excerpt, with the chain verified now
    chain = form["auditTrail"]["chain"]
    assert chain["verified"] is True
    assert chain["findings"] == []
    actions = [entry["action"] for entry in form["auditTrail"]["records"]]
    for action in (
        "template.published",
        "validation.record_saved",
        "validation.result_recorded",
        "validation.deviation_opened",
        "validation.deviation_closed",
        "validation.concluded",
        "signature.tested",
        "deployment.live",
    ):
        assert action in actions, action
    assert "overlay.proposed" not in actions  # a site's overlay is not the version's record
    assert [e["seq"] for e in form["auditTrail"]["records"]] == sorted(
        e["seq"] for e in form["auditTrail"]["records"]
    )

    # 9. generated by whom, when; and the export itself is audited with the package's hash
    assert form["generated"]["by"] == "audrey"
    exports = [
        entry
        for entry in (await database(sessions))["audit"]
        if entry.action == "evidence.exported"
    ]
    assert [(e.actor, e.entity_id, e.after["packageSha256"]) for e in exports] == [
        ("audrey", f"{KEY}@{VERSION}", done.package.sha256)
    ]
    assert exports[0].after["fileSha256"] == done.sha256


async def test_a_site_package_holds_only_that_site_and_scoped_callers_only_their_own(
    world: World, sessions: Sessions, settings: Settings
) -> None:
    await validated(world, sessions, settings)
    rui = Principal(
        subject="rui",
        name="Rui Costa",
        roles=frozenset({Role.QA_APPROVER}),
        sites=frozenset({"cork"}),
    )
    form = json_form((await exported(sessions, settings, principal=rui, site="cork")).package)
    assert form["site"] == "cork"
    assert [s["site"] for s in form["coverage"]["sites"]] == ["cork"]
    assert {d["site"] for d in form["environmentHistory"]["deployments"]} == {"cork"}
    assert all(e["site"] in (None, "cork") for e in form["auditTrail"]["records"])

    with pytest.raises(ForbiddenError):
        await exported(sessions, settings, principal=rui)  # the whole enterprise
    with pytest.raises(ForbiddenError):
        await exported(sessions, settings, principal=rui, site="penang")
    executive = Principal(subject="eve", name="Eve", roles=frozenset({Role.EXECUTIVE}))
    with pytest.raises(ForbiddenError):
        await exported(sessions, settings, principal=executive)
    with pytest.raises(NotFoundError, match="has no validation record"):
        await exported(sessions, settings, version="2.0.0")
    with pytest.raises(NotFoundError, match="no site 'atlantis'"):
        await exported(sessions, settings, site="atlantis")


def test_the_committed_schema_is_generated_from_the_model() -> None:
    assert SCHEMA.read_text() == schema_text(), "schemas/evidence-package.schema.json is stale"


# --- the PDF ----------------------------------------------------------------------------------


async def test_the_pdf_shows_every_section_with_the_values_of_the_database(
    world: World, sessions: Sessions, settings: Settings, tmp_path: Path
) -> None:
    await validated(world, sessions, settings)
    done = await exported(sessions, settings, Format.PDF)
    assert done.content.startswith(b"%PDF-")
    assert done.media_type == "application/pdf"
    db = await database(sessions)
    text = pdf_text(done.content)

    for number, title in enumerate(SECTIONS, 1):
        assert f"{number}. {title}" in text, title
    template = db["template"]
    assert template.content_sha256 in text
    for case in CASES:
        segment = text.split(f"{case} — ", 1)[1].split(" — ", 1)[0]
        assert "Latest outcome: PASS" in segment, case
        assert TESTER[case] in segment, case
    (deviation,) = db["deviations"]
    assert "DEV-1" in text
    assert " ".join(str(deviation.resolution).split()) in text
    names = {"quinn": "Quinn Murphy", "nina": "Nina Okafor", "grace": "Grace Hopper"}
    relevant = [s for s in db["signatures"] if s.entity_id.startswith(f"{KEY}@{VERSION}")]
    for signature in relevant:
        assert names[signature.signer_id] == signature.printed_name
        assert f"{signature.printed_name} ({signature.signer_id}) {signature.meaning}" in text
        assert when(signature.signed_at) in text
    assert "cork covered by validation" in text
    assert "penang site verification required" in text
    assert "label_language = zh (validated {" in text
    assert "Audit chain verified at export time: intact" in text
    assert "validation.concluded" in text
    for check in ("deployment:cork", *(f"limits:{case}" for case in CASES)):
        assert f"{check} · #" in text, check

    # Every page's footer: the version, the package's sha256, page N of M.
    pages = PdfReader(io.BytesIO(done.content)).pages
    for number, page in enumerate(pages, 1):
        footer = " ".join(page.extract_text().split())
        assert (
            f"{KEY}@{VERSION} · evidence sha256 {done.package.sha256} · page {number} of "
            + (f"{len(pages)}")
            in footer
        ), number
    assert text.count(done.package.sha256) >= len(pages) + 2  # and the title page, section 9

    # Rendered once, and looked at: the lead opens /tmp/evidence-page{1,2}.png.
    rendered = pypdfium2.PdfDocument(done.content)
    for index in (0, 1):
        image = rendered[index].render(scale=1.5).to_pil()
        assert image.size[0] > 800
        assert image.size[1] > 1200
        assert ImageStat.Stat(image.convert("L")).stddev[0] > 5  # not blank
        image.save(tmp_path / f"page{index + 1}.png")
        image.save(f"/tmp/evidence-page{index + 1}.png")
    (Path("/tmp") / "evidence-sample.pdf").write_bytes(done.content)


# --- the HTTP download ------------------------------------------------------------------------


async def test_the_download_needs_a_token_and_an_exporter(
    world: World,
    sessions: Sessions,
    settings: Settings,
    client: AsyncTestClient[Any],
    tokens: Tokens,
) -> None:
    await validated(world, sessions, settings)
    url = f"/api/evidence/{KEY}/{VERSION}"

    anonymous = await client.get(url)
    assert anonymous.status_code == 401
    assert anonymous.json()["error"] == "UNAUTHENTICATED"

    def bearer(role: Role, subject: str, sites: tuple[str, ...] = ()) -> dict[str, str]:
        return {"Authorization": f"Bearer {tokens.issue(role, subject=subject, sites=sites)}"}

    executive = await client.get(url, headers=bearer(Role.EXECUTIVE, "eve"))
    assert executive.status_code == 403
    assert executive.json()["error"] == "FORBIDDEN"

    auditor = await client.get(url, headers=bearer(Role.AUDITOR, "audrey"))
    assert auditor.status_code == 200
    assert auditor.headers["content-type"] == "application/pdf"
    assert auditor.content.startswith(b"%PDF-")
    sha = auditor.headers["x-evidence-sha256"]
    assert f'filename="{KEY}-{VERSION}.evidence.pdf"' in auditor.headers["content-disposition"]
    assert sha in pdf_text(auditor.content)

    scoped = bearer(Role.QA_APPROVER, "rui", ("cork",))
    as_json = await client.get(url, params={"format": "json", "site": "cork"}, headers=scoped)
    assert as_json.status_code == 200
    assert as_json.headers["content-type"].startswith("application/json")
    assert as_json.json()["site"] == "cork"
    assert verifies(as_json.json())
    assert (await client.get(url, params={"format": "json"}, headers=scoped)).status_code == 403

    bad = await client.get(url, params={"format": "docx"}, headers=bearer(Role.AUDITOR, "audrey"))
    assert (bad.status_code, bad.json()["error"]) == (400, "BAD_USER_INPUT")
    missing = await client.get(f"/api/evidence/{KEY}/2.0.0", headers=bearer(Role.AUDITOR, "audrey"))
    assert missing.status_code == 404
    assert "has no validation record" in missing.json()["message"]
