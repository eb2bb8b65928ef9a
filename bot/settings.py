"""The adapters' settings: the core ones plus the Discord bot's, the review page's and eval's."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import NoDecode

from index import Settings

PREFIX = "EXPLAINER_"
DEFAULT_SALT = "change-me"
MIN_SECRET_CHARS = 16
# The names the review page answers to when EXPLAINER_REVIEW_ALLOWED_HOSTS is empty.
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")


def _split_ids(value: object) -> object:
    if isinstance(value, str):
        parts = [v.strip() for v in value.replace(";", ",").split(",") if v.strip()]
        bad = [p for p in parts if not (p.isascii() and p.isdigit())]
        if bad:
            raise ValueError(f"must be comma-separated numeric ids; {bad[0][:40]!r} is not one")
        if any(len(p) > 19 or int(p) >= 2**63 for p in parts):
            raise ValueError("an id is too large to be a Discord id")
        ids = [int(p) for p in parts]
        return ids
    return value


def _split_names(value: object) -> object:
    if isinstance(value, str):
        return [v.strip().lower() for v in value.replace(";", ",").split(",") if v.strip()]
    return value


IdList = Annotated[list[int], NoDecode]
NameList = Annotated[list[str], NoDecode]


class EvalSettings(Settings):
    """The core settings plus where `explainer eval` finds its default question sets."""

    eval_dir: Path | None = Field(
        default=None, description="default: the evals/ directory of the project (not the CWD)"
    )

    @field_validator("eval_dir", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value


class BotSettings(EvalSettings):
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
    user_hash_salt: SecretStr = SecretStr(DEFAULT_SALT)
    # Conversations: who the bot answers in the threads it started (the member who opened the
    # thread, or anyone; a mention of the bot always counts), /ask private by default, the forum
    # channels whose new posts it answers, and the language of its answers (auto: the question's).
    thread_replies: str = Field(default="starter", pattern="^(starter|anyone)$")
    private_by_default: bool = False
    forum_channel_ids: IdList = Field(default_factory=list)
    language: str = Field(default="auto", pattern="^(auto|en|es)$")
    # A way to a human: "Still need help?" under answers posts to this channel (and tags the role);
    # verification failures are posted there too. Unset: no button.
    modlog_channel_id: int | None = None
    moderator_role_id: int | None = None
    # The review page's public address, for links to an answer (`<url>/answers/<id>`).
    review_url: str | None = None

    # Review page
    review_host: str = "127.0.0.1"
    review_port: int = Field(default=8787, ge=0, le=65535)
    review_token: SecretStr | None = None
    # Host names (optionally host:port) the page answers to, and that forms may come from.
    review_allowed_hosts: NameList = Field(default_factory=list)

    _split = field_validator(
        "guild_allowlist",
        "channel_allowlist",
        "admin_role_ids",
        "admin_user_ids",
        "forum_channel_ids",
        mode="before",
    )(_split_ids)
    _names = field_validator("review_allowed_hosts", mode="before")(_split_names)

    @field_validator("modlog_channel_id", "moderator_role_id", "review_url", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("review_url")
    @classmethod
    def _review_url_is_http(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/") if value is not None else None

    def answer_review_link(self, answer_id: str) -> str | None:
        """The review page of one answer, when the page's address is configured."""
        return f"{self.review_url}/answers/{answer_id}" if self.review_url else None

    def allowed_review_hosts(self) -> list[str]:
        """The configured allowlist, else the loopback names plus a specific bind address."""
        if self.review_allowed_hosts:
            return list(self.review_allowed_hosts)
        hosts = list(LOOPBACK_HOSTS)
        bind = self.review_host.strip("[]").lower()
        if bind and bind not in ("0.0.0.0", "::") and bind not in hosts:
            hosts.append(bind)
        return hosts


def get_eval_settings(**overrides: object) -> EvalSettings:
    return EvalSettings(**overrides)  # type: ignore[arg-type]


def get_bot_settings(**overrides: object) -> BotSettings:
    """Build the settings when a command starts (never at import)."""
    return BotSettings(**overrides)  # type: ignore[arg-type]


class SaltError(ValueError):
    """The salt of the member hashes is the public default (or blank, or short)."""


def check_salt(settings: BotSettings) -> None:
    """Refuse the default, a blank or a short `EXPLAINER_USER_HASH_SALT`.

    With a salt anyone knows, the hashed member ids in the answer log are reversible: hash
    every candidate Discord id and compare. Raises `SaltError` with one line to print.
    """
    salt = settings.user_hash_salt.get_secret_value()
    how = (
        "set a long random value once and keep it: "
        'python -c "import secrets; print(secrets.token_hex(32))"'
    )
    if salt.strip() == DEFAULT_SALT:
        raise SaltError(
            f"EXPLAINER_USER_HASH_SALT is the default {DEFAULT_SALT!r}, which would make the "
            f"logged member hashes reversible; {how}"
        )
    if len(salt.strip()) < MIN_SECRET_CHARS:
        raise SaltError(
            f"EXPLAINER_USER_HASH_SALT is {'blank' if not salt.strip() else 'too short'} (at least "
            f"{MIN_SECRET_CHARS} characters); {how}"
        )


# -- one line per bad setting -----------------------------------------------------------------

_SECRET = re.compile(r"token|key|salt|secret|password", re.IGNORECASE)
_CHOICES = re.compile(r"^\^\(([\w|-]+)\)\$$")
_BOUNDS = {
    "less_than_equal": ("≤", "le"),
    "less_than": ("<", "lt"),
    "greater_than_equal": ("≥", "ge"),
    "greater_than": (">", "gt"),
}


def _what_is_allowed(error: Any) -> str:
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    if kind in _BOUNDS:
        sign, key = _BOUNDS[kind]
        return f"must be {sign} {ctx.get(key)}"
    simple = {
        "int_parsing": "must be a whole number",
        "int_from_float": "must be a whole number",
        "float_parsing": "must be a number",
        "bool_parsing": "must be true or false",
    }
    if kind in simple:
        return simple[kind]
    if kind == "string_pattern_mismatch":
        choices = _CHOICES.match(str(ctx.get("pattern", "")))
        if choices:
            return "must be one of " + ", ".join(choices.group(1).split("|"))
        return f"must match {ctx.get('pattern')}"
    if kind == "literal_error":
        return f"must be {ctx.get('expected')}"
    if kind == "value_error" and "error" in ctx:
        return str(ctx["error"])
    message = str(error.get("msg", "is not valid"))
    return message[:1].lower() + message[1:]


def settings_error_line(exc: ValidationError) -> str:
    """`EXPLAINER_MAX_QUOTES=20: must be ≤ 10` for each bad setting, joined on one line.

    The values of secrets (tokens, keys, salts) are never echoed.
    """
    parts = []
    seen: set[str] = set()
    for error in exc.errors():
        loc = error.get("loc") or ("?",)
        name = f"{PREFIX}{str(loc[0]).upper()}"
        if name in seen:
            continue
        seen.add(name)
        value = error.get("input")
        shown = ""
        if not _SECRET.search(name) and isinstance(value, str | int | float | bool):
            shown = " ".join(str(value).split())[:80]
        parts.append(f"{name}={shown}: {_what_is_allowed(error)}" if shown else
                     f"{name}: {_what_is_allowed(error)}")  # fmt: skip
    return "; ".join(parts)
