"""The audit hash chain, as pure functions: every kind of tampering is found and named."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from coe.audit.chain import GENESIS, ChainEntry, Tampering, link_hash, verify_chain

KEY = b"k" * 32


def build_chain(length: int, key: bytes = KEY) -> list[ChainEntry]:
    entries: list[ChainEntry] = []
    previous = GENESIS
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for seq in range(1, length + 1):
        content = {
            "occurred_at": start + timedelta(minutes=seq),
            "actor": f"user{seq % 3}",
            "action": "site.updated",
            "entity_type": "site",
            "entity_id": f"s{seq}",
            "after": {"n": seq},
        }
        digest = link_hash(key, previous, content)
        entries.append(ChainEntry(seq=seq, prev_hash=previous, hash=digest, content=content))
        previous = digest
    return entries


def kinds(entries: list[ChainEntry]) -> set[tuple[Tampering, int]]:
    return {(f.kind, f.seq) for f in verify_chain(KEY, entries).findings}


def test_an_untouched_chain_is_intact() -> None:
    report = verify_chain(KEY, build_chain(5))
    assert report.intact
    assert report.records == 5
    assert report.head_seq == 5


def test_an_empty_chain_is_intact() -> None:
    assert verify_chain(KEY, []).intact


def test_edited_content_is_found() -> None:
    chain = build_chain(5)
    chain[2] = replace(chain[2], content={**chain[2].content, "actor": "mallory"})
    assert kinds(chain) == {(Tampering.EDITED, 3)}


def test_a_rehashed_edit_without_the_key_is_found() -> None:
    chain = build_chain(5)
    content = {**chain[2].content, "actor": "mallory"}
    forged = link_hash(b"wrong key", chain[2].prev_hash, content)
    chain[2] = replace(chain[2], content=content, hash=forged)
    assert (Tampering.EDITED, 3) in kinds(chain)


def test_a_deleted_record_is_found() -> None:
    chain = build_chain(5)
    del chain[2]
    assert kinds(chain) == {(Tampering.DELETED, 3)}


def test_a_deleted_first_record_is_found() -> None:
    chain = build_chain(3)[1:]
    assert kinds(chain) == {(Tampering.DELETED, 1)}


def test_a_record_inserted_and_renumbered_is_found() -> None:
    chain = build_chain(5)
    forged = ChainEntry(
        seq=3,
        prev_hash=chain[1].hash,
        hash="f" * 64,
        content={**chain[2].content, "actor": "mallory"},
    )
    renumbered = [replace(entry, seq=entry.seq + 1) for entry in chain[2:]]
    assert kinds([*chain[:2], forged, *renumbered]) == {(Tampering.INSERTED, 3)}


def test_swapped_records_are_found_as_reordered() -> None:
    chain = build_chain(5)
    swapped = [chain[0], replace(chain[2], seq=2), replace(chain[1], seq=3), *chain[3:]]
    found = kinds(swapped)
    assert (Tampering.REORDERED, 2) in found
    assert {kind for kind, _ in found} == {Tampering.REORDERED}


def test_a_chain_under_another_key_does_not_verify() -> None:
    report = verify_chain(b"other key", build_chain(3))
    assert {f.kind for f in report.findings} == {Tampering.EDITED}


@given(length=st.integers(min_value=2, max_value=12), data=st.data())
def test_any_single_deletion_or_edit_is_detected(length: int, data: st.DataObject) -> None:
    chain = build_chain(length)
    index = data.draw(st.integers(min_value=0, max_value=length - 1))
    if data.draw(st.booleans()):
        tampered = chain[:index] + chain[index + 1 :]
        if index == length - 1:
            # The newest record leaves no trace in the chain itself: that is what anchors are
            # for (see test_trail.py); everything before it must still verify.
            assert verify_chain(KEY, tampered).intact
            return
    else:
        tampered = list(chain)
        tampered[index] = replace(chain[index], content={**chain[index].content, "reason": "x"})
    assert not verify_chain(KEY, tampered).intact
