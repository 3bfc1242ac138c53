"""The committed histories (tests/workflows/histories/*.json) replay on today's workflow code.

A workflow that is running in production resumes, after a deployment, by replaying its history
on the new code; if the new code issues different commands for the same events, the workflow
is stuck with a nondeterminism error. The replay tests beside each scenario only replay
histories the same code has just written, so they cannot see that; these histories were
recorded by an earlier version of the code (`python -m tests.workflows.histories.record`) and
are replayed, without a worker or a server, against the workflows the worker registers.

A failure here means: existing executions of that workflow would break. Guard the change with
`workflow.patched(...)` (README, Development, "Workflow histories"), or, if no execution of the
old code can still be running, re-record.
"""

from __future__ import annotations

import pytest
from temporalio import workflow
from temporalio.worker import Replayer

from coe_workflows.worker import WORKFLOWS
from tests.workflows.histories import FOLDER, Recorded, load_all

RECORDED = load_all()


@pytest.mark.parametrize("recorded", RECORDED, ids=[r.name for r in RECORDED])
async def test_a_committed_history_replays(recorded: Recorded) -> None:
    result = await Replayer(workflows=WORKFLOWS).replay_workflow(
        recorded.history, raise_on_replay_failure=False
    )
    assert result.replay_failure is None, (
        f"{recorded.name} ({FOLDER.name}/{recorded.scenario}.json) no longer replays: "
        f"{result.replay_failure!r}"
    )


def test_every_registered_workflow_has_committed_histories() -> None:
    registered = {str(workflow._Definition.must_from_class(cls).name) for cls in WORKFLOWS}
    recorded = {r.workflow_type for r in RECORDED}
    assert registered <= recorded, f"no committed history of {sorted(registered - recorded)}"
    assert recorded <= registered, f"histories of unregistered {sorted(recorded - registered)}"


def test_the_histories_cover_the_paths_that_matter() -> None:
    """Gates, a site's rollback, a rollout's compensation, a transfer's qualification."""
    assert {r.scenario for r in RECORDED} >= {
        "rollout-approval-soak",
        "rollout-site-rolled-back",
        "rollout-aborted-compensated",
        "transfer-qualified",
    }
    children = [r for r in RECORDED if r.scenario == "transfer-qualified"]
    assert [r.workflow_type for r in children] == ["ProcessTransfer", "SiteDeployment"]
