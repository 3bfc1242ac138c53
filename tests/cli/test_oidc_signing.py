"""Signing from the CLI when the caller signed in through OIDC: the CLI signs them in again at
the identity provider (RFC 8628 device authorization grant, `prompt=login`, `max_age=0`) and
sends the fresh token with the signature; the API verifies it against the provider's JWKS.

The provider is a tiny one served on localhost by the test (tests/oidc_provider.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from coe.config import Settings
from tests.cli.conftest import Cli
from tests.oidc_provider import Provider, trusting
from tests.world import World, template

CLIENT = "coe-cli"


@pytest.fixture
def settings(settings: Settings, provider: Provider) -> Settings:
    """The API trusts the provider (as in production) besides the dev issuer (for setup)."""
    return trusting(settings, provider)


def _as_oidc_user(cli: Cli, token: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COE_API_URL": cli.url, "COE_TOKEN": token, "COLUMNS": "200"}
    env.pop("COE_OIDC_CLIENT_ID", None)
    return subprocess.run(
        [sys.executable, "-m", "coe", *args],
        env=env,
        text=True,
        input="",  # no terminal: the sign-in happens in the browser, not here
        capture_output=True,
        timeout=120,
        check=False,
    )


async def test_an_oidc_user_signs_after_signing_in_again_at_the_provider(
    cli: Cli, world: World, provider: Provider, tmp_path: Path
) -> None:
    path = tmp_path / "pouch.yaml"
    path.write_text(yaml.safe_dump(template()))
    assert cli("template", "publish", str(path)).returncode == 0
    approve = ("template", "approve", "pouch-sealing@1.0.0", "--reason", "DR-231 passed")

    signed = _as_oidc_user(cli, provider.token(), *approve)
    assert signed.returncode == 0, signed.stderr
    assert provider.device_requests == [
        {"client_id": CLIENT, "scope": "openid", "prompt": "login", "max_age": "0"}
    ]
    assert provider.polls == 2, "polled until the person had signed in"
    assert f"open {provider.issuer}/activate?c=WDJB" in signed.stderr
    assert "WDJB-MJHT" in signed.stderr
    assert "approved" in signed.stdout
    assert "Quinn Murphy" in signed.stdout


async def test_a_stale_sign_in_is_refused(
    cli: Cli, world: World, provider: Provider, tmp_path: Path
) -> None:
    """The API, not the CLI, decides whether the sign-in is fresh: a provider that answered
    with an old session (no new login) gets the signature refused."""
    path = tmp_path / "pouch.yaml"
    path.write_text(yaml.safe_dump(template()))
    assert cli("template", "publish", str(path)).returncode == 0
    hour_ago = int((datetime.now(UTC) - timedelta(hours=1)).timestamp())
    original = provider.token
    provider.token = lambda **claims: original(**{**claims, "auth_time": hour_ago})  # type: ignore[method-assign]
    refused = _as_oidc_user(
        cli, original(), "template", "approve", "pouch-sealing@1.0.0", "--reason", "ok"
    )
    assert refused.returncode == 1
    assert "SIGNATURE_REJECTED" in refused.stderr
    assert "re-authenticate: the sign-in is older than" in " ".join(refused.stderr.split())
