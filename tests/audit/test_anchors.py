"""The anchor store: append-only JSON lines outside the database, configured by one setting."""

from __future__ import annotations

import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from coe.audit.anchors import Anchor, AnchorStoreError, FileAnchorStore, anchor_store
from coe.config import Settings


def test_anchors_are_appended_and_the_highest_seq_is_the_latest(tmp_path: Path) -> None:
    store = FileAnchorStore(tmp_path / "anchors" / "audit-anchors.jsonl")
    assert store.latest() is None
    when = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
    store.record(Anchor(7, "a" * 64, when))
    store.record(Anchor(3, "b" * 64, when))  # a late writer with an older head
    assert store.latest() == Anchor(7, "a" * 64, when)
    assert len(store.path.read_text().splitlines()) == 2, "appended, never rewritten"
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600


def test_the_default_sink_is_a_file_under_coe_home(tmp_path: Path) -> None:
    store = anchor_store(Settings(home=tmp_path))
    assert isinstance(store, FileAnchorStore)
    assert store.path == tmp_path.resolve() / "audit-anchors.jsonl"
    worm = anchor_store(Settings(home=tmp_path, audit_anchor_sink="file:/mnt/worm/a.jsonl"))
    assert isinstance(worm, FileAnchorStore)
    assert worm.path == Path("/mnt/worm/a.jsonl")


@pytest.mark.parametrize("sink", ["s3://bucket/anchors", "file:", "anchors.jsonl"])
def test_an_unsupported_sink_is_refused_by_name(tmp_path: Path, sink: str) -> None:
    with pytest.raises(AnchorStoreError, match="COE_AUDIT_ANCHOR_SINK"):
        anchor_store(Settings(home=tmp_path, audit_anchor_sink=sink))


def test_a_damaged_anchor_file_is_an_error_naming_the_line(tmp_path: Path) -> None:
    store = FileAnchorStore(tmp_path / "audit-anchors.jsonl")
    store.record(Anchor(1, "c" * 64))
    with store.path.open("a") as handle:
        handle.write("{not json\n")
    with pytest.raises(AnchorStoreError, match="line 2 is not an anchor"):
        store.latest()
