"""The README, followed as printed: every ```bash block, in order, against a real `coe up`.

Each command runs in one bash session (so `export COE_TOKEN=…` and `ROLLOUT=$(…)` carry on, as
in a user's terminal), from a working copy of the repository's content (the walk-throughs edit
`templates/` and `site_overlays/`). A command must succeed, unless its trailing comment
promises an error code (`# FORBIDDEN`: the output names it) or a blocked plan (`# blocked: …`:
it exits non-zero). A block the test cannot run — one that starts the platform itself, or
needs servers elsewhere — carries `<!-- readme-test: skip: why -->` right above its fence. The
only rewriting is of the ports: the README's 8000 (API) and 9100 (plant agent) become the
free ports this stack runs on."""

from __future__ import annotations

import os
import queue
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from coe import errors
from tests.e2e.readme import Command, blocks
from tests.e2e.stack import Up

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
CONTENT = ("templates", "site_overlays", "plans", "contracts")
CODES = frozenset(
    {
        kind.code
        for kind in vars(errors).values()
        if isinstance(kind, type) and issubclass(kind, errors.CoeError)
    }
    | {"GRAPHQL_VALIDATION_FAILED", "BAD_REQUEST"}
)
DONE = "::readme-test-done::"
COMMAND_TIMEOUT = 420.0


class Shell:
    """One bash session fed command by command; each answers with its output and exit code."""

    def __init__(self, cwd: Path, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            ["bash", "--noprofile", "--norc", "-s"],
            cwd=cwd,
            env=env,
            text=True,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def run(self, text: str, timeout: float) -> tuple[int, str]:
        assert self.process.stdin is not None
        # the group keeps assignments and exports in this shell; its stdin is not the script's
        # (the marker goes on a line of its own even after output without a final newline)
        self.process.stdin.write(
            f"{{\n{text}\n}} 2>&1 < /dev/null\nprintf '\\n{DONE} %s\\n' \"$?\"\n"
        )
        self.process.stdin.flush()
        output: list[str] = []
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self.lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(
                    f"no end after {timeout:.0f} s; output so far:\n{''.join(output)}"
                ) from None
            if line is None:
                raise AssertionError(f"the shell ended; output:\n{''.join(output)}")
            if line.startswith(DONE):
                return int(line.split()[-1]), "".join(output)[:-1]  # less the marker's newline
            output.append(line)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[tuple[Up, Path]]:
    work = tmp_path / "repo"
    work.mkdir()
    for folder in CONTENT:
        shutil.copytree(ROOT / folder, work / folder)
    (work / ".venv").symlink_to(ROOT / ".venv")
    up = Up(work / ".coe", cwd=work)
    yield up, work
    if up.process is not None and up.process.poll() is None:
        up.stop()


def wait_for_demo_rollouts(up: Up, timeout: float = 300) -> None:
    """The first start rolls the demo templates out; a reader gets to rollouts after that."""
    headers = {"Authorization": f"Bearer {up.token('coe_architect')}"}
    query = {"query": "{ rollouts(first: 100) { nodes { status } } }"}
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        log = up.home / "logs" / "demo-rollouts.log"
        if log.exists() and "Demo rollouts" in log.read_text(encoding="utf-8", errors="replace"):
            nodes = httpx.post(f"{up.url}/graphql", json=query, headers=headers, timeout=10)
            if all(n["status"] != "running" for n in nodes.json()["data"]["rollouts"]["nodes"]):
                return
        time.sleep(1)
    raise AssertionError("the demo rollouts did not finish")


def check(command: Command, code: int, output: str) -> None:
    where = f"README.md:{command.line}: {command.text}\n--- exit {code}, output:\n{output}"
    promised = command.expected_codes(CODES)
    if command.expects_blocked:
        assert code != 0, f"a blocked plan must exit non-zero\n{where}"
        assert "blocked" in output.lower(), where
    elif promised:
        missing = [c for c in promised if c not in output]
        assert not missing, f"the README promises {missing}\n{where}"
    else:
        assert code == 0, where
    assert "Traceback" not in output, where
    assert "Warning:" not in output, where


def test_the_readme_works_as_printed(stack: tuple[Up, Path]) -> None:
    up, work = stack
    up.start()
    up.wait_ready()
    wait_for_demo_rollouts(up)
    env = {
        key: value
        for key, value in up.env.items()
        if key not in ("COE_TOKEN", "COE_API_URL", "VIRTUAL_ENV")
    }
    env |= {
        "PATH": f"{ROOT / '.venv' / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
        "COE_API_URL": up.url,
        "COLUMNS": "200",
    }
    ports = {
        "http://127.0.0.1:8000": up.url,
        "http://127.0.0.1:9100": f"http://127.0.0.1:{up.agent_port}",
    }
    shell = Shell(work, env)
    ran = 0
    try:
        for block in blocks(ROOT / "README.md"):
            if block.skipped is not None:
                assert block.skipped, f"README.md:{block.line}: say why the block is skipped"
                continue
            for command in block.commands:
                text = command.text
                for printed, actual in ports.items():
                    text = text.replace(printed, actual)
                print(f"README.md:{command.line}: {text}", flush=True)  # shown when it fails
                code, output = shell.run(text, COMMAND_TIMEOUT)
                print(output, flush=True)
                check(command, code, output)
                ran += 1
    finally:
        shell.close()
    assert ran > 60, "the README's examples were found and run"
