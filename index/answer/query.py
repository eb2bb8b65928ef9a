"""The question, parsed once: clean text, the topic to search, its words, names and intent.

Every later stage (retrieval, the status decision, composition) reads this object instead of
re-parsing the raw string.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path
from typing import Literal

import numpy as np
from langchain_core.embeddings import Embeddings

from index.answer.names import Run, name_parts, names_only_the_background_uses, opens_sentence
from index.search.embeddings import embed_queries
from index.search.text import fold, tokenize, words
from index.texts import PROMPTS_DIR, TextsInvalid, read_yaml

log = logging.getLogger(__name__)

Intent = Literal["topic", "byline", "overview", "help"]
INTENTS: tuple[Intent, ...] = ("byline", "overview", "help")


@dataclass(frozen=True)
class Query:
    text: str  # the cleaned question
    topic: str  # what is searched: the question without phrases that only point at the article
    tokens: frozenset[str]  # stems of the topic's content words
    names: frozenset[str]  # rare names of the article the question uses
    intent: Intent
    # For a question with a topic of its own that still uses the words of questions about the
    # article ("who are the authors of this thing"): the nearest intent and its similarity; the
    # status decision routes it there when that beats every passage by the calibrated margin.
    nearest: Intent | None = None
    nearest_score: float = 0.0
    # Names the question uses that the corpus never mentions ("Allende", "Machu Picchu"):
    # a sign the question is about something else (the status decision weighs it).
    foreign: frozenset[str] = frozenset()
    # Names of two or more words the question uses that only the background cards mention
    # ("Ann Smith"): what the article says is not about them.
    elsewhere: frozenset[str] = frozenset()
    # The question names the article or its writers ("what do the writers suggest about …"):
    # it asks what the article says, so the article answers it whenever it matches.
    to_article: bool = False
    # Every word of its own (not a word of the intents' examples) is one the article uses
    # ("the phone call"): a topic of its own, never routed to an intent.
    own_in_article: bool = False


@dataclass(frozen=True)
class IntentPatterns:
    references: tuple[re.Pattern[str], ...]
    mentions: tuple[re.Pattern[str], ...]
    examples: dict[Intent, tuple[str, ...]]
    vocabulary: frozenset[str]  # stems of the content words of every example
    sha256: str


@lru_cache(maxsize=4)
def load_intents(directory: Path = PROMPTS_DIR) -> IntentPatterns:
    path = directory / "intents.yaml"
    data, sha = read_yaml(path)
    if set(data) != {"mentions", "references", "intents"} or set(data["intents"]) != set(INTENTS):
        raise TextsInvalid(
            f"{path}: needs 'mentions', 'references' and 'intents' with {', '.join(INTENTS)}"
        )
    compiled = {}
    for key in ("mentions", "references"):
        try:
            compiled[key] = tuple(re.compile(p, re.IGNORECASE) for p in data[key])
        except re.error as exc:
            raise TextsInvalid(f"{path}: a pattern of '{key}' does not compile: {exc}") from exc
    examples = {k: tuple(str(e) for e in data["intents"][k]) for k in INTENTS}
    vocabulary = frozenset(t for ex in examples.values() for e in ex for t in tokenize(e))
    return IntentPatterns(compiled["references"], compiled["mentions"], examples, vocabulary, sha)


def topic_of(
    question: str, patterns: IntentPatterns | None = None, authors: frozenset[str] = frozenset()
) -> str:
    """The question without "what does the article say about": words that dilute the match.

    The authors named ("what does Author claim about …", "según Autora, …") point at the
    article like "the authors" do; `authors` is the folded words of their names.
    """
    patterns = patterns or load_intents()
    topic = _without_references(question, patterns)
    if topic == question and authors:
        for stand_in in ("the authors", "los autores"):
            named = _name_the_authors(question, authors, stand_in)
            stripped = _without_references(named, patterns)
            if named != question and stripped != named:
                topic = stripped
                break
    topic = topic.strip()
    return topic if topic.strip("?¿.!¡ ") else question


def _without_references(question: str, patterns: IntentPatterns) -> str:
    for pattern in patterns.references:
        question = pattern.sub("", question)
    return question


_WORD_SPAN = re.compile(r"[^\W\d_]+")
# What may stand between two authors' names: "Ann and Bo", "Ann y Bo", "Ann, Bo".
_JOINER = re.compile(r"\s*(?:,|&|\band\b|\by\b)?\s*", re.IGNORECASE)


def _name_the_authors(question: str, authors: frozenset[str], stand_in: str) -> str:
    """`question` with each run of the authors' names ("Ann Author and Bo Writer")
    replaced by `stand_in`."""
    spans: list[list[int]] = []
    for match in _WORD_SPAN.finditer(question):
        if fold(match.group(0)) not in authors:
            continue
        gap = question[spans[-1][1] : match.start()] if spans else None
        if gap is not None and _JOINER.fullmatch(gap):
            spans[-1][1] = match.end()
        else:
            spans.append([match.start(), match.end()])
    for start, end in reversed(spans):
        question = question[:start] + stand_in + question[end:]
    return question


class IntentRouter:
    """Sends a question with no topic of its own to the nearest intent's examples (embedding).

    The examples' vectors are kept in `cache_dir` (the data directory), keyed by the embedding
    model and the examples' file hash: the first question of a new process reads ~40 vectors
    instead of embedding ~40 questions (about 0.6 s on this machine's CPU).
    """

    def __init__(
        self,
        embedder: Embeddings,
        patterns: IntentPatterns,
        cache_dir: Path | None = None,
        embed_query: Callable[[str], list[float]] | None = None,
    ):
        self._embedder = embedder
        # The question's vector; the retriever's cached one, so a question is embedded once.
        self._embed_query = embed_query or embedder.embed_query
        self._patterns = patterns
        self._cache_dir = cache_dir
        self._matrix: np.ndarray | None = None
        self._labels: list[Intent] = []

    def _examples(self) -> np.ndarray:
        if self._matrix is None:
            labels: list[Intent] = []
            texts: list[str] = []
            for intent, examples in self._patterns.examples.items():
                labels.extend([intent] * len(examples))
                texts.extend(examples)
            vectors = self._cached(len(texts))
            if vectors is None:
                # Questions compared with questions: both sides embedded as queries.
                vectors = np.array(embed_queries(self._embedder, texts), dtype=np.float32)
                self._store(vectors)
            self._matrix, self._labels = vectors, labels
        return self._matrix

    def _cache_file(self) -> Path | None:
        model = getattr(self._embedder, "model_id", None)
        if self._cache_dir is None or not model:
            return None
        key = hashlib.sha256(f"{model}\0{self._patterns.sha256}".encode()).hexdigest()[:20]
        return self._cache_dir / f"intents-{key}.npy"

    def _cached(self, rows: int) -> np.ndarray | None:
        path = self._cache_file()
        if path is None or not path.is_file():
            return None
        try:
            vectors = np.load(path, allow_pickle=False)
        except (OSError, ValueError) as exc:
            log.warning("ignoring the intent vectors in %s: %s", path, exc)
            return None
        if vectors.ndim != 2 or vectors.shape[0] != rows or vectors.dtype != np.float32:
            log.warning("ignoring the intent vectors in %s: shape %s", path, vectors.shape)
            return None
        return vectors

    def _store(self, vectors: np.ndarray) -> None:
        path = self._cache_file()
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            with tmp.open("wb") as out:
                np.save(out, vectors, allow_pickle=False)
            os.replace(tmp, path)  # a reader sees the old file or the whole new one
        except OSError as exc:  # a read-only data directory: embed again next time
            log.warning("cannot keep the intent vectors in %s: %s", path, exc)

    def prepare(self) -> None:
        """Embed the examples now (or read them from the cache), not on the first question."""
        self._examples()

    def route(self, question: str) -> tuple[Intent, float]:
        """The nearest intent and the cosine of its nearest example."""
        matrix = self._examples()
        vector = np.asarray(self._embed_query(question), dtype=np.float32)
        scores = matrix @ vector
        best = int(np.argmax(scores))
        return self._labels[best], float(scores[best])


# How alike (difflib's ratio) a word must be to a rare name to be read as its misspelling
# ("Rejaz"), and right after another of them ("Mariano Alvarez").
MISSPELT_RATIO = 0.75
NEAR_RATIO = 0.6
# A capitalized word that does not open the question or one of its sentences: a name.
_CAPITALIZED = re.compile(r"(?<![\w'’-])[A-ZÀ-ÖØ-Þ][\w'’-]{2,}")


def foreign_names(
    question: str,
    known: frozenset[str],
    spell: Callable[[str], str] | None = None,
    rare: frozenset[str] = frozenset(),
) -> frozenset[str]:
    """Names in the question (capitalized words not opening a sentence) none of whose parts
    the corpus uses; `known` is the corpus's folded words. With `spell` (a word to the corpus
    word it is a misspelling of), a misspelt name of the corpus ("Montesino") is no foreign one;
    nor is a word that reads like one of the article's rare names (`rare`), more loosely right
    after one: "Rejaz" and "Mariano Alvarez" are misspelt, "Lisa Simpson" is someone else."""
    found = set()
    after_rare = -1  # where the last rare name of the article ended
    for match in _CAPITALIZED.finditer(question):
        parts = name_parts(match.group(0))
        if any(fold(p) in rare for p in parts):
            after_rare = match.end()
        if opens_sentence(question, match.start()):
            continue
        after = match.start() == after_rare + 1  # "Mariano Alvarez"
        if _like_one_of(fold(match.group(0)), rare, NEAR_RATIO if after else MISSPELT_RATIO):
            continue
        if parts and not any(_known(p, known, spell) for p in parts):
            found.add(fold(match.group(0)))
    return frozenset(found)


@lru_cache(maxsize=4096)
def _like_one_of(word: str, rare: frozenset[str], ratio: float) -> bool:
    """`word` reads as a misspelling of one of the rare names (most of its letters in order).
    The two quick upper bounds of difflib's ratio rule most names out before the ratio itself."""
    for name in rare:
        matcher = SequenceMatcher(None, word, name)
        if (
            matcher.real_quick_ratio() >= ratio
            and matcher.quick_ratio() >= ratio
            and matcher.ratio() >= ratio
        ):
            return True
    return False


def _known(word: str, known: frozenset[str], spell: Callable[[str], str] | None) -> bool:
    return word in known or (spell is not None and fold(spell(word)) in known)


def names_in(
    question: str, names: frozenset[str], spell: Callable[[str], str] | None = None
) -> frozenset[str]:
    """The corpus's rare names the question uses, misspelt ones too when `spell` is given."""
    folded = set(words(question))
    found = folded & names
    if spell is not None:
        found |= {fold(spell(w)) for w in folded - names} & names
    return frozenset(found)


def parse(
    question: str,
    *,
    names: frozenset[str],
    front_matter_words: frozenset[str],
    router: IntentRouter | None,
    patterns: IntentPatterns | None = None,
    known_words: frozenset[str] | None = None,
    authors: frozenset[str] = frozenset(),
    spell: Callable[[str], str] | None = None,
    background: frozenset[Run] = frozenset(),
    article_words: frozenset[str] = frozenset(),
) -> Query:
    """Parse a cleaned question against one corpus (its rare names, its byline's words);
    `spell` maps a word to the corpus word it is a misspelling of (the retriever's);
    `background` is the names only the background cards use (`names.background_names`);
    `article_words` the stems of the article's words."""
    patterns = patterns or load_intents()
    topic = topic_of(question, patterns, authors)
    tokens = set(tokenize(question))
    own = {t for t in tokens if t not in patterns.vocabulary}
    intent: Intent = "topic"
    nearest: Intent | None = None
    score = 0.0
    rare = names_in(question, names, spell)
    own_in_article = bool(own) and own <= article_words
    if own and own <= front_matter_words:
        intent = "byline"  # "Who is <author>?", "What is <publisher>?"
    elif router is not None and not (own and (rare or own_in_article)):
        # Every question gets its nearest intent; the status decision routes it there only
        # when that beats its nearest curated question by the calibrated margin. Not one with
        # a topic of its own (`status.routed_intent`): a rare name of the article, or words
        # all of which the article uses; its nearest intent would go unread (and cost an
        # embedding when its topic is not the question).
        nearest, score = router.route(question)
        if not own:
            intent = nearest
    return Query(
        text=question,
        topic=topic,
        tokens=frozenset(tokenize(topic)),
        names=rare,
        intent=intent,
        nearest=nearest if intent == "topic" else None,
        nearest_score=score,
        foreign=foreign_names(topic, known_words, spell, names) if known_words else frozenset(),
        elsewhere=names_only_the_background_uses(topic, background),
        to_article=topic != question or names_the_article(question, patterns),
        own_in_article=own_in_article,
    )


def names_the_article(question: str, patterns: IntentPatterns | None = None) -> bool:
    """The question names the article or its writers (`mentions` in prompts/intents.yaml)."""
    folded = fold(question)
    return any(p.search(folded) for p in (patterns or load_intents()).mentions)


def front_matter_words(meta: dict) -> frozenset[str]:
    """Stems of the words of the authors' and the publisher's names (front matter)."""
    parts = [str(a) for a in meta.get("authors") or []] + [str(meta.get("publisher") or "")]
    return frozenset(t for p in parts for t in tokenize(p) if len(t) > 2)
