"""The slash commands: /ask, /quote, /claims, /about, /reindex. Thin: parse, check, delegate."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from bot.discord_bot.access import Place, is_admin, refusal_for_place
from bot.discord_bot.answering import answer_interaction
from bot.discord_bot.reindexing import ReindexAlreadyRunning
from bot.discord_bot.rendering.pages import about_text
from bot.discord_bot.texts import texts
from bot.discord_bot.views import ALL_LABELS, NONE, claims_pages_for, pager_view
from index import LABELS

if TYPE_CHECKING:
    from bot.discord_bot.client import ExplainerBot

log = logging.getLogger(__name__)

Interaction = discord.Interaction[Any]
QUESTION_CHARS = 1000


def _bot(interaction: Interaction) -> ExplainerBot:
    return interaction.client


@app_commands.command(name="ask", description="Ask a question about the article.")
@app_commands.describe(
    question="Your question about the article",
    detail="Show the full answer: every passage and background card",
    private="Only you see the answer (the server may make this the default)",
)
async def ask(
    interaction: Interaction,
    question: app_commands.Range[str, 1, QUESTION_CHARS],
    detail: bool = False,
    private: bool | None = None,
) -> None:
    await answer_interaction(interaction, question, detail=detail, private=private)


@app_commands.command(name="quote", description="Only the article's exact passages on a topic.")
@app_commands.describe(topic="What the passages should be about")
async def quote(
    interaction: Interaction, topic: app_commands.Range[str, 1, QUESTION_CHARS]
) -> None:
    await answer_interaction(interaction, topic, quotes_only=True)


@app_commands.command(name="claims", description="The article's checked claims, by label.")
@app_commands.describe(label="Only claims with this label", page="Which page to show")
@app_commands.choices(label=[app_commands.Choice(name=label, value=label) for label in LABELS])
async def claims(
    interaction: Interaction,
    label: app_commands.Choice[str] | None = None,
    page: app_commands.Range[int, 1, 100] = 1,
) -> None:
    bot = await _start_reference(interaction)
    if bot is None:
        return
    chosen = label.value if label else None
    pages = await claims_pages_for(bot, chosen)
    index = min(page, len(pages)) - 1
    view = pager_view(chosen or ALL_LABELS, index, len(pages))
    if view is None:
        await interaction.followup.send(pages[index], ephemeral=True, allowed_mentions=NONE)
    else:
        await interaction.followup.send(
            pages[index], ephemeral=True, allowed_mentions=NONE, view=view
        )


@app_commands.command(name="about", description="What the article is and what this bot does.")
async def about(interaction: Interaction) -> None:
    bot = await _start_reference(interaction)
    if bot is None:
        return
    info = await bot.service.about()
    await interaction.followup.send(about_text(info), ephemeral=True, allowed_mentions=NONE)


@app_commands.command(name="reindex", description="Rebuild the index from the corpus (admins).")
@app_commands.default_permissions(manage_guild=True)
@app_commands.guild_only()
async def reindex(interaction: Interaction) -> None:
    bot = _bot(interaction)
    member = interaction.user
    roles = [r.id for r in getattr(member, "roles", [])]
    # default_permissions only hides the command; server admins can re-grant it to anyone.
    if not is_admin(bot.settings, interaction.permissions, member.id, roles):
        await interaction.response.send_message(
            texts().REINDEX_NOT_ADMIN, ephemeral=True, allowed_mentions=NONE
        )
        return
    try:
        claim = bot.reindexer.claim()
    except ReindexAlreadyRunning as exc:
        await interaction.response.send_message(str(exc), ephemeral=True, allowed_mentions=NONE)
        return
    with claim:
        await interaction.response.send_message(
            texts().REINDEX_STARTED, ephemeral=True, allowed_mentions=NONE
        )
        log.info("reindex started by user %s in guild %s", member.id, interaction.guild_id)
        report = await bot.reindexer.run()
    await interaction.followup.send(report, ephemeral=True, allowed_mentions=NONE)


async def _start_reference(interaction: Interaction) -> ExplainerBot | None:
    """Refuse where the bot does not answer, else defer privately: for /claims and /about."""
    bot = _bot(interaction)
    refused = (
        texts().NOT_READY
        if not bot.service.ready
        else refusal_for_place(bot.settings, Place.of(interaction.channel, interaction.guild_id))
    )
    if refused:
        await interaction.response.send_message(refused, ephemeral=True, allowed_mentions=NONE)
        return None
    await interaction.response.defer(ephemeral=True, thinking=True)
    return bot


ALL_COMMANDS: tuple[app_commands.Command[Any, ..., Any], ...] = (ask, quote, claims, about, reindex)
