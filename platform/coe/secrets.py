"""Secrets the platform keeps for itself. Never in the repository: created under COE_HOME.

In production they are never created: `config.check_production` requires them to be given, so
every replica chains the audit trail and derives plant credentials with the same keys.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from pathlib import Path

from coe.config import Settings


class SecretError(RuntimeError):
    """A secret file is missing (where it may not be created) or unreadable."""


def load_or_create_secret(path: Path, nbytes: int = 32, *, create: bool = True) -> bytes:
    """Read a hex secret from `path`; on first use create it atomically (mode 0600).

    The new key is written to a temporary file in the same folder and fsynced, then hard-linked
    into place, which fails if the name exists: of several processes racing on a first start
    (the worker and the plant agents), exactly one link wins and all of them read that key. A
    reader never sees an empty or half-written file, because the name appears only when complete.
    """
    if path.exists():
        return _read_secret(path)
    if not create:
        raise SecretError(f"{path} does not exist (in production keys are given, never created)")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")  # mode 0600
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(nbytes))
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileExistsError):  # another process won: use its key
            os.link(temporary, path)
            _fsync_folder(path.parent)
    finally:
        os.unlink(temporary)
    return _read_secret(path)


def _read_secret(path: Path) -> bytes:
    text = path.read_text().strip()
    if not text:
        raise SecretError(f"{path} is empty: restore the key from your backup")
    try:
        return bytes.fromhex(text)
    except ValueError:
        raise SecretError(f"{path} does not hold a hex key") from None


def _fsync_folder(folder: Path) -> None:
    """Make the new name itself durable, not only the file's bytes."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def secret_from(settings: Settings, value: str | None, path: Path) -> bytes:
    """A key given in the environment (hex), else read from (or, outside production, created
    at) `path`."""
    if value is not None:
        return bytes.fromhex(value)
    return load_or_create_secret(path, create=not settings.is_production)


def audit_key(settings: Settings) -> bytes:
    value = settings.audit_key.get_secret_value() if settings.audit_key else None
    return secret_from(settings, value, settings.audit_key_path)
