"""Which language a question is in, among those `prompts/` has texts for (a kept library).

`py3langid` (langid.py's model, shipped inside the package) ranks the languages by their
character n-grams. Names are no evidence of a language (a string of Spanish names reads as
Spanish, whatever the question around it), so the corpus's names are taken out first; a
question with too few words left, or one the model is unsure of, has no language of its own
and keeps the fallback (the conversation's language, else English).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from index.search.text import fold
from index.texts import DEFAULT_LANGUAGE, available_languages

# The model's normalized probability a language must reach; below it the fallback stands.
MIN_PROBABILITY = 0.9
# Fewer words than this (after names) say too little to tell two languages apart.
MIN_WORDS = 2
_WORD = re.compile(r"[^\W\d_]+")
_LOCK = threading.Lock()


@lru_cache(maxsize=4)
def _identifier(languages: tuple[str, ...]) -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(languages))
    return identifier


def detect_language(
    text: str,
    *,
    names: Iterable[str] = (),
    fallback: str | None = None,
    languages: tuple[str, ...] | None = None,
) -> str:
    """The language of `text` (a code of `available_languages()`), or the fallback.

    `names`: folded words that are names (the article's); they are ignored.
    """
    supported = languages or available_languages()
    default = fallback if fallback in supported else DEFAULT_LANGUAGE
    if len(supported) < 2:
        return default
    skip = set(names)
    kept = [w for w in _WORD.findall(text) if fold(w) not in skip]
    if len(kept) < MIN_WORDS:
        return default
    with _LOCK:  # the identifier keeps no state per call, but its first load must happen once
        identifier = _identifier(tuple(supported))
    code, probability = identifier.classify(" ".join(kept))
    return str(code) if probability >= MIN_PROBABILITY and code in supported else default


def warm() -> None:
    """Load the model now (about half a second) rather than on the first question."""
    supported = available_languages()
    if len(supported) > 1:
        with _LOCK:
            _identifier(tuple(supported))
