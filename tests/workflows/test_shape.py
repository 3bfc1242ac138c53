"""The shape of `coe_workflows`, read from its source (ast): one workflow per module, helpers
shared through public names of one module, activities called by reference (so mypy checks
their arguments and results), no module-level name left unused."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import coe_workflows
from coe_workflows.worker import WORKFLOWS

PACKAGE = Path(coe_workflows.__file__).parent
ROOT = PACKAGE.parent.parent
BY_NAME = {"execute_activity", "start_activity", "execute_local_activity", "start_local_activity"}


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text())


def _where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(PACKAGE)}:{getattr(node, 'lineno', 0)}"


def _is_workflow_defn(decorator: ast.expr) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    return (
        isinstance(target, ast.Attribute)
        and target.attr == "defn"
        and isinstance(target.value, ast.Name)
        and target.value.id == "workflow"
    )


@pytest.mark.parametrize("path", _modules(), ids=lambda path: str(path.relative_to(PACKAGE)))
def test_a_module_defines_at_most_one_workflow(path: Path) -> None:
    defined = [
        node.name
        for node in _tree(path).body
        if isinstance(node, ast.ClassDef) and any(map(_is_workflow_defn, node.decorator_list))
    ]
    assert len(defined) <= 1, f"{path.relative_to(PACKAGE)} defines {', '.join(defined)}"


def test_the_scan_sees_every_workflow() -> None:
    found = {
        node.name
        for path in _modules()
        for node in _tree(path).body
        if isinstance(node, ast.ClassDef) and any(map(_is_workflow_defn, node.decorator_list))
    }
    assert found == {workflow.__name__ for workflow in WORKFLOWS}


@pytest.mark.parametrize("path", _modules(), ids=lambda path: str(path.relative_to(PACKAGE)))
def test_no_private_name_is_imported_from_another_module(path: Path) -> None:
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.ImportFrom):
            private = [alias.name for alias in node.names if alias.name.startswith("_")]
            assert not private, f"{_where(path, node)} imports {', '.join(private)}"


@pytest.mark.parametrize("path", _modules(), ids=lambda path: str(path.relative_to(PACKAGE)))
def test_activities_are_called_by_reference(path: Path) -> None:
    """`workflow.execute_activity("name", ...)` is not type-checked; the method is."""
    for node in ast.walk(_tree(path)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in BY_NAME
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "workflow"
        ):
            pytest.fail(f"{_where(path, node)}: call the activity by reference (…_method)")
        if isinstance(node, ast.Call) and any(
            isinstance(arg, ast.Constant) and isinstance(arg.value, str) and arg.value in ACTIVITY
            for arg in node.args[:1]
        ):
            pytest.fail(f"{_where(path, node)}: an activity named by string, not by reference")


def _registered() -> set[str]:
    """The activity names the activities register (what the committed histories name)."""
    return {
        name
        for path in PACKAGE.rglob("activities.py")
        for name in re.findall(r'@activity\.defn\(name="([a-z_]+)"\)', path.read_text())
    }


ACTIVITY = _registered()


def test_the_scan_sees_the_registered_activities() -> None:
    assert {"prepare_site", "record_rollout", "record_transfer", "check_drift"} <= ACTIVITY


def _module_constants(path: Path) -> list[tuple[str, int]]:
    return [
        (target.id, node.lineno)
        for node in _tree(path).body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name) and target.id.isupper()
    ]


@pytest.mark.parametrize("path", _modules(), ids=lambda path: str(path.relative_to(PACKAGE)))
def test_every_module_constant_is_used(path: Path) -> None:
    """A constant nobody reads (like the old `FINAL` site states) is a rule that is not."""
    sources = [
        p.read_text()
        for p in [*_modules(), *sorted((ROOT / "tests").rglob("*.py"))]
        if p.name != "test_shape.py"
    ]
    for name, line in _module_constants(path):
        uses = sum(len(re.findall(rf"\b{name}\b", source)) for source in sources)
        assert uses > 1, f"{path.relative_to(PACKAGE)}:{line}: {name} is never used"
