"""Word lists derived from a corpus once per index version, that questions and answers are read
against: the article's rare names, the words too common to tell its passages apart, and the
words of its authors' names."""

from __future__ import annotations

import re

from index.corpus.load import Corpus
from index.search.text import fold, tokenize, words

# A capitalized word not opening its sentence; names used this rarely mark a specific passage.
_NAME = re.compile(r"\b[A-Z][a-z\u00e0-\u00ff]{3,}\b")
RARE_NAME_SENTENCES = 2
# Words in this share of the article's sentences (its subject's name) say little about which one.
COMMON_SHARE = 0.25

_LETTERS = re.compile(r"[^\W\d_]+")


def rare_names(corpus: Corpus) -> frozenset[str]:
    """Proper names the article uses in at most two sentences ("Rejas", "Mendieta"); not the
    title's words (title case capitalizes every word), nor a word the article or a card also
    writes in lower case: a common noun capitalized as a title ("Prime Minister Ann Smith")."""
    seen: dict[str, set[str]] = {}
    for sentence in corpus.article.quotable():
        if corpus.article.part_of(sentence.id) == "title":
            continue
        for match in _NAME.finditer(sentence.text):
            if match.start() > 0:
                seen.setdefault(fold(match.group(0)), set()).add(sentence.id)
    texts = [corpus.article.text, *(f.text for f in corpus.facts.values())]
    common = {fold(w) for text in texts for w in _LETTERS.findall(text) if w[:1].islower()}
    return frozenset(
        name for name, ids in seen.items() if len(ids) <= RARE_NAME_SENTENCES and name not in common
    )


def common_words(corpus: Corpus) -> frozenset[str]:
    """Words in so many of the article's sentences that sharing them shows nothing."""
    article = corpus.article
    quotable = [s for s in article.quotable() if article.part_of(s.id) in ("title", "body")]
    counts: dict[str, int] = {}
    for s in quotable:
        for tok in set(tokenize(s.text)):
            counts[tok] = counts.get(tok, 0) + 1
    limit = max(2, COMMON_SHARE * len(quotable))
    return frozenset(t for t, n in counts.items() if n >= limit)


def author_words(corpus: Corpus) -> tuple[str, ...]:
    """The words of the credited authors' names (front matter), for attribution by name."""
    names = corpus.article.meta.get("authors") or []
    return tuple(sorted({w for n in names for w in words(str(n)) if len(w) > 2}))
