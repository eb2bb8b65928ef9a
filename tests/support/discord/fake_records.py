"""What the fake Discord records of the bot's output: the messages it made visible (`Sent`) and
each interaction it was sent with the responses it gave (`InteractionRecord`)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from tests.support.discord.fake_payloads import FakeUser

EPHEMERAL = 1 << 6


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


def sent(body: dict[str, Any], message: dict[str, Any], ephemeral: bool) -> Sent:
    """The record of `body` the bot sent, shown as `message`, now."""
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
