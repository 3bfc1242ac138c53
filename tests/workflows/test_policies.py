"""No activity retries forever: every activity a workflow runs states a timeout and a retry
policy from `coe_workflows.policies`, and every policy there has a bounded number of attempts.
Read from the workflow modules' source (ast), so a new call without one fails here."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from temporalio.common import RetryPolicy

from coe.rollouts.contract import Timings
from coe_workflows import policies

PACKAGE = Path(policies.__file__).parent
ACTIVITY_CALLS = {
    f"{verb}_{kind}{by}"
    for verb in ("execute", "start")
    for kind in ("activity", "local_activity")
    for by in ("", "_method", "_class")
}
TIMEOUTS = {"start_to_close_timeout", "schedule_to_close_timeout"}
POLICY_NAMES = {name for name, value in vars(policies).items() if isinstance(value, RetryPolicy)}
POLICY_FACTORIES = {"plant_retry"}


def _modules() -> list[Path]:
    return sorted(path for path in PACKAGE.rglob("*.py") if path.name != "policies.py")


def _activity_calls(tree: ast.AST) -> list[ast.Call]:
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ACTIVITY_CALLS
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "workflow"
    ]


def _names_a_policy(value: ast.expr) -> bool:
    if isinstance(value, ast.Name):
        return value.id in POLICY_NAMES
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name):
        return value.func.id in POLICY_FACTORIES
    return False


def test_the_workflows_run_activities() -> None:
    found = sum(len(_activity_calls(ast.parse(path.read_text()))) for path in _modules())
    assert found >= 8, "the scan must see the workflows' activity calls"


@pytest.mark.parametrize("path", _modules(), ids=lambda path: str(path.relative_to(PACKAGE)))
def test_every_activity_call_has_a_timeout_and_a_bounded_policy(path: Path) -> None:
    tree = ast.parse(path.read_text())
    for call in _activity_calls(tree):
        where = f"{path.name}:{call.lineno}"
        keywords = {keyword.arg: keyword.value for keyword in call.keywords}
        assert TIMEOUTS & set(keywords), f"{where}: no timeout"
        assert "retry_policy" in keywords, f"{where}: no retry policy (the default is unlimited)"
        assert _names_a_policy(keywords["retry_policy"]), (
            f"{where}: the retry policy must come from coe_workflows.policies"
        )
    made_here = [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "RetryPolicy"
    ]
    assert made_here == [], f"{path.name}: RetryPolicy made outside coe_workflows.policies"


@pytest.mark.parametrize("name", sorted(POLICY_NAMES))
def test_every_policy_has_bounded_attempts(name: str) -> None:
    policy: RetryPolicy = getattr(policies, name)
    assert policy.maximum_attempts >= 1, f"{name} retries forever"


@pytest.mark.parametrize("attempts", [0, 1, 6])
def test_the_plant_policy_is_bounded_whatever_the_setting(attempts: int) -> None:
    policy = policies.plant_retry(Timings(retry_attempts=attempts))
    assert policy.maximum_attempts == max(1, attempts)
    assert "PlantRefused" in (policy.non_retryable_error_types or [])
