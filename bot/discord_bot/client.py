"""The discord.py client: intents, command registration and sync, mentions, graceful shutdown."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

import discord
from discord import app_commands

from bot.discord_bot import mentions
from bot.discord_bot.commands import ALL_COMMANDS
from bot.discord_bot.conversations import Conversations
from bot.discord_bot.handoff import Handoff
from bot.discord_bot.limits import Limits
from bot.discord_bot.reindexing import Reindexer, ReindexFn
from bot.discord_bot.service import AnswerService, EngineLike
from bot.discord_bot.texts import texts
from bot.discord_bot.views import NONE, ClaimsPageButton, FeedbackButton, HelpButton, MoreButton
from bot.settings import BotSettings

log = logging.getLogger(__name__)

# Docker's default stop timeout is 10 s: finish what we can well before SIGKILL.
SHUTDOWN_GRACE_SECONDS = 8.0


def intents_for(settings: BotSettings) -> discord.Intents:
    """Only what is used; the privileged message content intent only when mentions are on."""
    intents = discord.Intents.none()
    intents.guilds = True
    if settings.mentions:
        intents.guild_messages = True
        intents.message_content = True
        intents.dm_messages = settings.allow_dms
    return intents


class ExplainerBot(discord.Client):
    def __init__(
        self,
        settings: BotSettings,
        engine_factory: Callable[[], EngineLike],
        *,
        sync_guild: int | None = None,
        reindex_fn: ReindexFn | None = None,
        **client_options: Any,
    ):
        # The bot never joins voice: the library's "voice will NOT be supported" lines are noise.
        discord.VoiceClient.warn_nacl = False
        discord.VoiceClient.warn_dave = False
        super().__init__(intents=intents_for(settings), allowed_mentions=NONE, **client_options)
        self.settings = settings
        self.sync_guild = sync_guild
        self.service = AnswerService(settings, engine_factory)
        self.limits = Limits(settings)
        self.reindexer = Reindexer(self.service, reindex_fn)
        self.conversations = Conversations()
        self.handoff = Handoff(self)
        self.tree: app_commands.CommandTree[ExplainerBot] = app_commands.CommandTree(self)
        self.tree.error(self._on_command_error)
        self._shutdown: asyncio.Task[None] | None = None
        self._force: asyncio.Task[int] | None = None

    @property
    def stopping(self) -> bool:
        return self._shutdown is not None

    async def setup_hook(self) -> None:
        """Runs after login, before the gateway connects: load the engine, register, sync."""
        await self.service.start()
        self.add_dynamic_items(FeedbackButton, ClaimsPageButton, MoreButton, HelpButton)
        for command in ALL_COMMANDS:
            self.tree.add_command(command)
        if self.sync_guild is not None:
            guild = discord.Object(id=self.sync_guild)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            log.info("synced %d commands to guild %s", len(synced), self.sync_guild)
        else:
            synced = await self.tree.sync()
            log.info("synced %d global commands (may take up to an hour to appear)", len(synced))

    async def on_ready(self) -> None:
        log.info("connected as %s to %d guild(s)", self.user, len(self.guilds))

    async def on_message(self, message: discord.Message) -> None:
        await mentions.on_message(self, message)

    async def _on_command_error(
        self, interaction: discord.Interaction[Any], error: app_commands.AppCommandError
    ) -> None:
        """Log the fault and tell the member, rather than leave "thinking…" up."""
        name = interaction.command.name if interaction.command else "?"
        log.error("/%s failed", name, exc_info=error)
        try:
            if interaction.response.is_done():
                await interaction.followup.send(
                    texts().FAILED, ephemeral=True, allowed_mentions=NONE
                )
            else:
                await interaction.response.send_message(
                    texts().FAILED, ephemeral=True, allowed_mentions=NONE
                )
        except discord.HTTPException:
            log.debug("could not report the failure of /%s", name, exc_info=True)

    def request_shutdown(self, grace: float = SHUTDOWN_GRACE_SECONDS) -> asyncio.Task[None]:
        """Start a graceful shutdown (idempotent); a second request cancels what is left."""
        if self._shutdown is None:
            self._shutdown = asyncio.create_task(self.shutdown(grace), name="explainer-shutdown")
        else:
            log.warning("second stop signal: cancelling questions in progress")
            self._force = asyncio.create_task(self.service.drain(0.0))
        return self._shutdown

    async def shutdown(self, grace: float = SHUTDOWN_GRACE_SECONDS) -> None:
        """Stop taking questions, finish (or cancel) those in progress, close the log, then
        disconnect. Answers are still delivered while draining: the client stays connected."""
        log.info("shutting down")
        try:
            await self.service.drain(grace)
            await self.service.close()
        finally:
            await self.close()
