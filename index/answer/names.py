"""The corpus's names: capitalized words of the article and the cards that do not open a
sentence (people, places, institutions, months), and those only the background uses."""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.corpus.load import Corpus
from index.search.text import FOLDED_STOPWORDS, fold, tokenize, words

_WORD_IN_TEXT = re.compile(r"[^\W\d_]{3,}")
_SENTENCE_END = ".!?:\"'“”‘’(\n"


@dataclass(frozen=True)
class _Names:
    stems: frozenset[str]
    folded: frozenset[str]


_NAMES: dict[str, _Names] = {}


def _corpus_names(corpus: Corpus) -> _Names:
    """Capitalized words of the article and the cards that do not open a sentence."""
    cached = _NAMES.get(corpus.sha256)
    if cached is not None:
        return cached
    # Body sentences and card texts: titles capitalize every word.
    texts = [s.text for s in corpus.article.quotable() if s.paragraph > 0]
    texts += [f.text for f in corpus.facts.values()]
    capitalized: dict[str, int] = {}
    seen: dict[str, int] = {}
    spelled: dict[str, set[str]] = {}
    for text in texts:
        for match in _WORD_IN_TEXT.finditer(text):
            before = text[: match.start()].rstrip()
            if not before or before[-1] in _SENTENCE_END:
                continue  # opening a sentence: capitalized whatever it is
            word = match.group(0)
            for key in tokenize(word):  # one stem, or none for a stop word
                seen[key] = seen.get(key, 0) + 1
                if word[0].isupper():
                    capitalized[key] = capitalized.get(key, 0) + 1
                    spelled.setdefault(key, set()).add(fold(word))
    # A name is capitalized in most of its places ("Smith", "Senate"); a word that is also
    # written in lower case ("coup", "times") is not one.
    stems = {k for k, n in capitalized.items() if n * 2 > seen[k]}
    found = _Names(frozenset(stems), frozenset(w for k in stems for w in spelled[k]))
    if len(_NAMES) >= 4:
        _NAMES.clear()
    _NAMES[corpus.sha256] = found
    return found


def corpus_names(corpus: Corpus) -> frozenset[str]:
    """Stems of the names of the corpus (people, places, institutions, months)."""
    return _corpus_names(corpus).stems


def name_words(corpus: Corpus) -> frozenset[str]:
    """The folded words of the corpus's names (language detection ignores them)."""
    return _corpus_names(corpus).folded


def background_names(corpus: Corpus, authors: frozenset[str] = frozenset()) -> frozenset[Run]:
    """Names of two or more words only the background cards use ("ann smith", "bo writer"):
    runs of capitalized words in the cards whose last word the article and its authors' names
    never use (not "Ann Smith" when the article names Smith)."""
    article = frozenset(words(corpus.article.text)) | authors
    found: set[Run] = set()
    for fact in corpus.facts.values():
        for run in capitalized_runs(fact.text, openers=True):
            while run and run[0] in FOLDED_STOPWORDS:
                run = run[1:]  # a sentence's capitalized opener ("In June", "The Commission")
            if len(run) >= 2 and run[-1] not in article:
                found.add(run)
    return frozenset(found)


Run = tuple[str, ...]  # a name's folded words
_CAPITALIZED = re.compile(r"(?<![\w'’-])[A-ZÀ-ÖØ-Þ][\w'’-]*")
_OPENER = re.compile(r"(^|[.?!¿¡:;\"“(]\s*)$")


def opens_sentence(text: str, at: int) -> bool:
    """Whether the word at `at` opens `text` or one of its sentences (capitalized anyway)."""
    return bool(_OPENER.search(text[:at]))


def name_parts(word: str) -> list[str]:
    """A capitalized word's folded parts, without a possessive ("Smith's" → ["smith"])."""
    return words(word.split("'")[0].split("’")[0])


def capitalized_runs(text: str, *, openers: bool) -> list[Run]:
    """Runs of capitalized words separated by spaces, folded ("Ann Smith" → ("ann",
    "smith")); without `openers`, a word opening a sentence is no part of one (a question's
    "Did Ann Smith …" gives ("ann", "smith"))."""
    runs: list[list[str]] = []
    end = -1
    for match in _CAPITALIZED.finditer(text):
        if not openers and opens_sentence(text, match.start()):
            continue
        parts = name_parts(match.group(0))
        if not parts:
            continue
        if runs and end >= 0 and text[end : match.start()].isspace():
            runs[-1].extend(parts)
        else:
            runs.append(list(parts))
        end = match.end()
    return [tuple(r) for r in runs]


def names_only_the_background_uses(question: str, background: frozenset[Run]) -> frozenset[str]:
    """The question's names of two or more words found in a background-only name of the cards
    ("Who is Ann Smith?" → {"ann smith"}; "Bo Smith" is no card's name)."""
    found = set()
    for run in capitalized_runs(question, openers=False):
        if len(run) >= 2 and any(_within(run, name) for name in background):
            found.add(" ".join(run))
    # In lower case ("who is ann smith"): a whole name of the cards, word for word.
    folded = words(question)
    for name in background:
        width = len(name)
        spans = (tuple(folded[i : i + width]) for i in range(len(folded) - width + 1))
        if name in spans and not any(n.endswith(" ".join(name)) for n in found):
            found.add(" ".join(name))
    return frozenset(found)


def _within(run: Run, name: Run) -> bool:
    """`run` is `name` or a stretch of it ending where it ends ("ann smith" in "mayor
    ann smith")."""
    return len(run) <= len(name) and name[len(name) - len(run) :] == run
