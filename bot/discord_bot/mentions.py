"""`@bot question` in a channel, and follow-up messages in a thread the bot started."""

from __future__ import annotations

import asyncio
import logging
import re
from typing import TYPE_CHECKING, Any

import discord

from bot.discord_bot.access import Place
from bot.discord_bot.answering import ask_context, deliver, refusal, say_briefly
from bot.discord_bot.limits import QueueTimeout
from bot.discord_bot.texts import texts
from bot.discord_bot.views import NONE

if TYPE_CHECKING:
    from bot.discord_bot.client import ExplainerBot

log = logging.getLogger(__name__)

# Refusals in a channel are public, so they clean themselves up.
REFUSAL_SECONDS = 20.0
THREAD_NAME_CHARS = 90


def question_in(bot: ExplainerBot, message: discord.Message) -> str | None:
    """The question a message asks the bot, or None when it is not addressed to the bot."""
    me = bot.user
    if me is None or message.author.bot or message.author.id == me.id:
        return None
    channel = message.channel
    in_own_thread = isinstance(channel, discord.Thread) and channel.owner_id == me.id
    is_dm = isinstance(channel, discord.DMChannel)
    # Members often pick the bot's own role from the autocomplete instead of the bot.
    role = message.guild.self_role if message.guild else None
    by_role = role is not None and role in message.role_mentions
    if not (in_own_thread or is_dm or by_role or me in message.mentions):
        return None
    addressed = rf"<@!?{me.id}>" + (rf"|<@&{role.id}>" if role is not None else "")
    return re.sub(addressed, " ", message.content).strip()


async def on_message(bot: ExplainerBot, message: discord.Message) -> None:
    if not bot.settings.mentions:
        return
    question = question_in(bot, message)
    if question is None:
        return
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
        target = await _answer_channel(bot, message, question)
        try:
            async with target.typing():
                answer = await bot.service.answer(
                    question, ask_context(bot, message.author.id, place)
                )
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
        if target is message.channel:
            await deliver(_replying_send(message), answer)
        else:
            await deliver(target.send, answer)


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
