"""Question hygiene: strip invisible characters, bound the length, neutralize Discord mentions."""

from __future__ import annotations

import re
import unicodedata

_ZERO_WIDTH = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
_MASS_MENTION = re.compile(r"@(everyone|here)\b", re.IGNORECASE)
_ID_MENTION = re.compile(r"<(@[!&]?|#)(\d+)>")


def clean_question(text: str) -> str:
    """Remove control and zero-width characters and collapse whitespace."""
    text = _ZERO_WIDTH.sub("", text)
    text = "".join(
        " " if ch in "\t\n\r" else ch
        for ch in text
        # Cs: a lone surrogate (undecodable input) cannot be logged, rendered or sent.
        if ch in "\t\n\r" or unicodedata.category(ch) not in ("Cc", "Cf", "Cs")
    )
    return " ".join(text.split())


def neutralize_mentions(text: str) -> str:
    """Make @everyone, @here and <@id> inert wherever user text is echoed back."""
    text = _MASS_MENTION.sub("@\u200b\\1", text)
    return _ID_MENTION.sub(lambda m: f"<{m.group(1)}\u200b{m.group(2)}>", text)
