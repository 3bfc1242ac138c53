"""The demo's people: their passwords (kept only in COE_HOME) and one dev token per role, as
`coe up` prints and writes them to `COE_HOME/tokens/<role>`."""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from coe.auth.principal import Principal, Role
from coe.auth.tokens import issue_dev_token
from coe.demo.sites import DEMO_PLANT_SITE, DEMO_USERS
from coe.work import UnitOfWork

TOKEN_TTL = timedelta(hours=12)

# role: (username, password for e-signatures or None, dev token)
DevTokens = dict[str, tuple[str, str | None, str]]


def write_credentials(path: Path, passwords: dict[str, str]) -> None:
    """Demo passwords live only in COE_HOME (mode 0600), never in the repository."""
    _write_private(path, json.dumps(passwords, indent=2))


def read_credentials(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    passwords: dict[str, str] = json.loads(path.read_text())
    return passwords


def dev_tokens(key: Ed25519PrivateKey, credentials_file: Path) -> DevTokens:
    """One dev token per demo user (by role), and one for the demo plant's agent."""
    passwords = read_credentials(credentials_file)
    tokens: DevTokens = {}
    for username, display_name, role, sites in DEMO_USERS:
        token = issue_dev_token(
            key, subject=username, name=display_name, roles=[role], sites=sites, ttl=TOKEN_TTL
        )
        tokens[role] = (username, passwords.get(username), token)
    plant = DEMO_PLANT_SITE
    tokens[Role.PLANT] = (
        f"plant-{plant}",
        None,
        issue_dev_token(
            key,
            subject=f"plant-{plant}",
            name=f"Plant {plant}",
            roles=[Role.PLANT],
            sites=[plant],
            ttl=TOKEN_TTL,
        ),
    )
    return tokens


def write_tokens(folder: Path, tokens: DevTokens) -> None:
    """Each token in `folder/<role>` (mode 0600), for `export COE_TOKEN=$(cat …)`."""
    folder.mkdir(parents=True, exist_ok=True)
    for role, (_username, _password, token) in tokens.items():
        _write_private(folder / role, token + "\n")


def as_user(work: UnitOfWork, username: str) -> UnitOfWork:
    """The same transaction, acting as one of the demo users."""
    display_name, role, site_keys = next(
        (name, role, keys) for user, name, role, keys in DEMO_USERS if user == username
    )
    principal = Principal(
        subject=username, name=display_name, roles=frozenset({role}), sites=frozenset(site_keys)
    )
    return UnitOfWork(
        session=work.session,
        principal=principal,
        audit_key=work.audit_key,
        request_id=work.request_id,
    )


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
