"""Offline validation of overlay files against template files: what `coe overlay validate`
runs, with no server (for authors and pull-request checks)."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from pathlib import Path
from typing import Any

from coe.documents import yaml_files
from coe.overlays.validation import check_overlay
from coe.templates import renames
from coe.templates.files import FileViolation, LoadedTemplate, Report, read_document
from coe.templates.versions import VersionError, parse_range, parse_version


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
        document = read_document(path, report)
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
    history = _renames(candidates)
    for target in targets:
        check = check_overlay(
            overlay,
            target.document if target else None,
            known_sites=known_sites,
            renames=renames.of_version(history, target.document) if target else None,
        )
        against = f" (against {_label(target)})" if target and len(targets) > 1 else ""
        report.violations += [
            FileViolation(file, v.pointer, v.reason + against) for v in check.violations
        ]
        report.notes += [f"{file}: migrates {note}{against}" for note in check.migrations]


def _renames(candidates: list[LoadedTemplate]) -> list[renames.Rename]:
    """The renames of the given versions, each with the version that declared it."""
    try:
        return renames.history(t.document for t in candidates)
    except (VersionError, KeyError, TypeError):  # a file without a usable version
        return []


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
