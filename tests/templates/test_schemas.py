"""The JSON Schemas in schemas/ are generated from the code's models and must not drift."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

from coe.kinds import schema_files, schema_text

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("filename", sorted(schema_files()))
def test_committed_schema_matches_the_code(filename: str) -> None:
    committed = (ROOT / "schemas" / filename).read_text()
    assert committed == schema_text(filename), f"schemas/{filename} is stale: run `make schema`"


@pytest.mark.parametrize(
    ("folder", "filename"),
    [
        ("templates", "process-template.schema.json"),
        ("site_overlays", "site-overlay.schema.json"),
    ],
)
def test_shipped_content_validates_against_the_committed_schemas(
    folder: str, filename: str
) -> None:
    validator = Draft202012Validator(json.loads((ROOT / "schemas" / filename).read_text()))
    files = sorted((ROOT / folder).rglob("*.yaml"))
    assert files
    records = Draft202012Validator(
        json.loads((ROOT / "schemas" / "validation-record.schema.json").read_text())
    )
    for path in files:
        document = yaml.safe_load(path.read_text())
        # Validation records live beside the templates, with a schema of their own.
        checker = records if document.get("kind") == "ValidationRecord" else validator
        errors = list(checker.iter_errors(document))
        assert errors == [], (path, errors[0].message if errors else None)
