"""The fake Discord's routes for the bot's answers to interactions: the interaction callback
(reply, defer, update, modal; refused after Discord's acknowledgement window or a second time)
and the interaction webhook's follow-ups, edits of the original response and its deletion.
They are authorized by the interaction's token in the URL, not the bot's token."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from aiohttp import web

from tests.support.discord.fake_http import API, json_response, request_body
from tests.support.discord.fake_records import EPHEMERAL, sent

if TYPE_CHECKING:
    from tests.support.discord.fake_discord import FakeDiscord

# Discord refuses a first response later than this.
ACK_WINDOW_S = 3.0


class InteractionRoutes:
    def __init__(self, fake: FakeDiscord):
        self.fake = fake

    def add_to(self, r: web.UrlDispatcher) -> None:
        r.add_post(API + "/interactions/{iid}/{token}/callback", self._callback)
        r.add_post(API + "/webhooks/{app}/{token}", self._followup)
        r.add_patch(API + "/webhooks/{app}/{token}/messages/{mid}", self._edit_webhook_message)
        r.add_delete(API + "/webhooks/{app}/{token}/messages/{mid}", self._delete_webhook_message)

    async def _callback(self, request: web.Request) -> web.Response:
        record = self.fake.interactions.get(request.match_info["token"])
        if record is None or str(record.id) != request.match_info["iid"]:
            return json_response({"message": "Unknown interaction", "code": 10062}, status=404)
        if record.callbacks:
            return json_response(
                {"message": "Interaction has already been acknowledged.", "code": 40060}, status=400
            )
        now = time.monotonic()
        if now - record.created > ACK_WINDOW_S:
            return json_response({"message": "Unknown interaction", "code": 10062}, status=404)
        body = await request.json()
        kind, data = body["type"], body.get("data") or {}
        record.callbacks.append({"type": kind, "data": data, "at": now})
        result: dict[str, Any] = {
            "interaction": {"id": str(record.id), "type": 2},
        }
        ephemeral = bool(int(data.get("flags") or 0) & EPHEMERAL)
        if kind in (4, 5):
            message = self.fake.bot_message(record.channel_id, data, webhook=True)
            shown = sent(data, message, ephemeral)
            record.original = shown
            if kind == 5:
                record.deferred_ephemeral = ephemeral
            else:
                record.messages.append(shown)
            result["interaction"].update(
                response_message_id=message["id"],
                response_message_loading=kind == 5,
                response_message_ephemeral=ephemeral,
            )
            result["resource"] = {"type": kind, "message": message}
        elif kind == 7:
            message = self.fake.bot_message(record.channel_id, data, webhook=True)
            record.messages.append(sent(data, message, True))
            result["resource"] = {"type": kind, "message": message}
        return json_response(result)

    async def _followup(self, request: web.Request) -> web.Response:
        record = self.fake.interactions.get(request.match_info["token"])
        if record is None or not record.callbacks:
            return json_response({"message": "Unknown Webhook", "code": 10015}, status=404)
        body = await request_body(request)
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
        message = self.fake.bot_message(record.channel_id, body, webhook=True)
        shown = sent(body, message, ephemeral)
        if replaces_loading:
            record.original = shown
        record.messages.append(shown)
        if not ephemeral:
            self.fake.messages[int(message["id"])] = message
        return json_response(message)

    async def _edit_webhook_message(self, request: web.Request) -> web.Response:
        record = self.fake.interactions.get(request.match_info["token"])
        if record is None or record.original is None:
            return json_response({"message": "Unknown Message", "code": 10008}, status=404)
        body = await request_body(request)
        message = self.fake.bot_message(record.channel_id, body, webhook=True)
        shown = sent(body, message, bool(record.deferred_ephemeral))
        if record.original in record.messages:
            record.messages[record.messages.index(record.original)] = shown
        else:
            record.messages.append(shown)
        record.original = shown
        return json_response(message)

    async def _delete_webhook_message(self, request: web.Request) -> web.Response:
        record = self.fake.interactions.get(request.match_info["token"])
        if record is None:
            return json_response({"message": "Unknown Message", "code": 10008}, status=404)
        if request.match_info["mid"] == "@original":
            record.original_deleted = True
        return web.Response(status=204)
