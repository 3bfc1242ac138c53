"""docs/compliance.md stays true: every test it names as proof exists, in the file it names."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NAMED = re.compile(r"`(tests/[\w/]+\.py)::(test_\w+)`")


def defined_tests(path: Path) -> set[str]:
    if not path.exists():
        return set()
    return {
        node.name
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    }


def test_every_proof_the_compliance_map_names_exists() -> None:
    text = (ROOT / "docs" / "compliance.md").read_text(encoding="utf-8")
    named = sorted(set(NAMED.findall(text)))
    assert len(named) > 30, "the map names its proofs as `file::test`"
    missing = [f"{file}::{test}" for file, test in named if test not in defined_tests(ROOT / file)]
    assert missing == []
