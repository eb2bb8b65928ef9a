"""Who the bot is and where it connects, as the fake Discord tells it: `users/@me`, its
application, the gateway's address, the READY payload the gateway sends on IDENTIFY, and the
slash commands it syncs (globally or to the guild)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

from tests.support.discord.fake_gateway import Session
from tests.support.discord.fake_http import API, json_response
from tests.support.discord.fake_payloads import FakeUser, snowflake

if TYPE_CHECKING:
    from tests.support.discord.fake_discord import FakeDiscord


class IdentityRoutes:
    def __init__(self, fake: FakeDiscord):
        self.fake = fake

    def add_to(self, r: web.UrlDispatcher) -> None:
        r.add_get(API + "/users/@me", self._me)
        r.add_get(API + "/oauth2/applications/@me", self._application)
        r.add_get(API + "/gateway", self._gateway_info)
        r.add_get(API + "/gateway/bot", self._gateway_info)
        r.add_put(API + "/applications/{app}/commands", self._sync_commands)
        r.add_put(API + "/applications/{app}/guilds/{guild}/commands", self._sync_commands)

    async def _me(self, request: web.Request) -> web.Response:
        return json_response(self.fake.bot_user.payload())

    async def _application(self, request: web.Request) -> web.Response:
        return json_response(
            {
                "id": str(self.fake.app_id),
                "name": "Explainer",
                "description": "",
                "icon": None,
                "bot_public": True,
                "bot_require_code_grant": False,
                "owner": FakeUser(snowflake(), "owner").payload(),
                "verify_key": "0" * 64,
                "flags": 0,
                "team": None,
            }
        )

    async def _gateway_info(self, request: web.Request) -> web.Response:
        limit = {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}
        return json_response(
            {"url": self.fake.gateway_url, "shards": 1, "session_start_limit": limit}
        )

    def ready(self, session: Session) -> dict[str, Any]:
        return {
            "v": 10,
            "user": self.fake.bot_user.payload(),
            "guilds": [{"id": str(self.fake.guild.id), "unavailable": True}],
            "session_id": session.id,
            "application": {"id": str(self.fake.app_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
        }

    async def _sync_commands(self, request: web.Request) -> web.Response:
        body = await request.json()
        guild = request.match_info.get("guild")
        if guild is not None and int(guild) != self.fake.guild.id:
            return json_response({"message": "Missing Access", "code": 50001}, status=403)
        synced = [
            {
                **command,
                "id": str(snowflake()),
                "application_id": str(self.fake.app_id),
                "version": str(snowflake()),
                **({"guild_id": guild} if guild else {}),
            }
            for command in body
        ]
        self.fake.commands[int(guild) if guild else None] = synced
        return json_response(synced)
