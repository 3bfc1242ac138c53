"""Keys created on first start: atomically, so racing processes agree on one non-empty key."""

from __future__ import annotations

import stat
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from coe.config import Environment, Settings
from coe.plants.credentials import plant_key
from coe.secrets import SecretError, audit_key, load_or_create_secret

RACERS = 16
ROUNDS = 40


def race(path: Path) -> list[bytes | Exception]:
    """RACERS threads ask for the key at the same instant, on a folder without it."""
    start = threading.Barrier(RACERS)

    def load() -> bytes | Exception:
        start.wait()
        try:
            return load_or_create_secret(path)
        except Exception as error:  # a racer that read a half-written file
            return error

    with ThreadPoolExecutor(RACERS) as pool:
        return list(pool.map(lambda _: load(), range(RACERS)))


def test_racing_first_starts_all_get_the_same_non_empty_key(tmp_path: Path) -> None:
    for round_ in range(ROUNDS):
        path = tmp_path / f"round-{round_}" / "plant-key"
        keys = race(path)
        assert all(isinstance(key, bytes) and len(key) == 32 for key in keys), keys
        assert len(set(keys)) == 1, "every racer uses the key that was stored"
        assert bytes.fromhex(path.read_text()) == keys[0]
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert [p.name for p in path.parent.iterdir()] == ["plant-key"], "no temporary left"


def test_an_empty_key_file_is_an_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "audit-key"
    path.write_text("")
    with pytest.raises(SecretError, match=f"{path} is empty"):
        load_or_create_secret(path)


def test_production_never_creates_a_key(tmp_path: Path) -> None:
    production = Settings(
        env=Environment.PRODUCTION,
        home=tmp_path,
        audit_key=None,
        plant_key=None,
        audit_key_file=tmp_path / "audit-key",
        plant_key_file=tmp_path / "plant-key",
    )
    with pytest.raises(SecretError, match="never created"):
        audit_key(production)
    with pytest.raises(SecretError, match="never created"):
        plant_key(production)
    assert list(tmp_path.iterdir()) == []
