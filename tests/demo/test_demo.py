"""The demo package: its content found without a source checkout, and demo rollouts that report
what the API refused instead of skipping it."""

from __future__ import annotations

from pathlib import Path

import pytest

from coe.auth.principal import Role
from coe.cli.client import ApiClient
from coe.config import Settings
from coe.demo.rollouts import UPGRADE, demo_rollouts, waits
from coe.demo.seed import SOURCE_CHECKOUT, DemoContentError, content_root
from tests.cli.conftest import live_api
from tests.helpers import Tokens

__all__ = ["live_api"]


def test_the_demo_content_is_where_the_setting_says(tmp_path: Path) -> None:
    (tmp_path / "templates").mkdir()
    assert content_root(Settings(demo_content_dir=tmp_path)) == tmp_path.resolve()


def test_without_the_setting_the_source_checkout_holds_the_content() -> None:
    assert content_root(Settings()) == SOURCE_CHECKOUT
    assert (SOURCE_CHECKOUT / "templates").is_dir()


def test_a_content_folder_without_templates_is_refused_by_name(tmp_path: Path) -> None:
    with pytest.raises(
        DemoContentError, match=f"COE_DEMO_CONTENT_DIR={tmp_path} has no templates/"
    ):
        content_root(Settings(demo_content_dir=tmp_path))


def test_the_waits_back_off_and_end() -> None:
    pauses = list(waits(30))
    assert pauses[:4] == [0.25, 0.5, 1.0, 2.0]
    assert max(pauses) == 5.0
    assert sum(pauses[:-1]) < 30 <= sum(pauses)


def test_a_rollout_the_api_refuses_is_reported_not_skipped(live_api: str, tokens: Tokens) -> None:
    """An empty registry: the upgrade the demo always adds is not there to roll out."""
    api = ApiClient(live_api, tokens.issue(Role.COE_ARCHITECT, subject="ada"))
    reported: list[str] = []
    results = demo_rollouts(api, timeout=5, report=lambda r: reported.append(r.error))
    assert [(r.template, r.version, r.id) for r in results] == [(*UPGRADE, "")]
    assert results[0].error.startswith("not started ("), results[0].error
    assert "sterile-barrier-sealing" in results[0].error
    assert reported == [results[0].error], results
