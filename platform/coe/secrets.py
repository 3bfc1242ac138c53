"""Secrets the platform keeps for itself. Never in the repository: created under COE_HOME."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from coe.config import Settings


def load_or_create_secret(path: Path, nbytes: int = 32) -> bytes:
    """Read a hex secret from `path`, creating it (mode 0600) on first use."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process created it first
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(nbytes))
    return bytes.fromhex(path.read_text().strip())


def audit_key(settings: Settings) -> bytes:
    if settings.audit_key is not None:
        return bytes.fromhex(settings.audit_key.get_secret_value())
    return load_or_create_secret(settings.audit_key_path)
