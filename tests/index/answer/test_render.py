"""The answer a member reads: relevance order, one inline tag per quote, masked links, one
message by default, the article's own card under its own heading; and the verifier of it."""

from __future__ import annotations

import re
from dataclasses import replace
from urllib.parse import unquote

import pytest

from index.answer.compose import fact_item
from index.answer.contract import BackgroundItem, Quote
from index.answer.lead import compose_lead
from index.answer.render import (
    MESSAGE_LIMIT,
    SOURCES_PER_CARD,
    Rendering,
    article_copy,
    message_length,
    render,
    render_answer,
    text_fragment,
)
from index.answer.verify import verify
from index.corpus.card import metadata_item
from index.corpus.load import Corpus
from index.texts import load_texts
from tests.support.core import KENNA_MEETING, claim_quote

TEXTS = load_texts()
_BARE_URL = re.compile(r"(?<!\(<)https?://")


@pytest.fixture(scope="module")
def meeting(corpus: Corpus) -> Quote:
    return claim_quote(corpus, "kenna-bobbio-meeting")  # an allegation


@pytest.fixture(scope="module")
def tweet(corpus: Corpus) -> Quote:
    return claim_quote(corpus, "kenna-tweet")  # established


@pytest.fixture(scope="module")
def arrest(corpus: Corpus) -> Quote:
    return claim_quote(corpus, "arrested-by-military")  # disputed


def no_copies(corpus: Corpus) -> Corpus:
    meta = {k: v for k, v in corpus.article.meta.items() if k != "copies"}
    return replace(corpus, article=replace(corpus.article, meta=meta))


def tag_line(rendered: str, quote: Quote) -> str:
    return rendered[rendered.index(f"> {quote.text}\n") :].split("\n")[1]


def answer_of(
    corpus: Corpus, quotes: list[Quote], background: list[BackgroundItem] | None = None
) -> Rendering:
    background = background or []
    lead = compose_lead(quotes, background, corpus, TEXTS)
    return render_answer(quotes, background, TEXTS, corpus=corpus, lead=lead)


# -- the format ---------------------------------------------------------------------------------


def test_quotes_keep_the_drafts_order_with_their_own_tag_once(
    corpus: Corpus, meeting: Quote, tweet: Quote, arrest: Quote
) -> None:
    rendered = render([tweet, meeting, arrest], [], TEXTS, corpus=corpus)
    positions = [rendered.index(f"> {q.text}\n") for q in (tweet, meeting, arrest)]
    assert positions == sorted(positions)
    for quote in (tweet, meeting, arrest):
        line = tag_line(rendered, quote)
        assert line.startswith(TEXTS.tag(quote.label, quote.labelled_by))
        assert quote.note in line
    for label in ("established", "allegation", "disputed"):
        assert rendered.count(TEXTS.tags[label]) == 1
    # No group headings: every line carrying a tag is the line under a quote.
    lines = rendered.split("\n")
    tagged = [i for i, line in enumerate(lines) if any(t in line for t in TEXTS.tags.values())]
    assert all(lines[i - 1].startswith("> ") for i in tagged)
    assert verify([tweet, meeting, arrest], [], rendered, corpus, TEXTS) == []


def test_the_paragraph_links_to_the_passage_in_a_published_copy(
    corpus: Corpus, meeting: Quote
) -> None:
    line = tag_line(render([meeting], [], TEXTS, corpus=corpus), meeting)
    copy = article_copy(corpus)
    assert copy is not None
    [url] = re.findall(r"\[¶4\]\(<([^>]+)>\)", line)
    base, fragment = url.split("#:~:text=")
    assert base == copy
    start, end = fragment.split(",")
    assert unquote(start) == "She met Peru's" and unquote(end) == "on December 6"


def test_text_fragments_encode_the_characters_that_have_a_meaning() -> None:
    fragment = text_fragment("the U.S.-backed, so-called “coup”, and more & more words here.")
    assert fragment is not None and fragment.startswith("#:~:text=")
    start, end = fragment.removeprefix("#:~:text=").split(",")
    assert "-" not in start + end and "&" not in start + end and " " not in start + end
    assert unquote(start) == "the U.S.-backed, so-called"
    assert unquote(end) == "more words here"
    assert text_fragment("Short one.") == "#:~:text=Short%20one"


def test_no_published_copy_means_no_link_and_no_failure(corpus: Corpus, meeting: Quote) -> None:
    bare = no_copies(corpus)
    rendering = answer_of(bare, [meeting])
    assert "http" not in rendering.text
    assert "¶4" in tag_line(rendering.text, meeting)
    assert verify([meeting], [], rendering, bare, TEXTS) == []


def test_sources_are_masked_links_capped_and_linked_once(corpus: Corpus) -> None:
    names = ("castillo-arrest-escort", "article-errors", "article-copies")
    cards = [fact_item(corpus, fid) for fid in names]
    shared = {s.url for s in cards[0].sources} & {s.url for s in cards[1].sources}
    assert shared, "the test needs two cards citing the same page"
    assert len(cards[2].sources) > SOURCES_PER_CARD, "the test needs a card with many sources"
    rendered = render([], cards, TEXTS, corpus=corpus)
    assert _BARE_URL.search(rendered) is None
    for url in shared:
        assert rendered.count(url) == 1
    for card in cards:
        line = next(line for line in rendered.split("\n") if line.startswith(f"• {card.text}"))
        shown = line.split(f" — {TEXTS.lines['sources']} ", 1)[1].split(", ")
        assert len(shown) == min(len(card.sources), SOURCES_PER_CARD)
    # The second card names the page the first one linked, without linking it again.
    second = next(line for line in rendered.split("\n") if line.startswith(f"• {cards[1].text}"))
    publisher = next(s.publisher for s in cards[1].sources if s.url in shared)
    assert f", {publisher}" in second or f" {publisher}," in second


def test_the_articles_own_card_is_about_the_article_not_background(
    corpus: Corpus, meeting: Quote
) -> None:
    card = metadata_item(corpus)
    independent = fact_item(corpus, "kenna-bobbio-meeting-report")
    rendered = render([meeting], [independent, card], TEXTS, corpus=corpus)
    about = rendered.index(TEXTS.headings["about"])
    background = rendered.index(TEXTS.headings["background"])
    at = rendered.index(f"• {card.text}")
    assert about < at < background
    assert verify([meeting], [independent, card], rendered, corpus, TEXTS) == []


def test_the_byline_under_the_background_heading_fails_verification(
    corpus: Corpus, meeting: Quote
) -> None:
    card = metadata_item(corpus)
    independent = fact_item(corpus, "kenna-bobbio-meeting-report")
    rendered = render([meeting], [independent, card], TEXTS, corpus=corpus)
    moved = rendered.replace(TEXTS.headings["about"], "**Also**")
    # Put the byline last, under the background heading.
    block = next(line for line in moved.split("\n") if line.startswith(f"• {card.text}"))
    moved = moved.replace(block + "\n", "").replace("**Also**\n\n", "") + "\n" + block
    assert moved.rindex(TEXTS.headings["background"]) < moved.index(f"• {card.text}")
    failures = verify([meeting], [independent, card], moved, corpus, TEXTS)
    assert (
        f"rendered: background article-metadata is not under its heading {TEXTS.headings['about']}"
        in failures
    )


# -- one message --------------------------------------------------------------------------------


def test_the_default_fits_one_message_and_the_detail_holds_the_rest(corpus: Corpus) -> None:
    quotes = [claim_quote(corpus, c.id) for c in corpus.claims if c.group and c.group >= 4][:6]
    background = [fact_item(corpus, fid) for fid in list(corpus.facts)[:5]]
    rendering = answer_of(corpus, quotes, background)
    assert message_length(rendering.text) <= MESSAGE_LIMIT
    assert rendering.detail is not None
    shown = [q for q in quotes if f"> {q.text}\n" in rendering.text]
    assert shown == quotes[: len(shown)] and 0 < len(shown) < len(quotes)
    assert all(f"> {q.text}\n" in rendering.detail for q in quotes)
    assert all(f"• {b.text}" in rendering.detail for b in background if b.fact_id)
    assert "_The full answer has " in rendering.text
    assert verify(quotes, background, rendering, corpus, TEXTS) == []


def test_an_answer_that_fits_has_no_detail(corpus: Corpus, meeting: Quote) -> None:
    rendering = answer_of(corpus, [meeting])
    assert rendering.detail is None
    assert verify([meeting], [], rendering, corpus, TEXTS) == []


def test_a_detail_missing_a_quote_fails_verification(corpus: Corpus) -> None:
    quotes = [claim_quote(corpus, c.id) for c in corpus.claims if c.group and c.group >= 4][:6]
    rendering = answer_of(corpus, quotes)
    assert rendering.detail is not None
    last = quotes[-1]
    cut = rendering.detail.replace(f"> {last.text}\n", "> \n")
    failures = verify(quotes, [], replace(rendering, detail=cut), corpus, TEXTS)
    assert f"detail: rendered: quote {last.start}-{last.end} is not shown verbatim" in failures


# -- the verifier on the new format -------------------------------------------------------------


def test_established_attached_to_an_allegation_fails_verification(
    corpus: Corpus, meeting: Quote, tweet: Quote
) -> None:
    rendering = answer_of(corpus, [tweet, meeting])
    honest = tag_line(rendering.text, meeting)
    forged = rendering.text.replace(
        honest, honest.replace(TEXTS.tags["allegation"], TEXTS.tags["established"])
    )
    failures = verify([tweet, meeting], [], replace(rendering, text=forged), corpus, TEXTS)
    where = f"rendered: quote {meeting.start}-{meeting.end} (allegation)"
    assert f"{where} is not followed by its label's tag" in failures
    assert f"{where} carries another label's tag: {TEXTS.tags['established']}" in failures


def test_a_second_tag_beside_the_own_one_fails_verification(corpus: Corpus, meeting: Quote) -> None:
    rendered = render([meeting], [], TEXTS, corpus=corpus)
    line = tag_line(rendered, meeting)
    forged = rendered.replace(line, f"{line} {TEXTS.tags['established']}")
    failures = verify([meeting], [], forged, corpus, TEXTS)
    assert any("carries another label's tag" in f for f in failures)


def test_a_tag_as_a_heading_above_a_quote_fails_verification(
    corpus: Corpus, meeting: Quote
) -> None:
    rendered = render([meeting], [], TEXTS, corpus=corpus)
    forged = f"{TEXTS.tags['established']}\n\n{rendered}"
    failures = verify([meeting], [], forged, corpus, TEXTS)
    assert any(f.startswith("rendered: a label tag outside a quote's own line") for f in failures)


def test_quotes_out_of_the_drafts_order_fail_verification(
    corpus: Corpus, meeting: Quote, tweet: Quote
) -> None:
    swapped = render([meeting, tweet], [], TEXTS, corpus=corpus)
    failures = verify([tweet, meeting], [], swapped, corpus, TEXTS)
    assert any("not one of the answer's quotes in its order" in f for f in failures)


def test_a_note_left_out_fails_verification(corpus: Corpus, meeting: Quote) -> None:
    rendered = render([meeting], [], TEXTS, corpus=corpus)
    failures = verify([meeting], [], rendered.replace(meeting.note, ""), corpus, TEXTS)
    assert failures == [
        f"rendered: quote {meeting.start}-{meeting.end} (allegation): its note is not shown with it"
    ]


def test_links_not_from_the_data_fail_verification(corpus: Corpus, meeting: Quote) -> None:
    rendered = render([meeting], [], TEXTS, corpus=corpus)
    elsewhere = rendered.replace(str(article_copy(corpus)), "https://example.org/fake/")
    failures = verify([meeting], [], elsewhere, corpus, TEXTS)
    assert any("links elsewhere than its place in the article" in f for f in failures)
    assert any(f.startswith("rendered: a link not from the data") for f in failures)


def test_the_error_line_says_only_what_happens() -> None:
    assert "notified" not in TEXTS.lines["error"]
    assert "logged" in TEXTS.lines["error"]


def test_kenna_meeting_fixture_is_the_allegation(meeting: Quote) -> None:
    assert meeting.text == KENNA_MEETING and meeting.label == "allegation"


def test_a_summary_is_shown_in_both_renderings(corpus: Corpus) -> None:
    quotes = [claim_quote(corpus, c.id) for c in corpus.claims if c.group and c.group >= 4][:6]
    summary = "The authors tie the coup to Washington; the sources below weigh that."
    lead = compose_lead(quotes, [], corpus, TEXTS)
    rendering = render_answer(quotes, [], TEXTS, corpus=corpus, lead=lead, summary=summary)
    assert rendering.detail is not None
    assert rendering.text.index(summary) > rendering.text.index(lead.text if lead else "")
    assert verify(quotes, [], rendering, corpus, TEXTS, summary=summary) == []
    dropped = replace(rendering, detail=rendering.detail.replace(summary, ""))
    assert verify(quotes, [], dropped, corpus, TEXTS, summary=summary) == [
        "detail: rendered: the summary is not shown as composed"
    ]
