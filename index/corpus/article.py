"""The article: front matter, normalization, and the paragraph/sentence store with offsets."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Literal

from index.corpus.yamlines import Parsed, YamlInvalid
from index.corpus.yamlines import parse as parse_yaml

PartKind = Literal["title", "body", "production", "bio_heading", "bio", "source"]
QUOTABLE: tuple[PartKind, ...] = ("title", "body", "production", "bio")
# The parts in which the article speaks of itself and its authors (what a byline answer quotes).
CREDITS: tuple[PartKind, ...] = ("production", "bio")

_LINK_MARKERS = re.compile(r"</?u>")
_SPACES = re.compile(r"[ \t\u00a0]+")
# An image credit: a few words ending in a bare domain ("Jane Doe en.wikipedia.org").
_CAPTION = re.compile(r"^[^.!?]{0,80}\s[a-z0-9-]+(\.[a-z0-9-]+)*\.(org|com|net|edu|gov)$")
_PRODUCTION = re.compile(r"^This article was (produced|distributed) by ", re.I)
_BIO_HEADING = re.compile(r"^Author Bios?:$", re.I)
_SOURCE_LINE = re.compile(r"^Source: ", re.I)
_TERMINAL = (".", "?", "!", ":", '"', "\u201d", ")")
# A paragraph this long that ends without terminal punctuation was broken by the extraction.
_BROKEN_MIN_CHARS = 80
_ABBREVIATIONS = {
    "U.S.",
    "U.K.",
    "Mr.",
    "Mrs.",
    "Ms.",
    "Dr.",
    "St.",
    "Av.",
    "Gen.",
    "Lt.",
    "Col.",
    "Sgt.",
    "Jr.",
    "Sr.",
    "No.",
    "e.g.",
    "i.e.",
    "vs.",
    "Inc.",
    "Co.",
    "U.N.",
}
_SENTENCE_END = re.compile(r"[.?!][\"\u201d)\]]*(?=\s+[\"\u201c(\[]?[A-Z0-9])")


class ArticleFormatError(ValueError):
    """The article file is not front matter followed by a body."""


@dataclass(frozen=True)
class Sentence:
    id: str
    paragraph_id: str
    paragraph: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Paragraph:
    id: str
    number: int
    kind: PartKind
    start: int
    end: int
    sentences: tuple[Sentence, ...]


@dataclass(frozen=True)
class Article:
    """The normalized article. Every sentence's text is ``text[start:end]``."""

    meta: dict
    text: str
    paragraphs: tuple[Paragraph, ...]
    caption: str | None
    raw_body: str
    body_line_offset: int = 0
    _by_id: dict[str, Sentence] = field(default_factory=dict, repr=False, compare=False)
    _parts: dict[str, PartKind] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        for p in self.paragraphs:
            for s in p.sentences:
                self._by_id[s.id] = s
                self._parts[s.id] = p.kind

    @property
    def title(self) -> str:
        return str(self.meta.get("title") or self.paragraphs[0].sentences[0].text)

    @property
    def sentences(self) -> list[Sentence]:
        return [s for p in self.paragraphs for s in p.sentences]

    def sentence(self, sentence_id: str) -> Sentence:
        return self._by_id[sentence_id]

    def quotable(self) -> list[Sentence]:
        """Sentences an answer may quote: the title, the body, and what the article says of
        itself and its authors (the production credit and the author bio)."""
        return [s for p in self.paragraphs if p.kind in QUOTABLE for s in p.sentences]

    def part_of(self, sentence_id: str) -> PartKind:
        """Which part of the article a sentence is in (title, body, production, bio, …)."""
        return self._parts[sentence_id]

    def sentences_overlapping(self, start: int, end: int) -> list[Sentence]:
        return [s for s in self.sentences if s.start < end and start < s.end]

    def paragraph_of(self, sentence: Sentence) -> Paragraph:
        return next(p for p in self.paragraphs if p.id == sentence.paragraph_id)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode()).hexdigest()


def read_front_matter(source: str) -> tuple[Parsed, str, int]:
    """The front matter with the line of every key, the body exactly as written, and the line
    number where the body starts."""
    if not source.startswith("---\n"):
        raise ArticleFormatError("1: the article must start with a '---' front matter block")
    end = 3 if source.startswith("---\n---\n") else source.find("\n---\n", 4)
    if end < 0:
        raise ArticleFormatError("1: the front matter block is not closed with '---'")
    try:
        parsed = parse_yaml(source[4 : end + 1], first_line=2)
    except YamlInvalid as exc:
        detail = exc.message.removeprefix("invalid YAML: ")
        raise ArticleFormatError(f"{exc.line}: front matter is not valid YAML: {detail}") from exc
    if parsed.data is None:
        parsed.data = {}
    if not isinstance(parsed.data, dict):
        raise ArticleFormatError("2: front matter must be a mapping")
    body = source[end + len("\n---\n") :]
    return parsed, body, source[: end + len("\n---\n")].count("\n") + 1


def split_front_matter(source: str) -> tuple[dict, str, int]:
    """Return (front matter, body exactly as written, line number where the body starts)."""
    parsed, body, body_line = read_front_matter(source)
    return parsed.data, body, body_line


def normalize_paragraphs(raw_body: str) -> tuple[list[str], str | None]:
    """Clean the extracted text into paragraphs; return them and the image caption, if any.

    Only extraction artefacts change: link markers go (their words stay), paragraphs that the
    extraction broke mid-sentence are joined, the image credit moves out of the text, and runs of
    whitespace collapse. The authors' wording, typos included, is kept.
    """
    text = _LINK_MARKERS.sub("", raw_body.replace("\r\n", "\n"))
    blocks = [_SPACES.sub(" ", b.replace("\n", " ")).strip() for b in re.split(r"\n\s*\n", text)]
    blocks = [b for b in blocks if b]
    joined: list[str] = []
    for block in blocks:
        prev = joined[-1] if joined else ""
        if prev and len(prev) >= _BROKEN_MIN_CHARS and not prev.endswith(_TERMINAL):
            joined[-1] = f"{prev} {block}"
        else:
            joined.append(block)
    caption = None
    if len(joined) > 1 and _CAPTION.match(joined[1]):
        caption = joined.pop(1)
    return joined, caption


def _kinds(paragraphs: list[str]) -> list[PartKind]:
    kinds: list[PartKind] = []
    tail = False
    for i, para in enumerate(paragraphs):
        if i == 0:
            kinds.append("title")
        elif _PRODUCTION.match(para):
            kinds.append("production")
            tail = True
        elif _BIO_HEADING.match(para):
            kinds.append("bio_heading")
            tail = True
        elif _SOURCE_LINE.match(para) and (tail or i == len(paragraphs) - 1):
            kinds.append("source")
        elif tail:
            kinds.append("bio")
        else:
            kinds.append("body")
    return kinds


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans (start, end) in one paragraph; abbreviations such as U.S. end none."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        word_start = text.rfind(" ", 0, m.start()) + 1
        word = text[word_start : m.start() + 1]
        if word in _ABBREVIATIONS:
            continue
        spans.append((start, m.end()))
        start = m.end()
        while start < len(text) and text[start].isspace():
            start += 1
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def parse_article(source: str) -> Article:
    meta, raw_body, body_line = split_front_matter(source)
    paragraphs, caption = normalize_paragraphs(raw_body)
    kinds = _kinds(paragraphs)
    text = "\n\n".join(paragraphs)
    built: list[Paragraph] = []
    offset = 0
    body_number = 0
    tail_counter: dict[str, int] = {}
    for para, kind in zip(paragraphs, kinds, strict=True):
        if kind == "body":
            body_number += 1
            pid, number = f"p{body_number}", body_number
        elif kind == "title":
            pid, number = "title", 0
        else:
            tail_counter[kind] = tail_counter.get(kind, 0) + 1
            n = tail_counter[kind]
            pid, number = (kind if n == 1 else f"{kind}{n}"), 0
        sentences = tuple(
            Sentence(
                id=f"{pid}.s{i}",
                paragraph_id=pid,
                paragraph=number,
                start=offset + a,
                end=offset + b,
                text=para[a:b],
            )
            for i, (a, b) in enumerate(split_sentences(para), start=1)
        )
        built.append(Paragraph(pid, number, kind, offset, offset + len(para), sentences))
        offset += len(para) + 2
    if caption:
        meta = {**meta, "image_caption": caption}
    return Article(meta, text, tuple(built), caption, raw_body, body_line)
