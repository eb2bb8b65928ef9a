"""Render an answer as Discord-ready Markdown that a member can read on a phone.

The answer opens with a direct line from data (`lead.py`), then the quotes in the order the draft
gives them (relevance order), each followed by one line: its label as a compact tag, its
paragraph as a masked link to a published copy of the article (a text fragment points at the
passage), and its note. The article's own card has its own heading; fact cards list their
sources as masked links (`[Publisher](<url>)`: the angle brackets stop link previews), capped
and linked once per message.

`render_answer` returns the default rendering, which fits one Discord message, and the full one
when the default leaves quotes or cards out; `render` returns the full rendering.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote as url_quote

from index.answer.contract import BackgroundItem, Quote, Source
from index.answer.lead import Lead
from index.corpus.card import METADATA_FACT_ID
from index.corpus.load import Corpus
from index.texts import Texts

# Discord's limit for one message, counted in UTF-16 code units.
MESSAGE_LIMIT = 2000
# The default rendering shows at most this many quotes and independent cards (more cards when
# there is no quote); the full rendering shows all of them.
SHORT_QUOTES = 2
SHORT_CARDS = 1
SHORT_CARDS_WITHOUT_QUOTES = 2
# The default rendering grows past the lead and the first quote only while it stays this short
# (about a phone screen: masked links show as their label, so members see far fewer characters).
SHORT_TARGET = 1000
# Sources listed per card: in the full rendering, and in the default one.
SOURCES_PER_CARD = 3
SHORT_SOURCES = 2
# Under a lead that states a claim's note: the first source of each card backing it, this many.
LEAD_LINKS = 1
# A text fragment names the first and the last few words of a quote.
FRAGMENT_WORDS = 3
_EDGE_PUNCTUATION = "\"'“”‘’«»()[]{}.,;:!?…—–-"


@dataclass(frozen=True)
class Rendering:
    """The default rendering (`text`), the full one when it differs (`detail`), and the lead
    built from data, if the renderer was given one."""

    text: str
    detail: str | None = None
    lead: Lead | None = None


def message_length(text: str) -> int:
    """Length as Discord counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


# Parts of the article outside its numbered paragraphs, by their sentence ids' prefix.
_PARTS = {"title": "title", "production": "credit", "bio": "author bio"}


def paragraph_ref(paragraph: int, sentence_id: str = "title.s1") -> str:
    if paragraph > 0:
        return f"¶{paragraph}"
    return _PARTS.get(sentence_id.split(".")[0], "title")


def masked_link(label: str, url: str) -> str:
    """`[label](<url>)`: shown as the label, without a preview."""
    clean = label.replace("[", "(").replace("]", ")")
    return f"[{clean}](<{url}>)"


def article_copy(corpus: Corpus | None) -> str | None:
    """The URL of the first published copy of the article in its own language, if any."""
    if corpus is None:
        return None
    language = corpus.article.meta.get("language")
    for copy in corpus.article.meta.get("copies") or []:
        url = str(copy.get("url") or "")
        if url.startswith(("http://", "https://")) and copy.get("language", language) == language:
            return url
    return None


def _encode(words: Sequence[str]) -> str:
    # Text fragments give "-", "," and "&" a meaning: they are percent-encoded as well.
    return url_quote(" ".join(words), safe="").replace("-", "%2D")


def text_fragment(text: str) -> str | None:
    """`#:~:text=start,end` for a passage: its first and last few words (the whole passage
    when it is short), without the punctuation at either edge."""
    words = [w for w in text.split() if w.strip(_EDGE_PUNCTUATION)]
    if not words:
        return None
    words[0] = words[0].lstrip(_EDGE_PUNCTUATION)
    words[-1] = words[-1].rstrip(_EDGE_PUNCTUATION)
    if len(words) <= 2 * FRAGMENT_WORDS + 1:
        return f"#:~:text={_encode(words)}"
    return f"#:~:text={_encode(words[:FRAGMENT_WORDS])},{_encode(words[-FRAGMENT_WORDS:])}"


def quote_link(quote: Quote, corpus: Corpus | None) -> str | None:
    """Where the quote can be read in a published copy of the article, or None."""
    base = article_copy(corpus)
    if base is None:
        return None
    fragment = text_fragment(quote.text)
    return base.split("#", 1)[0] + (fragment or "")


def render_quote(
    quote: Quote, texts: Texts, corpus: Corpus | None = None, *, with_note: bool = True
) -> str:
    """`> text` then one line: the tag, the paragraph (a link when a copy exists), the note."""
    ref = paragraph_ref(quote.paragraph, quote.sentence_ids[0] if quote.sentence_ids else "")
    link = quote_link(quote, corpus)
    line = f"{texts.tag(quote.label, quote.labelled_by)} · " + (
        masked_link(ref, link) if link else ref
    )
    if with_note and quote.note:
        line += f" — {quote.note}"
    return f"> {quote.text}\n{line}"


class _Links:
    """Each URL is linked once per message; later mentions name the publisher only."""

    def __init__(self, cap: int = SOURCES_PER_CARD) -> None:
        self.seen: set[str] = set()
        self.cap = cap

    def line(self, sources: Sequence[Source], label: str, cap: int | None = None) -> str:
        shown: list[str] = []
        urls: set[str] = set()
        for source in sources:
            if source.url in urls:
                continue
            urls.add(source.url)
            if len(shown) == (cap if cap is not None else self.cap):
                break
            if source.url in self.seen:
                shown.append(source.publisher)
            else:
                self.seen.add(source.url)
                shown.append(masked_link(source.publisher, source.url))
        return f"{label} {', '.join(shown)}" if shown else ""

    def sources(self, item: BackgroundItem, label: str) -> str:
        return self.line(item.sources, label)


def _sources_label(item: BackgroundItem, texts: Texts) -> str:
    return texts.lines["copies" if item.fact_id == METADATA_FACT_ID else "sources"]


def _card(item: BackgroundItem, texts: Texts, links: _Links) -> str:
    sources = links.sources(item, _sources_label(item, texts))
    return f"• {item.text} — {sources}" if sources else f"• {item.text}"


def _more_line(quotes: int, cards: int, texts: Texts) -> str:
    lines = texts.lines
    what = []
    if quotes:
        what.append(
            lines["more_quotes_one"] if quotes == 1 else lines["more_quotes_many"].format(n=quotes)
        )
    if cards:
        what.append(
            lines["more_cards_one"] if cards == 1 else lines["more_cards_many"].format(n=cards)
        )
    return lines["more"].format(what=lines["more_and"].join(what))


@dataclass(frozen=True)
class _Parts:
    quotes: list[Quote]
    cards: list[BackgroundItem]  # independent cards, not the one the lead states
    about: BackgroundItem | None  # the article's own card, unless the lead states it
    lead_text: str | None
    lead_card: BackgroundItem | None  # the card the lead states (not repeated below)
    lead_backing: list[BackgroundItem]  # the cards whose sources back the lead
    lead_quote: int | None
    summary: str | None
    notice: str | None


def _assemble(
    parts: _Parts,
    texts: Texts,
    corpus: Corpus | None,
    n_quotes: int,
    n_cards: int,
    more: str | None = None,
    per_card: int = SOURCES_PER_CARD,
) -> str:
    links = _Links(per_card)
    out: list[str] = []
    if parts.lead_text:
        lead = parts.lead_text
        if parts.lead_card is not None:
            backing = links.sources(parts.lead_card, _sources_label(parts.lead_card, texts))
        else:
            firsts = [b.sources[0] for b in parts.lead_backing if b.sources]
            backing = links.line(firsts, texts.lines["sources"], LEAD_LINKS)
        lead += f"\n{backing}" if backing else ""
        out.append(lead)
    if parts.notice:
        out.append(f"_{parts.notice}_")
    if parts.summary:
        out.append(parts.summary)
    for n, quote in enumerate(parts.quotes[:n_quotes]):
        out.append(render_quote(quote, texts, corpus, with_note=n != parts.lead_quote))
    if parts.about is not None:
        out.append(f"{texts.headings['about']}\n{_card(parts.about, texts, links)}")
    if n_cards and parts.cards:
        cards = [_card(item, texts, links) for item in parts.cards[:n_cards]]
        out.append("\n".join([texts.headings["background"], *cards]))
    if more:
        out.append(more)
    return "\n\n".join(out)


def _parts(
    quotes: list[Quote],
    background: list[BackgroundItem],
    lead: str | Lead | None,
    summary: str | None,
    notice: str | None,
) -> _Parts:
    data_lead = lead if isinstance(lead, Lead) else None
    lead_fact = data_lead.fact_id if data_lead else None
    lead_card = next((b for b in background if b.fact_id == lead_fact), None)
    about = next(
        (b for b in background if b.fact_id == METADATA_FACT_ID and b is not lead_card), None
    )
    cards = [b for b in background if b is not lead_card and b.fact_id != METADATA_FACT_ID]
    backed_by = data_lead.backed_by if data_lead else ()
    return _Parts(
        quotes=list(quotes),
        cards=cards,
        about=about,
        lead_text=lead.text if isinstance(lead, Lead) else lead,
        lead_card=lead_card,
        lead_backing=[b for f in backed_by for b in background if b.fact_id == f],
        lead_quote=data_lead.quote if data_lead else None,
        summary=summary,
        notice=notice,
    )


def render_answer(
    quotes: list[Quote],
    background: list[BackgroundItem],
    texts: Texts,
    *,
    corpus: Corpus | None = None,
    lead: str | Lead | None = None,
    summary: str | None = None,
    notice: str | None = None,
    limit: int = MESSAGE_LIMIT,
) -> Rendering:
    """The default rendering and, when it leaves quotes or cards out, the full one.

    The default shows the lead and the first quote, then, while the message stays within
    `SHORT_TARGET` (and `limit`), the next quote and the top card(s), with a line saying what
    the full answer adds. `lead` is a status line (str) or the lead built from data.
    """
    parts = _parts(quotes, background, lead, summary, notice)
    full = _assemble(parts, texts, corpus, len(parts.quotes), len(parts.cards))
    data_lead = lead if isinstance(lead, Lead) else None

    def shown(n_quotes: int, n_cards: int) -> str:
        left_out = (len(parts.quotes) - n_quotes, len(parts.cards) - n_cards)
        if left_out == (0, 0):
            return full
        more = _more_line(*left_out, texts)
        return _assemble(parts, texts, corpus, n_quotes, n_cards, more, SHORT_SOURCES)

    n_quotes, n_cards = min(len(parts.quotes), 1), 0
    steps = [(1, 0)] * max(0, min(len(parts.quotes), SHORT_QUOTES) - n_quotes)
    steps += [(0, 1)] * min(
        len(parts.cards), SHORT_CARDS if parts.quotes else SHORT_CARDS_WITHOUT_QUOTES
    )
    text = shown(n_quotes, n_cards)
    for dq, dc in steps:
        bigger = shown(n_quotes + dq, n_cards + dc)
        if message_length(bigger) > min(SHORT_TARGET, limit):
            break
        n_quotes, n_cards, text = n_quotes + dq, n_cards + dc, bigger
    return Rendering(text, None if text == full else full, data_lead)


def render(
    quotes: list[Quote],
    background: list[BackgroundItem],
    texts: Texts,
    *,
    corpus: Corpus | None = None,
    lead: str | Lead | None = None,
    summary: str | None = None,
    notice: str | None = None,
) -> str:
    """The full rendering: every quote and card."""
    parts = _parts(quotes, background, lead, summary, notice)
    return _assemble(parts, texts, corpus, len(parts.quotes), len(parts.cards))
