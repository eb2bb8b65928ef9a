"""`explainer corpus new`: a corpus directory from a plain-text article, ready to reindex.

It writes `article.md` (front matter with every required field and the body's sha256), an empty
`claims.yaml` with a commented example, a `sources.yaml` to classify source domains, a
`background/` with one example card (named `.md.example`, so it is never indexed) and, when the
current corpus has one, its `calibration.yaml` (status thresholds per embedding model).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from index.corpus.files import (
    ARTICLE_FILE,
    BACKGROUND_DIR,
    CALIBRATION_FILE,
    CLAIMS_FILE,
    SOURCES_FILE,
    decode,
)
from index.corpus.load import DATE_RE, URL_RE

EXAMPLE_CARD = "example-card.md.example"


class ScaffoldError(ValueError):
    """The article or the options cannot make a corpus; the message says which and why."""


@dataclass(frozen=True)
class ArticleInfo:
    title: str
    authors: tuple[str, ...]
    publisher: str
    date: str
    copies: tuple[str, ...] = ()
    language: str = "en"
    url: str | None = None


@dataclass
class Scaffold:
    directory: Path
    written: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def read_text_article(path: Path) -> str:
    """The article file as text (UTF-8, line endings normalized), or `ScaffoldError`."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ScaffoldError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    text, problem = decode(data)
    if problem:
        raise ScaffoldError(f"{path}:{problem}")
    if not text.strip():
        raise ScaffoldError(f"{path}: the file is empty")
    if text.startswith("---\n"):
        raise ScaffoldError(
            f"{path}: this already starts with front matter; copy it to DIR/{ARTICLE_FILE} "
            "instead and run `explainer corpus check DIR`"
        )
    return text


def first_line(text: str) -> str:
    return next(line.strip() for line in text.splitlines() if line.strip())


def article_body(text: str, title: str) -> tuple[str, bool]:
    """The body as supplied, with the title as its first paragraph (added when it is not).

    The loader reads the first paragraph as the title; a text that starts with its first
    paragraph of prose would otherwise have that paragraph taken for the title.
    """
    body = text.strip("\n") + "\n"
    if first_line(text) == title.strip():
        head, _, rest = body.partition("\n")
        if rest and rest.split("\n", 1)[0].strip():
            return f"{head}\n\n{rest}", True  # the title as a paragraph of its own
        return body, False
    return f"{title.strip()}\n\n{body}", True


def _quoted(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML string


def check_info(info: ArticleInfo) -> list[str]:
    """What is wrong with the options, one line each (empty when nothing)."""
    problems = []
    if not info.title.strip() or "\n" in info.title.strip():
        problems.append("--title must be one line")
    if not info.authors or not all(a.strip() for a in info.authors):
        problems.append("give each author with --author NAME (repeat it for several)")
    if not info.publisher.strip():
        problems.append("--publisher is required")
    if not DATE_RE.match(info.date.strip()):
        problems.append(f"--date must be YYYY-MM-DD, YYYY-MM or YYYY (got {info.date!r})")
    for url in (*info.copies, *([info.url] if info.url else [])):
        if not URL_RE.match(url):
            problems.append(f"{url!r} is not a URL starting with http(s)://")
    return problems


def front_matter(info: ArticleInfo, body: str) -> str:
    lines = [
        "---",
        f"title: {_quoted(info.title.strip())}",
        "authors:",
        *(f"  - {_quoted(a.strip())}" for a in info.authors),
        f"publisher: {_quoted(info.publisher.strip())}",
        f"date: {_quoted(info.date.strip())}",
        f"language: {_quoted(info.language.strip() or 'en')}",
    ]
    if info.url:
        lines.append(f"url: {_quoted(info.url)}  # where the article was first published")
    lines += [
        "# sha256 of the body below, exactly as supplied: a reindex refuses a body that no longer",
        "# matches (`explainer corpus check` prints the value the body has).",
        f"body_sha256: {_quoted(hashlib.sha256(body.encode()).hexdigest())}",
    ]
    if info.copies:
        lines.append("# Published copies of the article (shown with the byline; sources of kind")
        lines.append("# article-copy wherever a card cites them).")
        lines.append("copies:")
        for url in info.copies:
            host = (urlsplit(url).hostname or url).removeprefix("www.")
            lines += [
                f"  - publisher: {_quoted(host)}",
                f"    url: {_quoted(url)}",
                f"    date: {_quoted(info.date.strip())}",
            ]
    else:
        lines.append("copies: []  # published copies: - {publisher: ..., url: ..., date: ...}")
    lines.append("---")
    return "\n".join(lines) + "\n"


CLAIMS_TEMPLATE = """\
# Curated claims of {title}: docs/corpus.md. Each quote is an exact passage of the article (after
# normalization: link markers removed, whitespace collapsed), found exactly once in it.
# Labels: established | disputed | allegation | opinion. An `established` claim needs a supporting
# card that cites an official or press source; a `disputed` one needs a card that contradicts it.
# An example to copy under `claims:` (and remove the `[]`):
#
#  - id: first-claim
#    quote: "An exact sentence or clause of the article"
#    label: allegation
#    note: "One line: what independent sources say about it."
#    supported_by: []        # ids of cards (background/<id>.md) that back the passage
#    contradicted_by: []     # ids of cards that contradict it
#    asks:                   # questions, in a reader's words, that this claim answers
#      - "What does the article say about ...?"
#    thesis: true            # optional: a step of the article's argument, quoted by overviews
claims: []
not_claims: []
"""

SOURCES_TEMPLATE = """\
# What kind of publication each source domain is (docs/corpus.md, "Source kinds"): official,
# press, commentary, advocacy, mirror or article-copy. Only official records and the press are
# independent reporting: an `established` claim needs a supporting card that cites one. An entry
# may carry a path prefix (example.com/opinion); a source's own `kind:` in a card overrides this.
official: []
press:
  - apnews.com
  - reuters.com
  - afp.com
commentary: []
advocacy: []
mirror:
  - wikipedia.org   # an encyclopedia compiles others' reporting
"""

EXAMPLE_CARD_TEXT = """\
---
# An example fact card: rename it to background/<id>.md (the id below must equal the file name),
# write one fact in your own words under the front matter, and cite where it comes from.
# Files that do not end in .md, like this one, are never indexed.
id: example-card
title: "A short title for the fact"
date: "2024-01-01"
tags: [a, few, words]
asks:
  - "A question, in a reader's words, that this card answers?"
sources:
  - publisher: "A newspaper"
    title: "The headline of the report"
    url: "https://example.org/report"
    date: "2024-01-01"
    kind: press   # official | press | commentary | advocacy | mirror | article-copy
---
One fact, in your own words, that the sources above report.
"""


def scaffold(
    article_path: Path, directory: Path, info: ArticleInfo, calibration_from: Path | None = None
) -> Scaffold:
    """Write a new corpus for the article at `article_path` into `directory` (new or empty)."""
    problems = check_info(info)
    if problems:
        raise ScaffoldError("; ".join(problems))
    text = read_text_article(article_path)
    directory = Path(directory)
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise ScaffoldError(f"{directory} already exists and is not an empty directory")
    body, titled = article_body(text, info.title)
    made = Scaffold(directory)
    if titled:
        made.notes.append(
            f"made {info.title.strip()!r} the first paragraph of the body (the loader reads the "
            "first paragraph as the title)"
        )
    (directory / BACKGROUND_DIR).mkdir(parents=True, exist_ok=True)
    files = {
        ARTICLE_FILE: front_matter(info, body) + body,
        CLAIMS_FILE: CLAIMS_TEMPLATE.format(title=_quoted(info.title.strip())),
        SOURCES_FILE: SOURCES_TEMPLATE,
        f"{BACKGROUND_DIR}/{EXAMPLE_CARD}": EXAMPLE_CARD_TEXT,
    }
    if calibration_from is not None and (calibration_from / CALIBRATION_FILE).is_file():
        fitted = (calibration_from / CALIBRATION_FILE).read_text(encoding="utf-8")
        files[CALIBRATION_FILE] = (
            f"# Copied from {calibration_from / CALIBRATION_FILE}: thresholds fitted for another\n"
            "# article; refit them with scripts/calibrate.py once this corpus has its questions.\n"
            + fitted
        )
    for rel, content in files.items():
        path = directory / rel
        path.write_text(content, encoding="utf-8")
        made.written.append(path)
    return made
