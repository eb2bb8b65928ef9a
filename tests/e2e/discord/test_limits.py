"""Cooldown, per-guild rate, the answer queue, allowlists: each refused with one private line."""

from __future__ import annotations

import asyncio

from bot.discord_bot.texts import texts
from tests.support.discord.fake_discord import FakeDiscord, InteractionRecord
from tests.support.discord.fake_engine import FakeEngine


def _private_refusal(record: InteractionRecord) -> str | None:
    """The text of an immediate ephemeral reply (callback type 4 with the ephemeral flag)."""
    if record.callback_types != [4]:
        return None
    data = record.callbacks[0]["data"]
    return data["content"] if int(data.get("flags") or 0) & 64 else None


async def test_a_second_question_within_the_cooldown_is_refused_privately(
    fake: FakeDiscord, start_bot
):
    running = await start_bot(user_cooldown_seconds=60)
    first = await fake.slash("ask", question="Who arrested Castillo?")
    await fake.wait_for(lambda: first.visible)
    second = await fake.slash("ask", question="And then?")
    await fake.wait_for(lambda: second.callbacks)

    refusal = _private_refusal(second)
    assert (
        refusal is not None
        and refusal.startswith("Please wait")
        and "before asking again" in refusal
    )
    assert len(running.engine.calls) == 1
    other = await fake.slash("ask", question="Who voted?", user=fake.other_member)
    await fake.wait_for(lambda: other.visible)
    assert other.callback_types == [5]


async def test_the_guild_rate_limit_refuses_the_extra_question(fake: FakeDiscord, start_bot):
    await start_bot(guild_questions_per_minute=1)
    first = await fake.slash("ask", question="Who arrested Castillo?")
    await fake.wait_for(lambda: first.visible)
    second = await fake.slash("ask", question="Who voted?", user=fake.other_member)
    await fake.wait_for(lambda: second.callbacks)
    assert "This server has asked 1 questions in the last minute" in (
        _private_refusal(second) or ""
    )


async def test_when_every_answer_slot_stays_busy_the_queued_question_times_out_privately(
    fake: FakeDiscord, start_bot, answer_log
):
    engine = FakeEngine(answer_log)
    engine.hold()
    await start_bot(engine, max_concurrent_answers=1, queue_timeout_seconds=0.3)
    busy = await fake.slash("ask", question="Who arrested Castillo?")
    await asyncio.to_thread(engine.started.wait, 5)
    queued = await fake.slash("ask", question="Who voted?", user=fake.other_member)
    await fake.wait_for(lambda: queued.original_deleted and queued.messages)

    assert queued.callback_types == [5]  # deferred at once, then waited for a slot
    [line] = queued.visible
    assert line.ephemeral and line.content == texts().QUEUE_FULL
    engine.release.set()
    await fake.wait_for(lambda: any(m.components for m in busy.messages))
    assert [c[1] for c in engine.calls] == ["Who arrested Castillo?"]


async def test_a_queued_question_is_answered_when_a_slot_frees_in_time(
    fake: FakeDiscord, start_bot, answer_log
):
    engine = FakeEngine(answer_log)
    engine.hold()
    await start_bot(engine, max_concurrent_answers=1, queue_timeout_seconds=10)
    first = await fake.slash("ask", question="Who arrested Castillo?")
    await asyncio.to_thread(engine.started.wait, 5)
    second = await fake.slash("ask", question="Who voted?", user=fake.other_member)
    await fake.wait_for(lambda: second.callbacks)
    engine.release.set()
    await fake.wait_for(lambda: any(m.components for m in second.messages))
    assert any(m.components for m in first.messages)


async def test_channels_outside_the_allowlist_are_refused(fake: FakeDiscord, start_bot):
    running = await start_bot(channel_allowlist=str(fake.channel_id))
    record = await fake.slash(
        "ask", question="Who arrested Castillo?", channel_id=fake.other_channel_id
    )
    await fake.wait_for(lambda: record.callbacks)
    assert _private_refusal(record) == texts().NOT_IN_CHANNEL
    assert running.engine.calls == []


async def test_guilds_outside_the_allowlist_are_refused(fake: FakeDiscord, start_bot):
    await start_bot(guild_allowlist="42")
    record = await fake.slash("about")
    await fake.wait_for(lambda: record.callbacks)
    assert _private_refusal(record) == texts().NOT_IN_GUILD


async def test_a_question_over_the_engines_limit_is_refused_privately_before_thinking(
    fake: FakeDiscord, start_bot
):
    running = await start_bot(max_question_chars=50)
    record = await fake.slash("ask", question="Who arrested Castillo? " * 4)
    await fake.wait_for(lambda: record.callbacks)
    refusal = _private_refusal(record)
    assert refusal is not None and "50 characters" in refusal
    assert running.engine.calls == []
