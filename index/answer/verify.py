"""The verifier every answer passes before it is sent."""

from __future__ import annotations

import re

from index.answer.contract import BackgroundItem, Quote
from index.corpus.card import METADATA_FACT_ID, metadata_item
from index.corpus.labels import label_span
from index.corpus.load import Corpus
from index.texts import Texts


def check_quote(quote: Quote, corpus: Corpus) -> list[str]:
    text = corpus.article.text
    where = f"quote {quote.start}-{quote.end}"
    if (
        not (0 <= quote.start < quote.end <= len(text))
        or text[quote.start : quote.end] != quote.text
    ):
        return [f"{where}: text is not the article slice at its offsets"]
    failures = []
    sentences = corpus.article.sentences_overlapping(quote.start, quote.end)
    if [s.id for s in sentences] != quote.sentence_ids:
        failures.append(f"{where}: sentence ids do not match the offsets")
    if sentences and quote.paragraph != sentences[0].paragraph:
        failures.append(f"{where}: paragraph number does not match the offsets")
    expected = label_span(corpus, quote.start, quote.end)
    if expected is None:
        failures.append(f"{where}: mixes claims with different labels")
    elif (quote.label, quote.labelled_by) != (expected.label, expected.labelled_by):
        failures.append(
            f"{where}: label {quote.label}/{quote.labelled_by} but the data says "
            f"{expected.label}/{expected.labelled_by}"
        )
    elif sorted(quote.claim_ids) != sorted(expected.claim_ids):
        failures.append(f"{where}: claim ids do not match the claims at these offsets")
    elif quote.note != expected.note:
        failures.append(f"{where}: note differs from the data")
    return failures


def check_background(item: BackgroundItem, corpus: Corpus) -> list[str]:
    failures = []
    if not item.sources or any(not s.url.startswith(("http://", "https://")) for s in item.sources):
        failures.append(f"background {item.fact_id}: every item needs a source with a URL")
    if item.fact_id == METADATA_FACT_ID:
        if item != metadata_item(corpus):
            failures.append("background article-metadata: does not match the article's metadata")
    elif item.fact_id not in corpus.facts:
        failures.append(f"background {item.fact_id}: no such fact card")
    elif item.text != corpus.facts[item.fact_id].text:
        failures.append(f"background {item.fact_id}: text differs from the fact card")
    return failures


def check_rendered(quotes: list[Quote], rendered: str, texts: Texts) -> list[str]:
    """Each quote appears verbatim, under the heading of its own label."""
    failures = []
    all_headings = {h: label for label, h in texts.headings.items()}
    for quote in quotes:
        pos = rendered.find(f"> {quote.text}\n")
        if pos < 0:
            failures.append(f"rendered: quote {quote.start}-{quote.end} is not shown verbatim")
            continue
        before = rendered[:pos]
        last = max(all_headings, key=lambda h: before.rfind(h))
        if before.rfind(last) < 0 or all_headings[last] != quote.label:
            failures.append(
                f"rendered: quote {quote.start}-{quote.end} ({quote.label}) is not "
                f"under its label's heading"
            )
    return failures


_QUOTED = re.compile(r'["\u201c]([^"\u201c\u201d]{3,})["\u201d]')


def check_summary(summary: str, corpus: Corpus, rendered: str) -> list[str]:
    """Model prose: anything in quotation marks must be the article's exact words."""
    failures = []
    if summary not in rendered:
        failures.append("rendered: the summary is not shown as composed")
    for match in _QUOTED.finditer(summary):
        if match.group(1) not in corpus.article.text:
            failures.append(f"summary: quotation not in the article: {match.group(1)[:60]!r}")
    return failures


def verify(
    quotes: list[Quote],
    background: list[BackgroundItem],
    rendered: str,
    corpus: Corpus,
    texts: Texts,
    summary: str | None = None,
) -> list[str]:
    failures: list[str] = []
    if summary:
        failures.extend(check_summary(summary, corpus, rendered))
    for quote in quotes:
        failures.extend(check_quote(quote, corpus))
    for item in background:
        failures.extend(check_background(item, corpus))
    failures.extend(check_rendered(quotes, rendered, texts))
    return failures
