"""What an answer in LLM mode shows once its summary is judged: the quotes and the background
cards: every quote of the draft (its best first), then what the kept sentences cite; a kept
sentence none of whose evidence fits in the answer is dropped (`unshown`)."""

from __future__ import annotations

from index.answer import compose
from index.answer.contract import BackgroundItem, Quote
from index.answer.pipeline import Draft
from index.corpus.load import Corpus
from index.llm.evidence import Evidence
from index.llm.judge import Checked, Outcome
from index.settings import Settings


def assemble_quotes(
    corpus: Corpus, drafted: list[Quote], cited: list[Evidence], settings: Settings
) -> list[Quote]:
    """Every quote of the draft, its best first and those the kept sentences cite next, then the
    passages they cite that the draft lacks, as far as the answer's quote budget allows: the model
    may reorder and add to what retrieval found, never displace it (the draft's quotes fit the
    budget already), so the answer holds every passage the extractive answer holds."""
    drafted_spans = [(q.start, q.end) for q in drafted]
    cited_spans = [(e.passage.segment.start, e.passage.segment.end) for e in cited if e.passage]
    spans = drafted_spans[:1]
    spans += [s for s in cited_spans if s in drafted_spans]
    spans += drafted_spans[1:]
    spans += [s for s in cited_spans if s not in drafted_spans]
    existing = {(q.start, q.end): q for q in drafted}
    chosen: list[Quote] = []
    used = 0
    for start, end in dict.fromkeys(spans):
        if len(chosen) >= settings.max_quotes:
            break
        length = end - start
        if chosen and used + length > settings.max_quote_chars:
            continue
        quote = existing.get((start, end)) or compose.make_quote(corpus, start, end)
        if quote is not None:
            chosen.append(quote)
            used += length
    return chosen


def assemble_background(
    corpus: Corpus, draft: Draft, cited: list[Evidence], quotes: list[Quote], settings: Settings
) -> list[BackgroundItem]:
    """The draft's first card, the cited facts, the draft's other cards, then the facts linked to
    newly quoted disputed claims and allegations."""
    drafted = {b.fact_id: b for b in draft.background}
    wanted = [b.fact_id for b in draft.background[:1]]
    wanted += [e.id for e in cited if e.kind == "fact"]
    wanted += [b.fact_id for b in draft.background[1:]]
    old = {(q.start, q.end) for q in draft.quotes}
    for quote in quotes:
        if (quote.start, quote.end) not in old and quote.label in ("disputed", "allegation"):
            for cid in quote.claim_ids:
                wanted.extend(corpus.claim(cid).fact_ids[: compose.LINKED_FACTS_PER_QUOTE])
    chosen: list[BackgroundItem] = []
    for fid in dict.fromkeys(wanted):
        if len(chosen) >= settings.max_background + 2:
            break
        if fid in drafted:
            chosen.append(drafted[fid])
        elif fid in corpus.facts:
            chosen.append(compose.fact_item(corpus, fid))
    return chosen


def drop_unshown(outcome: Outcome, quotes: list[Quote], background: list[BackgroundItem]) -> bool:
    """Drop kept sentences none of whose evidence the answer shows; True if any was dropped."""
    spans = {(q.start, q.end) for q in quotes}
    facts = {b.fact_id for b in background}
    dropped = False
    for c in outcome.kept:
        if not any(_visible(e, spans, facts) for e in c.evidence):
            _mark(c, "unshown", "none of what it cites fits in the answer")
            dropped = True
    return dropped


def _visible(e: Evidence, spans: set[tuple[int, int]], facts: set[str]) -> bool:
    if e.passage is not None:
        return (e.passage.segment.start, e.passage.segment.end) in spans
    return e.id in facts


def _mark(c: Checked, guard: str, detail: str) -> None:
    c.dropped, c.detail = guard, detail
