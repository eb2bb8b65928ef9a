"""What one model call was shown: each cited id resolved to its evidence, an article passage
(with its label and the sentences around it) or a fact card.

`index.llm.judge` checks the model's sentences against it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from index.corpus.load import Corpus
from index.llm.guards import ATTRIBUTE_LABELS
from index.llm.prompt import Context, Passage
from index.llm.reply import normalize_id


@dataclass(frozen=True)
class Evidence:
    """One item the model was shown: an article passage (with its label) or a fact card.

    A passage's `words` add its sentence and the one before (a claim is often a clause, and
    "She met …" names Kenna a sentence earlier). Names are checked against the same words: a
    name from further back in the paragraph is no subject the passage supports. Its `context` is
    its sentences and the one before them as the article has them, other claims left in (the
    names a pronoun in it may stand for); a card's is its text.
    """

    id: str
    kind: str  # "passage" | "fact"
    label: str  # the passage's label; "fact" for a card
    text: str
    passage: Passage | None = None
    words: str = ""
    context: str = ""


def passage_evidence(corpus: Corpus, p: Passage) -> Evidence:
    """A passage with its context: the sentences around it, less the other claims in them that
    need attribution (citing "kenna-tweet" does not support what "kenna-bobbio-meeting" says)."""
    article = corpus.article
    inside = article.sentences_overlapping(p.segment.start, p.segment.end)
    if not inside:
        return Evidence(p.id, "passage", p.label, p.text, p, p.text, p.text)
    sentences = article.sentences
    paragraph = [s for s in sentences if s.paragraph_id == inside[0].paragraph_id]
    before = [s for s in paragraph if s.end <= inside[0].start][-1:]
    # The sentence before, across a paragraph break too.
    preceding = [s for s in sentences if s.end <= inside[0].start][-1:]
    context = article.text[(preceding or inside)[0].start : inside[-1].end]
    others = [
        (c.start, c.end)
        for c in corpus.claims
        if c.label in ATTRIBUTE_LABELS and (c.start, c.end) != (p.segment.start, p.segment.end)
    ]

    def without_others(sentences: list[Any]) -> str:
        parts = []
        for s in sentences:
            text = article.text[s.start : s.end]
            for start, end in sorted(others, reverse=True):
                if s.start <= start and end <= s.end:
                    text = text[: start - s.start] + " " + text[end - s.start :]
            parts.append(text)
        return " ".join(parts)

    # The passage ends its own sentence: a claim is often a clause, and read on into the
    # sentence before its own it would tell that sentence's events with its own dates.
    words = f"{p.text.rstrip(' .')}. {without_others([*before, *inside])}"
    return Evidence(p.id, "passage", p.label, p.text, p, words, context)


class Shown:
    """The ids one model call was given, and what each resolves to."""

    def __init__(self, corpus: Corpus, context: Context):
        self.by_id: dict[str, list[Evidence]] = {}
        for p in context.passages:
            item = passage_evidence(corpus, p)
            self.by_id.setdefault(p.id.lower(), []).append(item)
            for sid in p.segment.sentence_ids:  # a sentence id reaches each passage inside it
                if sid.lower() != p.id.lower():
                    self.by_id.setdefault(sid.lower(), []).append(item)
        for fid in context.fact_ids:
            fact = corpus.facts[fid]
            text = f"{fact.title}: {fact.statement}"
            # A claim and a fact card may share an id ("kenna-tweet"): the id reaches both.
            fact_item = Evidence(fid, "fact", "fact", text, None, text, text)
            self.by_id.setdefault(fid.lower(), []).append(fact_item)

    def ids(self) -> list[str]:
        return sorted(self.by_id)

    def resolve(self, raw: str) -> list[Evidence] | None:
        return self.by_id.get(normalize_id(raw))
