"""Offline validation of template files: what `coe template validate` runs, with no server
(for authors and pull-request checks). Overlay files: `coe.overlays.files`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coe.canonical import content_hash
from coe.documents import DocumentError, read_mapping, yaml_files
from coe.templates.validation import template_violations

# Documents that live in the templates folder but are not templates: validation records
# (`coe.validation.files` checks them against the templates loaded here).
OTHER_KINDS = {"ValidationRecord"}


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


def read_document(path: Path, report: Report) -> dict[str, Any] | None:
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
        document = read_document(path, report)
        if document is None:
            continue
        if document.get("kind") in OTHER_KINDS:  # beside the templates, checked by its kind
            report.files -= 1
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
