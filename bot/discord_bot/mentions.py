"""Messages addressed to the bot: `@bot question` in a channel (answered in a thread on it),
follow-ups in its conversation threads, replies to its answers, and new forum posts.

In a thread the bot started it answers the member who opened it, and anyone who mentions it or
replies to one of its answers (`EXPLAINER_THREAD_REPLIES=anyone`: everyone); in other threads
only a mention or a reply. Bots are never answered. A new post in a forum channel of
`EXPLAINER_FORUM_CHANNEL_IDS` is answered in its own thread, its title and body the question.
A follow-up (in a conversation thread, or a reply to an answer) is read against the previous
answer.
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import discord

from bot.discord_bot.access import Place
from bot.discord_bot.answering import (
    ask,
    ask_context,
    deliver,
    refusal,
    remember,
    say_briefly,
)
from bot.discord_bot.conversations import (
    is_conversation,
    is_forum_thread,
    previous_answer_id,
    replied_to_bot,
    thread_starter,
)
from bot.discord_bot.limits import QueueTimeout
from bot.discord_bot.texts import texts
from bot.discord_bot.views import NONE

if TYPE_CHECKING:
    from bot.discord_bot.client import ExplainerBot

log = logging.getLogger(__name__)

# Refusals in a channel are public, so they clean themselves up.
REFUSAL_SECONDS = 20.0
THREAD_NAME_CHARS = 90


@dataclass(frozen=True)
class Addressed:
    """A message the bot answers: its question (mentions of the bot taken out)."""

    question: str
    forum_post: bool = False


def _without_mentions(bot: ExplainerBot, message: discord.Message) -> str:
    me = bot.user
    assert me is not None
    role = message.guild.self_role if message.guild else None
    addressed = rf"<@!?{me.id}>" + (rf"|<@&{role.id}>" if role is not None else "")
    return re.sub(addressed, " ", message.content).strip()


def mentions_bot(bot: ExplainerBot, message: discord.Message) -> bool:
    """A mention of the bot, or of the role Discord gave it (members often pick the role from
    the autocomplete instead of the bot)."""
    me = bot.user
    role = message.guild.self_role if message.guild else None
    by_role = role is not None and role in message.role_mentions
    return by_role or (me is not None and me in message.mentions)


async def addressed(bot: ExplainerBot, message: discord.Message) -> Addressed | None:
    """What a message asks the bot, or None when it is not addressed to the bot."""
    me = bot.user
    if me is None or message.author.bot or message.author.id == me.id:
        return None
    channel = message.channel
    question = _without_mentions(bot, message)
    if is_forum_thread(bot, channel) and message.id == getattr(channel, "id", None):
        # A post's opening message has the post's id: answered once, with the post's title.
        if not bot.conversations.claim_post(message.id):
            return None
        title = getattr(channel, "name", "") or ""
        return Addressed("\n".join(p for p in (title.strip(), question) if p), forum_post=True)
    if isinstance(channel, discord.DMChannel) or mentions_bot(bot, message):
        return Addressed(question)
    if await replied_to_bot(bot, message):
        return Addressed(question)
    if isinstance(channel, discord.Thread) and is_conversation(bot, channel):
        if bot.settings.thread_replies == "anyone":
            return Addressed(question)
        if await thread_starter(bot, channel) == message.author.id:
            return Addressed(question)
    return None


async def on_message(bot: ExplainerBot, message: discord.Message) -> None:
    if not bot.settings.mentions:
        return
    asked = await addressed(bot, message)
    if asked is None:
        return
    question = asked.question
    place = Place.of(message.channel, message.guild.id if message.guild else None)
    refused = refusal(bot, message.author.id, place)
    if refused:
        await _reply(message, refused, delete_after=REFUSAL_SECONDS)
        return
    if not question:
        name = bot.user.display_name if bot.user else "bot"
        await _reply(message, texts().EMPTY_MENTION.format(name=name), delete_after=REFUSAL_SECONDS)
        return
    with bot.service.tracked():
        previous = None if asked.forum_post else await previous_answer_id(bot, message)
        target = await _answer_channel(bot, message, question)
        target_id = getattr(target, "id", None)
        if target is not message.channel and target_id is not None:
            bot.conversations.started(target_id, message.author.id)
        context = ask_context(bot, message.author.id, place, channel_id=target_id)
        try:
            async with target.typing():
                answer = await ask(bot, question, context, previous=previous)
        except asyncio.CancelledError:
            await say_briefly(target.send(texts().SHUTTING_DOWN, allowed_mentions=NONE))
            raise
        except QueueTimeout:
            await target.send(
                texts().QUEUE_FULL, allowed_mentions=NONE, delete_after=REFUSAL_SECONDS
            )
            return
        except Exception:
            log.exception("answering a mention failed")
            await target.send(texts().FAILED, allowed_mentions=NONE)
            return
        replying = target is message.channel and not asked.forum_post
        send = _replying_send(message) if replying else target.send
        sent = await deliver(send, answer, help=bot.handoff.enabled)
        remember(bot, target_id, answer, sent, public=True)


async def _answer_channel(
    bot: ExplainerBot, message: discord.Message, question: str
) -> discord.abc.Messageable:
    """A new thread on the message (mention_reply = thread, in a plain text channel), else the
    channel itself (threads, DMs, mention_reply = inline)."""
    channel = message.channel
    if bot.settings.mention_reply != "thread" or not isinstance(channel, discord.TextChannel):
        return channel
    name = " ".join(question.split())
    if len(name) > THREAD_NAME_CHARS:
        name = name[: THREAD_NAME_CHARS - 1] + "…"
    try:
        return await message.create_thread(name=name, auto_archive_duration=1440)
    except discord.HTTPException:
        log.warning("could not start a thread in channel %s; answering inline", channel.id)
        return channel


def _replying_send(message: discord.Message) -> Any:
    """The first message replies to the question; the rest follow in the channel."""
    first = True

    async def send(**kwargs: Any) -> discord.Message:
        nonlocal first
        if first:
            first = False
            return await message.reply(mention_author=False, **kwargs)
        return await message.channel.send(**kwargs)

    return send


async def _reply(message: discord.Message, line: str, *, delete_after: float) -> None:
    try:
        await message.reply(
            line, mention_author=False, allowed_mentions=NONE, delete_after=delete_after
        )
    except discord.HTTPException:
        log.debug("could not reply to message %s", message.id, exc_info=True)
