"""The evidence package of a template version, gathered from the platform's own records only
(CSA prefers system records to screenshots): the version and its hash, the validation record,
every test case with all its results, deviations, the environment history from the ledger, the
per-site coverage, every signature's manifestation linked to its record, the audit-trail
excerpt with the whole chain verified now, and who generated it when; sealed by the sha256 of
its JSON form (`coe.validation.package`). Takes a unit of work; never commits.

Who: auditors, qa_approvers and coe_architects, enterprise-wide; a qa_approver whose token is
scoped to sites exports only with `site` one of them (the package then holds that site's
deployments, coverage and site records, beside the enterprise-wide records of the version).
Every export is audited (`evidence.exported`, with the package's and the file's sha256).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from sqlmodel.ext.asyncio.session import AsyncSession

from coe.audit import service as audit
from coe.audit.anchors import AnchorStore
from coe.auth.principal import Principal, Role
from coe.canonical import content_hash, sha256_hex
from coe.errors import NotFoundError
from coe.models import AuditRecord, LedgerEntry, Signature, TemplateVersion
from coe.models.rollout import Rollout
from coe.models.validation import ValidationDeviation, ValidationRecord, ValidationResult
from coe.rollouts import service as rollouts
from coe.signatures.manifest import manifest, manifestation
from coe.sites import service as sites
from coe.templates import service as templates
from coe.validation import coverage, evidence_repository, pdf, repository
from coe.validation import package as shape
from coe.validation import service as records
from coe.validation.design_space import validated_space
from coe.validation.rules import CHARTER
from coe.work import UnitOfWork

EXPORTERS = (Role.AUDITOR, Role.QA_APPROVER, Role.COE_ARCHITECT)


class Format(StrEnum):
    PDF = "pdf"
    JSON = "json"


MEDIA_TYPES = {Format.PDF: "application/pdf", Format.JSON: "application/json"}


@dataclass(frozen=True)
class Export:
    """An exported package: its data, the file's bytes, and what to call the file."""

    package: shape.EvidencePackage
    content: bytes
    format: Format

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.format]

    @property
    def filename(self) -> str:
        site = f"-{self.package.site}" if self.package.site else ""
        template = self.package.template
        return f"{template.key}-{template.version}{site}.evidence.{self.format.value}"

    @property
    def sha256(self) -> str:
        """The sha256 of the file itself (the package's own is `package.sha256`)."""
        return sha256_hex(self.content)


def require_exporter(principal: Principal, site: str | None) -> None:
    """Auditors, qa_approvers, coe_architects: enterprise-wide, or for `site` (a site-scoped
    qa_approver for their own sites only); everyone else FORBIDDEN."""
    if site is None:
        principal.require_enterprise_wide(*EXPORTERS)
    else:
        principal.require_site(site, *EXPORTERS)


async def export(
    work: UnitOfWork,
    template: str,
    version: str,
    format: Format,
    *,
    site: str | None = None,
    anchors: AnchorStore | None = None,
) -> Export:
    """Gather, seal and render the evidence package of `template@version` (or of it at one
    site), and audit the export. NOT_FOUND for a version not in the registry, a version
    without a validation record, or an unknown site."""
    package = await gather(work, template, version, site=site, anchors=anchors)
    content = pdf.render(package) if format is Format.PDF else shape.json_bytes(package)
    done = Export(package, content, format)
    await work.audit(
        "evidence.exported",
        "evidence",
        package.label,
        site=site,
        after={
            "packageSha256": package.sha256,
            "format": format.value,
            "fileSha256": done.sha256,
            "site": site,
        },
    )
    return done


async def gather(
    work: UnitOfWork,
    template: str,
    version: str,
    *,
    site: str | None = None,
    anchors: AnchorStore | None = None,
) -> shape.EvidencePackage:
    """The sealed package (read-only: `export` audits it)."""
    require_exporter(work.principal, site)
    session = work.session
    row = await templates.find_version(session, template, version)
    if row is None:
        raise NotFoundError(f"no {template}@{version} in the registry", template=template)
    record = await records.record_for(session, template, version)
    if record is None or record.id is None:
        raise NotFoundError(
            f"{template}@{version} has no validation record: there is no evidence to export",
            template=template,
            version=version,
        )
    if site is not None and await sites.find_site(session, site) is None:
        raise NotFoundError(f"no site {site!r}", site=site)
    history = await repository.history(session, [record.id])
    deviations = await repository.deviations(session, [record.id])
    deployments = await evidence_repository.deployments(session, template, version, site)
    version_rollouts = await _rollouts(session, template, version, site, deployments)
    signatures = await _signatures(session, row, record, history, version_rollouts)
    trail = await _audit_trail(session, row, deployments, version_rollouts, site)
    chain = await audit.verify(session, work.audit_key, anchors=anchors)
    enterprise = await sites.enterprise(session)
    package = shape.EvidencePackage(
        site=site,
        template=_template(row),
        validation_record=_record(record),
        test_cases=_test_cases(record, history),
        system_checks=_system_checks(record, history),
        deviations=[_deviation(d) for d in deviations],
        environment_history=shape.EnvironmentHistory(
            environments=list(enterprise.environments if enterprise else []),
            deployments=[_deployment(entry) for entry in deployments],
            rollouts=[_rollout(r) for r in version_rollouts],
        ),
        coverage=await _coverage(session, row, record, site),
        signatures=[_signature(s, row, record, history) for s in signatures],
        audit_trail=shape.AuditPart(
            chain=shape.ChainCheck(
                verified=chain.intact,
                records=chain.records,
                head_seq=chain.head_seq,
                head_hash=chain.head_hash,
                anchored_seq=chain.anchored_seq,
                findings=[str(finding) for finding in chain.findings],
            ),
            records=[_audit_entry(entry) for entry in trail],
        ),
        generated=shape.Generated(
            at=_utc(datetime.now(UTC)) or "", by=work.principal.subject, by_name=work.principal.name
        ),
    )
    return shape.sealed(package)


# --- reading the records ----------------------------------------------------------------------


async def _rollouts(
    session: AsyncSession,
    template: str,
    version: str,
    site: str | None,
    deployments: Sequence[LedgerEntry],
) -> list[Rollout]:
    found = await evidence_repository.rollouts(session, template, version)
    if site is None:
        return found
    deployed_by = {entry.rollout_id for entry in deployments}
    return [row for row in found if row.id in deployed_by]


async def _signatures(
    session: AsyncSession,
    row: TemplateVersion,
    record: ValidationRecord,
    history: Sequence[ValidationResult],
    version_rollouts: Sequence[Rollout],
) -> list[Signature]:
    label = f"{row.key}@{row.version}"
    exact = [("template_version", label), ("validation_record", label)]
    prefixes = [("validation_result", f"{label}/")]
    prefixes += [("rollout_gate", f"{rollout.id}/") for rollout in version_rollouts]
    ids = [row.approval_signature_id, record.conclusion_signature_id]
    ids += [result.signature_id for result in history]
    known = [found for found in ids if found is not None]
    return await evidence_repository.signatures(session, exact, prefixes, known)


async def _audit_trail(
    session: AsyncSession,
    row: TemplateVersion,
    deployments: Sequence[LedgerEntry],
    version_rollouts: Sequence[Rollout],
    site: str | None,
) -> list[AuditRecord]:
    """The records whose target is the version, its validation record (results, deviations,
    conclusion), its rollouts (and their gates), its deployments and transfers, and earlier
    exports of its evidence."""
    label = f"{row.key}@{row.version}"
    exact = [(kind, label) for kind in ("template_version", "validation_record", "evidence")]
    exact += [("rollout", rollout.id) for rollout in version_rollouts]
    exact += [("transfer", e.transfer_id) for e in deployments if e.transfer_id is not None]
    exact += sorted({("deployment", f"{e.site}/{e.template}") for e in deployments})
    prefixes = [(kind, f"{label}/") for kind in ("validation_result", "validation_deviation")]
    prefixes += [("rollout_gate", f"{rollout.id}/") for rollout in version_rollouts]
    hashes = {entry.sha256 for entry in deployments}
    found = await evidence_repository.audit_records(session, list(dict.fromkeys(exact)), prefixes)
    return [
        entry
        for entry in found
        if (site is None or entry.site in (None, site))
        and (entry.entity_type != "deployment" or _of_version(entry, row.version, hashes))
    ]


def _of_version(entry: AuditRecord, version: str, hashes: set[str]) -> bool:
    """A deployment record (its entity is site/template, of any version) of this version."""
    after, before = entry.after or {}, entry.before or {}
    return after.get("version") == version or before.get("sha256") in hashes


async def _coverage(
    session: AsyncSession, row: TemplateVersion, record: ValidationRecord, site: str | None
) -> shape.CoveragePart:
    passed = await records.passed_test_cases(session, row.key, row.version)
    space = validated_space(row.document, record.document, passed)
    users = [site] if site is not None else sorted(await rollouts.template_users(session, row.key))
    found = await coverage.site_coverage(session, row.key, row.version, users)
    return shape.CoveragePart(
        validated_space=[
            shape.ValidatedParameter(parameter=values.parameter, validated=values.describe())
            for values in space.parameters
        ],
        passed_test_cases=list(space.test_cases),
        sites=[_site_coverage(item) for item in found],
    )


# --- into the package's parts -----------------------------------------------------------------


def _utc(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _template(row: TemplateVersion) -> shape.TemplatePart:
    return shape.TemplatePart(
        key=row.key,
        version=row.version,
        title=row.title,
        status=row.status,
        author=row.author,
        owner=row.owner,
        change_summary=row.change_summary,
        content_sha256=row.content_sha256,
        created_at=_utc(row.created_at),
        published_at=_utc(row.published_at),
        published_by=row.published_by,
        approval_signature_id=_id(row.approval_signature_id),
    )


def _id(value: UUID | None) -> str | None:
    return str(value) if value is not None else None


def _record(record: ValidationRecord) -> shape.RecordPart:
    metadata = record.document.get("metadata") or {}
    spec = record.document.get("spec") or {}
    charter = spec.get("charter")
    return shape.RecordPart(
        title=_text(metadata.get("title")),
        previous=_text(metadata.get("previous")),
        document_sha256=record.document_sha256,
        template_sha256=record.template_sha256,
        status=record.status,
        authored_by=record.authored_by,
        created_at=_utc(record.created_at),
        updated_at=_utc(record.updated_at),
        intended_use=str(spec.get("intendedUse", "")),
        risk=[
            shape.Risk(
                operation=str(item.get("operation")),
                level=str(item.get("level")),
                rationale=str(item.get("rationale", "")),
            )
            for item in spec.get("risk") or []
        ],
        charter=shape.Charter(
            mission=str(charter.get("mission", "")),
            operations=[str(op) for op in charter.get("operations") or []],
            timebox=_text(charter.get("timebox")),
        )
        if isinstance(charter, dict)
        else None,
        conclusion=record.conclusion,
        concluded_at=_utc(record.concluded_at),
        conclusion_signature_id=_id(record.conclusion_signature_id),
    )


def _result(row: ValidationResult) -> shape.Result:
    return shape.Result(
        id=row.id or 0,
        test_case=row.test_case,
        kind=row.kind,
        outcome=row.outcome,
        actual=row.actual,
        parameters=dict(row.parameters),
        evidence=[
            shape.Evidence(name=str(item.get("name", "")), sha256=str(item.get("sha256", "")))
            for item in row.evidence
        ],
        executed_by=row.executed_by,
        executed_at=_utc(row.executed_at),
        signature_id=_id(row.signature_id),
        reused_from=row.reused_from,
    )


def _results_of(case_id: str, history: Sequence[ValidationResult]) -> list[shape.Result]:
    return [_result(row) for row in history if row.test_case == case_id]  # newest first


def _test_cases(
    record: ValidationRecord, history: Sequence[ValidationResult]
) -> list[shape.CaseResults]:
    """Every scripted test case in the record's order, then the charter's session."""
    spec = record.document.get("spec") or {}
    found = []
    for case in spec.get("testCases") or []:
        results = _results_of(str(case.get("id")), history)
        found.append(
            shape.CaseResults(
                id=str(case.get("id")),
                operation=_text(case.get("operation")),
                title=str(case.get("title", "")),
                parameters=dict(case.get("parameters") or {}),
                steps=[
                    shape.Step(action=str(s.get("action", "")), expected=str(s.get("expected", "")))
                    for s in case.get("steps") or []
                ],
                reuse=bool(case.get("reuse", False)),
                latest_outcome=results[0].outcome if results else None,
                results=results,
            )
        )
    charter = spec.get("charter")
    if isinstance(charter, dict):
        results = _results_of(CHARTER, history)
        found.append(
            shape.CaseResults(
                id=CHARTER,
                operation=None,
                title=f"Unscripted testing under the charter: {charter.get('mission', '')}",
                parameters={},
                steps=[],
                latest_outcome=results[0].outcome if results else None,
                results=results,
            )
        )
    return found


def _system_checks(
    record: ValidationRecord, history: Sequence[ValidationResult]
) -> list[shape.SystemCheck]:
    """The automated checks (and any result not of a scripted case or the charter)."""
    spec = record.document.get("spec") or {}
    cases = {str(case.get("id")) for case in spec.get("testCases") or []} | {CHARTER}
    others = sorted({row.test_case for row in history if row.test_case not in cases})
    found = []
    for check in others:
        results = _results_of(check, history)
        found.append(
            shape.SystemCheck(id=check, latest_outcome=results[0].outcome, results=results)
        )
    return found


def _deviation(row: ValidationDeviation) -> shape.Deviation:
    return shape.Deviation(
        key=row.key,
        title=row.title,
        description=row.description,
        test_case=row.test_case,
        status=row.status,
        opened_by=row.opened_by,
        opened_at=_utc(row.opened_at),
        resolution=row.resolution,
        closed_by=row.closed_by,
        closed_at=_utc(row.closed_at),
    )


def _deployment(entry: LedgerEntry) -> shape.Deployment:
    return shape.Deployment(
        id=entry.id or 0,
        site=entry.site,
        environment=entry.environment,
        version=entry.version,
        sha256=entry.sha256,
        previous_sha256=entry.previous_sha256,
        status=entry.status,
        since=_utc(entry.since),
        ended_at=_utc(entry.ended_at),
        rollout_id=entry.rollout_id,
        transfer_id=entry.transfer_id,
        deployed_by=entry.deployed_by,
    )


def _rollout(row: Rollout) -> shape.Rollout:
    return shape.Rollout(
        id=row.id,
        environment=row.environment,
        status=row.status,
        started_by=row.started_by,
        started_at=_utc(row.started_at),
        emergency_deviation=row.emergency_deviation,
    )


def _site_coverage(item: coverage.SiteCoverage) -> shape.SiteCoverage:
    found = item.coverage
    return shape.SiteCoverage(
        site=item.site,
        verdict=item.verdict,
        covered=found.covered if found is not None else None,
        uncovered_parameters=[
            shape.UncoveredParameter(parameter=u.parameter, value=u.value, validated=u.validated)
            for u in (found.uncovered_parameters if found is not None else ())
        ],
        uncovered_steps=list(found.uncovered_steps) if found is not None else [],
    )


def _signs(
    signature: Signature,
    row: TemplateVersion,
    record: ValidationRecord,
    history: Sequence[ValidationResult],
) -> str:
    """What the signature is linked to (§11.70), in words."""
    label = f"{row.key}@{row.version}"
    if signature.id == record.conclusion_signature_id:
        return f"the conclusion of the validation record of {label}"
    if signature.id == row.approval_signature_id:
        return f"the approval of template version {label}"
    results = [r for r in history if r.signature_id == signature.id]
    reused = [r for r in results if r.reused_from is not None]
    if results and not reused:
        return f"result #{results[0].id} of {results[0].test_case}"
    if reused:
        ids = ", ".join(f"#{r.id}" for r in reused)
        return f"{signature.entity_type} {signature.entity_id} (reused here as result {ids})"
    return f"{signature.entity_type} {signature.entity_id}"


def _signature(
    signature: Signature,
    row: TemplateVersion,
    record: ValidationRecord,
    history: Sequence[ValidationResult],
) -> shape.Signature:
    return shape.Signature(
        id=str(signature.id),
        printed_name=signature.printed_name,
        signer_id=signature.signer_id,
        signed_at=_utc(signature.signed_at) or "",
        meaning=signature.meaning,
        reason=signature.reason,
        entity_type=signature.entity_type,
        entity_id=signature.entity_id,
        content_sha256=signature.content_sha256,
        manifest_sha256=signature.manifest_sha256,
        manifestation=manifestation(signature),
        signs=_signs(signature, row, record, history),
        manifest_verifies=content_hash(manifest(signature)) == signature.manifest_sha256,
    )


def _audit_entry(entry: AuditRecord) -> shape.AuditEntry:
    return shape.AuditEntry(
        seq=entry.seq,
        occurred_at=_utc(entry.occurred_at) or "",
        actor=entry.actor,
        action=entry.action,
        entity_type=entry.entity_type,
        entity_id=entry.entity_id,
        site=entry.site,
        reason=entry.reason,
        signature_id=_id(entry.signature_id),
        hash=entry.hash,
    )
