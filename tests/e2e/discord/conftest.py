"""Fixtures: a fake Discord on 127.0.0.1 and the real bot client connected to it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from bot.discord_bot.client import ExplainerBot
from bot.discord_bot.runner import serve
from index.log.store import AnswerLog
from tests.support.discord.fake_discord import FakeDiscord
from tests.support.discord.fake_engine import FakeEngine
from tests.support.discord.harness import Running, make_settings

StartBot = Callable[..., Awaitable[Running]]


@pytest.fixture
async def fake(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeDiscord]:
    server = await FakeDiscord().start()
    server.patch(monkeypatch)
    yield server
    await server.stop()


@pytest.fixture
def answer_log(tmp_path: Path) -> AnswerLog:
    return AnswerLog(tmp_path / "answers.db")


@pytest.fixture
async def start_bot(
    fake: FakeDiscord, tmp_path: Path, answer_log: AnswerLog
) -> AsyncIterator[StartBot]:
    started: list[Running] = []

    async def start(
        engine: Any = None,
        *,
        reindex_fn: Any = None,
        sync_guild: int | None = fake.guild.id,
        **overrides: Any,
    ) -> Running:
        settings = make_settings(tmp_path, **overrides)
        engine = engine if engine is not None else FakeEngine(answer_log)
        bot = ExplainerBot(
            settings,
            lambda: engine,
            sync_guild=sync_guild,
            reindex_fn=reindex_fn,
            guild_ready_timeout=0.05,
        )
        task = asyncio.create_task(serve(bot, fake.token))
        ready = asyncio.create_task(bot.wait_until_ready())
        await asyncio.wait({task, ready}, timeout=10, return_when=asyncio.FIRST_COMPLETED)
        if not ready.done():
            ready.cancel()
            raise RuntimeError(
                f"the bot did not become ready (exit {task.result() if task.done() else '?'})"
            )
        running = Running(bot, task, engine, settings)
        started.append(running)
        return running

    yield start
    for running in started:
        if not running.task.done():
            await running.stop()
