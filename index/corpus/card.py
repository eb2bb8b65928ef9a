"""The article's own card: its byline and published copies, from the corpus front matter.

It is not background from independent sources; answers show it in its own section.
"""

from __future__ import annotations

from index.answer.contract import BackgroundItem, Source
from index.corpus.load import Corpus

METADATA_FACT_ID = "article-metadata"


def metadata_item(corpus: Corpus) -> BackgroundItem:
    meta = corpus.article.meta
    authors = " and ".join(meta.get("authors") or []) or "unknown authors"
    text = (
        f'"{corpus.article.title}" is credited to {authors} and was published by '
        f"{meta.get('publisher', 'an unknown publisher')} on {meta.get('date', 'an unknown date')}."
    )
    copies = meta.get("copies") or []
    if copies:
        text += " Copies appeared at " + ", ".join(str(c["publisher"]) for c in copies) + "."
    sources = [
        Source(
            publisher=str(c["publisher"]),
            url=str(c["url"]),
            date=str(c.get("date", "")),
            title=corpus.article.title,
        )
        for c in copies
    ]
    original = meta.get("url")
    if original and all(s.url != original for s in sources):
        # Where the article was first published, when the front matter says so.
        sources.insert(
            0,
            Source(
                publisher=str(meta.get("publisher") or ""),
                url=str(original),
                date=str(meta.get("date", "")),
                title=corpus.article.title,
            ),
        )
    return BackgroundItem(fact_id=METADATA_FACT_ID, text=text, sources=sources)
