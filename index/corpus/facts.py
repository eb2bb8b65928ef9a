"""The background fact cards (`background/*.md`): front matter, one statement, and the sources,
each with its kind (index/corpus/sources.py)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from index.answer.contract import Source
from index.corpus.article import ArticleFormatError, read_front_matter
from index.corpus.fields import (
    ID_RE,
    URL_RE,
    date_problem,
    date_text,
    id_list,
    one_line,
    unknown_keys,
)
from index.corpus.model import Fact
from index.corpus.sources import KINDS, SourceTable
from index.corpus.tuning import one_line_questions
from index.corpus.yamlines import Parsed

CARD_KEYS = ("id", "title", "date", "tags", "asks", "sources", "contradicts", "mirror_only")
SOURCE_KEYS = ("publisher", "url", "date", "title", "kind")
# The tag of a card about the article itself (its authors, its copies, its errors): its asks are
# questions about the article, like the byline and overview intents' examples, not its topic.
ABOUT_ARTICLE_TAG = "article"


def load_fact(
    rel: str, text: str, copies: Mapping[str, str], table: SourceTable, errors: list[str]
) -> Fact | None:
    if not text.strip():
        errors.append(f"{rel}:1: the file is empty; a card is front matter and one statement")
        return None
    try:
        fm, body, body_line = read_front_matter(text)
    except ArticleFormatError as exc:
        errors.append(f"{rel}:{exc}")
        return None
    meta: dict[str, Any] = fm.data
    stem = rel.rsplit("/", 1)[-1].removesuffix(".md")
    problems: list[tuple[int, str]] = [
        (line, f"key '{k}' appears twice") for line, k in fm.duplicates
    ]
    top = fm.line()
    for key, problem in unknown_keys(meta, CARD_KEYS):
        problems.append((fm.line(key), problem))
    fid = meta.get("id")
    if not isinstance(fid, str) or not ID_RE.match(fid):
        problems.append((fm.line("id"), "id must be lower-case letters, digits and dashes"))
    elif fid != stem:
        problems.append((fm.line("id"), f"id '{fid}' does not match the file name '{stem}'"))
    if not one_line(meta.get("title")):
        problems.append((fm.line("title"), "title is required (one line of text)"))
    date = date_text(meta.get("date"))
    if date is None:
        problems.append((fm.line("date"), date_problem(meta.get("date"))))
    statement = " ".join(body.split())
    if not statement:
        problems.append((body_line, "the statement (text after the front matter) is empty"))
    sources, kinds = _load_sources(fm, copies, table, problems)
    tags = meta.get("tags")
    if tags is None:
        tags = []
    elif not isinstance(tags, list) or not all(isinstance(t, str) and t.strip() for t in tags):
        problems.append((fm.line("tags"), "tags must be a list of words"))
        tags = []
    asks = one_line_questions(meta.get("asks"))
    if asks is None:
        problems.append((fm.line("asks"), "asks must be a list of one-line questions"))
    contradicts = id_list(meta.get("contradicts"))
    if contradicts is None:
        problems.append((fm.line("contradicts"), "contradicts must be a list of claim ids"))
    mirror_only = meta.get("mirror_only")
    if mirror_only is not None and not one_line(mirror_only):
        problems.append(
            (
                fm.line("mirror_only"),
                "mirror_only must be one sentence saying no original was found",
            )
        )
        mirror_only = None
    if problems:
        errors.extend(f"{rel}:{line}: {p}" for line, p in sorted(problems, key=lambda x: x[0]))
        return None
    note = str(mirror_only or "").strip()
    return Fact(
        str(fid),
        str(meta["title"]).strip(),
        str(date),
        tuple(t.strip() for t in tags),
        f"{statement} {note}".strip(),
        tuple(sources),
        asks or (),
        tuple(kinds),
        contradicts or (),
        note,
        top,
    )


def _load_sources(
    fm: Parsed,
    copies: Mapping[str, str],
    table: SourceTable,
    problems: list[tuple[int, str]],
) -> tuple[list[Source], list[str]]:
    raw_sources = fm.data.get("sources")
    sources: list[Source] = []
    kinds: list[str] = []
    if not isinstance(raw_sources, list) or not raw_sources:
        line = fm.line("sources") if "sources" in fm.data else fm.line()
        problems.append((line, "at least one source with a URL is required"))
        return sources, kinds
    for n, src in enumerate(raw_sources):
        line = fm.line("sources", n)
        label = f"source {n + 1}"
        if (
            not isinstance(src, dict)
            or not isinstance(src.get("url"), str)
            or not URL_RE.match(src["url"])
        ):
            problems.append((line, f"{label} needs a url starting with http(s)://"))
            continue
        for key, problem in unknown_keys(src, SOURCE_KEYS):
            problems.append((fm.line("sources", n, key), f"{label}: {problem}"))
        if not one_line(src.get("publisher")):
            problems.append((fm.line("sources", n, "publisher"), f"{label} needs a publisher"))
        src_date = date_text(src.get("date"))
        if src_date is None:
            problems.append(
                (fm.line("sources", n, "date"), f"{label}: {date_problem(src.get('date'))}")
            )
        title = src.get("title")
        if title is not None and not isinstance(title, str):
            problems.append((fm.line("sources", n, "title"), f"{label}: title must be text"))
        kind = src.get("kind")
        if kind is not None and kind not in KINDS:
            problems.append(
                (
                    fm.line("sources", n, "kind"),
                    f"{label}: kind {kind!r} must be one of {', '.join(KINDS)}",
                )
            )
        url = str(src["url"])
        kinds.append(
            str(kind)
            if kind in KINDS
            else "article-copy"
            if url in copies
            else table.kind_of(url) or "unclassified"
        )
        sources.append(
            Source(
                publisher=str(src.get("publisher") or "").strip(),
                url=url,
                date=src_date or "",
                title=str(title or "").strip(),
            )
        )
    return sources, kinds
