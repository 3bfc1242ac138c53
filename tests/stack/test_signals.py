"""Ctrl-C (or SIGTERM) while `coe up` seeds: the seed's transaction rolls back as on any error
and the platform stops after, instead of a `BaseException` raised by the signal handler in
the middle of the transaction."""

from __future__ import annotations

import asyncio
import os
import signal

import pytest
from sqlalchemy import func
from sqlmodel import select

from coe.db import create_engine, create_sessions, transaction
from coe.models import Enterprise
from coe.stack.supervisor import SIGNALS, Shutdown, run_until_signal


async def enterprises(database_url: str) -> int:
    engine = create_engine(database_url, pool_size=1)
    try:
        async with transaction(create_sessions(engine)) as session:
            counted = await session.exec(select(func.count()).select_from(Enterprise))
            return int(counted.one())
    finally:
        await engine.dispose()


def test_a_signal_mid_seed_rolls_the_seed_back_then_stops(database_url: str) -> None:
    seen: list[str] = []

    async def seed_interrupted() -> None:
        engine = create_engine(database_url, pool_size=1)
        try:
            async with transaction(create_sessions(engine)) as session:
                session.add(Enterprise(key="acme-medical", name="Acme Medical Devices"))
                await session.flush()  # written, not committed
                os.kill(os.getpid(), signal.SIGTERM)
                await asyncio.Event().wait()  # the next await: where the signal lands
        except asyncio.CancelledError:
            seen.append("cancelled at an await")
            raise
        finally:
            await engine.dispose()
            seen.append("cleaned up")

    before = {signum: signal.getsignal(signum) for signum in SIGNALS}
    try:
        with pytest.raises(Shutdown, match="SIGTERM"):
            run_until_signal(seed_interrupted())
        assert seen == ["cancelled at an await", "cleaned up"]
        assert signal.getsignal(signal.SIGTERM) == signal.SIG_IGN  # one request to stop
    finally:
        for signum, handler in before.items():
            signal.signal(signum, handler)
    assert asyncio.run(enterprises(database_url)) == 0


def test_without_a_signal_the_seed_answers_and_the_handlers_are_back(database_url: str) -> None:
    async def seed() -> int:
        return await enterprises(database_url)

    before = {signum: signal.getsignal(signum) for signum in SIGNALS}
    assert run_until_signal(seed()) == 0
    assert {signum: signal.getsignal(signum) for signum in SIGNALS} == before
