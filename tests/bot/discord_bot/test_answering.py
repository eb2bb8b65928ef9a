"""Delivering an answer: the default rendering with a "More" button, or the full one on request;
the service finds the full rendering in memory, or in the answer log after a restart."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.discord_bot.answering import answer_messages, deliver
from bot.discord_bot.rendering.splitter import split_markdown
from bot.discord_bot.service import AnswerService
from index.answer.contract import Answer, Verification
from index.answer.records import AskContext, LogRecord
from index.log.store import AnswerLog
from tests.support.discord.fake_engine import FakeEngine
from tests.support.discord.harness import make_settings

SHORT = "The lead.\n\n> A quote.\n🔴 **Allegation** · ¶1 — A note.\n\n_The full answer has more._"
FULL = "\n\n".join(
    f"> Quote number {n}. {'word ' * 60}\n🟢 **Established** · ¶{n}" for n in range(9)
)


def answer(*, detail: str | None = FULL, answer_id: str = "a1") -> Answer:
    return Answer(
        id=answer_id,
        question="Who?",
        status="answered",
        mode="extractive",
        rendered=SHORT,
        rendered_detail=detail,
        verification=Verification(passed=True),
    )


class Recorder:
    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    async def __call__(self, **kwargs: Any) -> None:
        self.sent.append(kwargs)

    def buttons(self) -> list[str]:
        view = self.sent[-1].get("view")
        return [item.custom_id for item in view.children] if view else []


def test_the_default_is_the_short_rendering_and_detail_the_full_one() -> None:
    assert answer_messages(answer()) == [SHORT]
    full = answer_messages(answer(), detail=True)
    assert len(full) > 1 and full == split_markdown(FULL)
    # An answer shown whole has nothing more to show.
    assert answer_messages(answer(detail=None), detail=True) == [SHORT]


async def test_the_more_button_comes_with_an_answer_that_has_more() -> None:
    send = Recorder()
    await deliver(send, answer())
    assert [m["content"] for m in send.sent] == [SHORT]
    assert send.buttons() == ["more:a1", "fb:up:a1", "fb:down:a1"]


async def test_no_more_button_on_a_whole_answer_or_the_full_one() -> None:
    whole = Recorder()
    await deliver(whole, answer(detail=None))
    assert whole.buttons() == ["fb:up:a1", "fb:down:a1"]
    full = Recorder()
    await deliver(full, answer(), detail=True)
    assert [m["content"] for m in full.sent] == split_markdown(FULL)
    assert full.buttons() == ["fb:up:a1", "fb:down:a1"]
    assert all("view" not in m for m in full.sent[:-1])


class OneAnswerEngine(FakeEngine):
    def __init__(self, answer_log: Any, result: Answer):
        super().__init__(answer_log)
        self.result = result

    def answer(self, question: str, context: AskContext | None = None) -> Answer:
        if self.log is not None:
            self.log.write(LogRecord(answer=self.result, context=context or AskContext()))
        return self.result


@pytest.fixture
def answer_log(tmp_path: Path) -> AnswerLog:
    return AnswerLog(tmp_path / "answers.db")


async def service_for(tmp_path: Path, engine: Any) -> AnswerService:
    service = AnswerService(make_settings(tmp_path), lambda: engine)
    await service.start()
    return service


async def test_the_full_answer_is_found_in_memory_then_in_the_log_after_a_restart(
    tmp_path: Path, answer_log: AnswerLog
) -> None:
    first = await service_for(tmp_path, OneAnswerEngine(answer_log, answer()))
    await first.answer("Who?", AskContext())
    first.engine.log = None  # type: ignore[union-attr]
    assert await first.detail("a1") == FULL  # from memory: the log is not read
    await first.close()

    restarted = await service_for(tmp_path, FakeEngine(AnswerLog(answer_log.path)))
    assert await restarted.detail("a1") == FULL
    assert await restarted.detail("not-an-answer") is None
    await restarted.close()


async def test_without_a_log_an_unknown_answer_is_not_retrievable(tmp_path: Path) -> None:
    service = await service_for(tmp_path, FakeEngine(None))
    assert await service.detail("a1") is None
    await service.close()


async def test_an_answer_logged_whole_gives_its_rendering(
    tmp_path: Path, answer_log: AnswerLog
) -> None:
    answer_log.write(LogRecord(answer=answer(detail=None, answer_id="w1")))
    service = await service_for(tmp_path, FakeEngine(answer_log))
    assert await service.detail("w1") == SHORT
    await service.close()
