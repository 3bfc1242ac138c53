"""`coe transfer …` as a user runs it: plan, start, complete, approve (e-signatures read from
standard input), status and list, against a live API, worker and plant agents."""

from __future__ import annotations

import asyncio
import json
import subprocess
from typing import Any

from temporalio.worker import Worker

from tests.cli.conftest import Cli
from tests.rollouts.conftest import Agent
from tests.transfers.test_transfers import source_running, wait_status
from tests.world import PASSWORD, World

WHERE = ("--template", "pouch-sealing", "--from", "penang", "--to", "cork")


async def test_a_transfer_from_the_command_line(
    cli: Cli, fleet: World, agent: Agent, worker: Worker
) -> None:
    async def coe(*args: str, **options: Any) -> subprocess.CompletedProcess[str]:
        # in a thread: the worker shares this event loop and must keep running meanwhile
        return await asyncio.to_thread(cli, *args, **options)

    await source_running(fleet)
    preview = await coe("transfer", "plan", *WHERE, user="nina")
    assert preview.returncode == 0, preview.stderr
    assert "baseline" in preview.stdout
    assert "96.0%" in preview.stdout
    assert "label_language" in preview.stdout
    assert "to choose" in preview.stdout
    chosen = await coe(
        "transfer", "plan", *WHERE, "--set", "label_language=de", "--json", user="nina"
    )
    assert json.loads(chosen.stdout)["ready"] is True

    started = await coe(
        "transfer", "start", *WHERE, "--min-units", "50", "--window", "1h", "--json", user="nina"
    )
    assert started.returncode == 0, started.stderr
    transfer_id = json.loads(started.stdout)["id"]
    missing = await coe("transfer", "complete", transfer_id, user="cara")
    assert missing.returncode != 0
    assert "/choices/label_language" in missing.stderr
    completed = await coe(
        "transfer", "complete", transfer_id, "--set", "label_language=de", user="cara"
    )
    assert completed.returncode == 0, completed.stderr
    assert "awaiting_approval" in completed.stdout
    for side, user in (("source", "quinn"), ("target", "rui")):
        signed = await coe(
            "transfer",
            "approve",
            transfer_id,
            "--side",
            side,
            "--reason",
            "protocol TT-12 reviewed",
            "--password-stdin",
            user=user,
            stdin=PASSWORD + "\n",
        )
        assert signed.returncode == 0, signed.stderr
        assert f"{side} approved" in signed.stdout
    await wait_status(fleet, transfer_id, "qualifying")
    shown = await coe("transfer", "status", transfer_id, user="nina")
    assert shown.returncode == 0, shown.stderr
    assert "qualifying" in shown.stdout
    assert "0 of 50 units so far" in shown.stdout
    listed = await coe("transfer", "list", "--json", user="nina")
    assert [t["id"] for t in json.loads(listed.stdout)] == [transfer_id]
    cancelled = await coe("transfer", "cancel", transfer_id, "--reason", "demo over", user="nina")
    assert cancelled.returncode == 0, cancelled.stderr
    assert "cancelled by nina: demo over" in cancelled.stdout
