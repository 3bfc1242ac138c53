"""Transfers by role: the read-only package apart from the steps that write, and resolvers that
reach the data only through the services (STYLE.md rules 1 and 3)."""

from __future__ import annotations

import ast
from pathlib import Path

TRANSFERS = Path(__file__).resolve().parents[2] / "platform" / "coe" / "transfers"
# What writes or starts something: the unit of work, the workflow steering, the table rows.
WRITE_PATH = ("coe.work", "coe.steering", "coe.transfers.contract")


def imported(module: str) -> set[str]:
    """The modules (and `module.name`s) a transfers module imports, wherever in the file."""
    tree = ast.parse((TRANSFERS / f"{module}.py").read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def defined(module: str) -> set[str]:
    tree = ast.parse((TRANSFERS / f"{module}.py").read_text())
    return {
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
    }


def test_the_package_is_computed_apart_from_the_steps_that_write() -> None:
    assert {"package", "Baseline", "BaselineChoice", "Terms", "TransferPackage"} <= defined(
        "package"
    )
    assert not {"package", "Baseline", "TransferPackage", "_baseline"} & defined("service")
    assert not {name for name in imported("package") if name.startswith(WRITE_PATH)}


def test_the_resolvers_call_services_only() -> None:
    for resolvers in ("queries", "mutations", "types"):
        reached = {name for name in imported(resolvers) if name.endswith("repository")}
        assert reached == set(), f"transfers/{resolvers}.py imports {sorted(reached)}"
