"""The fake Discord's channel routes: the bot posts a message (recorded, and echoed back over
the gateway as Discord does), reads a channel's history or one message, deletes a message,
starts a thread on a message, and shows that it is typing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

from tests.support.discord.fake_http import API, json_response, request_body
from tests.support.discord.fake_records import sent

if TYPE_CHECKING:
    from tests.support.discord.fake_discord import FakeDiscord


class ChannelRoutes:
    def __init__(self, fake: FakeDiscord):
        self.fake = fake

    def add_to(self, r: web.UrlDispatcher) -> None:
        r.add_post(API + "/channels/{cid}/messages", self._channel_message)
        r.add_get(API + "/channels/{cid}/messages", self._history)
        r.add_get(API + "/channels/{cid}/messages/{mid}", self._get_message)
        r.add_delete(API + "/channels/{cid}/messages/{mid}", self._delete_channel_message)
        r.add_post(API + "/channels/{cid}/messages/{mid}/threads", self._start_thread)
        r.add_post(API + "/channels/{cid}/typing", self._typing)

    async def _channel_message(self, request: web.Request) -> web.Response:
        fake = self.fake
        channel_id = int(request.match_info["cid"])
        body = await request_body(request)
        message = fake.bot_message(channel_id, body)
        fake.channel_messages.setdefault(channel_id, []).append(sent(body, message, False))
        fake.messages[int(message["id"])] = message
        # Discord echoes the bot's own messages back over the gateway.
        await fake.gateway.dispatch("MESSAGE_CREATE", message)
        return json_response(message)

    async def _history(self, request: web.Request) -> web.Response:
        """A channel's messages, newest first (`limit`, `before`), as Discord serves them."""
        channel_id = int(request.match_info["cid"])
        limit = int(request.query.get("limit", 50))
        before = int(request.query["before"]) if "before" in request.query else None
        found = sorted(
            (
                m
                for mid, m in self.fake.messages.items()
                if int(m["channel_id"]) == channel_id
                and mid not in self.fake.deleted_messages
                and (before is None or mid < before)
            ),
            key=lambda m: int(m["id"]),
            reverse=True,
        )
        self.fake.history_reads.append(channel_id)
        return json_response(found[:limit])

    async def _get_message(self, request: web.Request) -> web.Response:
        message = self.fake.messages.get(int(request.match_info["mid"]))
        if message is None or int(message["channel_id"]) != int(request.match_info["cid"]):
            return json_response({"message": "Unknown Message", "code": 10008}, status=404)
        return json_response(message)

    async def _delete_channel_message(self, request: web.Request) -> web.Response:
        self.fake.deleted_messages.add(int(request.match_info["mid"]))
        return web.Response(status=204)

    async def _start_thread(self, request: web.Request) -> web.Response:
        body = await request.json()
        parent = int(request.match_info["cid"])
        # A thread started on a message takes the message's id.
        thread = self.fake.guild.thread(
            parent, self.fake.bot_user.id, body["name"], int(request.match_info["mid"])
        )
        await self.fake.gateway.dispatch("THREAD_CREATE", {**thread, "newly_created": True})
        return json_response(thread, status=201)

    async def _typing(self, request: web.Request) -> web.Response:
        self.fake.typing.append(int(request.match_info["cid"]))
        return web.Response(status=204)
