"""/ask and /quote end to end: the real discord.py client against the fake Discord."""

from __future__ import annotations

from bot.discord_bot.rendering.splitter import DISCORD_LIMIT, message_length
from index.answer.records import hash_user_id
from index.texts import load_texts
from tests.support.discord.fake_discord import FakeDiscord
from tests.support.discord.fake_engine import FakeEngine

NOTHING = {"parse": []}
TAGS = load_texts().tags


async def test_ask_is_deferred_at_once_then_answered_with_quotes_labels_and_buttons(
    fake: FakeDiscord, start_bot
):
    running = await start_bot()
    record = await fake.slash("ask", question="Who arrested Castillo?")
    await fake.wait_for(lambda: any(m.components for m in record.messages))

    assert record.callback_types == [5]
    assert record.ack_delay is not None and record.ack_delay < 3.0
    [message] = record.visible
    assert not message.ephemeral
    assert "> Castillo" in message.content
    assert f"\n{TAGS['established']} · ¶" in message.content  # its label, inline, once
    buttons = [c["custom_id"] for row in message.components for c in row["components"]]
    [(_, question, context)] = running.engine.calls
    assert question == "Who arrested Castillo?"
    answer_id = running.bot.service.engine.log.list_answers()[0].id
    assert buttons == [f"fb:up:{answer_id}", f"fb:down:{answer_id}"]
    assert context.source == "discord"
    assert context.guild_id == fake.guild.id and context.channel_id == fake.channel_id
    assert context.user_hash == hash_user_id(fake.member.id, "test-salt")


async def test_ask_runs_the_engine_in_a_worker_thread(fake: FakeDiscord, start_bot):
    running = await start_bot()
    record = await fake.slash("ask", question="What did the embassy do?")
    await fake.wait_for(lambda: record.visible)
    assert running.engine.threads and all(
        t.startswith("explainer-answer") for t in running.engine.threads
    )


async def test_long_answer_is_split_under_the_limit_with_every_quote_whole(
    fake: FakeDiscord, start_bot, answer_log
):
    engine = FakeEngine(answer_log, quotes=8, quote_words=60)
    await start_bot(engine)
    record = await fake.slash("ask", question="Tell me everything")
    await fake.wait_for(lambda: any(m.components for m in record.messages))

    messages = record.visible
    assert len(messages) > 1
    assert all(message_length(m.content) <= DISCORD_LIMIT for m in messages)
    [answer] = [answer_log.get(s.id) for s in answer_log.list_answers()]
    for quote in answer.answer.quotes:
        block = f"> {quote.text}\n{TAGS[quote.label]} · ¶{quote.paragraph}"
        assert sum(block in m.content for m in messages) == 1
    assert [bool(m.components) for m in messages] == [False] * (len(messages) - 1) + [True]
    assert "\n\n".join(m.content for m in messages).split() == answer.answer.rendered.split()


async def test_a_question_with_everyone_pings_nobody(fake: FakeDiscord, start_bot):
    await start_bot()
    record = await fake.slash("ask", question="@everyone <@123> what happened?")
    await fake.wait_for(lambda: any(m.components for m in record.messages))
    assert "@everyone" in record.visible[0].content
    assert all(
        m.allowed_mentions == NOTHING | {"replied_user": False} or m.allowed_mentions == NOTHING
        for m in record.messages
    )
    assert all(m.allowed_mentions["parse"] == [] for m in record.messages)


async def test_quote_asks_the_engine_for_article_passages_only(fake: FakeDiscord, start_bot):
    running = await start_bot()
    record = await fake.slash("quote", topic="the embassy")
    await fake.wait_for(lambda: any(m.components for m in record.messages))
    assert [c[0] for c in running.engine.calls] == ["quote"]
    assert "Background" not in record.visible[0].content
