"""The retrievable units of a corpus: article sentences, paragraph windows, claims, facts, and
the curated asks (example questions) that point at a claim or a fact.

Each ask is stored twice: as an "ask", embedded like a passage and searched with the passages
(its score goes to its target), and as a "question", embedded like a question, for the status
decision: how close a member's question is to one the curators say the corpus answers (question
against question, both on the same side of an asymmetric model such as e5). The questions the
curators say it does not answer (`off_topic.yaml`) are stored the same way, pointing at nothing."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cached_property

from index.answer.records import CandidateKind
from index.corpus.article import QUOTABLE
from index.corpus.load import Corpus

WINDOW_SENTENCES = 2
# The target of the curated questions the corpus does not answer (`off_topic.yaml`).
OFF_TOPIC = "off_topic"


@dataclass(frozen=True)
class Item:
    id: str
    kind: CandidateKind
    text: str
    metadata: dict
    # What the embedding model sees, when it needs more than `text` (a claim with its sentence).
    context: str = ""
    # Words the lexical index sees besides `text` (a card's tags).
    keywords: str = ""

    @property
    def embed_text(self) -> str:
        return f"{self.text} {self.context}".strip()

    @property
    def lexical_text(self) -> str:
        return f"{self.text} {self.keywords}".strip()

    @cached_property
    def target(self) -> str | None:
        """For an ask or a question, the id of the item it points at (`claim:…` or `fact:…`)."""
        return self.metadata.get("target") if self.kind in ("ask", "question") else None

    @cached_property
    def sentence_ids(self) -> tuple[str, ...]:
        """The article sentences a sentence or a window item holds (none for other kinds)."""
        held = self.metadata.get("sentence_ids") or self.metadata.get("sentence_id")
        return tuple(str(held).split(",")) if held and self.kind in ("sentence", "window") else ()

    @cached_property
    def off_topic(self) -> bool:
        """A curated question the corpus does not answer (`off_topic.yaml`)."""
        return self.target == OFF_TOPIC

    @property
    def as_query(self) -> bool:
        """Embedded as a question (with the model's query side), not as a passage."""
        return self.kind == "question"

    def content_hash(self, model_id: str) -> str:
        payload = json.dumps(
            [self.embed_text, self.metadata, model_id], sort_keys=True, ensure_ascii=False
        )
        return hashlib.sha256(payload.encode()).hexdigest()


def build_items(corpus: Corpus) -> list[Item]:
    article = corpus.article
    items: list[Item] = []
    for paragraph in article.paragraphs:
        if paragraph.kind not in QUOTABLE:
            continue
        for s in paragraph.sentences:
            items.append(
                Item(
                    f"sentence:{s.id}",
                    "sentence",
                    s.text,
                    {"sentence_id": s.id, "paragraph": s.paragraph, "start": s.start, "end": s.end},
                )
            )
    # Windows run across paragraph breaks too: a question and the answer that opens the next
    # paragraph (a rhetorical "Why did ...?" and the sentence answering it) belong together.
    body = [s for p in article.paragraphs if p.kind == "body" for s in p.sentences]
    for i in range(len(body) - WINDOW_SENTENCES + 1):
        group = body[i : i + WINDOW_SENTENCES]
        start, end = group[0].start, group[-1].end
        items.append(
            Item(
                f"window:{group[0].id}+{group[-1].id}",
                "window",
                " ".join(s.text for s in group),
                {
                    "sentence_ids": ",".join(s.id for s in group),
                    "paragraph": group[0].paragraph,
                    "start": start,
                    "end": end,
                },
            )
        )
    for claim in corpus.claims:
        items.append(
            Item(
                f"claim:{claim.id}",
                "claim",
                claim.quote,
                {
                    "claim_id": claim.id,
                    "label": claim.label,
                    "start": claim.start,
                    "end": claim.end,
                },
                context=" ".join(
                    s.text for s in article.sentences_overlapping(claim.start, claim.end)
                ),
            )
        )
    for fact in corpus.facts.values():
        items.append(
            Item(
                f"fact:{fact.id}",
                "fact",
                f"{fact.title}. {fact.text}",
                {
                    "fact_id": fact.id,
                    "date": fact.date,
                    "sources": " ".join(s.url for s in fact.sources),
                },
                keywords=" ".join(fact.tags),
            )
        )
    targets = [(f"claim:{c.id}", c.asks) for c in corpus.claims]
    targets += [(f"fact:{f.id}", f.asks) for f in corpus.facts.values()]
    for target, asks in targets:
        for n, ask in enumerate(asks, start=1):
            items.append(Item(f"ask:{target}#{n}", "ask", ask, {"target": target}))
            items.append(Item(f"question:{target}#{n}", "question", ask, {"target": target}))
    # What the corpus does not answer: questions too, pointing at nothing the engine can show.
    for n, question in enumerate(corpus.off_topic, start=1):
        items.append(Item(f"question:{OFF_TOPIC}#{n}", "question", question, {"target": OFF_TOPIC}))
    return items
