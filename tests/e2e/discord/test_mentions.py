"""`@bot question` answered in a thread on the message; follow-ups in that thread are questions."""

from __future__ import annotations

import asyncio

from bot.discord_bot.texts import texts
from tests.support.discord.fake_discord import FakeDiscord, Sent


def _with_buttons(messages: list[Sent]) -> list[Sent]:
    return [m for m in messages if m.components]


async def test_a_mention_is_answered_in_a_thread_started_on_the_message(
    fake: FakeDiscord, start_bot
):
    running = await start_bot()
    asked = await fake.user_message("Who arrested Castillo?", mention_bot=True)
    thread_id = int(asked["id"])
    await fake.wait_for(lambda: _with_buttons(fake.channel_messages.get(thread_id, [])))

    thread = fake.guild.threads[thread_id]
    assert thread["name"] == "Who arrested Castillo?"
    assert int(thread["parent_id"]) == fake.channel_id
    assert [c[1] for c in running.engine.calls] == ["Who arrested Castillo?"]
    assert fake.channel_messages.get(fake.channel_id) is None
    [answer] = fake.channel_messages[thread_id]
    assert "> Castillo" in answer.content
    assert answer.allowed_mentions["parse"] == []
    assert thread_id in fake.typing


async def test_mentioning_the_bots_role_counts_as_mentioning_the_bot(fake: FakeDiscord, start_bot):
    running = await start_bot(mention_reply="inline")
    await fake.user_message("Who arrested Castillo?", mention_bot_role=True)
    await fake.wait_for(lambda: _with_buttons(fake.channel_messages.get(fake.channel_id, [])))
    assert [c[1] for c in running.engine.calls] == ["Who arrested Castillo?"]


async def test_a_follow_up_in_the_bots_thread_is_a_new_question(fake: FakeDiscord, start_bot):
    running = await start_bot()
    asked = await fake.user_message("Who arrested Castillo?", mention_bot=True)
    thread_id = int(asked["id"])
    await fake.wait_for(lambda: _with_buttons(fake.channel_messages.get(thread_id, [])))

    await fake.user_message("And who voted for the vacancy?", channel_id=thread_id)
    await fake.wait_for(lambda: len(_with_buttons(fake.channel_messages[thread_id])) == 2)
    assert [c[1] for c in running.engine.calls] == [
        "Who arrested Castillo?",
        "And who voted for the vacancy?",
    ]
    assert len(fake.guild.threads) == 1
    # The bot's own answers echoed back over the gateway were not taken as questions.
    await asyncio.sleep(0.1)
    assert len(running.engine.calls) == 2


async def test_inline_mode_replies_to_the_message(fake: FakeDiscord, start_bot):
    await start_bot(mention_reply="inline")
    asked = await fake.user_message("Who arrested Castillo?", mention_bot=True)
    await fake.wait_for(lambda: _with_buttons(fake.channel_messages.get(fake.channel_id, [])))
    [reply] = fake.channel_messages[fake.channel_id]
    assert int(reply.payload["message_reference"]["message_id"]) == int(asked["id"])
    assert reply.allowed_mentions == {"parse": [], "replied_user": False}
    assert fake.guild.threads == {}


async def test_messages_without_a_mention_are_ignored(fake: FakeDiscord, start_bot):
    running = await start_bot()
    await fake.user_message("Who arrested Castillo?")
    await asyncio.sleep(0.2)
    assert running.engine.calls == [] and fake.channel_messages == {}


async def test_mentions_off_means_no_message_content_intent_and_no_answers(
    fake: FakeDiscord, start_bot
):
    running = await start_bot(mentions=False)
    identify = next(p["d"] for p in fake.gateway.received if p["op"] == 2)
    assert not identify["intents"] & (1 << 15)
    await fake.user_message("Who arrested Castillo?", mention_bot=True)
    await asyncio.sleep(0.2)
    assert running.engine.calls == []


async def test_mentions_on_asks_for_the_message_content_intent(fake: FakeDiscord, start_bot):
    await start_bot()
    identify = next(p["d"] for p in fake.gateway.received if p["op"] == 2)
    assert identify["intents"] & (1 << 15)


async def test_a_bare_mention_gets_a_hint_not_an_answer(fake: FakeDiscord, start_bot):
    running = await start_bot()
    await fake.user_message("", mention_bot=True)
    await fake.wait_for(lambda: fake.channel_messages.get(fake.channel_id))
    [hint] = fake.channel_messages[fake.channel_id]
    assert hint.content == texts().EMPTY_MENTION.format(name="Explainer")
    assert running.engine.calls == []


async def test_a_mention_in_the_cooldown_is_refused_and_the_refusal_cleans_up(
    fake: FakeDiscord, start_bot, monkeypatch
):
    from bot.discord_bot import mentions

    monkeypatch.setattr(mentions, "REFUSAL_SECONDS", 0.1)
    running = await start_bot(user_cooldown_seconds=60, mention_reply="inline")
    await fake.user_message("Who arrested Castillo?", mention_bot=True)
    await fake.wait_for(lambda: _with_buttons(fake.channel_messages.get(fake.channel_id, [])))
    await fake.user_message("And then?", mention_bot=True)
    await fake.wait_for(lambda: len(fake.channel_messages[fake.channel_id]) == 2)
    refusal = fake.channel_messages[fake.channel_id][1]
    assert refusal.content.startswith("Please wait")
    await fake.wait_for(lambda: refusal.id in fake.deleted_messages)
    assert len(running.engine.calls) == 1
