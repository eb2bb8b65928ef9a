"""Discord API payloads for the fake server: users, guilds, channels, members, messages."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

MANAGE_GUILD = 1 << 5
# View channel, send messages, read history, use application commands, threads.
MEMBER_PERMISSIONS = (1 << 10) | (1 << 11) | (1 << 16) | (1 << 31) | (1 << 35) | (1 << 38)
ADMIN_PERMISSIONS = MEMBER_PERMISSIONS | MANAGE_GUILD

_ids = itertools.count(1_100_000_000_000_000_000)


def snowflake() -> int:
    return next(_ids)


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


@dataclass(frozen=True)
class FakeUser:
    id: int
    name: str
    permissions: int = MEMBER_PERMISSIONS
    roles: tuple[int, ...] = ()
    bot: bool = False

    def payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "username": self.name,
            "discriminator": "0",
            "global_name": self.name,
            "avatar": None,
            "bot": self.bot,
        }

    def member(self, *, with_user: bool = True, with_permissions: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {
            "roles": [str(r) for r in self.roles],
            "joined_at": now_iso(),
            "deaf": False,
            "mute": False,
            "flags": 0,
            "nick": None,
        }
        if with_user:
            data["user"] = self.payload()
        if with_permissions:
            data["permissions"] = str(self.permissions)
        return data


@dataclass
class FakeGuild:
    id: int
    name: str
    channel_ids: list[int]
    role_ids: list[int] = field(default_factory=list)
    threads: dict[int, dict[str, Any]] = field(default_factory=dict)
    bot_role_id: int = field(default_factory=lambda: snowflake())
    # Forum channels (type 15): each post is a thread whose opening message has its id.
    forum_ids: list[int] = field(default_factory=list)

    def channel(self, channel_id: int) -> dict[str, Any]:
        if channel_id in self.threads:
            return self.threads[channel_id]
        if channel_id in self.forum_ids:
            return {
                "id": str(channel_id),
                "type": 15,
                "guild_id": str(self.id),
                "name": f"forum-{channel_id}",
                "position": len(self.channel_ids) + self.forum_ids.index(channel_id),
                "permission_overwrites": [],
                "nsfw": False,
                "parent_id": None,
                "topic": None,
                "last_message_id": None,
                "rate_limit_per_user": 0,
                "available_tags": [],
                "default_reaction_emoji": None,
                "default_sort_order": None,
                "default_forum_layout": 0,
                "flags": 0,
            }
        return {
            "id": str(channel_id),
            "type": 0,
            "guild_id": str(self.id),
            "name": f"channel-{channel_id}",
            "position": self.channel_ids.index(channel_id),
            "permission_overwrites": [],
            "nsfw": False,
            "parent_id": None,
            "topic": None,
            "last_message_id": None,
            "rate_limit_per_user": 0,
        }

    def create_payload(self, bot: FakeUser) -> dict[str, Any]:
        everyone = {
            "id": str(self.id),
            "name": "@everyone",
            "permissions": str(MEMBER_PERMISSIONS),
            "position": 0,
            "color": 0,
            "hoist": False,
            "managed": False,
            "mentionable": False,
            "flags": 0,
        }
        roles = [everyone] + [
            {**everyone, "id": str(r), "name": f"role-{r}", "position": n + 1}
            for n, r in enumerate(self.role_ids)
        ]
        # The role Discord creates for the bot when it joins.
        roles.append(
            {
                **everyone,
                "id": str(self.bot_role_id),
                "name": bot.name,
                "managed": True,
                "tags": {"bot_id": str(bot.id)},
            }
        )
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "owner_id": "1",
            "unavailable": False,
            "member_count": 3,
            "large": False,
            "features": [],
            "roles": roles,
            "emojis": [],
            "stickers": [],
            "channels": [self.channel(c) for c in [*self.channel_ids, *self.forum_ids]],
            "threads": list(self.threads.values()),
            "members": [bot.member(with_permissions=False)],
            "voice_states": [],
            "presences": [],
            "joined_at": now_iso(),
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "premium_tier": 0,
            "preferred_locale": "en-US",
            "system_channel_flags": 0,
        }

    def thread(self, parent_id: int, owner_id: int, name: str, thread_id: int) -> dict[str, Any]:
        data = {
            "id": str(thread_id),
            "type": 11,
            "guild_id": str(self.id),
            "parent_id": str(parent_id),
            "owner_id": str(owner_id),
            "name": name,
            "last_message_id": None,
            "message_count": 0,
            "member_count": 1,
            "rate_limit_per_user": 0,
            "flags": 0,
            "thread_metadata": {
                "archived": False,
                "auto_archive_duration": 1440,
                "archive_timestamp": now_iso(),
                "locked": False,
            },
        }
        self.threads[thread_id] = data
        return data


def message_payload(
    *,
    channel_id: int,
    author: dict[str, Any],
    body: dict[str, Any],
    guild_id: int | None = None,
    webhook_id: int | None = None,
    mentions: list[dict[str, Any]] | None = None,
    mention_roles: list[int] | None = None,
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": str(snowflake()),
        "channel_id": str(channel_id),
        "author": author,
        "content": body.get("content") or "",
        "timestamp": now_iso(),
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": mentions or [],
        "mention_roles": [str(r) for r in mention_roles or []],
        "attachments": [],
        "embeds": body.get("embeds") or [],
        "pinned": False,
        "type": 19 if body.get("message_reference") else 0,
        "flags": int(body.get("flags") or 0),
        "components": body.get("components") or [],
    }
    if guild_id is not None:
        data["guild_id"] = str(guild_id)
    if webhook_id is not None:
        data["webhook_id"] = str(webhook_id)
        data["application_id"] = str(webhook_id)
    if body.get("message_reference"):
        data["message_reference"] = body["message_reference"]
    return data
