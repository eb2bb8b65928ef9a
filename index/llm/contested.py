"""The corpus's contested claims: what a summary sentence stated as fact may not restate.

A sentence citing only established passages and fact cards may restate none of the corpus's
contested claims (title included, retrieved or not): by word overlap here, and by embedding
similarity (`index.llm.judge`) when it is closer to a contested claim than to its own evidence.
An attributed sentence may restate none it does not cite (`restated_uncited`).
"""

from __future__ import annotations

from dataclasses import dataclass

from index.answer import compose
from index.corpus.labels import label_span
from index.corpus.load import Corpus
from index.llm.evidence import Evidence
from index.llm.guards import ATTRIBUTE_LABELS, restates
from index.llm.support import overlap


@dataclass(frozen=True)
class Contested:
    """A span of the corpus the summary may restate only attributed."""

    id: str
    label: str
    text: str


def contested_spans(corpus: Corpus, segments: list[compose.Segment]) -> list[Contested]:
    """Every contested claim of the corpus (title included) and every hedged sentence."""
    found: list[Contested] = [
        Contested(c.id, c.label, c.quote) for c in corpus.claims if c.label in ATTRIBUTE_LABELS
    ]
    texts = {c.text for c in found}
    for seg in segments:
        span = label_span(corpus, seg.start, seg.end)
        text = corpus.article.text[seg.start : seg.end]
        if span and span.label in ATTRIBUTE_LABELS and text not in texts:
            found.append(Contested(seg.claim_id or seg.sentence_ids[0], span.label, text))
            texts.add(text)
    return found


def restated(
    core: str, evidence: list[Evidence], contested: list[Contested], common: frozenset[str]
) -> str | None:
    """The id of a contested claim `core` restates, by word overlap, at least as much as it
    restates its own evidence; or None."""
    own = max(overlap(core, e.text, common) for e in evidence)
    for spot in contested:
        if restates(core, spot.text, common) and overlap(core, spot.text, common) >= own:
            return spot.id
    return None


def restated_uncited(
    core: str, evidence: list[Evidence], contested: list[Contested], common: frozenset[str]
) -> str | None:
    """The id of a contested claim `core` restates (all its distinctive words) that it does not
    cite, whatever it restates of its own evidence; or None. For an attributed sentence: "The
    authors allege that <an uncited claim> …"."""
    cited = {e.id for e in evidence}
    return next(
        (c.id for c in contested if c.id not in cited and restates(core, c.text, common)), None
    )
