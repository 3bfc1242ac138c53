"""`coe transfer …` as scripts and people use it (subprocesses against a live API, worker and
plant agents): a blocked plan exits 1 with each blocker once; an unknown template says so;
the start prints the id first, alone; ids take `latest` and prefixes; the baseline options
reach the API and its warnings are printed; after both approvals the header says what
happens next; an extension prints the new window end."""

from __future__ import annotations

import asyncio
import json
import subprocess
from datetime import UTC, datetime, timedelta
from typing import Any

from temporalio.worker import Worker

from tests.cli.conftest import Cli
from tests.rollouts.conftest import Agent, agent, client, fleet, settings, worker
from tests.transfers.test_transfers import line, source_running, wait_status, wait_until
from tests.world import PASSWORD, World

__all__ = ["agent", "client", "fleet", "settings", "worker"]  # the fleet's fixtures

WHERE = ("--template", "pouch-sealing", "--from", "penang")


async def coe(cli: Cli, *args: str, **options: Any) -> subprocess.CompletedProcess[str]:
    # in a thread: the worker shares this event loop and must keep running meanwhile
    return await asyncio.to_thread(cli, *args, **options)


async def test_plan_and_start_speak_to_scripts(
    cli: Cli, fleet: World, agent: Agent, worker: Worker
) -> None:
    await source_running(fleet)  # penang: 500 units of 1.1.0 at 96 %
    await line(fleet, "galway", "blister-former")

    for command in ("plan", "start"):
        unknown = await coe(
            cli, "transfer", command, "--template", "nope", "--from", "penang", "--to", "cork",
            user="nina",
        )  # fmt: skip
        assert unknown.returncode == 1, unknown.stdout
        assert "(NOT_FOUND): template 'nope' is unknown" in unknown.stderr

    blocked = await coe(cli, "transfer", "plan", *WHERE, "--to", "galway", user="nina")
    assert blocked.returncode == 1, blocked.stdout
    assert "(BLOCKED): the transfer of pouch-sealing from penang to galway is blocked" in (
        blocked.stderr
    )
    reason = "galway has no work center or work unit of equipment class 'heat-sealer'"
    assert (blocked.stdout + blocked.stderr).count(reason) == 1
    assert "/spec/operations/1/equipmentClass" in blocked.stderr
    as_json = await coe(cli, "transfer", "plan", *WHERE, "--to", "galway", "--json", user="nina")
    assert as_json.returncode == 1
    assert json.loads(as_json.stdout)["ready"] is False

    small = await coe(cli, "transfer", "plan", *WHERE, "--to", "cork", user="nina")
    assert small.returncode == 0, small.stderr
    assert "warning: the baseline has only 500 units of pouch-sealing@1.1.0 at penang" in (
        small.stdout
    )
    chosen = await coe(
        cli, "transfer", "plan", *WHERE, "--to", "cork", "--baseline-version", "1.1.0",
        "--baseline-window", "7d", "--tolerance", "0.05", "--min-units", "100", "--json",
        user="nina",
    )  # fmt: skip
    assert chosen.returncode == 0, chosen.stderr
    package = json.loads(chosen.stdout)
    assert package["warnings"] == []  # 500 units are enough at a 5-point tolerance
    assert package["baseline"]["version"] == "1.1.0"
    assert package["baseline"]["to"] == str(datetime.now(UTC).date() + timedelta(days=1))
    empty = await coe(
        cli, "transfer", "plan", *WHERE, "--to", "cork",
        "--baseline-window", "2020-01-01..2020-02-01", user="nina",
    )  # fmt: skip
    assert empty.returncode == 1
    assert "penang made no units of pouch-sealing@1.1.0 from 2020-01-01 to 2020-01-31" in (
        empty.stderr
    )

    started = await coe(
        cli, "transfer", "start", *WHERE, "--to", "cork", "--min-units", "50", "--window", "1h",
        "-o", "plain", user="nina",
    )  # fmt: skip
    assert started.returncode == 0, started.stderr
    first = started.stdout.splitlines()[0]
    listed = await coe(cli, "transfer", "list", "--json", user="nina")
    transfer_id = json.loads(listed.stdout)[0]["id"]
    assert first == transfer_id
    assert "warning: the baseline has only 500 units" in started.stdout

    for given in ("latest", transfer_id[:-3], transfer_id):
        shown = await coe(cli, "transfer", "status", given, "--json", user="nina")
        assert shown.returncode == 0, (given, shown.stderr)
        assert json.loads(shown.stdout)["id"] == transfer_id
    nothing = await coe(cli, "transfer", "status", "no-such-transfer", user="nina")
    assert nothing.returncode == 1
    assert "no transfer matches 'no-such-transfer'" in nothing.stderr
    cancelled = await coe(cli, "transfer", "cancel", "latest", "--reason", "done", user="nina")
    assert cancelled.returncode == 0, cancelled.stderr


async def test_the_answers_of_approval_and_extension_say_where_the_transfer_is(
    cli: Cli, fleet: World, agent: Agent, worker: Worker
) -> None:
    await source_running(fleet)
    started = await coe(
        cli, "transfer", "start", *WHERE, "--to", "cork", "--min-units", "50", "--window", "2s",
        "--tolerance", "0.05", "--json", user="nina",
    )  # fmt: skip
    transfer_id = json.loads(started.stdout)["id"]
    prefix = transfer_id[: len("pouch-sealing-penang-cork-") + 2]
    completed = await coe(
        cli, "transfer", "complete", prefix, "--set", "label_language=de", user="cara"
    )
    assert completed.returncode == 0, completed.stderr
    headers = {}
    for side, user in (("source", "quinn"), ("target", "rui")):
        signed = await coe(
            cli, "transfer", "approve", "latest", "--side", side, "--reason", "TT-12 reviewed",
            "--password-stdin", user=user, stdin=PASSWORD + "\n",
        )  # fmt: skip
        assert signed.returncode == 0, signed.stderr
        headers[side] = signed.stdout.splitlines()[0]
    assert headers["source"].endswith("— awaiting_approval")
    assert headers["target"].endswith("— deploying")

    waiting = await wait_status(fleet, transfer_id, "awaiting_decision")
    old_end = waiting["qualification"]["deadline"][:19].replace("T", " ")
    extended = await coe(
        cli, "transfer", "extend", transfer_id, "--window", "8h", "--reason", "more units",
        user="nina",
    )  # fmt: skip
    assert extended.returncode == 0, extended.stderr
    assert old_end not in extended.stdout
    said = extended.stdout.strip().splitlines()[-1]
    assert said.startswith("qualifying again until ")
    new_end = said.removeprefix("qualifying again until ").removesuffix(" UTC")
    gap = datetime.fromisoformat(new_end) - datetime.fromisoformat(old_end)
    assert gap > timedelta(hours=7)  # 8 h from the extension, which came after the old end
    assert "qualification extended by 8h, until" in extended.stdout
    assert f"window ends {new_end.replace(' ', 'T')}" in extended.stdout
    mirrored = await wait_until(  # and the record says the same
        fleet,
        transfer_id,
        lambda t: t["qualification"]["deadline"][:19] == new_end.replace(" ", "T"),
    )
    assert mirrored["status"] == "qualifying"
    cancelled = await coe(cli, "transfer", "cancel", transfer_id, "--reason", "done", user="nina")
    assert cancelled.returncode == 0, cancelled.stderr
