"""/reindex: one at a time, off the event loop, answering from the old index until it is done."""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Iterator
from typing import Any

import discord

from bot.discord_bot.service import AnswerService
from bot.discord_bot.texts import texts
from index import CorpusInvalid

log = logging.getLogger(__name__)

# Discord's message limit, less room for the heading line.
_MAX_ERRORS_CHARS = 1800

ReindexFn = Callable[..., Any]


class ReindexAlreadyRunning(Exception):
    def __init__(self, seconds_ago: float):
        super().__init__(texts().REINDEX_RUNNING.format(ago=round(seconds_ago)))


class Reindexer:
    """Runs `reindex(settings, embedder=...)` in a thread and then swaps the engine to it."""

    def __init__(self, service: AnswerService, reindex_fn: ReindexFn | None = None):
        self.service = service
        self._reindex_fn = reindex_fn
        self.started_at: float | None = None

    @property
    def running(self) -> bool:
        return self.started_at is not None

    def claim(self) -> contextlib.AbstractContextManager[None]:
        """Take the single reindex slot (released when the returned context exits) or raise
        ReindexAlreadyRunning. Checked and taken on the event loop, so two clicks cannot race."""
        if self.started_at is not None:
            raise ReindexAlreadyRunning(time.monotonic() - self.started_at)
        self.started_at = time.monotonic()
        return self._release_on_exit()

    @contextlib.contextmanager
    def _release_on_exit(self) -> Iterator[None]:
        try:
            yield
        finally:
            self.started_at = None

    async def run(self) -> str:
        """Reindex, then reload the engine; returns the report for the admin (never raises)."""
        try:
            return await self._run()
        except Exception as exc:  # the report must reach the admin whatever went wrong
            log.exception("reindex failed")
            return texts().REINDEX_FAILED.format(error=_one_line(exc))

    async def _run(self) -> str:
        service = self.service
        reindex_fn = self._reindex_fn or _default_reindex()
        # Reuse the engine's loaded embedding model instead of loading a second copy.
        embedder = getattr(service.engine, "embedder", None)
        try:
            summary = await service.in_thread(reindex_fn, service.settings, embedder=embedder)
        except CorpusInvalid as exc:
            return _invalid_report(list(exc.errors))
        if not getattr(summary, "changed", True):
            return texts().REINDEX_UNCHANGED.format(
                skipped=summary.skipped, version=summary.version
            )
        engine = service.engine
        if engine is not None:
            try:
                await service.in_thread(engine.reload)
            except Exception as exc:
                log.exception("reload after reindex failed")
                return texts().REINDEX_RELOAD_FAILED.format(
                    version=summary.version, error=_one_line(exc)
                )
        return texts().REINDEX_DONE.format(
            seconds=summary.seconds,
            added=summary.added,
            updated=summary.updated,
            deleted=summary.deleted,
            skipped=summary.skipped,
            version=summary.version,
        )


def _default_reindex() -> ReindexFn:
    from index import reindex

    return reindex


def _invalid_report(errors: list[str]) -> str:
    lines = [texts().REINDEX_INVALID]
    used = len(lines[0])
    for n, error in enumerate(errors):
        line = f"• {discord.utils.escape_markdown(error)}"
        if used + len(line) + 1 > _MAX_ERRORS_CHARS:
            lines.append(f"… and {len(errors) - n} more.")
            break
        lines.append(line)
        used += len(line) + 1
    return "\n".join(lines)


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:300]
