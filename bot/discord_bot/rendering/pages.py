"""Render /claims pages and /about as Discord Markdown (pure functions over engine views)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from bot.discord_bot.rendering.splitter import split_markdown
from bot.discord_bot.texts import texts
from index import LABELS

# Room under the limit for the page footer.
CLAIMS_PAGE_CHARS = 1800


class ClaimLike(Protocol):
    id: str
    quote: str
    label: str
    note: str
    paragraph: int


class SourceLike(Protocol):
    publisher: str
    url: str
    date: str
    title: str


class AboutLike(Protocol):
    title: str
    authors: list[str]
    publisher: str
    date: str
    copies: Sequence[SourceLike]
    summary: str
    label_legend: dict[str, str]


def claims_pages(
    claims: Sequence[ClaimLike], legend: Mapping[str, str], label: str | None = None
) -> list[str]:
    """The claims grouped by label (in the contract's order), cut into pages with a footer."""
    if not claims:
        return [texts().CLAIMS_NONE]
    which = f": {legend.get(label, label)}" if label else ""
    parts = [texts().CLAIMS_TITLE.format(which=which)]
    for group_label in LABELS:
        group = sorted((c for c in claims if c.label == group_label), key=lambda c: c.paragraph)
        if not group:
            continue
        if not label:
            parts.append(f"__{legend.get(group_label, group_label)}__")
        parts.extend(f"> {c.quote}\n(¶{c.paragraph}) {c.note}" for c in group)
    pages = split_markdown("\n\n".join(parts), CLAIMS_PAGE_CHARS)
    if len(pages) == 1:
        return pages
    return [
        f"{page}\n\n{texts().CLAIMS_PAGE.format(page=n, pages=len(pages))}"
        for n, page in enumerate(pages, start=1)
    ]


def about_text(about: AboutLike) -> str:
    authors = " and ".join(about.authors) or about.publisher
    lines = [
        texts().ABOUT_TITLE.format(title=about.title),
        texts().ABOUT_BYLINE.format(authors=authors, publisher=about.publisher, date=about.date),
        "",
        about.summary,
    ]
    if about.copies:
        lines += ["", texts().ABOUT_COPIES]
        lines += [f"• {c.publisher} ({c.date}) <{c.url}>" for c in about.copies]
    lines += ["", texts().ABOUT_WHAT, texts().ABOUT_HOW, "", texts().ABOUT_LABELS]
    lines += [f"• `{label}`: {words}" for label, words in about.label_legend.items()]
    return "\n".join(lines)
