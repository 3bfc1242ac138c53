"""The administrator's commands, run as a user runs them (a subprocess per command)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest

from coe.auth.principal import Role
from coe.auth.tokens import TokenVerifier
from coe.config import Settings
from coe.db import Sessions
from tests.cli.conftest import Cli
from tests.helpers import Api
from tests.sites.test_api import add_sites, seed_enterprise
from tests.world import World, template


def coe(
    settings: Settings, *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url or "",
        "COE_HOME": str(settings.home),
    }
    return subprocess.run(
        [sys.executable, "-m", "coe", *args],
        env=env,
        text=True,
        input=stdin,
        capture_output=True,
        timeout=120,
        check=False,
    )


def as_json(result: subprocess.CompletedProcess[str]) -> Any:
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


async def test_token_issue_prints_a_token_the_api_accepts(
    settings: Settings, sessions: Sessions, api: Api
) -> None:
    await seed_enterprise(sessions)
    await add_sites(api, "cork")
    result = as_json(
        coe(
            settings,
            "token",
            "issue",
            "--role",
            "plant",
            "--site",
            "cork",
            "--ttl",
            "15m",
            "--json",
        )
    )
    principal = await TokenVerifier.from_settings(settings).verify(result["token"])
    assert principal.roles == {Role.PLANT}
    assert principal.sites == {"cork"}
    assert result["subject"] == "dev-plant"


def test_token_issue_refuses_bad_input(settings: Settings) -> None:
    no_site = coe(settings, "token", "issue", "--role", "site_admin")
    assert no_site.returncode == 1
    assert "give at least one --site" in no_site.stderr
    bad_ttl = coe(settings, "token", "issue", "--role", "auditor", "--ttl", "forever")
    assert bad_ttl.returncode == 1
    assert "not a duration" in bad_ttl.stderr
    bad_role = coe(settings, "token", "issue", "--role", "root")
    assert bad_role.returncode == 2


async def test_token_issue_refuses_sites_that_do_not_exist(
    settings: Settings, sessions: Sessions, api: Api
) -> None:
    await seed_enterprise(sessions)
    await add_sites(api, "cork")
    for args in (
        ["--role", "plant", "--site", "atlantis"],
        ["--role", "site_admin", "--site", "cork", "--site", "atlantis", "--site", "mu"],
        ["--role", "qa_approver", "--site", "atlantis", "--json"],
    ):
        refused = coe(settings, "token", "issue", *args)
        assert refused.returncode == 1, args
        assert refused.stdout == "", "no token issued"
        assert "BAD_USER_INPUT" in refused.stderr
        named = "atlantis, mu" if "mu" in args else "atlantis"
        assert f"unknown site(s) {named}" in refused.stderr
    issued = as_json(coe(settings, "token", "issue", "--role", "plant", "--site", "cork", "--json"))
    assert issued["sites"] == ["cork"]


async def test_a_user_cannot_be_scoped_to_a_site_that_does_not_exist(
    settings: Settings, sessions: Sessions, api: Api
) -> None:
    await seed_enterprise(sessions)
    await add_sites(api, "cork")
    refused = coe(
        settings,
        *("user", "add", "sam", "--name", "Sam", "--role", "site_admin"),
        *("--site", "cork", "--site", "atlantis", "--password-stdin"),
        stdin="long enough password\n",
    )
    assert refused.returncode == 1
    assert "/sites: unknown site(s): atlantis" in refused.stderr
    assert as_json(coe(settings, "user", "list", "--json")) == []


async def test_users_are_added_hashed_and_tokens_name_them(settings: Settings) -> None:
    added = as_json(
        coe(
            settings,
            "user",
            "add",
            "quinn",
            "--name",
            "Quinn Murphy",
            "--role",
            "qa_approver",
            "--password-stdin",
            "--json",
            stdin="a long enough password\n",
        )
    )
    assert added == {
        "username": "quinn",
        "name": "Quinn Murphy",
        "roles": ["qa_approver"],
        "sites": [],
    }
    listed = as_json(coe(settings, "user", "list", "--json"))
    assert [user["username"] for user in listed] == ["quinn"]
    token = as_json(
        coe(settings, "token", "issue", "--role", "qa_approver", "--user", "quinn", "--json")
    )["token"]
    principal = await TokenVerifier.from_settings(settings).verify(token)
    assert (principal.subject, principal.name) == ("quinn", "Quinn Murphy")
    refused = coe(settings, "token", "issue", "--role", "coe_architect", "--user", "quinn")
    assert refused.returncode == 1
    assert "does not hold role(s) coe_architect" in refused.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["user", "add", "Bad Name", "--name", "X", "--role", "auditor"], "/username"),
        (["user", "add", "shorty", "--name", "X", "--role", "auditor"], "/password"),
        (["user", "add", "sam", "--name", "Sam", "--role", "site_admin"], "/sites"),
    ],
)
def test_bad_users_are_refused_with_the_reason(
    settings: Settings, args: list[str], message: str
) -> None:
    result = coe(
        settings,
        *args,
        "--password-stdin",
        stdin="short\n" if "shorty" in args else "long enough password\n",
    )
    assert result.returncode == 1
    assert message in result.stderr
    assert as_json(coe(settings, "user", "list", "--json")) == []


def test_init_creates_the_enterprise_once(settings: Settings) -> None:
    first = as_json(coe(settings, "init", "--key", "acme", "--name", "Acme Medical", "--json"))
    assert first == {"created": True, "key": "acme", "name": "Acme Medical"}
    second = as_json(coe(settings, "init", "--key", "other", "--name", "Other", "--json"))
    assert second == {"created": False, "key": "acme", "name": "Acme Medical"}


def _commands(group: Any, prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    found: list[tuple[tuple[str, ...], Any]] = []
    for name, command in getattr(group, "commands", {}).items():
        path = (*prefix, name)
        found += _commands(command, path) if hasattr(command, "commands") else [(path, command)]
    return found


def test_every_command_has_help_and_reporting_commands_have_json() -> None:
    from typer.main import get_command
    from typer.testing import CliRunner

    from coe.cli import app

    runner = CliRunner()
    commands = _commands(get_command(app))
    assert len(commands) >= 17
    no_output = {
        ("up",),
        ("api",),
        ("graphql-schema",),
        ("json-schemas",),
        ("db", "upgrade"),
        ("plant-agent",),
        ("completion",),
    }
    for path, command in commands:
        result = runner.invoke(app, [*path, "--help"])
        assert result.exit_code == 0, path
        assert "Usage" in result.output
        assert command.help, f"coe {' '.join(path)} has no help text"
        if path not in no_output:
            assert "--json" in result.output, f"coe {' '.join(path)} lacks --json"


async def test_an_architect_lists_and_unlocks_signing_locks(
    world: World, cli: Cli, settings: Settings
) -> None:
    document = template("1.0.0")
    (await world.save(document)).ok()
    (await world.step("submitTemplate", "pouch-sealing", "1.0.0")).ok()
    for _ in range(settings.signing_max_failures):
        await world.approve("pouch-sealing", "1.0.0", password="not the password at all")
    [listed] = as_json(cli("user", "signing-locks", "--json"))
    assert (listed["userId"], listed["locked"]) == ("quinn", True)
    human = cli("user", "signing-locks")
    assert human.returncode == 0, human.stderr
    assert "quinn" in human.stdout

    forbidden = cli("user", "unlock-signing", "quinn", "--reason", "it is me", user="quinn")
    assert forbidden.returncode == 1
    assert "FORBIDDEN" in forbidden.stderr
    unlocked = cli("user", "unlock-signing", "quinn", "--reason", "identity confirmed by phone")
    assert unlocked.returncode == 0, unlocked.stderr
    assert "signing unlocked for quinn" in unlocked.stdout
    assert as_json(cli("user", "signing-locks", "--json")) == []
    (await world.approve("pouch-sealing", "1.0.0")).ok()
