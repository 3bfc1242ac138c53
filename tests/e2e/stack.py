"""`coe up` as a user runs it, on free ports and a home of its own, for the end-to-end tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Up:
    def __init__(self, home: Path, cwd: Path | None = None) -> None:
        self.home = home
        self.cwd = cwd
        self.api_port, self.temporal_port, self.ui_port = free_port(), free_port(), free_port()
        self.agent_port = free_port()
        self.env = {
            **{
                k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TEMPORAL_ADDRESS")
            },
            "COE_HOME": str(home),
            "COE_PORT": str(self.api_port),
            "COE_TEMPORAL_PORT": str(self.temporal_port),
            "COE_TEMPORAL_UI_PORT": str(self.ui_port),
            "COE_PLANT_AGENT_PORT": str(self.agent_port),
        }
        self.url = f"http://127.0.0.1:{self.api_port}"
        self.process: subprocess.Popen[str] | None = None

    def start(self) -> subprocess.Popen[str]:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "coe", "up"],
            env=self.env,
            cwd=self.cwd,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        return self.process

    def wait_ready(self, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise AssertionError(f"coe up exited: {self.process.stdout.read()}")  # type: ignore[union-attr]
            if (self.home / "tokens" / "coe_architect").exists():
                try:
                    if httpx.get(f"{self.url}/ready", timeout=2).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
            time.sleep(0.5)
        raise AssertionError("coe up was not ready in time")

    def child(self, *argv_tail: str) -> psutil.Process:
        """The direct child of `coe up` whose command line ends with `argv_tail`."""
        assert self.process is not None
        for child in psutil.Process(self.process.pid).children():
            if tuple(child.cmdline()[-len(argv_tail) :]) == argv_tail:
                return child
        raise AssertionError(f"no child running … {' '.join(argv_tail)}")

    def token(self, role: str) -> str:
        return (self.home / "tokens" / role).read_text().strip()

    def stop(self, signum: int = signal.SIGINT) -> tuple[int, str, list[psutil.Process], set[str]]:
        assert self.process is not None
        children = psutil.Process(self.process.pid).children(recursive=True)
        names = {child.name() for child in children}
        self.process.send_signal(signum)
        output, _ = self.process.communicate(timeout=90)
        return self.process.returncode, output, children, names

    def cli(self, *args: str, token: str | None = None) -> subprocess.CompletedProcess[str]:
        env = {**self.env, "COE_API_URL": self.url, "COE_TOKEN": token or ""}
        return subprocess.run(
            [sys.executable, "-m", "coe", *args],
            env=env,
            text=True,
            capture_output=True,
            timeout=120,
            check=False,
        )
