"""Offline validation of ValidationRecord files against template files: what
`coe validation validate` and `coe sync` run, with no server (for authors and pull-request
checks). Records live beside the templates (`templates/<key>-<version>.validation.yaml`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coe.documents import Violation, yaml_files
from coe.templates.files import FileViolation, LoadedTemplate, Report, read_document
from coe.validation.document import (
    KIND,
    identity,
    record_template_violations,
    record_violations,
)


@dataclass
class LoadedRecord:
    file: str
    document: dict[str, Any]


def record_files(paths: Iterable[Path]) -> list[tuple[Path, bool]]:
    """Every candidate file: (path, named explicitly). A folder's files are only candidates;
    a file named explicitly is judged whatever its kind."""
    found: list[tuple[Path, bool]] = []
    for path in paths:
        if path.is_dir():
            found += [(p, False) for p in yaml_files([path])]
        else:
            found.append((path, True))
    return found


def validate_records(
    paths: Iterable[Path], templates: list[LoadedTemplate]
) -> tuple[Report, list[LoadedRecord]]:
    """Validate every ValidationRecord file (a folder's other documents are skipped) against
    the template version it names among `templates`; valid ones are returned for sync."""
    report, valid = Report(), []
    by_version = {
        (t.document["metadata"]["key"], t.document["metadata"]["version"]): t for t in templates
    }
    seen: dict[tuple[str, str], str] = {}
    for path, explicit in record_files(paths):
        probe = Report()
        document = read_document(path, probe)
        if document is not None and document.get("kind") != KIND and not explicit:
            continue  # a template or another kind, in the same folder
        report.files += 1
        report.violations += probe.violations
        if document is None:
            continue
        problems = _problems(document, by_version)
        report.violations += [FileViolation(str(path), v.pointer, v.reason) for v in problems]
        if problems:
            continue
        key = identity(document)
        assert key is not None  # a record without problems names its version
        if key in seen:
            report.violations.append(
                FileViolation(
                    str(path),
                    "/metadata/version",
                    f"{key[0]}@{key[1]} already has a validation record in {seen[key]}: one "
                    "record per template version",
                )
            )
            continue
        seen[key] = str(path)
        valid.append(LoadedRecord(str(path), document))
    return report, valid


def _problems(
    document: dict[str, Any], by_version: dict[tuple[str, str], LoadedTemplate]
) -> list[Violation]:
    """Every problem at once: the record's own, then against its template version's file."""
    problems = record_violations(document)
    named = identity(document)
    if named is None:
        return problems
    template = by_version.get(named)
    if template is None:
        return [
            *problems,
            Violation(
                "/metadata/version",
                f"{named[0]}@{named[1]} is not among the valid template files: the record is "
                "checked against its template version",
            ),
        ]
    found = problems + record_template_violations(document, template.document)
    return list(dict.fromkeys(found))
