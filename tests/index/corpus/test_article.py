"""The article: normalization of the real text, sentence ids and offsets, front-matter errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.corpus.article import (
    Article,
    ArticleFormatError,
    normalize_paragraphs,
    parse_article,
    split_front_matter,
    split_sentences,
)
from index.corpus.load import CorpusInvalid, load_corpus
from tests.support.core import CORPUS_DIR

SOURCE = (CORPUS_DIR / "article.md").read_text(encoding="utf-8")
BODY_IDS = (
    [f"p1.s{i}" for i in range(1, 4)]
    + [f"p2.s{i}" for i in range(1, 5)]
    + ["p3.s1"]
    + [f"p4.s{i}" for i in range(1, 8)]
    + [f"p5.s{i}" for i in range(1, 5)]
)


@pytest.fixture(scope="module")
def article() -> Article:
    return parse_article(SOURCE)


def sentences_of(text: str) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text)]


# -- the real article ---------------------------------------------------------------------------


def test_every_sentence_is_the_article_slice_at_its_offsets(article: Article) -> None:
    assert article.sentences
    for s in article.sentences:
        assert s.text == article.text[s.start : s.end], s.id


def test_every_paragraph_is_a_slice_holding_its_sentences(article: Article) -> None:
    for p in article.paragraphs:
        assert all(p.start <= s.start < s.end <= p.end for s in p.sentences), p.id
        assert article.text[p.start : p.end].strip() == article.text[p.start : p.end]


def test_link_markers_are_removed_but_their_words_kept(article: Article) -> None:
    assert "<u>" not in article.text and "</u>" not in article.text
    assert "This was going to be the third time that Castillo" in article.text
    assert "he announced to the press" in article.text


def test_paragraphs_broken_by_the_extraction_are_joined(article: Article) -> None:
    assert "his election in July 2021, his opponent" in article.text
    assert "Peruvian chapter of Alba Movimientos." in article.text


def test_image_credit_is_the_caption_not_text(article: Article) -> None:
    assert "Pedro Castillo en.wikipedia.org" not in article.text
    assert article.caption == "Pedro Castillo en.wikipedia.org"
    assert article.meta["image_caption"] == article.caption


def test_parts_are_told_apart_by_kind(article: Article) -> None:
    kinds = [(p.id, p.kind) for p in article.paragraphs]
    assert kinds == [
        ("title", "title"),
        ("p1", "body"),
        ("p2", "body"),
        ("p3", "body"),
        ("p4", "body"),
        ("p5", "body"),
        ("production", "production"),
        ("bio_heading", "bio_heading"),
        ("bio", "bio"),
        ("source", "source"),
    ]
    assert article.paragraphs[0].sentences[0].text == "The U.S. Egged On The Coup In Peru"
    assert article.paragraphs[6].sentences[0].text == "This article was produced by Globetrotter"
    assert article.paragraphs[8].sentences[0].text.startswith("José Carlos Llerena Robles is")


def test_the_title_body_credit_and_bio_are_quotable(article: Article) -> None:
    assert [s.id for s in article.quotable()] == ["title.s1", *BODY_IDS, "production.s1", "bio.s1"]
    assert article.part_of("production.s1") == "production" and article.part_of("p1.s1") == "body"


def test_the_authors_wording_is_kept_typos_included(article: Article) -> None:
    assert 'talk with the embassy intelligence officer,." to try' in article.text
    assert "[establish] an exceptional emergency government." in article.text


def test_body_sentence_ids_run_p1_s1_to_p5_s4(article: Article) -> None:
    body = [s.id for p in article.paragraphs if p.kind == "body" for s in p.sentences]
    assert body == BODY_IDS
    assert [p.number for p in article.paragraphs if p.kind == "body"] == [1, 2, 3, 4, 5]


def test_sentence_ids_are_unique(article: Article) -> None:
    ids = [s.id for s in article.sentences]
    assert len(ids) == len(set(ids))


def test_sentence_ids_and_offsets_are_stable_across_parses(article: Article) -> None:
    again = parse_article(SOURCE)
    assert [(s.id, s.start, s.end) for s in again.sentences] == [
        (s.id, s.start, s.end) for s in article.sentences
    ]
    assert again.sha256 == article.sha256


def test_sentence_lookup_by_id(article: Article) -> None:
    kenna = article.sentence("p4.s7")
    assert kenna.text.startswith("She met Peru's Minister of Defense Gustavo Bobbio")
    assert article.paragraph_of(kenna).number == 4
    assert article.sentences_overlapping(kenna.start + 5, kenna.start + 6) == [kenna]


def test_us_does_not_end_a_sentence(article: Article) -> None:
    assert [s.text for s in article.paragraphs[0].sentences] == [
        "The U.S. Egged On The Coup In Peru"
    ]
    she_worked = article.sentence("p4.s3")
    assert she_worked.text == (
        "She worked with men who have close ties with the U.S. government and its intelligence "
        "agencies."
    )
    assert not any(s.text.endswith("U.S.") for s in article.sentences)
    kenna = article.sentence("p4.s7")
    assert "the U.S. government—through Ambassador Kenna—recognized" in kenna.text


def test_body_line_offset_is_the_first_body_line(article: Article) -> None:
    lines = SOURCE.split("\n")
    closing = lines.index("---", 1)
    assert article.body_line_offset == closing + 2
    assert lines[article.body_line_offset - 1] == "The U.S. Egged On The Coup In Peru"


# -- normalize_paragraphs on small inputs -------------------------------------------------------


def test_normalize_drops_link_markers_and_collapses_whitespace() -> None:
    paragraphs, caption = normalize_paragraphs(
        "Title\r\n\r\nA  <u>linked</u>\tword\u00a0here.\nSame paragraph.\n\n\n\nNext one."
    )
    assert paragraphs == ["Title", "A linked word here. Same paragraph.", "Next one."]
    assert caption is None


def test_normalize_joins_a_long_paragraph_cut_mid_sentence() -> None:
    long = "This sentence runs on for long enough to pass the threshold and stops in July"
    long += " of the"
    paragraphs, _ = normalize_paragraphs(f"Title\n\n{long}\n\n2021 election, so it continues.")
    assert paragraphs == ["Title", f"{long} 2021 election, so it continues."]


def test_normalize_keeps_a_short_unpunctuated_paragraph_apart() -> None:
    paragraphs, _ = normalize_paragraphs("Title\n\nAuthor Bio\n\nShe writes.")
    assert paragraphs == ["Title", "Author Bio", "She writes."]


def test_normalize_does_not_join_after_terminal_punctuation() -> None:
    first = "A complete sentence that is long enough to be considered for joining by the rule."
    paragraphs, _ = normalize_paragraphs(f"Title\n\n{first}\n\nanother paragraph.")
    assert paragraphs == ["Title", first, "another paragraph."]


def test_normalize_moves_the_image_credit_after_the_title_to_the_caption() -> None:
    paragraphs, caption = normalize_paragraphs("Title\n\nSome Person example.org\n\nBody text.")
    assert paragraphs == ["Title", "Body text."]
    assert caption == "Some Person example.org"


def test_normalize_leaves_a_domain_line_elsewhere_in_the_text() -> None:
    paragraphs, caption = normalize_paragraphs("Title\n\nBody text.\n\nSome Person example.org")
    assert paragraphs == ["Title", "Body text.", "Some Person example.org"]
    assert caption is None


# -- split_sentences on small inputs ------------------------------------------------------------


def test_split_sentences_on_terminal_punctuation() -> None:
    assert sentences_of("One here. Two there? Three! Four") == [
        "One here.",
        "Two there?",
        "Three!",
        "Four",
    ]


def test_split_sentences_spans_index_the_paragraph() -> None:
    text = "First one.   Second one."
    assert split_sentences(text) == [(0, 10), (13, 24)]


@pytest.mark.parametrize(
    "text",
    [
        "The U.S. Embassy said nothing.",
        "Mr. Smith met Dr. Jones.",
        "He spoke for the U.N. General Assembly.",
    ],
)
def test_split_sentences_keeps_abbreviations_inside(text: str) -> None:
    assert sentences_of(text) == [text]


def test_split_sentences_keeps_closing_quotes_with_their_sentence() -> None:
    assert sentences_of('He said "stop." Then he left.') == ['He said "stop."', "Then he left."]


def test_split_sentences_needs_a_capital_or_digit_next() -> None:
    assert sentences_of("It cost 5 p.m. prices. 2006 was next.") == [
        "It cost 5 p.m. prices.",
        "2006 was next.",
    ]


# -- front matter ---------------------------------------------------------------------------


def test_front_matter_and_body_line() -> None:
    meta, body, line = split_front_matter("---\ntitle: T\n---\nBody\n")
    assert meta == {"title": "T"}
    assert body == "Body\n"
    assert line == 4


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("title: T\n\nBody", "1: the article must start with a '---' front matter block"),
        ("---\ntitle: T\nBody", "1: the front matter block is not closed with '---'"),
        ("---\ntitle: [unclosed\n---\nBody", "2: front matter is not valid YAML"),
        ("---\n- a\n- b\n---\nBody", "2: front matter must be a mapping"),
    ],
)
def test_front_matter_errors(source: str, message: str) -> None:
    with pytest.raises(ArticleFormatError) as caught:
        parse_article(source)
    assert str(caught.value).startswith(message)


def test_front_matter_error_is_reported_against_article_md(tmp_path: Path) -> None:
    (tmp_path / "article.md").write_text("no front matter\n\nBody.", encoding="utf-8")
    with pytest.raises(CorpusInvalid) as caught:
        load_corpus(tmp_path)
    assert caught.value.errors == [
        "article.md:1: the article must start with a '---' front matter block"
    ]


def test_front_matter_needs_title_publisher_and_authors(tmp_path: Path) -> None:
    (tmp_path / "article.md").write_text(
        "---\ndate: 2022-12-14\n---\nTitle\n\nBody.", encoding="utf-8"
    )
    with pytest.raises(CorpusInvalid) as caught:
        load_corpus(tmp_path)
    assert caught.value.errors == [
        "article.md:2: front matter needs 'title'",
        "article.md:2: front matter needs 'publisher'",
        "article.md:2: front matter needs 'authors' (a list)",
    ]
