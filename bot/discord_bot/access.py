"""Where the bot answers (guild/channel allowlists, DMs) and who may run admin commands."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import discord

from bot.discord_bot.texts import texts
from bot.settings import BotSettings


@dataclass(frozen=True)
class Place:
    """Where a question was asked; `parent_id` is the channel a thread belongs to."""

    guild_id: int | None
    channel_id: int | None
    parent_id: int | None = None

    @classmethod
    def of(cls, channel: object, guild_id: int | None) -> Place:
        parent_id = getattr(channel, "parent_id", None)
        return cls(guild_id, getattr(channel, "id", None), parent_id)


def refusal_for_place(settings: BotSettings, place: Place) -> str | None:
    """Why the bot does not answer here, or None. Empty allowlists mean everywhere."""
    if place.guild_id is None:
        return None if settings.allow_dms else texts().NOT_IN_DMS
    if settings.guild_allowlist and place.guild_id not in settings.guild_allowlist:
        return texts().NOT_IN_GUILD
    if settings.channel_allowlist and not (
        place.channel_id in settings.channel_allowlist
        or place.parent_id in settings.channel_allowlist
    ):
        return texts().NOT_IN_CHANNEL
    return None


def is_admin(
    settings: BotSettings,
    permissions: discord.Permissions,
    user_id: int,
    role_ids: Iterable[int],
) -> bool:
    """Manage Server is required; a non-empty admin allowlist narrows it further."""
    if not permissions.manage_guild:
        return False
    if not (settings.admin_user_ids or settings.admin_role_ids):
        return True
    return user_id in settings.admin_user_ids or any(
        role in settings.admin_role_ids for role in role_ids
    )
