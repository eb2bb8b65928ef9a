"""The fake gateway: HELLO, heartbeats, IDENTIFY → READY, RESUME → replay + RESUMED, and
transport compression exactly as discord.py asks for it (`compress=zlib-stream` or
`zstd-stream` in the URL; see discord/utils.py `_ActiveDecompressionContext`)."""

from __future__ import annotations

import asyncio
import json
import uuid
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

DISPATCH, HEARTBEAT, IDENTIFY, RESUME, HELLO, HEARTBEAT_ACK, INVALID_SESSION = 0, 1, 2, 6, 10, 11, 9
HEARTBEAT_INTERVAL_MS = 41_250


class _Compressor:
    """One stream per connection, flushed after every payload, as Discord does."""

    def __init__(self, kind: str | None):
        self.kind = kind
        if kind == "zlib-stream":
            self._zlib = zlib.compressobj()
        elif kind == "zstd-stream":
            import zstandard

            self._zstd = zstandard.ZstdCompressor().compressobj()
            self._block = zstandard.COMPRESSOBJ_FLUSH_BLOCK
        elif kind is not None:
            raise ValueError(f"unknown compression {kind}")

    def encode(self, text: str) -> bytes | str:
        raw = text.encode()
        if self.kind == "zlib-stream":
            # Ends with Z_SYNC_FLUSH's 00 00 ff ff, which discord.py waits for.
            return self._zlib.compress(raw) + self._zlib.flush(zlib.Z_SYNC_FLUSH)
        if self.kind == "zstd-stream":
            return self._zstd.compress(raw) + self._zstd.flush(self._block)
        return text


@dataclass
class Session:
    id: str
    token: str
    seq: int = 0
    sent: list[dict[str, Any]] = field(default_factory=list)
    ws: web.WebSocketResponse | None = None
    compressor: _Compressor | None = None
    transport: asyncio.BaseTransport | None = None


class FakeGateway:
    """Holds the bot's gateway session; events dispatched while it is disconnected are kept
    and replayed on RESUME, as Discord does."""

    def __init__(
        self,
        *,
        token: str,
        ready_payload: Callable[[Session], dict[str, Any]],
        guild_payloads: Callable[[], list[dict[str, Any]]],
        resume_url: Callable[[], str],
    ):
        self.token = token
        self._ready_payload = ready_payload
        self._guild_payloads = guild_payloads
        self._resume_url = resume_url
        self.session: Session | None = None
        self.identifies = 0
        self.resumes = 0
        self.compressions: list[str | None] = []
        self.received: list[dict[str, Any]] = []

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        kind = request.query.get("compress")
        self.compressions.append(kind)
        compressor = _Compressor(kind)
        await self._send(
            ws, compressor, {"op": HELLO, "d": {"heartbeat_interval": HEARTBEAT_INTERVAL_MS}}
        )
        async for msg in ws:
            if msg.type is not WSMsgType.TEXT:
                break
            payload = json.loads(msg.data)
            self.received.append(payload)
            op = payload.get("op")
            if op == HEARTBEAT:
                await self._send(ws, compressor, {"op": HEARTBEAT_ACK, "d": None})
            elif op == IDENTIFY:
                await self._identify(ws, compressor, payload["d"])
            elif op == RESUME:
                await self._resume(ws, compressor, payload["d"])
            if self.session is not None and self.session.ws is ws:
                self.session.transport = request.transport
        if self.session and self.session.ws is ws:
            self.session.ws = None
        return ws

    async def _identify(
        self, ws: web.WebSocketResponse, compressor: _Compressor, data: dict
    ) -> None:
        if data.get("token") != self.token:
            await ws.close(code=4004, message=b"Authentication failed.")
            return
        self.identifies += 1
        self.session = Session(
            id=uuid.uuid4().hex, token=data["token"], ws=ws, compressor=compressor
        )
        ready = self._ready_payload(self.session)
        ready["resume_gateway_url"] = self._resume_url()
        await self.dispatch("READY", ready)
        for guild in self._guild_payloads():
            await self.dispatch("GUILD_CREATE", guild)

    async def _resume(self, ws: web.WebSocketResponse, compressor: _Compressor, data: dict) -> None:
        session = self.session
        if (
            session is None
            or data.get("session_id") != session.id
            or data.get("token") != self.token
        ):
            await self._send(ws, compressor, {"op": INVALID_SESSION, "d": False})
            return
        self.resumes += 1
        session.ws, session.compressor = ws, compressor
        last = data.get("seq") or 0
        for payload in session.sent:
            if payload["s"] > last:
                await self._send(ws, compressor, payload)
        await self.dispatch("RESUMED", {})

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send an event now, or keep it for the replay if the bot is disconnected."""
        session = self.session
        if session is None:
            raise RuntimeError("the bot has not identified yet")
        session.seq += 1
        payload = {"op": DISPATCH, "t": event, "s": session.seq, "d": data}
        session.sent.append(payload)
        if session.ws is not None and not session.ws.closed and session.compressor is not None:
            try:
                await self._send(session.ws, session.compressor, payload)
            except ConnectionError:
                session.ws = None

    async def drop(self) -> None:
        """Cut the connection without a close frame, like a network failure."""
        session = self.session
        if session is None or session.ws is None:
            return
        ws, session.ws = session.ws, None
        if session.transport is not None:
            session.transport.abort()
        else:
            await ws.close(code=4000)

    async def close(self) -> None:
        if self.session and self.session.ws is not None:
            await self.session.ws.close(code=1001)

    @staticmethod
    async def _send(ws: web.WebSocketResponse, compressor: _Compressor, payload: dict) -> None:
        encoded = compressor.encode(json.dumps(payload))
        if isinstance(encoded, bytes):
            await ws.send_bytes(encoded)
        else:
            await ws.send_str(encoded)
