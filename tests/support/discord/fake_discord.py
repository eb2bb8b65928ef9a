"""A local fake of Discord for the real discord.py client: REST routes that record what the bot
sends (and serve a channel's messages back), a gateway (see fake_gateway.py), and helpers that
inject slash commands, button clicks, modal submissions, messages, replies and forum posts as
Discord would.

Point discord.py at it with `FakeDiscord.patch(monkeypatch)` (`Route.BASE` and
`DiscordWebSocket.DEFAULT_GATEWAY`; a plain `Client` connects to DEFAULT_GATEWAY and then to the
READY payload's `resume_gateway_url`)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yarl
from aiohttp import web

from tests.support.discord.fake_gateway import FakeGateway, Session
from tests.support.discord.fake_payloads import (
    ADMIN_PERMISSIONS,
    FakeGuild,
    FakeUser,
    message_payload,
    snowflake,
)

API = "/api/v10"
EPHEMERAL = 1 << 6
# Discord refuses a first response later than this.
ACK_WINDOW_S = 3.0


@dataclass
class Sent:
    """A message the bot made visible (or tried to), as Discord would show it."""

    id: int
    content: str
    ephemeral: bool
    components: list[dict[str, Any]]
    allowed_mentions: dict[str, Any] | None
    payload: dict[str, Any]
    at: float
    channel_id: int | None = None


@dataclass
class InteractionRecord:
    id: int
    token: str
    kind: str  # "command" | "component" | "modal"
    user: FakeUser
    channel_id: int
    created: float
    callbacks: list[dict[str, Any]] = field(default_factory=list)
    messages: list[Sent] = field(default_factory=list)
    original: Sent | None = None
    original_deleted: bool = False
    deferred_ephemeral: bool | None = None
    followup_count: int = 0

    @property
    def ack_delay(self) -> float | None:
        return self.callbacks[0]["at"] - self.created if self.callbacks else None

    @property
    def callback_types(self) -> list[int]:
        return [c["type"] for c in self.callbacks]

    @property
    def visible(self) -> list[Sent]:
        """Messages still shown, in order (a deleted original is gone)."""
        return [m for m in self.messages if not (self.original_deleted and m is self.original)]

    @property
    def modal(self) -> dict[str, Any] | None:
        return next((c["data"] for c in self.callbacks if c["type"] == 9), None)


def _json(data: Any, status: int = 200) -> web.Response:
    # discord.py parses a body as JSON only for exactly this content type (no charset).
    return web.Response(
        body=json.dumps(data).encode(), status=status, headers={"Content-Type": "application/json"}
    )


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
        self.gateway = FakeGateway(
            token=token,
            ready_payload=self._ready,
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
        r = app.router
        r.add_get(API + "/users/@me", self._me)
        r.add_get(API + "/oauth2/applications/@me", self._application)
        r.add_get(API + "/gateway", self._gateway_info)
        r.add_get(API + "/gateway/bot", self._gateway_info)
        r.add_put(API + "/applications/{app}/commands", self._sync_commands)
        r.add_put(API + "/applications/{app}/guilds/{guild}/commands", self._sync_commands)
        r.add_post(API + "/interactions/{iid}/{token}/callback", self._callback)
        r.add_post(API + "/webhooks/{app}/{token}", self._followup)
        r.add_patch(API + "/webhooks/{app}/{token}/messages/{mid}", self._edit_webhook_message)
        r.add_delete(API + "/webhooks/{app}/{token}/messages/{mid}", self._delete_webhook_message)
        r.add_post(API + "/channels/{cid}/messages", self._channel_message)
        r.add_get(API + "/channels/{cid}/messages", self._history)
        r.add_get(API + "/channels/{cid}/messages/{mid}", self._get_message)
        r.add_delete(API + "/channels/{cid}/messages/{mid}", self._delete_channel_message)
        r.add_post(API + "/channels/{cid}/messages/{mid}/threads", self._start_thread)
        r.add_post(API + "/channels/{cid}/typing", self._typing)
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
            return _json({"message": "401: Unauthorized", "code": 0}, status=401)
        try:
            return await handler(request)
        finally:
            await self._notify()

    # -- identity ------------------------------------------------------------------------------

    async def _me(self, request: web.Request) -> web.Response:
        return _json(self.bot_user.payload())

    async def _application(self, request: web.Request) -> web.Response:
        return _json(
            {
                "id": str(self.app_id),
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
        return _json({"url": self.gateway_url, "shards": 1, "session_start_limit": limit})

    def _ready(self, session: Session) -> dict[str, Any]:
        return {
            "v": 10,
            "user": self.bot_user.payload(),
            "guilds": [{"id": str(self.guild.id), "unavailable": True}],
            "session_id": session.id,
            "application": {"id": str(self.app_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
        }

    async def _sync_commands(self, request: web.Request) -> web.Response:
        body = await request.json()
        guild = request.match_info.get("guild")
        if guild is not None and int(guild) != self.guild.id:
            return _json({"message": "Missing Access", "code": 50001}, status=403)
        synced = [
            {
                **command,
                "id": str(snowflake()),
                "application_id": str(self.app_id),
                "version": str(snowflake()),
                **({"guild_id": guild} if guild else {}),
            }
            for command in body
        ]
        self.commands[int(guild) if guild else None] = synced
        return _json(synced)

    # -- interactions --------------------------------------------------------------------------

    def _sent(self, body: dict[str, Any], message: dict[str, Any], ephemeral: bool) -> Sent:
        return Sent(
            id=int(message["id"]),
            content=body.get("content") or "",
            ephemeral=ephemeral,
            components=body.get("components") or [],
            allowed_mentions=body.get("allowed_mentions"),
            payload=body,
            at=time.monotonic(),
            channel_id=int(message["channel_id"]),
        )

    def _bot_message(
        self, channel_id: int, body: dict[str, Any], webhook: bool = False
    ) -> dict[str, Any]:
        return message_payload(
            channel_id=channel_id,
            author=self.bot_user.payload(),
            body=body,
            guild_id=self.guild.id,
            webhook_id=self.app_id if webhook else None,
        )

    async def _callback(self, request: web.Request) -> web.Response:
        record = self.interactions.get(request.match_info["token"])
        if record is None or str(record.id) != request.match_info["iid"]:
            return _json({"message": "Unknown interaction", "code": 10062}, status=404)
        if record.callbacks:
            return _json(
                {"message": "Interaction has already been acknowledged.", "code": 40060}, status=400
            )
        now = time.monotonic()
        if now - record.created > ACK_WINDOW_S:
            return _json({"message": "Unknown interaction", "code": 10062}, status=404)
        body = await request.json()
        kind, data = body["type"], body.get("data") or {}
        record.callbacks.append({"type": kind, "data": data, "at": now})
        result: dict[str, Any] = {
            "interaction": {"id": str(record.id), "type": 2},
        }
        ephemeral = bool(int(data.get("flags") or 0) & EPHEMERAL)
        if kind in (4, 5):
            message = self._bot_message(record.channel_id, data, webhook=True)
            sent = self._sent(data, message, ephemeral)
            record.original = sent
            if kind == 5:
                record.deferred_ephemeral = ephemeral
            else:
                record.messages.append(sent)
            result["interaction"].update(
                response_message_id=message["id"],
                response_message_loading=kind == 5,
                response_message_ephemeral=ephemeral,
            )
            result["resource"] = {"type": kind, "message": message}
        elif kind == 7:
            message = self._bot_message(record.channel_id, data, webhook=True)
            record.messages.append(self._sent(data, message, True))
            result["resource"] = {"type": kind, "message": message}
        return _json(result)

    async def _body(self, request: web.Request) -> dict[str, Any]:
        if request.content_type == "multipart/form-data":
            form = await request.post()
            return json.loads(str(form["payload_json"]))
        return await request.json()

    async def _followup(self, request: web.Request) -> web.Response:
        record = self.interactions.get(request.match_info["token"])
        if record is None or not record.callbacks:
            return _json({"message": "Unknown Webhook", "code": 10015}, status=404)
        body = await self._body(request)
        record.followup_count += 1
        replaces_loading = (
            record.deferred_ephemeral is not None
            and record.followup_count == 1
            and not record.original_deleted
        )
        if replaces_loading:
            # The first follow-up after a defer replaces the "thinking…" message and keeps its
            # visibility, whatever flags it asks for.
            ephemeral = bool(record.deferred_ephemeral)
        else:
            ephemeral = bool(int(body.get("flags") or 0) & EPHEMERAL)
        message = self._bot_message(record.channel_id, body, webhook=True)
        sent = self._sent(body, message, ephemeral)
        if replaces_loading:
            record.original = sent
        record.messages.append(sent)
        if not ephemeral:
            self.messages[int(message["id"])] = message
        return _json(message)

    async def _edit_webhook_message(self, request: web.Request) -> web.Response:
        record = self.interactions.get(request.match_info["token"])
        if record is None or record.original is None:
            return _json({"message": "Unknown Message", "code": 10008}, status=404)
        body = await self._body(request)
        message = self._bot_message(record.channel_id, body, webhook=True)
        sent = self._sent(body, message, bool(record.deferred_ephemeral))
        if record.original in record.messages:
            record.messages[record.messages.index(record.original)] = sent
        else:
            record.messages.append(sent)
        record.original = sent
        return _json(message)

    async def _delete_webhook_message(self, request: web.Request) -> web.Response:
        record = self.interactions.get(request.match_info["token"])
        if record is None:
            return _json({"message": "Unknown Message", "code": 10008}, status=404)
        if request.match_info["mid"] == "@original":
            record.original_deleted = True
        return web.Response(status=204)

    # -- channels ------------------------------------------------------------------------------

    async def _channel_message(self, request: web.Request) -> web.Response:
        channel_id = int(request.match_info["cid"])
        body = await self._body(request)
        message = self._bot_message(channel_id, body)
        self.channel_messages.setdefault(channel_id, []).append(self._sent(body, message, False))
        self.messages[int(message["id"])] = message
        # Discord echoes the bot's own messages back over the gateway.
        await self.gateway.dispatch("MESSAGE_CREATE", message)
        return _json(message)

    async def _history(self, request: web.Request) -> web.Response:
        """A channel's messages, newest first (`limit`, `before`), as Discord serves them."""
        channel_id = int(request.match_info["cid"])
        limit = int(request.query.get("limit", 50))
        before = int(request.query["before"]) if "before" in request.query else None
        found = sorted(
            (
                m
                for mid, m in self.messages.items()
                if int(m["channel_id"]) == channel_id
                and mid not in self.deleted_messages
                and (before is None or mid < before)
            ),
            key=lambda m: int(m["id"]),
            reverse=True,
        )
        self.history_reads.append(channel_id)
        return _json(found[:limit])

    async def _get_message(self, request: web.Request) -> web.Response:
        message = self.messages.get(int(request.match_info["mid"]))
        if message is None or int(message["channel_id"]) != int(request.match_info["cid"]):
            return _json({"message": "Unknown Message", "code": 10008}, status=404)
        return _json(message)

    async def _delete_channel_message(self, request: web.Request) -> web.Response:
        self.deleted_messages.add(int(request.match_info["mid"]))
        return web.Response(status=204)

    async def _start_thread(self, request: web.Request) -> web.Response:
        body = await request.json()
        parent = int(request.match_info["cid"])
        # A thread started on a message takes the message's id.
        thread = self.guild.thread(
            parent, self.bot_user.id, body["name"], int(request.match_info["mid"])
        )
        await self.gateway.dispatch("THREAD_CREATE", {**thread, "newly_created": True})
        return _json(thread, status=201)

    async def _typing(self, request: web.Request) -> web.Response:
        self.typing.append(int(request.match_info["cid"]))
        return web.Response(status=204)

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
