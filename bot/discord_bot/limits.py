"""Who may ask how often: per-user cooldown, per-guild rate, and the cap on answers in progress."""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Hashable
from contextlib import asynccontextmanager

from bot.discord_bot.texts import texts
from bot.settings import BotSettings

Clock = Callable[[], float]
# Forget idle keys once this many are kept, so a long-running bot does not grow without bound.
_PRUNE_AT = 10_000


class Cooldown:
    """At most one question per key every `seconds`."""

    def __init__(self, seconds: float, clock: Clock = time.monotonic):
        self.seconds = seconds
        self._clock = clock
        self._last: dict[Hashable, float] = {}

    def wait_for(self, key: Hashable) -> float:
        """Seconds until `key` may ask again (0 when it may ask now)."""
        last = self._last.get(key)
        if last is None:
            return 0.0
        return max(0.0, last + self.seconds - self._clock())

    def hit(self, key: Hashable) -> None:
        now = self._clock()
        if len(self._last) >= _PRUNE_AT:
            self._last = {k: t for k, t in self._last.items() if t + self.seconds > now}
        self._last[key] = now


class RateWindow:
    """At most `limit` questions per key in any sliding `window` seconds."""

    def __init__(self, limit: int, window: float = 60.0, clock: Clock = time.monotonic):
        self.limit = limit
        self.window = window
        self._clock = clock
        self._hits: dict[Hashable, deque[float]] = {}

    def _recent(self, key: Hashable) -> deque[float]:
        hits = self._hits.setdefault(key, deque())
        horizon = self._clock() - self.window
        while hits and hits[0] <= horizon:
            hits.popleft()
        return hits

    def wait_for(self, key: Hashable) -> float:
        hits = self._recent(key)
        if len(hits) < self.limit:
            return 0.0
        return max(0.0, hits[0] + self.window - self._clock())

    def hit(self, key: Hashable) -> None:
        if len(self._hits) >= _PRUNE_AT:
            for stale in [k for k in self._hits if not self._recent(k)]:
                del self._hits[stale]
        self._recent(key).append(self._clock())


class Limits:
    """The per-user and per-guild limits from the settings, checked together."""

    def __init__(self, settings: BotSettings, clock: Clock = time.monotonic):
        self.users = Cooldown(settings.user_cooldown_seconds, clock)
        self.guilds = RateWindow(settings.guild_questions_per_minute, 60.0, clock)

    def admit(self, user_id: int, guild_id: int | None) -> str | None:
        """Count a question and return None, or return why it is refused (nothing counted)."""
        wait = self.users.wait_for(user_id)
        if wait > 0:
            return texts().COOLDOWN.format(seconds=math.ceil(wait))
        if guild_id is not None:
            wait = self.guilds.wait_for(guild_id)
            if wait > 0:
                return texts().GUILD_BUSY.format(limit=self.guilds.limit, seconds=math.ceil(wait))
            self.guilds.hit(guild_id)
        self.users.hit(user_id)
        return None


class QueueTimeout(Exception):
    """No answer slot became free within the queue timeout."""


class AnswerGate:
    """At most `capacity` answers in progress; others wait up to `timeout` seconds for a slot."""

    def __init__(self, capacity: int, timeout: float):
        self.capacity = capacity
        self.timeout = timeout
        self._slots = asyncio.Semaphore(capacity)
        self.waiting = 0
        self.active = 0

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        self.waiting += 1
        try:
            await asyncio.wait_for(self._slots.acquire(), self.timeout)
        except TimeoutError:
            raise QueueTimeout() from None
        finally:
            self.waiting -= 1
        self.active += 1
        try:
            yield
        finally:
            self.active -= 1
            self._slots.release()
