"""`coe template validate` on files YAML cannot read: one violation each, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import Cli


def test_unreadable_files_are_violations_with_a_pointer(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "control.yaml").write_text("Bu3\u0089Ö", encoding="utf-8")
    (tmp_path / "deep.yaml").write_text("[" * 5_000, encoding="utf-8")
    (tmp_path / "nul.yaml").write_text('key: "cork\\0"\n', encoding="utf-8")
    (tmp_path / "date.yaml").write_text("when: 2024-13-45\n", encoding="utf-8")
    (tmp_path / "latin1.yaml").write_bytes("name: Ré".encode("latin-1"))
    result = cli("template", "validate", str(tmp_path), "--json", user=None)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    violations = {
        Path(v["file"]).name: (v["path"], v["reason"])
        for v in json.loads(result.stdout)["violations"]
    }
    assert violations["control.yaml"][0] == ""
    assert "line 1, column 4: the character U+0089 is not allowed" in violations["control.yaml"][1]
    assert violations["deep.yaml"] == ("/0" * 65, "nested deeper than 64 levels (line 1)")
    assert violations["nul.yaml"][0] == "/key"
    assert "NUL" in violations["nul.yaml"][1]
    assert violations["date.yaml"] == ("", "not valid YAML: month must be in 1..12")
    assert violations["latin1.yaml"][0] == ""
    assert "UTF-8" in violations["latin1.yaml"][1]
