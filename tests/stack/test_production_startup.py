"""Production refuses to start without its external servers and shared keys, naming each one,
instead of starting an embedded PostgreSQL and creating keys of its own."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from pydantic import SecretStr

from coe.app import create_app
from coe.config import Environment, ProductionConfigError, Settings, check_production

KEY = SecretStr("ab" * 32)
MISSING = {
    "database_url": "DATABASE_URL",
    "temporal_address": "TEMPORAL_ADDRESS",
    "audit_key": "COE_AUDIT_KEY",
    "plant_key": "COE_PLANT_KEY",
    "audit_anchor_sink": "COE_AUDIT_ANCHOR_SINK",
}


def production(home: Path, **overrides: Any) -> Settings:
    complete: dict[str, Any] = {
        "env": Environment.PRODUCTION,
        "home": home,
        "database_url": "postgresql://coe@db.internal/coe",
        "temporal_address": "temporal.internal:7233",
        "audit_key": KEY,
        "plant_key": KEY,
        "audit_anchor_sink": f"file:{home / 'anchors.jsonl'}",
    }
    return Settings(**{**complete, **overrides})


def test_complete_production_settings_pass(tmp_path: Path) -> None:
    check_production(production(tmp_path))


@pytest.mark.parametrize("field", list(MISSING))
def test_each_missing_setting_is_named(tmp_path: Path, field: str) -> None:
    with pytest.raises(ProductionConfigError) as raised:
        check_production(production(tmp_path, **{field: None}))
    named = [variable for variable in MISSING.values() if variable in str(raised.value)]
    assert named == [MISSING[field]], str(raised.value)


def test_every_missing_setting_is_named_in_one_message(tmp_path: Path) -> None:
    with pytest.raises(ProductionConfigError) as raised:
        check_production(production(tmp_path, **dict.fromkeys(MISSING)))
    message = str(raised.value)
    assert all(variable in message for variable in MISSING.values()), message


def test_a_key_file_that_does_not_exist_is_named(tmp_path: Path) -> None:
    absent = tmp_path / "secrets" / "audit-key"
    with pytest.raises(ProductionConfigError, match=f"COE_AUDIT_KEY_FILE {absent} does not"):
        check_production(production(tmp_path, audit_key=None, audit_key_file=absent))
    given = tmp_path / "plant-key"
    given.write_text("cd" * 32)
    check_production(production(tmp_path, plant_key=None, plant_key_file=given))


def test_development_needs_none_of_it(tmp_path: Path) -> None:
    check_production(Settings(home=tmp_path, database_url=None, temporal_address=None))


async def test_the_api_refuses_to_start_and_starts_no_embedded_database(tmp_path: Path) -> None:
    settings = production(tmp_path, database_url=None, audit_key=None)
    with pytest.raises(ExceptionGroup) as raised:  # the test client's task group wraps it
        async with AsyncTestClient(app=create_app(settings)):
            pass
    refused = raised.value.subgroup(ProductionConfigError)
    assert refused is not None, raised.value
    assert "DATABASE_URL" in str(refused.exceptions[0])
    assert "COE_AUDIT_KEY" in str(refused.exceptions[0])
    assert not settings.pgdata.exists(), "no embedded PostgreSQL was started"
    assert not settings.audit_key_path.exists(), "no audit key was created"


def production_env(home: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("COE_") and key not in ("DATABASE_URL", "TEMPORAL_ADDRESS")
    }
    return {**env, "COE_ENV": "production", "COE_HOME": str(home)}


def test_coe_up_refuses_before_starting_anything(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "coe", "up"],
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    output = " ".join(result.stdout.split())  # the console wraps long lines
    assert all(variable in output for variable in MISSING.values()), output
    assert not (tmp_path / "pgdata").exists(), "no embedded PostgreSQL was started"


def test_the_worker_refuses_to_start_naming_what_is_missing(tmp_path: Path) -> None:
    env = production_env(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "coe_workflows.worker"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    assert all(variable in result.stderr for variable in MISSING.values()), result.stderr
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == [], "no embedded database, no keys created"
