"""The evidence package as a PDF (ReportLab platypus), a pure function of the package: a title
page, the nine numbered sections of `coe.validation.package.SECTIONS`, tables with wrapped text,
and on every page the footer "KEY@VERSION · evidence sha256 … · page N of M"."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import datetime
from functools import partial
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from coe.validation.package import SECTIONS, CaseResults, EvidencePackage, Result

MARGIN = 18 * mm
WIDTH = A4[0] - 2 * MARGIN
CHAIN_OK = "chain verified at export time: intact"
CHAIN_BROKEN = "chain NOT verified at export time"

_base = getSampleStyleSheet()
TITLE = ParagraphStyle("title", parent=_base["Title"], fontSize=20, leading=24, spaceAfter=8)
H1 = ParagraphStyle(
    "h1", parent=_base["Heading1"], fontSize=14, leading=17, spaceBefore=10, keepWithNext=1
)
H2 = ParagraphStyle(
    "h2", parent=_base["Heading2"], fontSize=11, leading=14, spaceBefore=8, keepWithNext=1
)
BODY = ParagraphStyle("body", parent=_base["BodyText"], fontSize=9, leading=11.5)
CELL = ParagraphStyle("cell", parent=BODY, fontSize=7.5, leading=9, splitLongWords=True)
HEAD = ParagraphStyle("head", parent=CELL, fontName="Helvetica-Bold")
MONO = ParagraphStyle("mono", parent=CELL, fontName="Courier", fontSize=7, leading=8.5)
GRID = TableStyle(
    [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9aa5b1")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e4e9ef")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
)
FIELDS = TableStyle(
    [
        *(command for command in GRID.getCommands() if command[0] != "BACKGROUND"),
        ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#e4e9ef")),
    ]
)


def render(package: EvidencePackage) -> bytes:
    """The PDF of `package` (A4)."""
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 4 * mm,
        title=f"Evidence package {package.label}",
        author=package.generated.by_name,
        subject=f"evidence sha256 {package.sha256}",
        creator="COE Platform",
        invariant=True,
    )
    footer = f"{package.label} · evidence sha256 {package.sha256}"
    document.build(story(package), canvasmaker=partial(_FooterCanvas, footer=footer))
    return out.getvalue()


class _FooterCanvas(canvas.Canvas):  # type: ignore[misc]  # reportlab is untyped
    """Holds each page until the end, so every footer can say "page N of M"."""

    def __init__(self, *args: Any, footer: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._footer = footer
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for number, page in enumerate(self._pages, start=1):
            self.__dict__.update(page)
            self.setFont("Helvetica", 7)
            self.setFillColor(colors.HexColor("#44505c"))
            self.drawCentredString(
                A4[0] / 2, MARGIN - 2 * mm, f"{self._footer} · page {number} of {total}"
            )
            super().showPage()
        super().save()


# --- the story ------------------------------------------------------------------------------


def story(package: EvidencePackage) -> list[Flowable]:
    return [
        *_title_page(package),
        PageBreak(),
        *_template(package),
        *_record(package),
        *_test_cases(package),
        *_deviations(package),
        *_environments(package),
        *_coverage(package),
        *_signatures(package),
        *_audit(package),
        *_package(package),
    ]


def _p(text: Any, style: ParagraphStyle = CELL) -> Paragraph:
    return Paragraph(escape("" if text is None else str(text)), style)


def _when(value: str | None) -> str:
    """An ISO timestamp as 'YYYY-MM-DD HH:MM:SS UTC' ('' for none)."""
    if not value:
        return ""
    return datetime.fromisoformat(value).strftime("%Y-%m-%d %H:%M:%S UTC")


def _values(values: dict[str, Any]) -> str:
    return ", ".join(f"{name} = {value}" for name, value in values.items()) or "(defaults)"


def _heading(number: int) -> Paragraph:
    return Paragraph(f"{number}. {escape(SECTIONS[number - 1])}", H1)


def _table(
    header: Sequence[str], rows: Iterable[Sequence[Any]], widths: Sequence[float]
) -> Flowable:
    """A grid with a header row repeated on every page; cells wrap."""
    body = [[cell if isinstance(cell, Flowable) else _p(cell) for cell in row] for row in rows]
    if not body:
        return _p("(none recorded)", BODY)
    data = [[_p(title, HEAD) for title in header], *body]
    grid = Table(data, colWidths=[WIDTH * share for share in widths], repeatRows=1)
    grid.setStyle(GRID)
    return grid


def _fields(rows: Sequence[tuple[str, Any]]) -> Flowable:
    data = [
        [_p(name, HEAD), value if isinstance(value, Flowable) else _p(value)]
        for name, value in rows
    ]
    grid = Table(data, colWidths=[WIDTH * 0.26, WIDTH * 0.74])
    grid.setStyle(FIELDS)
    return grid


def _title_page(package: EvidencePackage) -> list[Flowable]:
    template, chain = package.template, package.audit_trail.chain
    verdict = CHAIN_OK if chain.verified else CHAIN_BROKEN
    contents = [Paragraph(f"{n}. {escape(title)}", BODY) for n, title in enumerate(SECTIONS, 1)]
    return [
        Spacer(1, 30 * mm),
        Paragraph("Validation evidence package", TITLE),
        Paragraph(escape(f"{package.label} — {template.title}"), H2),
        Spacer(1, 6 * mm),
        _fields(
            [
                ("Template version", package.label),
                ("Template sha256", _p(template.content_sha256, MONO)),
                ("Scope", f"site {package.site}" if package.site else "the whole enterprise"),
                ("Validation status", package.validation_record.status),
                ("Generated at", _when(package.generated.at)),
                ("Generated by", f"{package.generated.by_name} ({package.generated.by})"),
                ("Audit trail", f"{verdict} ({chain.records} records)"),
                ("Evidence sha256", _p(package.sha256, MONO)),
            ]
        ),
        Spacer(1, 8 * mm),
        Paragraph("Contents", H2),
        *contents,
        Spacer(1, 6 * mm),
        Paragraph(
            "Everything in this package comes from the platform's own records (registry, "
            "validation record and its results, deployment ledger, e-signatures, audit "
            "trail); nothing was typed in for it. The evidence sha256 is the sha256 of the "
            "canonical JSON form of the package without that field (section 9).",
            BODY,
        ),
    ]


def _template(package: EvidencePackage) -> list[Flowable]:
    t = package.template
    return [
        _heading(1),
        _fields(
            [
                ("Key", t.key),
                ("Version", t.version),
                ("Title", t.title),
                ("Status", t.status),
                ("Author", t.author),
                ("Owner", t.owner),
                ("Change summary", t.change_summary),
                ("Content sha256", _p(t.content_sha256, MONO)),
                ("Created at", _when(t.created_at)),
                ("Published at", _when(t.published_at)),
                ("Published by", t.published_by),
                ("Approval signature", _p(t.approval_signature_id or "none", MONO)),
            ]
        ),
    ]


def _record(package: EvidencePackage) -> list[Flowable]:
    r = package.validation_record
    found: list[Flowable] = [
        _heading(2),
        _fields(
            [
                ("Title", r.title),
                ("Document sha256", _p(r.document_sha256, MONO)),
                ("Validates template sha256", _p(r.template_sha256, MONO)),
                ("Status", r.status),
                ("Author", r.authored_by),
                ("Reuses results of", r.previous or "none"),
                ("Saved at", _when(r.updated_at)),
                ("Conclusion", r.conclusion or "not concluded"),
                ("Concluded at", _when(r.concluded_at)),
            ]
        ),
        Paragraph("Intended use", H2),
        _p(r.intended_use, BODY),
        Paragraph("Risk assessment per operation", H2),
        _table(
            ["Operation", "Risk", "Rationale"],
            [(risk.operation, risk.level, risk.rationale) for risk in r.risk],
            [0.25, 0.1, 0.65],
        ),
    ]
    if r.charter is not None:
        found += [
            Paragraph("Unscripted test charter", H2),
            _fields(
                [
                    ("Mission", r.charter.mission),
                    ("Operations", ", ".join(r.charter.operations)),
                    ("Timebox", r.charter.timebox),
                ]
            ),
        ]
    return found


RESULT_HEADER = ["#", "Kind", "Outcome", "Actual result", "Parameters · evidence", "Executed"]
RESULT_WIDTHS = [0.05, 0.09, 0.08, 0.36, 0.22, 0.20]


def _result_row(result: Result) -> list[Any]:
    evidence = "; ".join(f"{e.name} sha256 {e.sha256}" for e in result.evidence)
    executed = f"{result.executed_by}, {_when(result.executed_at)}"
    if result.reused_from:
        executed += f"; reused from {result.reused_from}"
    if result.signature_id:
        executed += f"; signature {result.signature_id}"
    details = _values(result.parameters) + (f"; evidence: {evidence}" if evidence else "")
    return [result.id, result.kind, result.outcome.upper(), result.actual, details, executed]


def _case(case: CaseResults) -> list[Flowable]:
    title = f"{case.id} — {case.title}" + (f" ({case.operation})" if case.operation else "")
    found: list[Flowable] = [Paragraph(escape(title), H2)]
    outcome = (case.latest_outcome or "not executed").upper()
    found.append(
        _p(f"Latest outcome: {outcome}. Parameters exercised: {_values(case.parameters)}.", BODY)
    )
    if case.steps:
        found.append(
            _table(
                ["Step", "Action", "Expected result"],
                [(n, s.action, s.expected) for n, s in enumerate(case.steps, 1)],
                [0.06, 0.47, 0.47],
            )
        )
    found += [
        Spacer(1, 2 * mm),
        _table(RESULT_HEADER, map(_result_row, case.results), RESULT_WIDTHS),
    ]
    return found


def _test_cases(package: EvidencePackage) -> list[Flowable]:
    found: list[Flowable] = [_heading(3)]
    for case in package.test_cases:
        found += _case(case)
    found.append(Paragraph("System records: the platform's automated checks", H2))
    found.append(
        _table(
            ["Check · #", *RESULT_HEADER[1:]],
            [
                [f"{result.test_case} · #{result.id}", *_result_row(result)[1:]]
                for check in package.system_checks
                for result in check.results
            ],
            [0.15, 0.09, 0.08, 0.30, 0.19, 0.19],
        )
    )
    return found


def _deviations(package: EvidencePackage) -> list[Flowable]:
    rows = [
        (
            d.key,
            d.title,
            d.description,
            d.test_case,
            d.status,
            f"{d.opened_by}, {_when(d.opened_at)}",
            d.resolution,
            f"{d.closed_by}, {_when(d.closed_at)}" if d.closed_by else "",
        )
        for d in package.deviations
    ]
    header = [
        "Key",
        "Title",
        "Description",
        "Test case",
        "Status",
        "Opened",
        "Resolution",
        "Closed",
    ]
    widths = [0.07, 0.13, 0.2, 0.09, 0.07, 0.14, 0.16, 0.14]
    return [_heading(4), _table(header, rows, widths)]


def _environments(package: EvidencePackage) -> list[Flowable]:
    history = package.environment_history
    deployments = [
        (
            e.environment,
            e.site,
            _p(e.sha256, MONO),
            e.status,
            _when(e.since),
            _when(e.ended_at),
            f"{'rollout ' + e.rollout_id if e.rollout_id else 'transfer ' + str(e.transfer_id)}"
            f" by {e.deployed_by}",
        )
        for e in history.deployments
    ]
    rollouts = [
        (
            r.id,
            r.environment,
            r.status,
            r.started_by,
            _when(r.started_at),
            f"emergency change for {r.emergency_deviation}" if r.emergency_deviation else "",
        )
        for r in history.rollouts
    ]
    return [
        _heading(5),
        _p(f"Environments, in promotion order: {' > '.join(history.environments)}.", BODY),
        Paragraph("Deployments (the ledger)", H2),
        _table(
            ["Environment", "Site", "Definition sha256", "Status", "Since", "Ended", "Deployed by"],
            deployments,
            [0.11, 0.08, 0.24, 0.09, 0.14, 0.14, 0.20],
        ),
        Paragraph("Rollouts of the version", H2),
        _table(
            ["Rollout", "Environment", "Status", "Started by", "Started at", "Note"],
            rollouts,
            [0.28, 0.12, 0.12, 0.14, 0.17, 0.17],
        ),
    ]


def _coverage(package: EvidencePackage) -> list[Flowable]:
    found = package.coverage
    sites = [
        (
            s.site,
            s.verdict,
            "; ".join(
                f"{u.parameter} = {u.value} (validated {u.validated})"
                for u in s.uncovered_parameters
            ),
            ", ".join(s.uncovered_steps),
        )
        for s in found.sites
    ]
    return [
        _heading(6),
        _p(
            "The validated design space: the values the passed test cases exercised ("
            + (", ".join(found.passed_test_cases) or "none passed")
            + ").",
            BODY,
        ),
        _table(
            ["Parameter", "Validated"],
            [(v.parameter, v.validated) for v in found.validated_space],
            [0.4, 0.6],
        ),
        Paragraph("Production sites", H2),
        _table(
            ["Site", "Verdict", "Parameters not covered", "Extension steps not covered"],
            sites,
            [0.12, 0.22, 0.4, 0.26],
        ),
    ]


def _signatures(package: EvidencePackage) -> list[Flowable]:
    rows = [
        (
            f"{s.printed_name} ({s.signer_id})",
            s.meaning,
            _when(s.signed_at),
            s.reason,
            s.signs,
            _p(
                f"signature {s.id}; signed content sha256 {s.content_sha256}; manifest "
                + ("verifies" if s.manifest_verifies else "DOES NOT VERIFY"),
                MONO,
            ),
        )
        for s in package.signatures
    ]
    return [
        _heading(7),
        _p(
            "Each signature's manifestation (21 CFR Part 11 §11.50: printed name, date and time "
            "in UTC, meaning) and the record it is linked to (§11.70).",
            BODY,
        ),
        _table(
            ["Printed name", "Meaning", "Signed at", "Reason", "Linked to", "Binding"],
            rows,
            [0.15, 0.08, 0.14, 0.17, 0.2, 0.26],
        ),
    ]


def _audit(package: EvidencePackage) -> list[Flowable]:
    trail = package.audit_trail
    chain = trail.chain
    verdict = (
        f"Audit {CHAIN_OK}: {chain.records} records, head seq {chain.head_seq}"
        + (f", anchored at seq {chain.anchored_seq}" if chain.anchored_seq else "")
        + "."
        if chain.verified
        else f"Audit {CHAIN_BROKEN}: " + "; ".join(chain.findings)
    )
    rows = [
        (
            e.seq,
            _when(e.occurred_at),
            e.actor,
            e.action,
            f"{e.entity_type} {e.entity_id}" + (f" (site {e.site})" if e.site else ""),
            e.reason,
        )
        for e in trail.records
    ]
    return [
        _heading(8),
        KeepTogether([_p(verdict, BODY), Spacer(1, 2 * mm)]),
        _table(
            ["Seq", "Occurred at", "Actor", "Action", "Target", "Reason"],
            rows,
            [0.06, 0.15, 0.1, 0.2, 0.29, 0.2],
        ),
    ]


def _package(package: EvidencePackage) -> list[Flowable]:
    return [
        _heading(9),
        _fields(
            [
                ("Generated at", _when(package.generated.at)),
                ("Generated by", f"{package.generated.by_name} ({package.generated.by})"),
                ("Scope", f"site {package.site}" if package.site else "the whole enterprise"),
                ("Evidence sha256", _p(package.sha256, MONO)),
            ]
        ),
        Spacer(1, 3 * mm),
        _p(
            "The evidence sha256 is the sha256 of the canonical JSON (keys sorted, no "
            "insignificant whitespace, UTF-8) of the package's JSON form without its sha256 "
            "field: export it with --format json and recompute it to check that this document "
            "shows the package unchanged.",
            BODY,
        ),
    ]
