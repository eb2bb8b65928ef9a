"""A local fake of Discord for the real discord.py client: the guild, its members and what the
bot did there; the server, with REST routes that record what the bot sends and serve a
channel's messages back (fake_identity_routes.py, fake_interaction_routes.py,
fake_channel_routes.py; the records are in fake_records.py) and a gateway (fake_gateway.py);
and helpers that inject slash commands, button clicks, modal submissions, messages, replies and
forum posts as Discord would.

Point discord.py at it with `FakeDiscord.patch(monkeypatch)` (`Route.BASE` and
`DiscordWebSocket.DEFAULT_GATEWAY`; a plain `Client` connects to DEFAULT_GATEWAY and then to the
READY payload's `resume_gateway_url`)."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from typing import Any

import yarl
from aiohttp import web

from tests.support.discord.fake_channel_routes import ChannelRoutes
from tests.support.discord.fake_gateway import FakeGateway
from tests.support.discord.fake_http import API, json_response
from tests.support.discord.fake_identity_routes import IdentityRoutes
from tests.support.discord.fake_interaction_routes import InteractionRoutes
from tests.support.discord.fake_payloads import (
    ADMIN_PERMISSIONS,
    FakeGuild,
    FakeUser,
    message_payload,
    snowflake,
)
from tests.support.discord.fake_records import EPHEMERAL, InteractionRecord, Sent

__all__ = ["EPHEMERAL", "FakeDiscord", "InteractionRecord", "Sent"]


class FakeDiscord:
    def __init__(self, token: str = "fake-bot-token"):
        self.token = token
        self.app_id = snowflake()
        self.bot_user = FakeUser(self.app_id, "Explainer", bot=True)
        self.admin_role = snowflake()
        self.forum_channel_id = snowflake()
        self.guild = FakeGuild(
            snowflake(),
            "Test guild",
            [snowflake(), snowflake()],
            [self.admin_role],
            forum_ids=[self.forum_channel_id],
        )
        self.channel_id, self.other_channel_id = self.guild.channel_ids
        # A channel for the moderators (not in the guild's payload: the bot posts by its id).
        self.modlog_channel_id = snowflake()
        self.member = FakeUser(snowflake(), "member")
        self.other_member = FakeUser(snowflake(), "other")
        self.admin = FakeUser(
            snowflake(), "admin", permissions=ADMIN_PERMISSIONS, roles=(self.admin_role,)
        )
        self.commands: dict[int | None, list[dict[str, Any]]] = {}
        self.interactions: dict[str, InteractionRecord] = {}
        self.channel_messages: dict[int, list[Sent]] = {}
        # Every message shown in a channel (the bot's and the members'), by id, as Discord
        # serves it back: a channel's history, one message, a reply's referenced message.
        self.messages: dict[int, dict[str, Any]] = {}
        self.deleted_messages: set[int] = set()
        self.typing: list[int] = []
        self.history_reads: list[int] = []
        self._identity = IdentityRoutes(self)
        self.gateway = FakeGateway(
            token=token,
            ready_payload=self._identity.ready,
            guild_payloads=lambda: [self.guild.create_payload(self.bot_user)],
            resume_url=lambda: self.gateway_url,
        )
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- server lifecycle ----------------------------------------------------------------------

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}{API}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    async def start(self) -> FakeDiscord:
        app = web.Application(middlewares=[self._record_middleware])
        app.router.add_get("/gateway", self.gateway.handle)
        for routes in (self._identity, InteractionRoutes(self), ChannelRoutes(self)):
            routes.add_to(app.router)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]  # noqa: SLF001
        return self

    async def stop(self) -> None:
        await self.gateway.close()
        if self._runner is not None:
            await self._runner.cleanup()

    def patch(self, monkeypatch: Any) -> None:
        import discord.gateway
        import discord.http

        monkeypatch.setattr(discord.http.Route, "BASE", self.api_base)
        monkeypatch.setattr(
            discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(self.gateway_url)
        )

    # -- waiting -------------------------------------------------------------------------------

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def wait_for(self, predicate: Callable[[], Any], timeout: float = 10.0) -> Any:
        """Wait until `predicate()` is truthy: re-checked on every request the bot makes, and
        every 0.1 s for state outside the fake (the answer log)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        async with self._changed:
            while not (result := predicate()):
                remaining = deadline - loop.time()
                if remaining <= 0:
                    raise TimeoutError(f"timed out after {timeout} s waiting for the bot")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), min(0.1, remaining))
        return result

    @web.middleware
    async def _record_middleware(self, request: web.Request, handler: Any) -> web.StreamResponse:
        # Interaction callbacks and webhooks are authorized by their token in the URL.
        by_url = request.path.startswith((API + "/interactions/", API + "/webhooks/"))
        if (
            request.path.startswith(API)
            and not by_url
            and request.headers.get("Authorization") != f"Bot {self.token}"
        ):
            return json_response({"message": "401: Unauthorized", "code": 0}, status=401)
        try:
            return await handler(request)
        finally:
            await self._notify()

    # -- the bot's messages --------------------------------------------------------------------

    def bot_message(
        self, channel_id: int, body: dict[str, Any], webhook: bool = False
    ) -> dict[str, Any]:
        """A message the bot sent to `channel_id` (as an interaction's webhook, or not), as
        Discord shows it."""
        return message_payload(
            channel_id=channel_id,
            author=self.bot_user.payload(),
            body=body,
            guild_id=self.guild.id,
            webhook_id=self.app_id if webhook else None,
        )

    # -- injecting events ----------------------------------------------------------------------

    def _interaction(
        self,
        kind: str,
        type_: int,
        user: FakeUser,
        channel_id: int,
        data: dict[str, Any],
        **extra: Any,
    ) -> tuple[InteractionRecord, dict[str, Any]]:
        record = InteractionRecord(
            id=snowflake(),
            token=f"itoken-{snowflake()}",
            kind=kind,
            user=user,
            channel_id=channel_id,
            created=time.monotonic(),
        )
        self.interactions[record.token] = record
        payload = {
            "id": str(record.id),
            "application_id": str(self.app_id),
            "type": type_,
            "data": data,
            "guild_id": str(self.guild.id),
            "channel_id": str(channel_id),
            "channel": self.guild.channel(channel_id),
            "member": user.member(),
            "token": record.token,
            "version": 1,
            "app_permissions": str(ADMIN_PERMISSIONS),
            "locale": "en-US",
            "guild_locale": "en-US",
            "entitlements": [],
            "authorizing_integration_owners": {"0": str(self.guild.id)},
            "context": 0,
            "attachment_size_limit": 8 * 1024 * 1024,
            **extra,
        }
        return record, payload

    async def slash(
        self, name: str, user: FakeUser | None = None, channel_id: int | None = None, **options: Any
    ) -> InteractionRecord:
        """Invoke a synced slash command, as a member clicking it in the client would."""
        command = self._synced(name)
        types = {o["name"]: o["type"] for o in command.get("options", [])}
        data: dict[str, Any] = {
            "id": command["id"],
            "name": name,
            "type": 1,
            "options": [{"name": k, "type": types[k], "value": v} for k, v in options.items()],
        }
        if "guild_id" in command:
            data["guild_id"] = command["guild_id"]
        record, payload = self._interaction(
            "command", 2, user or self.member, channel_id or self.channel_id, data
        )
        await self.gateway.dispatch("INTERACTION_CREATE", payload)
        return record

    def _synced(self, name: str) -> dict[str, Any]:
        for scope in (self.guild.id, None):
            for command in self.commands.get(scope, []):
                if command["name"] == name:
                    return command
        raise KeyError(f"/{name} was not synced")

    async def click(
        self, message: Sent, custom_id: str, user: FakeUser | None = None
    ) -> InteractionRecord:
        """Click a button the bot sent (it must be on the message)."""
        buttons = [c for row in message.components for c in row.get("components", [])]
        if not any(b.get("custom_id") == custom_id for b in buttons):
            raise KeyError(f"no button {custom_id!r} on the message")
        shown = message_payload(
            channel_id=message.channel_id or self.channel_id,
            author=self.bot_user.payload(),
            body=message.payload,
            guild_id=self.guild.id,
            webhook_id=self.app_id,
        )
        shown["id"] = str(message.id)
        record, payload = self._interaction(
            "component",
            3,
            user or self.member,
            message.channel_id or self.channel_id,
            {"custom_id": custom_id, "component_type": 2},
            message=shown,
        )
        await self.gateway.dispatch("INTERACTION_CREATE", payload)
        return record

    async def submit_modal(
        self, opened_by: InteractionRecord, values: dict[str, str], user: FakeUser | None = None
    ) -> InteractionRecord:
        """Submit the modal the bot opened in answer to `opened_by`, with these field values."""
        modal = opened_by.modal
        if modal is None:
            raise KeyError("the bot did not open a modal")
        rows = []
        for row in modal["components"]:
            inner = row["components"] if row["type"] == 1 else [row["component"]]
            rows.append(
                {
                    "type": 1,
                    "components": [
                        {
                            "type": c["type"],
                            "custom_id": c["custom_id"],
                            "value": values.get(c["custom_id"], ""),
                        }
                        for c in inner
                    ],
                }
            )
        record, payload = self._interaction(
            "modal",
            5,
            user or opened_by.user,
            opened_by.channel_id,
            {"custom_id": modal["custom_id"], "components": rows},
        )
        await self.gateway.dispatch("INTERACTION_CREATE", payload)
        return record

    async def user_message(
        self,
        content: str,
        user: FakeUser | None = None,
        channel_id: int | None = None,
        *,
        mention_bot: bool = False,
        mention_bot_role: bool = False,
        reply_to: Sent | None = None,
    ) -> dict[str, Any]:
        """A member posts a message, optionally starting with a mention of the bot (or of the
        role Discord gave it), optionally as a reply to a message the bot sent (without the
        reply's ping: the bot is not in its mentions). `user` may be a bot."""
        author = user or self.member
        text = content
        if mention_bot:
            text = f"<@{self.bot_user.id}> {text}"
        if mention_bot_role:
            text = f"<@&{self.guild.bot_role_id}> {text}"
        channel = channel_id or (reply_to.channel_id if reply_to else None) or self.channel_id
        body: dict[str, Any] = {"content": text}
        if reply_to is not None:
            body["message_reference"] = {
                "message_id": str(reply_to.id),
                "channel_id": str(reply_to.channel_id or channel),
                "guild_id": str(self.guild.id),
            }
        message = message_payload(
            channel_id=channel,
            author=author.payload(),
            body=body,
            guild_id=self.guild.id,
            mentions=[self.bot_user.payload()] if mention_bot else [],
            mention_roles=[self.guild.bot_role_id] if mention_bot_role else [],
        )
        if reply_to is not None:
            message["referenced_message"] = self.messages.get(reply_to.id)
        message["member"] = author.member(with_user=False, with_permissions=False)
        self.messages[int(message["id"])] = message
        await self.gateway.dispatch("MESSAGE_CREATE", message)
        return message

    async def forum_post(self, title: str, body: str, user: FakeUser | None = None) -> int:
        """A member opens a post in the forum channel: THREAD_CREATE (the post's thread, owned
        by the member), then MESSAGE_CREATE of its opening message, which has the thread's id.
        Returns the thread's id."""
        author = user or self.member
        thread_id = snowflake()
        thread = self.guild.thread(self.forum_channel_id, author.id, title, thread_id)
        await self.gateway.dispatch("THREAD_CREATE", {**thread, "newly_created": True})
        message = message_payload(
            channel_id=thread_id,
            author=author.payload(),
            body={"content": body},
            guild_id=self.guild.id,
        )
        message["id"] = str(thread_id)
        message["member"] = author.member(with_user=False, with_permissions=False)
        self.messages[thread_id] = message
        await self.gateway.dispatch("MESSAGE_CREATE", message)
        return thread_id

    async def drop_gateway(self) -> None:
        await self.gateway.drop()
