"""A way to a human: "Still need help?" posts an answer to the moderators' channel once, and the
same channel hears of verification failures."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.discord_bot.texts import texts
from index.answer.contract import Answer, Verification
from index.answer.records import AskContext, LogRecord
from tests.support.discord.fake_discord import FakeDiscord, InteractionRecord, Sent
from tests.support.discord.fake_engine import FakeEngine

REVIEW = "https://review.example.org"


def buttons(message: Sent) -> list[str]:
    return [c["custom_id"] for row in message.components for c in row["components"]]


async def answered(fake: FakeDiscord, **options: Any) -> Sent:
    record = await fake.slash("ask", question="Who is Lisa Kenna?", **options)
    return await fake.wait_for(lambda: next((m for m in record.messages if m.components), None))


def said(record: InteractionRecord) -> list[str]:
    return [m.content for m in record.messages if m.content]


async def test_still_need_help_posts_the_question_and_answer_once_and_tells_the_member(
    fake: FakeDiscord, start_bot
):
    running = await start_bot(
        modlog_channel_id=fake.modlog_channel_id,
        moderator_role_id=fake.admin_role,
        review_url=REVIEW + "/",
    )
    message = await answered(fake)
    answer_id = buttons(message)[-1].removeprefix("help:")
    assert buttons(message)[-1] == f"help:{answer_id}"
    answer = running.engine.log.get(answer_id).answer

    click = await fake.click(message, f"help:{answer_id}")
    await fake.wait_for(lambda: click.messages)
    assert said(click)[-1] == texts().HELP_SENT
    assert all(m.ephemeral for m in click.messages)
    posts = fake.channel_messages[fake.modlog_channel_id]
    text = "\n".join(p.content for p in posts)
    assert posts[0].content.startswith(f"<@&{fake.admin_role}> ")
    assert f"<@{fake.member.id}>" in text
    assert "Who is Lisa Kenna?" in text
    assert answer.rendered in text
    assert f"<{REVIEW}/answers/{answer_id}>" in text
    # Only the moderators' role may be pinged; the member's name is shown, not pinged.
    mentions = posts[0].allowed_mentions
    assert mentions is not None
    assert [int(r) for r in mentions.get("roles", [])] == [fake.admin_role]
    assert mentions.get("parse") == []

    again = await fake.click(message, f"help:{answer_id}", user=fake.other_member)
    await fake.wait_for(lambda: again.messages)
    assert said(again)[-1] == texts().HELP_ALREADY
    await asyncio.sleep(0.2)
    assert len(fake.channel_messages[fake.modlog_channel_id]) == len(posts)


async def test_without_a_moderators_channel_there_is_no_button(fake: FakeDiscord, start_bot):
    await start_bot()
    message = await answered(fake)
    assert not any(b.startswith("help:") for b in buttons(message))


async def test_a_private_answer_gets_the_button_too(fake: FakeDiscord, start_bot):
    await start_bot(modlog_channel_id=fake.modlog_channel_id)
    message = await answered(fake, private=True)
    assert message.ephemeral and buttons(message)[-1].startswith("help:")


class FailingEngine(FakeEngine):
    """Returns what the real engine returns when the verifier rejects the composed answer."""

    def _respond(self, kind: str, question: str, context: Any, background: bool, **kw: Any):
        self.calls.append((kind, question, context))
        answer = Answer(
            id="failed1",
            question=question,
            status="error",
            mode="extractive",
            rendered=self.texts.lines["error"],
            verification=Verification(
                passed=False, failures=["quote 0-10: text is not the article slice"]
            ),
        )
        if self.log is not None:
            self.log.write(LogRecord(answer=answer, context=context or AskContext()))
        return answer


async def test_a_verification_failure_is_posted_to_the_moderators(
    fake: FakeDiscord, start_bot, answer_log
):
    await start_bot(FailingEngine(answer_log), modlog_channel_id=fake.modlog_channel_id)
    record = await fake.slash("ask", question="Who is Lisa Kenna?")
    await fake.wait_for(lambda: fake.channel_messages.get(fake.modlog_channel_id))
    await fake.wait_for(lambda: any(m.components for m in record.messages))
    [post] = fake.channel_messages[fake.modlog_channel_id]
    assert "`failed1`" in post.content
    assert "text is not the article slice" in post.content
    assert "Who is Lisa Kenna?" in post.content
    assert post.allowed_mentions is not None and post.allowed_mentions.get("parse") == []
