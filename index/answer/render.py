"""Render an answer as Discord-ready Markdown: quotes grouped under their label's heading."""

from __future__ import annotations

from index.answer.contract import LABELS, BackgroundItem, Quote
from index.texts import Texts


def paragraph_ref(paragraph: int) -> str:
    return "(title)" if paragraph == 0 else f"(¶{paragraph})"


def render_quote(quote: Quote, texts: Texts) -> str:
    label = texts.label_line(quote.label, quote.labelled_by)
    return f"> {quote.text}\n{paragraph_ref(quote.paragraph)} **{label}.** {quote.note}"


def render_background(items: list[BackgroundItem], texts: Texts) -> str:
    lines = [texts.headings["background"]]
    for item in items:
        links = "; ".join(f"{s.publisher} <{s.url}>" for s in item.sources)
        lines.append(f"• {item.text} — {links}")
    return "\n".join(lines)


def render(
    quotes: list[Quote],
    background: list[BackgroundItem],
    texts: Texts,
    *,
    lead: str | None = None,
    summary: str | None = None,
    notice: str | None = None,
) -> str:
    parts: list[str] = []
    if notice:
        parts.append(f"_{notice}_")
    if lead:
        parts.append(lead)
    if summary:
        parts.append(summary)
    if quotes:
        parts.append(texts.headings["article"])
        for label in LABELS:
            group = [q for q in quotes if q.label == label]
            if group:
                parts.append(texts.headings[label])
                parts.extend(render_quote(q, texts) for q in group)
    if background:
        parts.append(render_background(background, texts))
    return "\n\n".join(parts)
