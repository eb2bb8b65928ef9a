"""What the model sees: the prompt files, the data it is shown, and the LLM mode's own texts."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from index.answer import compose
from index.answer.contract import BackgroundItem, Quote
from index.corpus.labels import label_span
from index.corpus.load import Corpus
from index.search.retrieval import Hit
from index.texts import PROMPTS_DIR, Prompts, TextsInvalid, read_yaml

MAX_PASSAGES = 10
MAX_FACTS = 6
LLM_TEXTS = "llm.yaml"
ATTRIBUTION_KEYS = {"disputed", "allegation", "opinion", "unreviewed"}
NOTICE_KEYS = {"unavailable", "unparseable", "refused", "empty", "unmatched"}


@dataclass(frozen=True)
class Passage:
    """An article span shown to the model: a curated claim, or a sentence no claim covers."""

    id: str
    segment: compose.Segment
    label: str
    labelled_by: str
    text: str


@dataclass(frozen=True)
class Context:
    """The data one model call is given; the only ids the model may cite."""

    passages: tuple[Passage, ...]
    fact_ids: tuple[str, ...]

    def passage_ids(self) -> set[str]:
        return {p.id for p in self.passages}

    def ids(self) -> list[str]:
        return [p.id for p in self.passages] + list(self.fact_ids)


@dataclass(frozen=True)
class LLMTexts:
    """`prompts/llm.yaml`: how the code attributes a sentence by label, the notices, and the
    one follow-up message sent when a reply cannot be read."""

    attribution: dict[str, str]
    notices: dict[str, str]
    repair: str
    sha256: str


@lru_cache(maxsize=4)
def load_llm_texts(directory: Path = PROMPTS_DIR) -> LLMTexts:
    path = directory / LLM_TEXTS
    data, sha = read_yaml(path)
    expected = {"attribution", "notices", "repair"}
    if set(data) != expected:
        raise TextsInvalid(f"{path}: needs exactly the keys {', '.join(sorted(expected))}")
    for key, wanted in (("attribution", ATTRIBUTION_KEYS), ("notices", NOTICE_KEYS)):
        got = set(data[key] or {})
        if got != wanted:
            raise TextsInvalid(f"{path}: {key} needs exactly {', '.join(sorted(wanted))}")
    for label, template in data["attribution"].items():
        if template.count("{sentence}") != 1 or '"' in template:
            raise TextsInvalid(
                f"{path}: attribution.{label} needs one {{sentence}} and no quotation marks"
            )
    return LLMTexts(
        {k: str(v) for k, v in data["attribution"].items()},
        {k: str(v) for k, v in data["notices"].items()},
        str(data["repair"]).strip(),
        sha,
    )


def prompts_hash(prompts: Prompts, texts: LLMTexts) -> str:
    """The hash of everything the LLM mode sends or adds (first 16 hex digits)."""
    return hashlib.sha256(f"{prompts.sha256}:{texts.sha256}".encode()).hexdigest()[:16]


def build_context(
    corpus: Corpus,
    segments: list[compose.Segment],
    hits: list[Hit],
    quotes: list[Quote],
    background: list[BackgroundItem],
    with_article: bool,
) -> Context:
    """The draft's own quotes and the best retrieved spans, and the draft's and retrieved facts."""
    chosen: list[compose.Segment] = []
    if with_article:
        ranked = [s.segment for s in compose.score_segments(segments, hits)]
        by_span = {(s.start, s.end): s for s in segments}
        drafted = [by_span[(q.start, q.end)] for q in quotes if (q.start, q.end) in by_span]
        for seg in drafted + ranked:
            if seg not in chosen and len(chosen) < MAX_PASSAGES:
                chosen.append(seg)
        chosen.sort(key=lambda s: s.start)
    passages = []
    for seg in chosen:
        span = label_span(corpus, seg.start, seg.end)
        if span is None:
            continue
        passages.append(
            Passage(
                seg.claim_id or seg.sentence_ids[0],
                seg,
                span.label,
                span.labelled_by,
                corpus.article.text[seg.start : seg.end],
            )
        )
    facts = [b.fact_id for b in background if b.fact_id in corpus.facts]
    for hit in hits:
        fid = hit.item.metadata.get("fact_id") if hit.item.kind == "fact" else None
        if fid in corpus.facts and fid not in facts and len(facts) < MAX_FACTS:
            facts.append(fid)
    return Context(tuple(passages), tuple(facts))


def _data(text: str) -> str:
    """Data may not close its own delimiters: angle brackets become look-alikes."""
    return " ".join(text.replace("<", "\u2039").replace(">", "\u203a").split())


def render_messages(
    prompts: Prompts, corpus: Corpus, context: Context, question: str
) -> tuple[str, str]:
    """(system text, user text) for one call."""
    passages = (
        "\n".join(
            f"[{p.id}] (paragraph {p.segment.paragraph}; label: {p.label}) {_data(p.text)}"
            for p in context.passages
        )
        or "(none)"
    )
    facts = (
        "\n".join(
            f"[{fid}] {_data(corpus.facts[fid].title)}: {_data(corpus.facts[fid].statement)}"
            for fid in context.fact_ids
        )
        or "(none)"
    )
    user = prompts.answer.substitute(passages=passages, facts=facts, question=_data(question))
    return f"{prompts.system}\n\n{prompts.legend}", user
