"""Offline validation of template and overlay files: what `coe template validate` and
`coe overlay validate` run, with no server (for authors and pull-request checks)."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coe.canonical import content_hash
from coe.documents import DocumentError, read_mapping, yaml_files
from coe.overlays.validation import check_overlay
from coe.templates.validation import template_violations
from coe.templates.versions import VersionError, parse_range, parse_version


@dataclass(frozen=True)
class FileViolation:
    file: str
    pointer: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.pointer}: {self.reason}"

    def as_dict(self) -> dict[str, str]:
        return {"file": self.file, "path": self.pointer, "reason": self.reason}


@dataclass
class LoadedTemplate:
    file: str
    document: dict[str, Any]


@dataclass
class Report:
    files: int = 0
    violations: list[FileViolation] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _read(path: Path, report: Report) -> dict[str, Any] | None:
    report.files += 1
    try:
        return read_mapping(path)
    except DocumentError as error:
        report.violations.append(FileViolation(str(path), error.pointer, error.reason))
    except (OSError, UnicodeDecodeError) as error:
        report.violations.append(FileViolation(str(path), "", f"cannot read: {error}"))
    return None


def validate_templates(paths: Iterable[Path]) -> tuple[Report, list[LoadedTemplate]]:
    """Validate every template file; valid ones are returned for overlay checks."""
    report, valid = Report(), []
    seen: dict[tuple[str, str], tuple[str, str]] = {}
    for path in yaml_files(list(paths)):
        document = _read(path, report)
        if document is None:
            continue
        problems = template_violations(document)
        report.violations += [FileViolation(str(path), v.pointer, v.reason) for v in problems]
        if problems:
            continue
        identity = (document["metadata"]["key"], document["metadata"]["version"])
        digest = content_hash(document)
        if identity in seen and seen[identity][1] != digest:
            report.violations.append(
                FileViolation(
                    str(path),
                    "/metadata/version",
                    f"{identity[0]}@{identity[1]} is also in {seen[identity][0]} with different "
                    "content; a version is immutable once published",
                )
            )
            continue
        seen[identity] = (str(path), digest)
        valid.append(LoadedTemplate(str(path), document))
    return report, valid


def validate_overlays(
    paths: Iterable[Path],
    templates: list[LoadedTemplate],
    known_sites: Collection[str] | None = None,
) -> Report:
    """Check each overlay against every given version of its template in its range."""
    report = Report()
    by_key: dict[str, list[LoadedTemplate]] = {}
    for template in templates:
        by_key.setdefault(template.document["metadata"]["key"], []).append(template)
    for path in yaml_files(list(paths)):
        document = _read(path, report)
        if document is not None:
            _check_one(str(path), document, by_key, known_sites, report)
    return report


def _check_one(
    file: str,
    overlay: dict[str, Any],
    by_key: dict[str, list[LoadedTemplate]],
    known_sites: Collection[str] | None,
    report: Report,
) -> None:
    metadata = overlay.get("metadata") if isinstance(overlay.get("metadata"), dict) else {}
    assert isinstance(metadata, dict)
    candidates = by_key.get(str(metadata.get("template")), [])
    # Every version in range; none in range: the latest, which reports the range mismatch.
    in_range = _in_range(metadata.get("templateVersions"), candidates) or candidates[-1:]
    targets: list[LoadedTemplate | None] = [*in_range] or [None]
    for target in targets:
        check = check_overlay(overlay, target.document if target else None, known_sites=known_sites)
        against = f" (against {_label(target)})" if target and len(targets) > 1 else ""
        report.violations += [
            FileViolation(file, v.pointer, v.reason + against) for v in check.violations
        ]
        report.notes += [f"{file}: migrates {note}{against}" for note in check.migrations]


def _in_range(text: Any, candidates: list[LoadedTemplate]) -> list[LoadedTemplate]:
    if not isinstance(text, str):
        return []
    try:
        versions = parse_range(text)
    except VersionError:
        return []
    chosen = [t for t in candidates if versions.contains(t.document["metadata"]["version"])]
    return sorted(chosen, key=lambda t: parse_version(t.document["metadata"]["version"]))


def _label(template: LoadedTemplate) -> str:
    return f"{template.document['metadata']['key']}@{template.document['metadata']['version']}"
