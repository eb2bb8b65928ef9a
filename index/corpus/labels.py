"""Labels for article spans: from the curated claims, else from attribution and hedging cues."""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.answer.contract import Label, LabelledBy
from index.corpus.load import Corpus

# Attribution and hedging cues: a sentence using one is the authors relaying something unproven.
CUES = (
    r"we are told",
    r"we have been told",
    r"it is being said",
    r"it is said",
    r"it is likely",
    r"it is believed",
    r"it seems",
    r"appears? to",
    r"appeared to",
    r"reportedly",
    r"allegedly",
    r"supposedly",
    r"purportedly",
    r"rumou?red",
    r"sources (?:say|said|tell|told)",
    r"according to (?:some )?sources",
    r"(?:is|are|was|were) said to",
    r"it is (?:widely )?rumou?red",
    r"may have been",
    r"might have been",
    r"is thought to",
    r"are thought to",
)
_CUE = re.compile(r"\b(?:" + "|".join(CUES) + r")\b", re.IGNORECASE)


@dataclass(frozen=True)
class SpanLabel:
    label: Label
    labelled_by: LabelledBy
    claim_ids: tuple[str, ...]
    note: str


def cue_in(text: str) -> str | None:
    match = _CUE.search(text)
    return match.group(0) if match else None


def label_span(corpus: Corpus, start: int, end: int) -> SpanLabel | None:
    """The label a quote of article[start:end] must carry; None when claims of different labels mix.

    Curated claims win; otherwise the cue rule runs over the whole sentence(s) the span sits in,
    so a quoted clause inherits the hedge of its sentence ("We are told that ...").
    """
    claims = corpus.claims_overlapping(start, end)
    if claims:
        labels = {c.label for c in claims}
        if len(labels) != 1:
            return None
        note = claims[0].note if len(claims) == 1 else " ".join(c.note for c in claims)
        return SpanLabel(claims[0].label, "curated", tuple(c.id for c in claims), note)
    sentences = corpus.article.sentences_overlapping(start, end)
    context = " ".join(s.text for s in sentences) or corpus.article.text[start:end]
    cue = cue_in(context)
    if cue:
        return SpanLabel(
            "allegation",
            "cue",
            (),
            f'Hedged in the article ("{cue}"); not checked against independent sources.',
        )
    reason = next((n.reason for n in corpus.not_claims if n.start < end and start < n.end), None)
    if reason:
        return SpanLabel("unreviewed", "none", (), f"Not a checkable claim: {reason}")
    return SpanLabel("unreviewed", "none", (), "No one has checked this sentence yet.")
