"""The Discord adapter's own lines (`prompts/discord.yaml`), typed; the engine's: texts.yaml."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from index.texts import DEFAULT_LANGUAGE, available_languages, load_lines


@dataclass(frozen=True)
class DiscordTexts:
    """One field per line of `prompts/discord.yaml`; the file must have exactly these keys."""

    ABOUT_BYLINE: str
    ABOUT_COPIES: str
    ABOUT_HOW: str
    ABOUT_LABELS: str
    ABOUT_TITLE: str
    ABOUT_WHAT: str
    CLAIMS_NONE: str
    CLAIMS_PAGE: str
    CLAIMS_TITLE: str
    COOLDOWN: str
    EMPTY_MENTION: str
    FAILED: str
    FEEDBACK_DOWN: str
    FEEDBACK_DOWN_LABEL: str
    FEEDBACK_FAILED: str
    FEEDBACK_MODAL_LABEL: str
    FEEDBACK_MODAL_PLACEHOLDER: str
    FEEDBACK_MODAL_TITLE: str
    FEEDBACK_UP: str
    FEEDBACK_UP_LABEL: str
    GUILD_BUSY: str
    HELP_ALREADY: str
    HELP_FAILED: str
    HELP_GONE: str
    HELP_LABEL: str
    HELP_SENT: str
    MODLOG_ANSWER: str
    MODLOG_HELP: str
    MODLOG_LINK: str
    MODLOG_VERIFICATION: str
    MORE_GONE: str
    MORE_LABEL: str
    NOT_IN_CHANNEL: str
    NOT_IN_DMS: str
    NOT_IN_GUILD: str
    NOT_READY: str
    QUEUE_FULL: str
    REINDEX_DONE: str
    REINDEX_FAILED: str
    REINDEX_INVALID: str
    REINDEX_NOT_ADMIN: str
    REINDEX_RELOAD_FAILED: str
    REINDEX_RUNNING: str
    REINDEX_STARTED: str
    REINDEX_UNCHANGED: str
    SHUTTING_DOWN: str


@lru_cache(maxsize=4)
def texts(language: str = DEFAULT_LANGUAGE) -> DiscordTexts:
    """The lines in a language (`prompts/<code>/discord.yaml`), English when it has none."""
    if language not in available_languages():
        language = DEFAULT_LANGUAGE
    return load_lines(DiscordTexts, "discord.yaml", language=language)


def locale_language(locale: object) -> str:
    """The language of a Discord locale ("es-ES", "es-419" → "es") when there are texts for it."""
    code = str(getattr(locale, "value", locale) or "").split("-")[0].lower()
    return code if code in available_languages() else DEFAULT_LANGUAGE
