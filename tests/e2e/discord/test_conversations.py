"""Conversations end to end against the fake Discord: who the bot answers in threads, follow-ups
carrying the previous answer (also after a restart), replies, private /ask and forum posts."""

from __future__ import annotations

import asyncio
import sqlite3

from index.log.store import AnswerLog
from tests.support.discord.fake_discord import FakeDiscord, Sent
from tests.support.discord.fake_engine import FakeEngine
from tests.support.discord.fake_payloads import FakeUser, snowflake

# Time for a message the bot ignores to have been answered if it were not ignored.
IGNORED_S = 0.3


def answers_in(fake: FakeDiscord, channel_id: int) -> list[Sent]:
    return [m for m in fake.channel_messages.get(channel_id, []) if m.components]


def answer_id_of(message: Sent) -> str:
    ids = [c["custom_id"] for row in message.components for c in row["components"]]
    return next(i for i in ids if i.startswith("fb:up:")).removeprefix("fb:up:")


async def open_thread(fake: FakeDiscord, question: str = "Who is Lisa Kenna?") -> int:
    asked = await fake.user_message(question, mention_bot=True)
    thread_id = int(asked["id"])
    await fake.wait_for(lambda: answers_in(fake, thread_id))
    return thread_id


async def test_in_its_thread_the_bot_answers_the_starter_and_mentions_not_others_chat(
    fake: FakeDiscord, start_bot
):
    running = await start_bot()
    thread_id = await open_thread(fake)

    await fake.user_message("I think she was just doing her job", fake.other_member, thread_id)
    await asyncio.sleep(IGNORED_S)
    assert len(running.engine.calls) == 1 and len(answers_in(fake, thread_id)) == 1

    await fake.user_message("When did she arrive?", fake.other_member, thread_id, mention_bot=True)
    await fake.wait_for(lambda: len(answers_in(fake, thread_id)) == 2)
    await fake.user_message("And who sent her?", channel_id=thread_id)  # the starter
    await fake.wait_for(lambda: len(answers_in(fake, thread_id)) == 3)
    assert [c[1] for c in running.engine.calls] == [
        "Who is Lisa Kenna?",
        "When did she arrive?",
        "And who sent her?",
    ]


async def test_another_bot_is_never_answered_in_the_thread(fake: FakeDiscord, start_bot):
    running = await start_bot(thread_replies="anyone")
    thread_id = await open_thread(fake)
    other_bot = FakeUser(snowflake(), "otherbot", bot=True)
    await fake.user_message("Who is Lisa Kenna?", other_bot, thread_id, mention_bot=True)
    await asyncio.sleep(IGNORED_S)
    assert len(running.engine.calls) == 1


async def test_with_thread_replies_anyone_every_member_is_answered(fake: FakeDiscord, start_bot):
    running = await start_bot(thread_replies="anyone")
    thread_id = await open_thread(fake)
    await fake.user_message("When did she arrive?", fake.other_member, thread_id)
    await fake.wait_for(lambda: len(answers_in(fake, thread_id)) == 2)
    assert running.engine.calls[-1][1] == "When did she arrive?"


async def test_in_a_thread_the_bot_did_not_start_only_a_mention_is_answered(
    fake: FakeDiscord, start_bot
):
    running = await start_bot()
    thread_id = snowflake()
    thread = fake.guild.thread(fake.channel_id, fake.member.id, "members' chat", thread_id)
    await fake.gateway.dispatch("THREAD_CREATE", {**thread, "newly_created": True})
    await fake.user_message("Who is Lisa Kenna?", channel_id=thread_id)
    await asyncio.sleep(IGNORED_S)
    assert running.engine.calls == []
    await fake.user_message("Who is Lisa Kenna?", channel_id=thread_id, mention_bot=True)
    await fake.wait_for(lambda: answers_in(fake, thread_id))
    assert [c[1] for c in running.engine.calls] == ["Who is Lisa Kenna?"]
    # A thread that is not the bot's is no conversation: nothing is carried.
    assert running.engine.conversations[-1].get("follow_up") is None


async def test_a_follow_up_in_the_thread_carries_the_previous_answer(fake: FakeDiscord, start_bot):
    running = await start_bot()
    thread_id = await open_thread(fake)
    first_id = answer_id_of(answers_in(fake, thread_id)[0])
    assert running.engine.conversations[0].get("follow_up") is None

    await fake.user_message("When did she arrive?", channel_id=thread_id)
    await fake.wait_for(lambda: len(answers_in(fake, thread_id)) == 2)
    follow_up = running.engine.conversations[-1]["follow_up"]
    assert follow_up.previous_answer_id == first_id
    assert follow_up.previous_question == "Who is Lisa Kenna?"
    assert follow_up.claim_ids == ("claim-0", "claim-1")  # the previous answer's, in order
    assert follow_up.fact_ids == ("fact-1",)
    # The first answer was logged as given in the thread (where the conversation goes on).
    assert running.engine.log.get(first_id).summary.channel_id == thread_id


async def test_after_a_restart_the_thread_is_read_back_from_discord_and_the_log(
    fake: FakeDiscord, start_bot, answer_log: AnswerLog
):
    first = await start_bot()
    thread_id = await open_thread(fake)
    first_id = answer_id_of(answers_in(fake, thread_id)[0])
    assert await first.stop() == 0

    # Nothing in memory: a new process, with the same answer log.
    again = await start_bot(FakeEngine(AnswerLog(answer_log.path)))
    await fake.user_message("When did she arrive?", channel_id=thread_id)
    await fake.wait_for(lambda: len(answers_in(fake, thread_id)) == 2)
    assert thread_id in fake.history_reads
    assert again.engine.conversations[-1]["follow_up"].previous_answer_id == first_id
    # The starter was found again from the message the thread was started on.
    await fake.user_message("so?", fake.other_member, thread_id)
    await asyncio.sleep(IGNORED_S)
    assert len(again.engine.calls) == 1


async def test_a_reply_to_an_answer_is_a_follow_up_of_that_answer(fake: FakeDiscord, start_bot):
    running = await start_bot(mention_reply="inline")
    await fake.user_message("Who is Lisa Kenna?", mention_bot=True)
    await fake.wait_for(lambda: answers_in(fake, fake.channel_id))
    [answered] = answers_in(fake, fake.channel_id)

    # A reply without the ping still addresses the bot.
    await fake.user_message("When did she arrive?", fake.other_member, reply_to=answered)
    await fake.wait_for(lambda: len(answers_in(fake, fake.channel_id)) == 2)
    follow_up = running.engine.conversations[-1]["follow_up"]
    assert follow_up.previous_answer_id == answer_id_of(answered)
    # Members talking to each other in the channel are not answered.
    await fake.user_message("interesting", fake.other_member)
    await asyncio.sleep(IGNORED_S)
    assert len(running.engine.calls) == 2


async def test_ask_private_is_ephemeral_and_logged_as_private(
    fake: FakeDiscord, start_bot, answer_log: AnswerLog
):
    await start_bot()
    record = await fake.slash("ask", question="Who is Lisa Kenna?", private=True)
    await fake.wait_for(lambda: any(m.components for m in record.messages))
    assert record.deferred_ephemeral is True
    assert record.visible and all(m.ephemeral for m in record.visible)
    public = await fake.slash("ask", question="Who is Lisa Kenna?")
    await fake.wait_for(lambda: any(m.components for m in public.messages))
    assert not any(m.ephemeral for m in public.visible)

    db = sqlite3.connect(answer_log.path)
    flags = [row[0] for row in db.execute("SELECT private FROM answers ORDER BY created_at")]
    assert flags == [1, 0]


async def test_private_by_default_makes_ask_ephemeral_unless_the_member_says_otherwise(
    fake: FakeDiscord, start_bot
):
    await start_bot(private_by_default=True)
    record = await fake.slash("ask", question="Who is Lisa Kenna?")
    await fake.wait_for(lambda: any(m.components for m in record.messages))
    assert record.deferred_ephemeral is True and all(m.ephemeral for m in record.visible)
    shown = await fake.slash("ask", question="Who is Lisa Kenna?", private=False)
    await fake.wait_for(lambda: any(m.components for m in shown.messages))
    assert shown.deferred_ephemeral is False and not any(m.ephemeral for m in shown.visible)


async def test_a_private_answer_in_a_thread_is_not_carried_into_the_thread(
    fake: FakeDiscord, start_bot
):
    running = await start_bot()
    thread_id = await open_thread(fake)
    first_id = answer_id_of(answers_in(fake, thread_id)[0])
    private = await fake.slash("ask", channel_id=thread_id, question="Who is Bobbio?", private=True)
    await fake.wait_for(lambda: any(m.components for m in private.messages))
    # /ask in the bot's thread follows up the thread's public answer...
    assert running.engine.conversations[-1]["follow_up"].previous_answer_id == first_id
    await fake.user_message("When did she arrive?", channel_id=thread_id)
    await fake.wait_for(lambda: len(answers_in(fake, thread_id)) == 2)
    # ...and a private answer never becomes the thread's previous answer.
    assert running.engine.conversations[-1]["follow_up"].previous_answer_id == first_id


async def test_a_forum_post_is_answered_in_its_thread_with_its_title_and_body(
    fake: FakeDiscord, start_bot
):
    running = await start_bot(forum_channel_ids=str(fake.forum_channel_id))
    thread_id = await fake.forum_post("Lisa Kenna", "Who is she, and what did she do?")
    await fake.wait_for(lambda: answers_in(fake, thread_id))
    assert [c[1] for c in running.engine.calls] == ["Lisa Kenna\nWho is she, and what did she do?"]
    assert running.engine.calls[0][2].channel_id == thread_id
    assert fake.guild.threads[thread_id]["owner_id"] == str(fake.member.id)  # not the bot's
    # The poster's next message in the post is a follow-up; others' chat is not answered.
    await fake.user_message("When did she arrive?", channel_id=thread_id)
    await fake.wait_for(lambda: len(answers_in(fake, thread_id)) == 2)
    assert running.engine.conversations[-1]["follow_up"] is not None
    await fake.user_message("good question", fake.other_member, thread_id)
    await asyncio.sleep(IGNORED_S)
    assert len(running.engine.calls) == 2


async def test_forum_posts_are_not_answered_without_the_setting(fake: FakeDiscord, start_bot):
    running = await start_bot()
    thread_id = await fake.forum_post("Lisa Kenna", "Who is she?")
    await asyncio.sleep(IGNORED_S)
    assert running.engine.calls == [] and not fake.channel_messages.get(thread_id)
