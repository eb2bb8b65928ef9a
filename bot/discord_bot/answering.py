"""Ask the engine and deliver the answer: as interaction follow-ups (ephemeral for a private
/ask), or as channel messages; a follow-up in a conversation carries its previous answer."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import discord

from bot.discord_bot.access import Place, refusal_for_place
from bot.discord_bot.conversations import follow_up_for, is_conversation, latest_answer_in
from bot.discord_bot.limits import QueueTimeout
from bot.discord_bot.rendering.splitter import split_markdown
from bot.discord_bot.texts import texts
from bot.discord_bot.views import NONE, feedback_view, user_hash
from index import Answer, AskContext
from index.texts import load_texts

if TYPE_CHECKING:
    from bot.discord_bot.client import ExplainerBot

log = logging.getLogger(__name__)

Send = Callable[..., Awaitable[Any]]
CANCEL_NOTICE_SECONDS = 2.0


def refusal(bot: ExplainerBot, user_id: int, place: Place) -> str | None:
    """Why this question is not taken now (checked before anything is counted), or None."""
    if not bot.service.accepting:
        return texts().SHUTTING_DOWN
    if not bot.service.ready:
        return texts().NOT_READY
    return refusal_for_place(bot.settings, place) or bot.limits.admit(user_id, place.guild_id)


def ask_context(
    bot: ExplainerBot,
    user_id: int,
    place: Place,
    *,
    private: bool = False,
    channel_id: int | None = None,
) -> AskContext:
    """`channel_id`: where the answer goes, when not where it was asked (a new thread)."""
    return AskContext(
        source="discord",
        guild_id=place.guild_id,
        channel_id=channel_id if channel_id is not None else place.channel_id,
        user_hash=user_hash(bot, user_id),
        private=private,
    )


def fixed_language(bot: ExplainerBot) -> str | None:
    """The server's language when `EXPLAINER_LANGUAGE` fixes one, else None (the question's)."""
    language = bot.settings.language
    return None if language == "auto" else language


async def ask(
    bot: ExplainerBot,
    question: str,
    context: AskContext,
    *,
    quotes_only: bool = False,
    previous: str | None = None,
) -> Answer:
    """The engine's answer (`previous`: the id of the answer this question follows up), with
    a verification failure reported to the moderators."""
    follow_up = await follow_up_for(bot, previous)
    answer = await bot.service.answer(
        question,
        context,
        quotes_only=quotes_only,
        follow_up=follow_up,
        language=fixed_language(bot),
    )
    bot.handoff.report_later(answer)
    return answer


def answer_messages(answer: Answer, *, detail: bool = False) -> list[str]:
    """The default rendering (one message for most answers), or the full one when asked."""
    text = answer.rendered_detail if detail and answer.rendered_detail else answer.rendered
    return split_markdown(text) or [texts().FAILED]


async def deliver(
    send: Send,
    answer: Answer,
    *,
    detail: bool = False,
    help: bool = False,
    ephemeral: bool = False,
) -> list[Any]:
    """Send the answer's messages in order; the buttons go under the last one ("More" when
    the full answer holds more than was sent, "Still need help?" when `help`). Returns what
    `send` returned for each message."""
    messages = answer_messages(answer, detail=detail)
    more = not detail and answer.rendered_detail is not None
    extra: dict[str, Any] = {"ephemeral": True} if ephemeral else {}
    sent = []
    for n, content in enumerate(messages, start=1):
        if n == len(messages):
            view = feedback_view(answer.id, more=more, help=help, language=answer.language)
            sent.append(await send(content=content, allowed_mentions=NONE, view=view, **extra))
        else:
            sent.append(await send(content=content, allowed_mentions=NONE, **extra))
    return sent


def remember(
    bot: ExplainerBot, channel_id: int | None, answer: Answer, sent: list[Any], *, public: bool
) -> None:
    """Note which messages carry the answer, and make it its thread's previous answer."""
    ids = [int(m.id) for m in sent if getattr(m, "id", None) is not None]
    bot.conversations.answered(channel_id, answer.id, ids, public=public)


async def answer_interaction(
    interaction: discord.Interaction[Any],
    question: str,
    *,
    quotes_only: bool = False,
    detail: bool = False,
    private: bool | None = None,
) -> None:
    """/ask and /quote: refuse ephemerally, or defer at once and answer as follow-ups
    (`detail`: the full answer, every passage and card; `private`: only the asker sees it,
    None: `EXPLAINER_PRIVATE_BY_DEFAULT`). In one of the bot's conversation threads the
    question follows up the thread's latest public answer."""
    bot: ExplainerBot = interaction.client
    place = Place.of(interaction.channel, interaction.guild_id)
    refused = refusal(bot, interaction.user.id, place)
    limit = bot.settings.max_question_chars
    if not refused and len(question.strip()) > limit:
        # Refused before any public "thinking…": the engine would reject it anyway.
        refused = load_texts().lines["too_long"].format(limit=limit)
    if refused:
        await interaction.response.send_message(refused, ephemeral=True, allowed_mentions=NONE)
        return
    private = bot.settings.private_by_default if private is None else private
    with bot.service.tracked():
        await interaction.response.defer(thinking=True, ephemeral=private)
        context = ask_context(bot, interaction.user.id, place, private=private)
        channel = interaction.channel
        previous = await latest_answer_in(bot, channel) if is_conversation(bot, channel) else None
        try:
            answer = await ask(bot, question, context, quotes_only=quotes_only, previous=previous)
        except asyncio.CancelledError:
            # Shutdown ran out of time: say so rather than leave "thinking…" up forever.
            await say_briefly(
                interaction.edit_original_response(
                    content=texts().SHUTTING_DOWN, allowed_mentions=NONE
                )
            )
            raise
        except QueueTimeout:
            await _replace_with_ephemeral(interaction, texts().QUEUE_FULL, private=private)
            return
        except Exception:
            log.exception("answering %r failed", question)
            await _replace_with_ephemeral(interaction, texts().FAILED, private=private)
            return
        sent = await deliver(
            _followup(interaction),
            answer,
            detail=detail,
            help=bot.handoff.enabled,
            ephemeral=private,
        )
        remember(bot, place.channel_id, answer, sent, public=not private)


async def say_briefly(call: Awaitable[Any]) -> None:
    """Best effort, bounded: used while a task is being cancelled."""
    with contextlib.suppress(Exception):
        await asyncio.wait_for(call, CANCEL_NOTICE_SECONDS)


def _followup(interaction: discord.Interaction[Any]) -> Send:
    async def send(**kwargs: Any) -> Any:
        return await interaction.followup.send(wait=True, **kwargs)

    return send


async def _replace_with_ephemeral(
    interaction: discord.Interaction[Any], line: str, *, private: bool = False
) -> None:
    """The public "thinking…" message cannot turn ephemeral: delete it, then say it privately
    (a private one is replaced by the first follow-up, which stays private)."""
    if not private:
        try:
            await interaction.delete_original_response()
        except discord.HTTPException:
            log.debug("could not delete the deferred response", exc_info=True)
    await interaction.followup.send(line, ephemeral=True, allowed_mentions=NONE)
