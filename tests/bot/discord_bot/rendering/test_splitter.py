"""The message splitter: every chunk fits, every quote block stays whole, nothing lost or moved."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.discord_bot.rendering.splitter import DISCORD_LIMIT, message_length, split_markdown

# Sampled words keep generation fast; they include what Discord counts double (😀) and the
# characters the splitter looks at (">", "*", "_", sentence ends).
WORD = st.sampled_from(
    [
        "Castillo",
        "Congress",
        "vote.",
        "said,",
        "¶",
        "—",
        "élu",
        "😀",
        "a>b",
        "x*y",
        "_z",
        "why?",
        "no!",
    ]
)


def sentence(max_words: int) -> st.SearchStrategy[str]:
    return st.lists(WORD, min_size=1, max_size=max_words).map(" ".join)


@st.composite
def quote_block(draw: st.DrawFn, limit: int) -> str:
    text = draw(sentence(40))
    label = draw(sentence(12))
    note_lines = draw(st.lists(sentence(10), max_size=2))
    block = "\n".join([f"> {text}", f"(¶{draw(st.integers(1, 20))}) **{label}.**", *note_lines])
    if message_length(block) > limit:
        # A cut block may end in a space or a line break, which the document cannot hold at
        # its end (it ends at the last non-blank character) nor before a blank line.
        block = block[: max(limit // 2, 20)].rstrip()
    return block


HEADING = sentence(5).map(lambda s: f"**{s}**")
UNDERLINED = sentence(5).map(lambda s: f"__{s}__")
BULLETS = st.lists(
    sentence(30).map(lambda s: f"• {s} <https://example.org/{len(s)}>"), min_size=1, max_size=6
).map("\n".join)


@st.composite
def document(draw: st.DrawFn) -> tuple[str, int, list[str]]:
    limit = draw(st.integers(min_value=120, max_value=700))
    kinds = draw(
        st.lists(
            st.sampled_from(["quote", "heading", "underlined", "text", "bullets", "long"]),
            min_size=1,
            max_size=10,
        )
    )
    parts: list[str] = []
    separators: list[str] = []
    quotes: list[str] = []
    for kind, next_kind in zip(kinds, [*kinds[1:], None], strict=True):
        gaps = ["\n\n", "\n", "\n\n\n"]
        if kind == "quote":
            block = draw(quote_block(limit))
            if message_length(block) <= limit:
                quotes.append(block)
            parts.append(block)
            if next_kind not in ("heading", "underlined"):
                # A line right under a quote block is one of its note lines (a `>` line goes on
                # with its quote): after one line break the next part would belong to this
                # block, and the block the document holds would not be `block`.
                gaps = ["\n\n", "\n\n\n"]
        elif kind == "heading":
            parts.append(draw(HEADING))
        elif kind == "underlined":
            parts.append(draw(UNDERLINED))
        elif kind == "bullets":
            parts.append(draw(BULLETS))
        elif kind == "long":
            # Repeating one drawn sentence makes a long paragraph without thousands of draws.
            parts.append(" ".join([draw(sentence(20))] * draw(st.integers(5, 30))))
        else:
            parts.append(draw(sentence(30)))
        separators.append(draw(st.sampled_from(gaps)))
    text = "".join(p + s for p, s in zip(parts, separators, strict=True)).rstrip("\n")
    return text, limit, quotes


def _in_order_slices(text: str, chunks: list[str]) -> bool:
    """Each chunk is the next slice of the text; only whitespace lies between them."""
    position = 0
    for chunk in chunks:
        found = text.find(chunk, position)
        if found < 0 or text[position:found].strip():
            return False
        position = found + len(chunk)
    return not text[position:].strip()


@settings(max_examples=100, deadline=None)
@given(document())
def test_every_chunk_fits(doc: tuple[str, int, list[str]]) -> None:
    text, limit, _ = doc
    assert all(message_length(c) <= limit for c in split_markdown(text, limit))


@settings(max_examples=100, deadline=None)
@given(document())
def test_every_quote_block_that_fits_is_in_one_chunk(doc: tuple[str, int, list[str]]) -> None:
    text, limit, quotes = doc
    chunks = split_markdown(text, limit)
    for quote in quotes:
        assert any(quote in chunk for chunk in chunks), quote


@settings(max_examples=100, deadline=None)
@given(document())
def test_nothing_is_lost_or_reordered(doc: tuple[str, int, list[str]]) -> None:
    text, limit, _ = doc
    chunks = split_markdown(text, limit)
    assert _in_order_slices(text, chunks)
    assert re.sub(r"\s", "", "".join(chunks)) == re.sub(r"\s", "", text)


@given(st.text(max_size=3000), st.integers(min_value=2, max_value=400))
def test_any_text_is_cut_into_fitting_in_order_slices(text: str, limit: int) -> None:
    chunks = split_markdown(text, limit)
    assert all(0 < message_length(c) <= limit for c in chunks)
    assert _in_order_slices(text, chunks)


def test_short_text_is_one_message() -> None:
    assert split_markdown("**Heading**\n\n> quote\n(¶1) label") == [
        "**Heading**\n\n> quote\n(¶1) label"
    ]


def test_blank_text_is_no_message() -> None:
    assert split_markdown(" \n\n ") == []


def test_a_heading_is_never_left_at_the_end_of_a_message() -> None:
    quote = "> " + "word " * 30 + "\n(¶2) **Allegation.** note"
    text = "intro " * 10 + "\n\n__Allegations__\n\n" + quote
    chunks = split_markdown(text, len(quote) + 30)
    assert chunks[-1].startswith("__Allegations__")


def test_messages_prefer_paragraph_breaks() -> None:
    first = "a" * 60 + "\n" + "b" * 60
    text = first + "\n\n" + "c" * 60 + "\n" + "d" * 60
    assert split_markdown(text, 200) == [first, "c" * 60 + "\n" + "d" * 60]


def test_a_quote_block_keeps_its_label_and_note_lines() -> None:
    block = "> " + "x " * 40 + "(¶3)\n(¶3) **Established — sources confirm this.** note"
    text = "lead " * 30 + "\n\n" + block + "\n\n" + "tail " * 30
    chunks = split_markdown(text, len(block) + 10)
    assert sum(block in chunk for chunk in chunks) == 1


def test_limits_count_utf16_units_like_discord() -> None:
    assert message_length("😀") == 2
    chunks = split_markdown("😀" * 1500)
    assert all(message_length(c) <= DISCORD_LIMIT for c in chunks) and len(chunks) == 2
