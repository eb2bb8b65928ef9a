"""The curated claims as schema.org `ClaimReview` JSON-LD (`explainer corpus export`).

One ClaimReview per claim, with what Google's fact-check markup requires (`claimReviewed`,
`reviewRating.alternateName`, `url`) and recommends (`author`, `datePublished`, `itemReviewed`
as a `Claim` with its `author`, `datePublished`, `appearance` and `firstAppearance`;
`reviewRating.name`, `ratingValue`, `bestRating`, `worstRating`). The rating's words are the
labels' words shown to members (prompts/texts.yaml); the note is the review's body and the
rating's explanation; the sources of the cards linked to the claim are its `citation`s.

The numeric scale covers the checkable labels only: 1 disputed, 2 allegation, 3 established.
An opinion is not rated on it (no `ratingValue`): it is a judgment, not a checkable fact.
"""

from __future__ import annotations

from typing import Any

from index.corpus.load import Claim, Corpus

CONTEXT = "https://schema.org"
RATING_VALUES = {"disputed": 1, "allegation": 2, "established": 3}
BEST, WORST = 3, 1


def _organization(name: str, url: str | None = None) -> dict[str, Any]:
    org: dict[str, Any] = {"@type": "Organization", "name": name}
    if url:
        org["url"] = url
    return org


def _copies(corpus: Corpus) -> list[dict[str, Any]]:
    meta = corpus.article.meta
    works: list[dict[str, Any]] = []
    if meta.get("url"):
        works.append(
            {
                "@type": "CreativeWork",
                "url": str(meta["url"]),
                "headline": corpus.article.title,
                "publisher": _organization(str(meta.get("publisher") or "")),
                "datePublished": str(meta.get("date") or ""),
            }
        )
    for copy in meta.get("copies") or []:
        work: dict[str, Any] = {
            "@type": "CreativeWork",
            "url": str(copy["url"]),
            "headline": corpus.article.title,
            "publisher": _organization(str(copy.get("publisher") or "")),
        }
        if copy.get("date"):
            work["datePublished"] = str(copy["date"])
        if copy.get("language"):
            work["inLanguage"] = str(copy["language"])
        works.append(work)
    return works


def _first(works: list[dict[str, Any]], original: bool) -> dict[str, Any] | None:
    """The original publication when known, else the earliest dated copy."""
    if not works:
        return None
    if original:
        return works[0]
    return min(works, key=lambda w: (str(w.get("datePublished") or "9999"), works.index(w)))


def _citations(corpus: Corpus, claim: Claim) -> list[dict[str, Any]]:
    seen: set[str] = set()
    out: list[dict[str, Any]] = []
    for fid in claim.fact_ids:
        fact = corpus.facts[fid]
        role = "contradicts" if fid in claim.contradicted_by else "supports"
        for source, kind in zip(fact.sources, fact.source_kinds or (), strict=False):
            if source.url in seen:
                continue
            seen.add(source.url)
            work: dict[str, Any] = {
                "@type": "CreativeWork",
                "url": source.url,
                "name": source.title or source.publisher,
                "publisher": _organization(source.publisher),
                "genre": kind,
                "description": f"{role} the claim (card {fact.id}): {fact.title}",
            }
            if source.date:
                work["datePublished"] = source.date
            out.append(work)
    return out


def claim_reviews(
    corpus: Corpus,
    label_words: dict[str, str],
    *,
    reviewer: str,
    reviewer_url: str | None = None,
    review_url: str | None = None,
    date_published: str,
) -> list[dict[str, Any]]:
    """One ClaimReview object per claim, in article order.

    `review_url` is the page that publishes these reviews (each gets `#<claim id>`); without
    one, the article's first copy is used, which is enough for a data feed but not for markup on
    a page of your own (Google wants the page's own address there).
    """
    meta = corpus.article.meta
    works = _copies(corpus)
    first = _first(works, original=bool(meta.get("url")))
    base = review_url or (first["url"] if first else "")
    authors = [{"@type": "Person", "name": str(a)} for a in meta.get("authors") or []]
    reviews = []
    for claim in corpus.claims:
        rating: dict[str, Any] = {
            "@type": "Rating",
            "name": claim.label,
            "alternateName": label_words[claim.label],
            "ratingExplanation": claim.note,
        }
        if claim.label in RATING_VALUES:
            rating.update(
                ratingValue=RATING_VALUES[claim.label], bestRating=BEST, worstRating=WORST
            )
        item: dict[str, Any] = {
            "@type": "Claim",
            "author": authors,
            "datePublished": str(meta.get("date") or ""),
            "appearance": works,
        }
        if first is not None:
            item["firstAppearance"] = first
        reviews.append(
            {
                "@context": CONTEXT,
                "@type": "ClaimReview",
                "identifier": claim.id,
                "url": f"{base}#{claim.id}" if base else f"#{claim.id}",
                "claimReviewed": claim.quote,
                "reviewBody": claim.note,
                "datePublished": date_published,
                "author": _organization(reviewer, reviewer_url),
                "reviewRating": rating,
                "itemReviewed": item,
                "citation": _citations(corpus, claim),
            }
        )
    return reviews
