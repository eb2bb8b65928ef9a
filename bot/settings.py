"""The adapters' settings: the core ones plus the Discord bot's and the review page's."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import NoDecode

from index import Settings


def _split_ids(value: object) -> object:
    if isinstance(value, str):
        return [int(v) for v in value.replace(";", ",").split(",") if v.strip()]
    return value


IdList = Annotated[list[int], NoDecode]


class BotSettings(Settings):
    """Every setting, with the same `EXPLAINER_` names; see the README table."""

    # Discord
    discord_token: SecretStr | None = None
    guild_allowlist: IdList = Field(default_factory=list)
    channel_allowlist: IdList = Field(default_factory=list)
    admin_role_ids: IdList = Field(default_factory=list)
    admin_user_ids: IdList = Field(default_factory=list)
    allow_dms: bool = False
    mentions: bool = True
    mention_reply: str = Field(default="thread", pattern="^(thread|inline)$")
    user_cooldown_seconds: float = Field(default=10.0, ge=0)
    guild_questions_per_minute: int = Field(default=30, ge=1)
    max_concurrent_answers: int = Field(default=4, ge=1)
    queue_timeout_seconds: float = Field(default=30.0, gt=0)
    user_hash_salt: SecretStr = SecretStr("change-me")

    # Review page
    review_host: str = "127.0.0.1"
    review_port: int = 8787
    review_token: SecretStr | None = None

    _split = field_validator(
        "guild_allowlist", "channel_allowlist", "admin_role_ids", "admin_user_ids", mode="before"
    )(_split_ids)


def get_bot_settings(**overrides: object) -> BotSettings:
    """Build the settings when a command starts (never at import)."""
    return BotSettings(**overrides)  # type: ignore[arg-type]
