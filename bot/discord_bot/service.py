"""The engine, called off the event loop: answer slots, worker threads and graceful draining."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections import OrderedDict
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ThreadPoolExecutor
from typing import Any, Protocol, TypeVar

from bot.discord_bot.limits import AnswerGate
from bot.settings import BotSettings
from index import Answer, AskContext
from index.answer.followup import FollowUp

log = logging.getLogger(__name__)
T = TypeVar("T")
# The latest answers kept in memory (for their "More" and "Still need help?" buttons, and as the
# previous answer of a follow-up); older ones (and all after a restart) are read back from the
# answer log.
RECENT_DETAILS = 256


class EngineLike(Protocol):
    """The part of `index.answer.engine.Engine` the bot uses (fakes in tests implement the same)."""

    log: Any

    def answer(
        self,
        question: str,
        context: AskContext | None = None,
        *,
        follow_up: FollowUp | None = None,
        language: str | None = None,
    ) -> Answer: ...
    def quote(
        self,
        topic: str,
        context: AskContext | None = None,
        *,
        follow_up: FollowUp | None = None,
        language: str | None = None,
    ) -> Answer: ...
    def claims(self, label: str | None = None) -> list[Any]: ...
    def about(self) -> Any: ...
    def reload(self) -> None: ...
    def close(self) -> None: ...


class AnswerService:
    """Runs every engine call in worker threads so the event loop never waits on the index,
    the model or the log; keeps track of questions in progress so shutdown can finish them."""

    def __init__(self, settings: BotSettings, engine_factory: Callable[[], EngineLike]):
        self.settings = settings
        self._factory = engine_factory
        self.engine: EngineLike | None = None
        self.gate = AnswerGate(settings.max_concurrent_answers, settings.queue_timeout_seconds)
        self._answers = ThreadPoolExecutor(
            settings.max_concurrent_answers, thread_name_prefix="explainer-answer"
        )
        # One worker keeps feedback writes in the order they were made (👎 then its reason).
        self._misc = ThreadPoolExecutor(1, thread_name_prefix="explainer-misc")
        self.accepting = True
        self._tasks: set[asyncio.Task[Any]] = set()
        self._closed = False
        self._recent: OrderedDict[str, Answer] = OrderedDict()

    @property
    def ready(self) -> bool:
        return self.engine is not None

    async def start(self) -> None:
        """Build the engine (loads the index and the model) in a worker thread."""
        self.engine = await self._run(self._misc, self._factory)

    async def _run(self, executor: Executor, fn: Callable[..., T], *args: Any, **kw: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(executor, functools.partial(fn, *args, **kw))

    def _engine(self) -> EngineLike:
        if self.engine is None:
            raise RuntimeError("the engine is not loaded yet")
        return self.engine

    async def answer(
        self,
        question: str,
        context: AskContext,
        *,
        quotes_only: bool = False,
        follow_up: FollowUp | None = None,
        language: str | None = None,
    ) -> Answer:
        """Wait for a free answer slot (or raise QueueTimeout), then answer in a worker thread.

        `follow_up`: the previous answer of the conversation (data); `language`: the server's
        fixed language (None: the question's)."""
        engine = self._engine()
        call = engine.quote if quotes_only else engine.answer
        extra: dict[str, Any] = {}
        if follow_up is not None:
            extra["follow_up"] = follow_up
        if language is not None:
            extra["language"] = language
        async with self.gate.slot():
            answer = await self._run(self._answers, call, question, context, **extra)
        self._recent[answer.id] = answer
        while len(self._recent) > RECENT_DETAILS:
            self._recent.popitem(last=False)
        return answer

    async def recall(self, answer_id: str) -> Answer | None:
        """An earlier answer: from memory, else from the answer log; None when neither has it."""
        if answer_id in self._recent:
            return self._recent[answer_id]
        return await self._run(self._misc, self._logged_answer, answer_id)

    async def detail(self, answer_id: str) -> str | None:
        """The full rendering of an answer (for its "More" button), or None when it is no
        longer retrievable (not in memory, and no answer log holds it)."""
        answer = await self.recall(answer_id)
        if answer is None:
            return None
        # An answer shown whole has no separate full rendering.
        return answer.rendered_detail or answer.rendered

    def _logged_answer(self, answer_id: str) -> Answer | None:
        answer_log = getattr(self._engine(), "log", None)
        if answer_log is None:
            return None
        try:
            answer: Answer = answer_log.get(answer_id).answer
        except KeyError:  # the log's UnknownAnswer: pruned, or written by another deployment
            log.info("answer %s is not in the answer log", answer_id)
            return None
        except Exception:
            log.exception("could not read answer %s from the answer log", answer_id)
            return None
        return answer

    async def claims(self, label: str | None) -> list[Any]:
        return await self._run(self._misc, self._engine().claims, label)

    async def about(self) -> Any:
        return await self._run(self._misc, self._engine().about)

    async def record_feedback(
        self, answer_id: str, user_hash: str, rating: str, reason: str | None
    ) -> None:
        await self._run(
            self._misc, self._engine().log.record_feedback, answer_id, user_hash, rating, reason
        )

    async def in_thread(self, fn: Callable[..., T], *args: Any, **kw: Any) -> T:
        """A long job (a reindex) on its own thread, so it never holds up answers or feedback."""
        return await asyncio.to_thread(fn, *args, **kw)

    @contextlib.contextmanager
    def tracked(self) -> Iterator[None]:
        """Mark the current task as a question in progress, which shutdown lets finish."""
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        try:
            yield
        finally:
            if task is not None:
                self._tasks.discard(task)

    @property
    def in_progress(self) -> int:
        return sum(1 for t in self._tasks if not t.done())

    async def drain(self, grace: float) -> int:
        """Stop taking questions; let those in progress finish for `grace` seconds, then cancel
        the rest. Returns how many were cancelled. Engine calls already running still finish
        (and log) in their threads: `close` waits for them."""
        self.accepting = False
        current = asyncio.current_task()
        pending = {t for t in self._tasks if not t.done() and t is not current}
        if pending:
            log.info("finishing %d question(s) in progress", len(pending))
            _, pending = await asyncio.wait(pending, timeout=grace)
        for task in pending:
            task.cancel()
        if pending:
            log.warning("cancelled %d question(s) still in progress at shutdown", len(pending))
            await asyncio.wait(pending, timeout=5)
        return len(pending)

    async def close(self) -> None:
        """Wait for the worker threads (so every answer is logged), then close the engine's log."""
        if self._closed:
            return
        self._closed = True
        self.accepting = False
        await asyncio.to_thread(self._answers.shutdown, wait=True)
        await asyncio.to_thread(self._misc.shutdown, wait=True)
        if self.engine is not None:
            await asyncio.to_thread(self.engine.close)
