"""Ask the engine and deliver the answer: as interaction follow-ups, or as channel messages."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import discord

from bot.discord_bot.access import Place, refusal_for_place
from bot.discord_bot.limits import QueueTimeout
from bot.discord_bot.rendering.splitter import split_markdown
from bot.discord_bot.texts import texts
from bot.discord_bot.views import NONE, feedback_view, user_hash
from index import Answer, AskContext

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


def ask_context(bot: ExplainerBot, user_id: int, place: Place) -> AskContext:
    return AskContext(
        source="discord",
        guild_id=place.guild_id,
        channel_id=place.channel_id,
        user_hash=user_hash(bot, user_id),
    )


def answer_messages(answer: Answer, *, detail: bool = False) -> list[str]:
    """The default rendering (one message for most answers), or the full one when asked."""
    text = answer.rendered_detail if detail and answer.rendered_detail else answer.rendered
    return split_markdown(text) or [texts().FAILED]


async def deliver(send: Send, answer: Answer, *, detail: bool = False) -> None:
    """Send the answer's messages in order; the buttons go under the last one ("More" when
    the full answer holds more than was sent)."""
    messages = answer_messages(answer, detail=detail)
    more = not detail and answer.rendered_detail is not None
    for n, content in enumerate(messages, start=1):
        if n == len(messages):
            view = feedback_view(answer.id, more=more)
            await send(content=content, allowed_mentions=NONE, view=view)
        else:
            await send(content=content, allowed_mentions=NONE)


async def answer_interaction(
    interaction: discord.Interaction[Any],
    question: str,
    *,
    quotes_only: bool = False,
    detail: bool = False,
) -> None:
    """/ask and /quote: refuse ephemerally, or defer at once and answer as follow-ups
    (`detail`: the full answer, every passage and card)."""
    bot: ExplainerBot = interaction.client
    place = Place.of(interaction.channel, interaction.guild_id)
    refused = refusal(bot, interaction.user.id, place)
    if refused:
        await interaction.response.send_message(refused, ephemeral=True, allowed_mentions=NONE)
        return
    with bot.service.tracked():
        await interaction.response.defer(thinking=True)
        context = ask_context(bot, interaction.user.id, place)
        try:
            answer = await bot.service.answer(question, context, quotes_only=quotes_only)
        except asyncio.CancelledError:
            # Shutdown ran out of time: say so rather than leave "thinking…" up forever.
            await say_briefly(
                interaction.edit_original_response(
                    content=texts().SHUTTING_DOWN, allowed_mentions=NONE
                )
            )
            raise
        except QueueTimeout:
            await _replace_with_ephemeral(interaction, texts().QUEUE_FULL)
            return
        except Exception:
            log.exception("answering %r failed", question)
            await _replace_with_ephemeral(interaction, texts().FAILED)
            return
        await deliver(_followup(interaction), answer, detail=detail)


async def say_briefly(call: Awaitable[Any]) -> None:
    """Best effort, bounded: used while a task is being cancelled."""
    with contextlib.suppress(Exception):
        await asyncio.wait_for(call, CANCEL_NOTICE_SECONDS)


def _followup(interaction: discord.Interaction[Any]) -> Send:
    async def send(**kwargs: Any) -> Any:
        return await interaction.followup.send(wait=True, **kwargs)

    return send


async def _replace_with_ephemeral(interaction: discord.Interaction[Any], line: str) -> None:
    """The public "thinking…" message cannot turn ephemeral: delete it, then say it privately."""
    try:
        await interaction.delete_original_response()
    except discord.HTTPException:
        log.debug("could not delete the deferred response", exc_info=True)
    await interaction.followup.send(line, ephemeral=True, allowed_mentions=NONE)
