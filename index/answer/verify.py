"""The verifier every answer passes before it is sent (both its renderings)."""

from __future__ import annotations

import re

from index.answer.contract import BackgroundItem, Quote
from index.answer.lead import Lead, compose_lead
from index.answer.render import Rendering, quote_link
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
    if item.fact_id == METADATA_FACT_ID:
        # The article's own card is not background: its data is the front matter, links or not.
        if item != metadata_item(corpus):
            failures.append("background article-metadata: does not match the article's metadata")
        return failures
    if not item.sources or any(not s.url.startswith(("http://", "https://")) for s in item.sources):
        failures.append(f"background {item.fact_id}: every item needs a source with a URL")
    if item.fact_id not in corpus.facts:
        failures.append(f"background {item.fact_id}: no such fact card")
    elif item.text != corpus.facts[item.fact_id].text:
        failures.append(f"background {item.fact_id}: text differs from the fact card")
    return failures


def check_rendered(
    quotes: list[Quote],
    rendered: str,
    texts: Texts,
    corpus: Corpus | None = None,
    *,
    complete: bool = True,
    lead: Lead | None = None,
) -> list[str]:
    """Each quote block is one of the answer's quotes, verbatim, in the draft's order; the line
    under it starts with the tag of its own label, carries no other label's tag, holds its note
    (unless the lead states it) and links, if at all, to its own place in a published copy.
    No label tag appears anywhere else.

    `complete`: every quote must be shown (else at least one).
    """
    failures: list[str] = []
    tags = set(texts.tags.values())
    lines = rendered.split("\n")
    shown: list[int] = []
    for i, line in enumerate(lines):
        after_quote = i > 0 and lines[i - 1].startswith(">")
        if not line.startswith(">") and not after_quote and any(t in line for t in tags):
            # A tag anywhere else (a heading, a lead) would label whatever follows it.
            failures.append(f"rendered: a label tag outside a quote's own line: {line[:60]!r}")
        if not line.startswith(">"):
            continue
        text = line[2:] if line.startswith("> ") else line[1:]
        after = shown[-1] + 1 if shown else 0
        n = next((j for j in range(after, len(quotes)) if quotes[j].text == text), None)
        if n is None:
            failures.append(
                f"rendered: a quote block is not one of the answer's quotes in its order: "
                f"{text[:60]!r}"
            )
            continue
        shown.append(n)
        quote = quotes[n]
        where = f"rendered: quote {quote.start}-{quote.end} ({quote.label})"
        own = texts.tag(quote.label, quote.labelled_by)
        tag_line = lines[i + 1] if i + 1 < len(lines) else ""
        if not tag_line.startswith(own):
            failures.append(f"{where} is not followed by its label's tag")
        others = sorted(t for t in tags - {own} if t in tag_line)
        if others:
            failures.append(f"{where} carries another label's tag: {', '.join(others)}")
        states_note = lead is not None and lead.quote == n
        if quote.note and not states_note and quote.note not in tag_line:
            failures.append(f"{where}: its note is not shown with it")
        if corpus is not None:
            expected = quote_link(quote, corpus)
            for url in _urls(tag_line):
                if url != expected:
                    failures.append(f"{where} links elsewhere than its place in the article")
    if complete:
        failures.extend(
            f"rendered: quote {q.start}-{q.end} is not shown verbatim"
            for n, q in enumerate(quotes)
            if n not in shown
        )
    elif quotes and not shown:
        failures.append("rendered: none of the quotes is shown")
    return failures


def _last_heading(rendered: str, pos: int, headings: list[str]) -> str | None:
    before = rendered[:pos]
    found = [(before.rfind(h), h) for h in headings if before.rfind(h) >= 0]
    return max(found)[1] if found else None


def check_cards(
    background: list[BackgroundItem],
    rendered: str,
    texts: Texts,
    *,
    complete: bool = True,
    lead: Lead | None = None,
) -> list[str]:
    """Every card (all of them when `complete`) is shown verbatim under its own heading: the
    article's own card under "About the article", never under the background heading."""
    failures = []
    about, background_heading = texts.headings["about"], texts.headings["background"]
    for item in background:
        if lead is not None and lead.fact_id == item.fact_id:
            continue  # the lead states it (checked with the lead)
        pos = rendered.find(f"• {item.text}")
        if pos < 0:
            if complete:
                failures.append(f"rendered: background {item.fact_id} is not shown")
            continue
        want = about if item.fact_id == METADATA_FACT_ID else background_heading
        if _last_heading(rendered, pos, [about, background_heading]) != want:
            failures.append(f"rendered: background {item.fact_id} is not under its heading {want}")
    return failures


_LINK = re.compile(r"<(https?://[^>\s]+)>|(https?://[^\s<>]+)")


def _urls(text: str) -> list[str]:
    return [m.group(1) or m.group(2) for m in _LINK.finditer(text)]


def check_links(
    quotes: list[Quote], background: list[BackgroundItem], rendered: str, corpus: Corpus
) -> list[str]:
    """Every URL shown comes from the data: a card's sources, or a published copy of the article
    (with a quote's text fragment)."""
    allowed = {str(c.get("url")) for c in corpus.article.meta.get("copies") or []}
    allowed.update(url for q in quotes if (url := quote_link(q, corpus)))
    for item in background:
        if item.fact_id == METADATA_FACT_ID:
            allowed.update(s.url for s in metadata_item(corpus).sources)
        elif item.fact_id in corpus.facts:
            allowed.update(s.url for s in corpus.facts[item.fact_id].sources)
    return [
        f"rendered: a link not from the data: {url[:80]}"
        for url in _urls(rendered)
        if url not in allowed
    ]


def check_lead(
    rendering: Rendering,
    quotes: list[Quote],
    background: list[BackgroundItem],
    corpus: Corpus,
    texts: Texts,
) -> list[str]:
    """The lead is the one the data gives (recomputed), and both renderings open with it."""
    lead = rendering.lead
    if lead is None:
        return []
    if lead != compose_lead(quotes, background, corpus, texts):
        return ["lead: not the line the curated notes and cards give"]
    failures = []
    for name, text in (("rendered", rendering.text), ("detail", rendering.detail)):
        if text is not None and not text.startswith(lead.text):
            failures.append(f"{name}: does not open with the lead")
    return failures


# Double quotation marks, or single ones that open after a space or bracket and close before
# one (an apostrophe, as in "Ana's", opens nothing).
_QUOTED = re.compile(
    r'["\u201c]([^"\u201c\u201d]{3,})["\u201d]'
    r"|(?:(?<=[\s(\[\u2014])|^)['\u2018]([^\s'\u2018\u2019][^'\u2018\u2019]{2,}?)['\u2019]"
    r"(?=[\s.,;:!?)\]\u2014]|$)"
)


def quotations(text: str) -> list[tuple[int, int, str]]:
    """Where `text` puts words in quotation marks (double or single): start, end, the words."""
    return [(m.start(), m.end(), m.group(1) or m.group(2)) for m in _QUOTED.finditer(text)]


def check_summary(summary: str, corpus: Corpus, rendered: str) -> list[str]:
    """Model prose: anything in quotation marks must be the article's exact words."""
    failures = []
    if summary not in rendered:
        failures.append("rendered: the summary is not shown as composed")
    for _, _, words in quotations(summary):
        if words not in corpus.article.text:
            failures.append(f"summary: quotation not in the article: {words[:60]!r}")
    return failures


def verify(
    quotes: list[Quote],
    background: list[BackgroundItem],
    rendered: str | Rendering,
    corpus: Corpus,
    texts: Texts,
    summary: str | None = None,
) -> list[str]:
    """Every check, on the default rendering and on the full one (`detail`) when there is one.

    A plain string is a full rendering (every quote and card shown).
    """
    rendering = rendered if isinstance(rendered, Rendering) else Rendering(rendered)
    failures: list[str] = []
    for quote in quotes:
        failures.extend(check_quote(quote, corpus))
    for item in background:
        failures.extend(check_background(item, corpus))
    failures.extend(check_lead(rendering, quotes, background, corpus, texts))
    views = [("", rendering.text, rendering.detail is None)]
    if rendering.detail is not None:
        views.append(("detail: ", rendering.detail, True))
    for prefix, text, complete in views:
        found: list[str] = []
        if summary and not prefix:
            found.extend(check_summary(summary, corpus, text))
        elif summary and summary not in text:
            found.append("rendered: the summary is not shown as composed")
        found.extend(
            check_rendered(quotes, text, texts, corpus, complete=complete, lead=rendering.lead)
        )
        found.extend(check_cards(background, text, texts, complete=complete, lead=rendering.lead))
        found.extend(check_links(quotes, background, text, corpus))
        failures.extend(prefix + f for f in found)
    return failures
