"""The claims as schema.org ClaimReview JSON-LD: every entry has the properties Google's
fact-check markup requires and recommends, with values of the expected types."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from index.corpus.claimreview import claim_reviews
from index.corpus.load import Corpus, load_corpus
from index.texts import load_texts
from tests.support.core import CORPUS_DIR

# Google Search Central, "Fact check (ClaimReview) structured data": required and recommended
# properties per type (https://developers.google.com/search/docs/appearance/structured-data/factcheck).
REQUIRED = {
    "ClaimReview": ("claimReviewed", "reviewRating", "url"),
    "Rating": ("alternateName",),
}
RECOMMENDED = {
    "ClaimReview": ("author", "datePublished", "itemReviewed"),
    "Claim": ("appearance", "author", "datePublished", "firstAppearance"),
    "Rating": ("bestRating", "name", "ratingValue", "worstRating"),
}
NUMERIC = ("bestRating", "ratingValue", "worstRating")
URL = re.compile(r"^https?://\S+$")
DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return load_corpus(CORPUS_DIR)


@pytest.fixture(scope="module")
def reviews(corpus: Corpus) -> list[dict[str, Any]]:
    out = claim_reviews(
        corpus,
        load_texts().label_words,
        reviewer="Test Reviewers",
        reviewer_url="https://reviews.example.org/",
        review_url="https://reviews.example.org/peru",
        date_published="2026-01-15",
    )
    return json.loads(json.dumps(out))  # what is exported is plain JSON


def missing(obj: dict[str, Any], props: tuple[str, ...]) -> list[str]:
    return [p for p in props if obj.get(p) in (None, "", [])]


def test_one_review_per_claim_in_article_order(corpus: Corpus, reviews: list) -> None:
    assert [r["identifier"] for r in reviews] == [c.id for c in corpus.claims]
    assert all(
        r["@context"] == "https://schema.org" and r["@type"] == "ClaimReview" for r in reviews
    )


def test_required_properties(reviews: list) -> None:
    for review in reviews:
        assert missing(review, REQUIRED["ClaimReview"]) == [], review["identifier"]
        assert review["reviewRating"]["@type"] == "Rating"
        assert missing(review["reviewRating"], REQUIRED["Rating"]) == [], review["identifier"]
        assert URL.match(review["url"]) and review["url"].endswith("#" + review["identifier"])
        assert isinstance(review["claimReviewed"], str)


def test_recommended_properties(reviews: list) -> None:
    for review in reviews:
        cid = review["identifier"]
        assert missing(review, RECOMMENDED["ClaimReview"]) == [], cid
        assert review["author"]["@type"] == "Organization" and review["author"]["name"]
        assert DATE.match(review["datePublished"])
        claim = review["itemReviewed"]
        assert claim["@type"] == "Claim"
        assert missing(claim, RECOMMENDED["Claim"]) == [], cid
        assert all(a["@type"] == "Person" and a["name"] for a in claim["author"])
        assert DATE.match(claim["datePublished"])
        for work in [*claim["appearance"], claim["firstAppearance"]]:
            assert work["@type"] == "CreativeWork" and URL.match(work["url"]), cid
        rating = review["reviewRating"]
        if rating["name"] == "opinion":
            # An opinion is not on the truthfulness scale: words only (docs/corpus.md).
            assert not any(p in rating for p in NUMERIC), cid
            continue
        assert missing(rating, RECOMMENDED["Rating"]) == [], cid
        assert all(isinstance(rating[p], int) for p in NUMERIC)
        assert rating["worstRating"] <= rating["ratingValue"] <= rating["bestRating"]


def test_values_come_from_the_data(corpus: Corpus, reviews: list) -> None:
    words = load_texts().label_words
    by_id = {r["identifier"]: r for r in reviews}
    for claim in corpus.claims:
        review = by_id[claim.id]
        assert review["claimReviewed"] == claim.quote
        assert review["reviewBody"] == claim.note
        assert review["reviewRating"]["name"] == claim.label
        assert review["reviewRating"]["alternateName"] == words[claim.label]
        cited = {c["url"] for c in review["citation"]}
        sources = {s.url for f in claim.fact_ids for s in corpus.facts[f].sources}
        assert cited == sources, claim.id
    meeting = by_id["kenna-bobbio-meeting"]
    assert meeting["reviewRating"]["ratingValue"] == 2
    assert by_id["arrested-by-military"]["reviewRating"]["ratingValue"] == 1
    assert by_id["kenna-tweet"]["reviewRating"]["ratingValue"] == 3
    first = meeting["itemReviewed"]["firstAppearance"]["url"]
    assert first in {c["url"] for c in corpus.article.meta["copies"]}
    assert {a["name"] for a in meeting["itemReviewed"]["author"]} == set(
        corpus.article.meta["authors"]
    )


def test_without_a_review_page_the_first_copy_is_the_url(corpus: Corpus) -> None:
    (first, *_) = claim_reviews(
        corpus, load_texts().label_words, reviewer="R", date_published="2026-01-15"
    )
    assert (
        first["url"] == first["itemReviewed"]["firstAppearance"]["url"] + "#" + first["identifier"]
    )
