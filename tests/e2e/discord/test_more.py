"""The "More" button and `/ask detail:true`: the full answer, privately or on request, also after
a restart; and an honest reply when it is no longer retrievable."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bot.discord_bot.rendering.splitter import split_markdown
from bot.discord_bot.texts import texts
from index.answer.contract import Answer
from index.answer.records import AskContext, LogRecord
from index.log.store import AnswerLog
from tests.support.discord.fake_discord import FakeDiscord, Sent
from tests.support.discord.fake_engine import FakeEngine


def with_detail(answer: Answer) -> Answer:
    """The answer as the real engine shapes a long one: its lead, then the full rendering."""
    lead = answer.rendered.split("\n\n")[0]
    return answer.model_copy(
        update={
            "rendered": f"{lead}\n\n_The full answer has more._",
            "rendered_detail": answer.rendered,
        }
    )


class DetailingLog:
    """Logs each answer as `with_detail` shapes it."""

    def __init__(self, inner: AnswerLog):
        self.inner = inner

    def write(self, record: LogRecord) -> None:
        self.inner.write(replace(record, answer=with_detail(record.answer)))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


class DetailEngine(FakeEngine):
    """Long answers (several messages in full) with a short default rendering."""

    def __init__(self, answer_log: AnswerLog | None):
        super().__init__(
            DetailingLog(answer_log) if answer_log is not None else None,
            quotes=8,
            quote_words=60,
        )

    def _respond(
        self, kind: str, question: str, context: AskContext | None, background: bool
    ) -> Answer:
        return with_detail(super()._respond(kind, question, context, background))


def _buttons(message: Sent) -> list[str]:
    return [c["custom_id"] for row in message.components for c in row["components"]]


async def _answered(fake: FakeDiscord, **options: Any) -> list[Sent]:
    record = await fake.slash("ask", question="Who arrested Castillo?", **options)
    await fake.wait_for(lambda: any(m.components for m in record.messages))
    return record.visible


async def _press_more(fake: FakeDiscord, message: Sent, expected: int) -> list[Sent]:
    [more] = [b for b in _buttons(message) if b.startswith("more:")]
    click = await fake.click(message, more)
    await fake.wait_for(lambda: len(click.messages) >= expected)
    return click.messages


async def test_more_shows_the_full_answer_privately(fake: FakeDiscord, start_bot, answer_log):
    running = await start_bot(DetailEngine(answer_log))
    [message] = await _answered(fake)
    assert _buttons(message)[0].startswith("more:")
    answer_id = _buttons(message)[0].removeprefix("more:")
    detail = answer_log.get(answer_id).answer.rendered_detail
    assert detail is not None and message.content != detail
    expected = split_markdown(detail)
    assert len(expected) > 1

    shown = await _press_more(fake, message, len(expected))
    assert [m.content for m in shown] == expected
    assert all(m.ephemeral for m in shown)
    assert len(running.engine.calls) == 1  # pressing More does not ask again


async def test_more_still_works_after_a_restart(fake: FakeDiscord, start_bot, answer_log):
    first = await start_bot(DetailEngine(answer_log))
    [message] = await _answered(fake)
    assert await first.stop() == 0

    reopened = AnswerLog(answer_log.path)
    await start_bot(DetailEngine(reopened))
    answer_id = _buttons(message)[0].removeprefix("more:")
    expected = split_markdown(reopened.get(answer_id).answer.rendered_detail or "")
    shown = await _press_more(fake, message, len(expected))
    assert [m.content for m in shown] == expected


async def test_more_says_so_when_the_full_answer_is_gone(fake: FakeDiscord, start_bot):
    first = await start_bot(DetailEngine(None))
    [message] = await _answered(fake)
    assert await first.stop() == 0

    await start_bot(DetailEngine(None))
    [reply] = await _press_more(fake, message, 1)
    assert reply.content == texts().MORE_GONE and reply.ephemeral


async def test_ask_with_detail_sends_the_full_answer(fake: FakeDiscord, start_bot, answer_log):
    await start_bot(DetailEngine(answer_log))
    messages = await _answered(fake, detail=True)
    answer_id = _buttons(messages[-1])[0].split(":")[2]
    detail = answer_log.get(answer_id).answer.rendered_detail
    assert [m.content for m in messages] == split_markdown(detail or "")
    assert not any(b.startswith("more:") for m in messages for b in _buttons(m))
    assert not any(m.ephemeral for m in messages)
