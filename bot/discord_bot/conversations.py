"""Conversations: which thread is the bot's, who opened it, and the previous answer a follow-up
is read against.

A conversation is a thread the bot started on a member's question, or the thread of a post in
one of the forum channels it answers (`EXPLAINER_FORUM_CHANNEL_IDS`). Its previous answer is the
bot's latest public answer in it, or, for a reply, the answer replied to. All of it is kept in
memory and, after a restart, found again from Discord: the thread's own messages (the bot's
answers carry their answer id in their buttons' custom ids) and the message a thread was
started on. The answer itself is then read from memory or the answer log; the engine gets only
its ids and its question (`FollowUp`), never the messages' text.
"""

from __future__ import annotations

import logging
import re
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import discord

from index.answer.followup import FollowUp

if TYPE_CHECKING:
    from bot.discord_bot.client import ExplainerBot

log = logging.getLogger(__name__)

# Conversations and bot messages remembered; older ones are found again from Discord.
REMEMBERED = 2048
# How far back a thread's messages are read for the bot's latest answer after a restart.
HISTORY_MESSAGES = 30
_ANSWER_BUTTON = re.compile(r"^(?:fb:(?:up|down)|more|help):(?P<answer_id>[A-Za-z0-9_-]{1,90})$")


def answer_id_of(components: Iterable[Any]) -> str | None:
    """The answer id in the buttons under one of the bot's answers, if any."""
    for row in components:
        for item in getattr(row, "children", [row]):
            match = _ANSWER_BUTTON.match(str(getattr(item, "custom_id", None) or ""))
            if match:
                return match["answer_id"]
    return None


@dataclass
class _Thread:
    starter_id: int | None = None
    last_answer_id: str | None = None


class _Bounded(OrderedDict[Any, Any]):
    def remember(self, key: Any, value: Any) -> None:
        self[key] = value
        self.move_to_end(key)
        while len(self) > REMEMBERED:
            self.popitem(last=False)


class Conversations:
    """What the bot remembers of its conversations (bounded; lost on restart, then re-read)."""

    def __init__(self) -> None:
        self._threads: _Bounded = _Bounded()
        self._messages: _Bounded = _Bounded()  # bot message id -> answer id
        self._posts: _Bounded = _Bounded()  # forum posts answered (or being answered)

    def started(self, thread_id: int, starter_id: int) -> None:
        """The bot opened `thread_id` for the question of `starter_id`."""
        self._threads.remember(thread_id, _Thread(starter_id, self.last_answer(thread_id)))

    def answered(
        self, channel_id: int | None, answer_id: str, message_ids: Iterable[int], *, public: bool
    ) -> None:
        """The bot sent an answer; a public one becomes its channel's previous answer."""
        for message_id in message_ids:
            self._messages.remember(message_id, answer_id)
        if public and channel_id is not None:
            state = self._threads.get(channel_id) or _Thread()
            state.last_answer_id = answer_id
            self._threads.remember(channel_id, state)

    def last_answer(self, thread_id: int) -> str | None:
        state = self._threads.get(thread_id)
        return state.last_answer_id if state else None

    def starter(self, thread_id: int) -> int | None:
        state = self._threads.get(thread_id)
        return state.starter_id if state else None

    def answer_of_message(self, message_id: int) -> str | None:
        return self._messages.get(message_id)

    def claim_post(self, thread_id: int) -> bool:
        """True the first time a forum post is seen: each post is answered once."""
        if thread_id in self._posts:
            return False
        self._posts.remember(thread_id, True)
        return True


def is_forum_thread(bot: ExplainerBot, channel: object) -> bool:
    return (
        isinstance(channel, discord.Thread)
        and channel.parent_id is not None
        and channel.parent_id in bot.settings.forum_channel_ids
    )


def is_conversation(bot: ExplainerBot, channel: object) -> bool:
    """A thread the bot started, or a post thread of a forum channel it answers."""
    me = bot.user
    if not isinstance(channel, discord.Thread):
        return False
    return (me is not None and channel.owner_id == me.id) or is_forum_thread(bot, channel)


async def thread_starter(bot: ExplainerBot, thread: discord.Thread) -> int | None:
    """The member who opened the conversation: the forum post's author, or the author of the
    message the bot started the thread on (the thread has that message's id)."""
    if is_forum_thread(bot, thread):
        return thread.owner_id
    known = bot.conversations.starter(thread.id)
    if known is not None:
        return known
    parent = thread.parent
    if not isinstance(parent, discord.TextChannel):
        return None
    try:
        opening = await parent.fetch_message(thread.id)
    except discord.HTTPException:
        log.info("could not read the message thread %s was started on", thread.id)
        return None
    bot.conversations.started(thread.id, opening.author.id)
    return opening.author.id


async def previous_answer_id(bot: ExplainerBot, message: discord.Message) -> str | None:
    """The answer a message follows up: the bot's answer it replies to, else the latest public
    answer in its conversation thread."""
    reference = message.reference
    me = bot.user
    if reference is not None and reference.message_id is not None:
        known = bot.conversations.answer_of_message(reference.message_id)
        if known is not None:
            return known
        resolved = reference.resolved
        if isinstance(resolved, discord.Message) and me is not None and resolved.author.id == me.id:
            found = answer_id_of(resolved.components)
            if found is not None:
                return found
    channel = message.channel
    if not is_conversation(bot, channel):
        return None
    return await latest_answer_in(bot, channel)


async def replied_to_bot(bot: ExplainerBot, message: discord.Message) -> bool:
    """Whether a message is a reply to one of the bot's messages (it addresses the bot)."""
    reference = message.reference
    if reference is None or reference.message_id is None:
        return False
    if bot.conversations.answer_of_message(reference.message_id) is not None:
        return True
    resolved = reference.resolved
    me = bot.user
    return isinstance(resolved, discord.Message) and me is not None and resolved.author.id == me.id


async def latest_answer_in(bot: ExplainerBot, channel: Any) -> str | None:
    """The bot's latest public answer in a thread: remembered, else read from its messages."""
    known = bot.conversations.last_answer(channel.id)
    if known is not None:
        return known
    me = bot.user
    try:
        async for earlier in channel.history(limit=HISTORY_MESSAGES):
            if me is not None and earlier.author.id == me.id:
                found = answer_id_of(earlier.components)
                if found is not None:
                    bot.conversations.answered(channel.id, found, [earlier.id], public=True)
                    return found
    except (discord.HTTPException, AttributeError):
        log.info("could not read the messages of thread %s", getattr(channel, "id", "?"))
    return None


async def follow_up_for(bot: ExplainerBot, answer_id: str | None) -> FollowUp | None:
    """The conversation so far, as data, from the previous answer's id."""
    if answer_id is None:
        return None
    try:
        previous = await bot.service.recall(answer_id)
    except Exception:
        log.exception("could not read the previous answer %s", answer_id)
        return None
    return FollowUp.from_answer(previous) if previous is not None else None
