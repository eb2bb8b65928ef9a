"""The bot-under-test's settings and handle, shared by the fixtures and the tests (a module of
its own, since `conftest` is not a unique module name across test directories)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.discord_bot.client import ExplainerBot
from bot.settings import BotSettings

BOT_CHILD = Path(__file__).resolve().with_name("bot_child.py")


def make_settings(tmp_path: Path, **overrides: Any) -> BotSettings:
    values: dict[str, Any] = {
        "data_dir": tmp_path / "data",
        "discord_token": "fake-bot-token",
        "user_cooldown_seconds": 0,
        "guild_questions_per_minute": 1000,
        "user_hash_salt": "test-salt",
    }
    values.update(overrides)
    return BotSettings(_env_file=None, **values)  # type: ignore[call-arg]


@dataclass
class Running:
    bot: ExplainerBot
    task: asyncio.Task[int]
    engine: Any
    settings: BotSettings

    async def stop(self) -> int:
        self.bot.request_shutdown()
        return await asyncio.wait_for(self.task, 15)
