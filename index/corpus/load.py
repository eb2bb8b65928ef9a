"""Load and validate a corpus: the article, its curated claims, the background facts.

`load_corpus(directory)` reads the directory (index/corpus/files.py: regular files inside it,
within size limits, UTF-8) and validates everything, raising `CorpusInvalid` with one
`file:line: what is wrong` per problem. `load_corpus_files(files)` does the same from the texts
themselves: that is how a served index version loads the snapshot stored with it.

Two levels: the structure (types, ids, quotes found once in the article, references) is always
checked; the curation policy (`strict`, what a reindex enforces) adds the source tiers and the
agreement of labels with the cards:

- a claim labelled `established` needs a supporting card citing an official or press source;
- a card whose only sources are mirrors must say so (`mirror_only: "..."`, shown on the card);
- a claim labelled `established` with a contradicting card, or `disputed` with none, is an error
  unless the claim explains it in `contradictions_acknowledged: "..."`.

A served snapshot is loaded without the policy checks, so that a stricter rule in a newer
version of the code never takes down an index that was valid when it was built.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, cast

from index.answer.contract import LABELS, Label, Source
from index.corpus.article import Article, ArticleFormatError, parse_article, read_front_matter
from index.corpus.files import (
    ARTICLE_FILE,
    BACKGROUND_DIR,
    CALIBRATION_FILE,
    CLAIMS_FILE,
    OFF_TOPIC_FILE,
    SOURCES_FILE,
    Limits,
    read_corpus_dir,
)
from index.corpus.sources import INDEPENDENT, KINDS, SourceTable, parse_source_table
from index.corpus.tuning import load_calibration, load_off_topic, one_line_questions
from index.corpus.yamlines import Parsed, YamlInvalid, type_name
from index.corpus.yamlines import parse as parse_yaml

__all__ = [
    "ARTICLE_FILE",
    "BACKGROUND_DIR",
    "CALIBRATION_FILE",
    "CLAIMS_FILE",
    "CLAIM_LABELS",
    "OFF_TOPIC_FILE",
    "SOURCES_FILE",
    "Claim",
    "Corpus",
    "CorpusInvalid",
    "Fact",
    "NotClaim",
    "corpus_digest",
    "load_corpus",
    "load_corpus_files",
]

CLAIM_LABELS = tuple(label for label in LABELS if label != "unreviewed")
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_URL = re.compile(r"^https?://\S+$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
DATE_RE, URL_RE = _DATE, _URL

ARTICLE_KEYS = ("title", "authors", "publisher", "date", "language", "url", "body_sha256", "copies")
COPY_KEYS = ("publisher", "url", "date", "title", "language")
CLAIM_KEYS = (
    "id",
    "group",
    "quote",
    "label",
    "note",
    "supported_by",
    "contradicted_by",
    "contradictions_acknowledged",
    "asks",
)
CARD_KEYS = ("id", "title", "date", "tags", "asks", "sources", "contradicts", "mirror_only")
SOURCE_KEYS = ("publisher", "url", "date", "title", "kind")


class CorpusInvalid(Exception):
    """The corpus failed validation; `errors` holds one `file:line: what is wrong` per problem."""

    def __init__(self, errors: list[str]):
        super().__init__(f"{len(errors)} error(s) in the corpus")
        self.errors = errors


@dataclass(frozen=True)
class Claim:
    id: str
    quote: str
    start: int
    end: int
    label: Label
    note: str
    group: int | None
    supported_by: tuple[str, ...]
    contradicted_by: tuple[str, ...]
    line: int = field(default=0, compare=False)
    # Questions, in a curator's words, that this claim answers (embedded to point at it).
    asks: tuple[str, ...] = ()
    # Why the label stands although the cards seem to disagree with it (see the module doc).
    contradictions_acknowledged: str = ""

    @property
    def fact_ids(self) -> tuple[str, ...]:
        return self.contradicted_by + self.supported_by


@dataclass(frozen=True)
class NotClaim:
    quote: str
    start: int
    end: int
    reason: str


@dataclass(frozen=True)
class Fact:
    id: str
    title: str
    date: str
    tags: tuple[str, ...]
    text: str
    sources: tuple[Source, ...]
    asks: tuple[str, ...] = ()
    # One kind per source, in order (index/corpus/sources.py).
    source_kinds: tuple[str, ...] = ()
    # Claims this card contradicts (besides those that list it in `contradicted_by`).
    contradicts: tuple[str, ...] = ()
    # The card's own statement that only mirrors of its sources were found (part of `text`).
    mirror_only: str = ""
    line: int = field(default=1, compare=False)

    @property
    def independent(self) -> bool:
        """At least one source is an official record or the press."""
        return any(kind in INDEPENDENT for kind in self.source_kinds)

    @property
    def about_article(self) -> bool:
        """Every source is a copy of the article: the card is about the article, not background."""
        return bool(self.source_kinds) and all(k == "article-copy" for k in self.source_kinds)


@dataclass(frozen=True)
class Corpus:
    directory: Path
    article: Article
    claims: tuple[Claim, ...]
    not_claims: tuple[NotClaim, ...]
    facts: dict[str, Fact]
    sha256: str
    # The texts as loaded (`relative path -> text`): what a snapshot stores.
    files: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)
    # `calibration.yaml`: status thresholds (and the re-ranker's weights) per embedding model id.
    calibration: dict[str, dict[str, Any]] = field(default_factory=dict, compare=False, repr=False)
    # The index version whose snapshot this was loaded from (None: loaded from a directory).
    snapshot: str | None = None
    # `off_topic.yaml`: questions, in a curator's words, that the corpus does not answer (the
    # status decision's examples of what is out of scope; embedded like the curated asks).
    off_topic: tuple[str, ...] = ()

    def claims_overlapping(self, start: int, end: int) -> list[Claim]:
        return [c for c in self.claims if c.start < end and start < c.end]

    def claim(self, claim_id: str) -> Claim:
        return next(c for c in self.claims if c.id == claim_id)


# -- small typed readers --------------------------------------------------------------------------


def _date_text(value: Any) -> str | None:
    """A date as text (`YYYY-MM-DD`, `YYYY-MM` or `YYYY`), or None when it is not one."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str) and _DATE.match(value.strip()):
        return value.strip()
    return None


def _date_problem(value: Any, what: str = "date") -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return f'{what} must be text: write "{value}" in quotes'
    return f"{what} must be YYYY-MM-DD, YYYY-MM or YYYY (got {type_name(value)})"


def _one_line(value: Any) -> str | None:
    if isinstance(value, str) and value.strip() and "\n" not in value.strip():
        return value.strip()
    return None


def _id_list(value: Any) -> tuple[str, ...] | None:
    if value is None:
        return ()
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    return None


def _unknown_keys(keys: object, known: tuple[str, ...]) -> list[tuple[str, str]]:
    """(key, problem) for each key not in `known`, with the closest known key as a hint."""
    problems = []
    for key in sorted(str(k) for k in (keys if isinstance(keys, dict) else {})):
        if key in known:
            continue
        close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
        hint = f" (did you mean {close[0]}?)" if close else f" (known: {', '.join(known)})"
        problems.append((key, f"unknown key '{key}'{hint}"))
    return problems


def _find_once(text: str, quote: str) -> tuple[int, str | None]:
    start = text.find(quote)
    if start < 0:
        return -1, "quote not found verbatim in the normalized article"
    if text.find(quote, start + 1) >= 0:
        return -1, "quote occurs more than once in the article; make it longer"
    return start, None


def _parse_file(files: Mapping[str, str], rel: str, errors: list[str]) -> Parsed | None:
    """A YAML file of the corpus, or None when it is absent or does not parse."""
    if rel not in files:
        return None
    try:
        parsed = parse_yaml(files[rel])
    except YamlInvalid as exc:
        errors.append(f"{rel}:{exc.line}: {exc.message}")
        return None
    for line, key in parsed.duplicates:
        errors.append(f"{rel}:{line}: key '{key}' appears twice in the same mapping")
    return parsed


# -- the article ----------------------------------------------------------------------------------


def _check_front_matter(fm: Parsed, article: Article, errors: list[str]) -> dict[str, str]:
    """Type-check the front matter; return `copy URL -> publisher` for the article's copies."""
    meta = fm.data
    where = ARTICLE_FILE
    for line, key in fm.duplicates:
        errors.append(f"{where}:{line}: key '{key}' appears twice in the front matter")
    for key, problem in _unknown_keys(meta, ARTICLE_KEYS):
        errors.append(f"{where}:{fm.line(key)}: front matter: {problem}")
    top = fm.line()
    for key in ("title", "publisher"):
        if key not in meta:
            errors.append(f"{where}:{top}: front matter needs '{key}'")
        elif not _one_line(meta[key]):
            errors.append(
                f"{where}:{fm.line(key)}: '{key}' must be one line of text "
                f"(got {type_name(meta[key])})"
            )
    authors = meta.get("authors")
    if authors is None:
        errors.append(f"{where}:{top}: front matter needs 'authors' (a list)")
    elif not isinstance(authors, list) or not authors:
        errors.append(
            f"{where}:{fm.line('authors')}: 'authors' must be a list of names, one per line "
            f"(got {type_name(authors)})"
        )
    else:
        for n, name in enumerate(authors):
            if not _one_line(name):
                errors.append(
                    f"{where}:{fm.line('authors', n)}: an author must be a name "
                    f"(got {type_name(name)})"
                )
    if "date" not in meta:
        errors.append(f"{where}:{top}: front matter needs 'date' (YYYY-MM-DD)")
    elif _date_text(meta["date"]) is None:
        errors.append(f"{where}:{fm.line('date')}: {_date_problem(meta['date'])}")
    for key in ("language", "url"):
        if key in meta and not _one_line(meta[key]):
            errors.append(f"{where}:{fm.line(key)}: '{key}' must be text")
    if "url" in meta and _one_line(meta["url"]) and not _URL.match(str(meta["url"])):
        errors.append(f"{where}:{fm.line('url')}: 'url' must start with http(s)://")
    _check_body_hash(fm, article, errors)
    return _check_copies(fm, errors)


def _check_body_hash(fm: Parsed, article: Article, errors: list[str]) -> None:
    meta = fm.data
    if "body_sha256" not in meta:
        return
    actual = hashlib.sha256(article.raw_body.encode()).hexdigest()
    given = meta["body_sha256"]
    at = f"{ARTICLE_FILE}:{fm.line('body_sha256')}"
    if not isinstance(given, str):
        errors.append(
            f"{at}: body_sha256 must be text in quotes, 64 hex digits (YAML read {type_name(given)}"
            f'); the body\'s sha256 is "{actual}"'
        )
    elif not _SHA256.match(given.strip()):
        errors.append(
            f'{at}: body_sha256 must be 64 lower-case hex digits; the body\'s sha256 is "{actual}"'
        )
    elif given.strip() != actual:
        errors.append(
            f"{ARTICLE_FILE}:{article.body_line_offset}: the body no longer matches body_sha256: "
            f"the article must stay exactly as supplied (line {fm.line('body_sha256')} expects "
            f"{given.strip()}, the body hashes to {actual}; if the new text is the right one, set "
            f'body_sha256: "{actual}")'
        )


def _check_copies(fm: Parsed, errors: list[str]) -> dict[str, str]:
    copies = fm.data.get("copies")
    found: dict[str, str] = {}
    if copies is None:
        return found
    if not isinstance(copies, list):
        errors.append(
            f"{ARTICLE_FILE}:{fm.line('copies')}: 'copies' must be a list of "
            f"{{publisher, url, date}} (got {type_name(copies)})"
        )
        return found
    for n, copy in enumerate(copies):
        at = f"{ARTICLE_FILE}:{fm.line('copies', n)}"
        if not isinstance(copy, dict):
            errors.append(f"{at}: copy {n + 1} must be a mapping with publisher, url and date")
            continue
        for _, problem in _unknown_keys(copy, COPY_KEYS):
            errors.append(f"{at}: copy {n + 1}: {problem}")
        url = copy.get("url")
        if not isinstance(url, str) or not _URL.match(url):
            errors.append(f"{at}: copy {n + 1} needs a url starting with http(s)://")
            continue
        if not _one_line(copy.get("publisher")):
            errors.append(f"{at}: copy {n + 1} needs a publisher")
        if "date" in copy and _date_text(copy["date"]) is None:
            errors.append(
                f"{ARTICLE_FILE}:{fm.line('copies', n, 'date')}: copy {n + 1}: "
                f"{_date_problem(copy['date'])}"
            )
        found[url] = str(copy.get("publisher") or "")
    return found


# -- the claims -----------------------------------------------------------------------------------


def _load_claims(
    parsed: Parsed | None, article: Article, errors: list[str]
) -> tuple[list[Claim], list[NotClaim]]:
    if parsed is None or parsed.data is None:
        return [], []
    where = CLAIMS_FILE
    data = parsed.data
    if not isinstance(data, dict):
        errors.append(
            f"{where}:{parsed.line()}: expected a mapping with 'claims' and 'not_claims' "
            f"(got {type_name(data)})"
        )
        return [], []
    unknown = sorted(str(k) for k in set(data) - {"claims", "not_claims"})
    if unknown:
        errors.append(
            f"{where}:{parsed.line(unknown[0])}: unknown top-level key(s): {', '.join(unknown)}"
        )
    raw_claims = data.get("claims")
    if raw_claims is not None and not isinstance(raw_claims, list):
        errors.append(
            f"{where}:{parsed.line('claims')}: 'claims' must be a list of claims "
            f"(got {type_name(raw_claims)})"
        )
        raw_claims = []
    claims: list[Claim] = []
    seen: set[str] = set()
    for n, raw in enumerate(raw_claims or []):
        line = parsed.line("claims", n)
        claim = _load_claim(raw, line, parsed, n, article, seen, errors)
        if claim is not None:
            claims.append(claim)
    not_claims = _load_not_claims(parsed, article, errors)
    ordered = sorted(claims, key=lambda c: c.start)
    for a, b in zip(ordered, ordered[1:], strict=False):
        if b.start < a.end:
            errors.append(f"{where}:{b.line}: claim '{b.id}' overlaps claim '{a.id}'")
    return claims, not_claims


def _load_claim(
    raw: Any,
    line: int,
    parsed: Parsed,
    n: int,
    article: Article,
    seen: set[str],
    errors: list[str],
) -> Claim | None:
    at = f"{CLAIMS_FILE}:{line}"
    if not isinstance(raw, dict):
        errors.append(f"{at}: a claim must be a mapping (got {type_name(raw)})")
        return None
    extra = sorted(str(k) for k in set(raw) - set(CLAIM_KEYS))
    if extra:
        errors.append(f"{at}: unknown key(s) {', '.join(extra)}")
    cid, quote, label, note = raw.get("id"), raw.get("quote"), raw.get("label"), raw.get("note")
    if not isinstance(cid, str) or not _ID.match(cid):
        errors.append(f"{at}: claim id must be lower-case letters, digits and dashes")
        return None
    if cid in seen:
        errors.append(f"{at}: duplicate claim id '{cid}'")
    seen.add(cid)
    if label not in CLAIM_LABELS:
        close = difflib.get_close_matches(str(label), CLAIM_LABELS, n=1, cutoff=0.6)
        hint = f" (did you mean {close[0]}?)" if close else ""
        errors.append(
            f"{at}: claim '{cid}': label {label!r} must be one of {', '.join(CLAIM_LABELS)}{hint}"
        )
    if not isinstance(note, str) or not note.strip():
        errors.append(f"{at}: claim '{cid}': a one-line note is required")
    elif "\n" in note.strip():
        errors.append(f"{at}: claim '{cid}': the note must be one line")
    group = raw.get("group")
    if group is not None and (not isinstance(group, int) or isinstance(group, bool)):
        errors.append(
            f"{CLAIMS_FILE}:{parsed.line('claims', n, 'group')}: claim '{cid}': group must be a "
            f"whole number (got {type_name(group)})"
        )
        group = None
    acknowledged = raw.get("contradictions_acknowledged")
    if acknowledged is not None and not _one_line(acknowledged):
        errors.append(
            f"{CLAIMS_FILE}:{parsed.line('claims', n, 'contradictions_acknowledged')}: claim "
            f"'{cid}': contradictions_acknowledged must be one line saying why the label stands"
        )
        acknowledged = None
    if not isinstance(quote, str) or not quote.strip():
        errors.append(f"{at}: claim '{cid}': quote is required (text)")
        return None
    start, problem = _find_once(article.text, quote)
    if problem:
        errors.append(f"{at}: claim '{cid}': {problem}")
        return None
    supported, contradicted = (
        _id_list(raw.get("supported_by")),
        _id_list(raw.get("contradicted_by")),
    )
    if supported is None or contradicted is None:
        errors.append(f"{at}: claim '{cid}': supported_by/contradicted_by must be lists of ids")
        return None
    asks = one_line_questions(raw.get("asks"))
    if asks is None:
        errors.append(f"{at}: claim '{cid}': asks must be a list of one-line questions")
        asks = ()
    return Claim(
        cid,
        quote,
        start,
        start + len(quote),
        cast(Label, label),
        str(note).strip(),
        group,
        supported,
        contradicted,
        line,
        asks,
        str(acknowledged or "").strip(),
    )


def _load_not_claims(parsed: Parsed, article: Article, errors: list[str]) -> list[NotClaim]:
    raw_list = parsed.data.get("not_claims")
    if raw_list is None:
        return []
    if not isinstance(raw_list, list):
        errors.append(
            f"{CLAIMS_FILE}:{parsed.line('not_claims')}: 'not_claims' must be a list "
            f"(got {type_name(raw_list)})"
        )
        return []
    not_claims: list[NotClaim] = []
    for n, raw in enumerate(raw_list):
        at = f"{CLAIMS_FILE}:{parsed.line('not_claims', n)}"
        if not isinstance(raw, dict) or not isinstance(raw.get("quote"), str):
            errors.append(f"{at}: a not_claims entry needs a quote and a reason")
            continue
        start, problem = _find_once(article.text, raw["quote"])
        if problem:
            errors.append(f"{at}: not_claims: {problem}")
            continue
        if not str(raw.get("reason") or "").strip():
            errors.append(f"{at}: not_claims: a reason is required")
        not_claims.append(
            NotClaim(
                raw["quote"], start, start + len(raw["quote"]), str(raw.get("reason") or "").strip()
            )
        )
    return not_claims


# -- the fact cards -------------------------------------------------------------------------------


def _load_fact(
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
    for key, problem in _unknown_keys(meta, CARD_KEYS):
        problems.append((fm.line(key), problem))
    fid = meta.get("id")
    if not isinstance(fid, str) or not _ID.match(fid):
        problems.append((fm.line("id"), "id must be lower-case letters, digits and dashes"))
    elif fid != stem:
        problems.append((fm.line("id"), f"id '{fid}' does not match the file name '{stem}'"))
    if not _one_line(meta.get("title")):
        problems.append((fm.line("title"), "title is required (one line of text)"))
    date = _date_text(meta.get("date"))
    if date is None:
        problems.append((fm.line("date"), _date_problem(meta.get("date"))))
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
    contradicts = _id_list(meta.get("contradicts"))
    if contradicts is None:
        problems.append((fm.line("contradicts"), "contradicts must be a list of claim ids"))
    mirror_only = meta.get("mirror_only")
    if mirror_only is not None and not _one_line(mirror_only):
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
            or not _URL.match(src["url"])
        ):
            problems.append((line, f"{label} needs a url starting with http(s)://"))
            continue
        for key, problem in _unknown_keys(src, SOURCE_KEYS):
            problems.append((fm.line("sources", n, key), f"{label}: {problem}"))
        if not _one_line(src.get("publisher")):
            problems.append((fm.line("sources", n, "publisher"), f"{label} needs a publisher"))
        src_date = _date_text(src.get("date"))
        if src_date is None:
            problems.append(
                (fm.line("sources", n, "date"), f"{label}: {_date_problem(src.get('date'))}")
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


# -- the curation policy --------------------------------------------------------------------------


def _check_policy(claims: list[Claim], facts: dict[str, Fact], errors: list[str]) -> None:
    for fact in facts.values():
        rel = f"{BACKGROUND_DIR}/{fact.id}.md"
        mirrors = fact.source_kinds and all(k == "mirror" for k in fact.source_kinds)
        if mirrors and not fact.mirror_only:
            errors.append(
                f"{rel}:{fact.line}: card '{fact.id}': every source is a mirror or aggregator; "
                "cite the original, or say on the card that none was found "
                '(mirror_only: "Only a copy on ... was found; the original ... was not.")'
            )
        elif fact.mirror_only and not mirrors:
            errors.append(
                f"{rel}:{fact.line}: card '{fact.id}': mirror_only is set but not every source "
                "is a mirror; remove it"
            )
    for claim in claims:
        at = f"{CLAIMS_FILE}:{claim.line}: claim '{claim.id}'"
        if claim.label == "established":
            cards = [facts[f] for f in claim.supported_by if f in facts]
            if not any(card.independent for card in cards):
                found = "; ".join(
                    f"{c.id}: {', '.join(sorted(set(c.source_kinds))) or 'no sources'}"
                    for c in cards
                )
                errors.append(
                    f"{at} is labelled established, but none of its supporting cards cites an "
                    f"official or press source ({found or 'no supporting cards'}); add one, or "
                    "change the label"
                )
        if claim.contradictions_acknowledged:
            continue
        if claim.label == "established" and claim.contradicted_by:
            errors.append(
                f"{at} is labelled established, but card(s) {', '.join(claim.contradicted_by)} "
                "contradict it; change the label, split the claim, or say why it stands "
                '(contradictions_acknowledged: "...")'
            )
        if claim.label == "disputed" and not claim.contradicted_by:
            errors.append(
                f"{at} is labelled disputed, but no card contradicts it; link the card that "
                'does (contradicted_by), or say why (contradictions_acknowledged: "...")'
            )


def _with_card_contradictions(
    claims: list[Claim], facts: dict[str, Fact], errors: list[str]
) -> list[Claim]:
    """Each claim's `contradicted_by` plus the cards that name it in `contradicts`.

    With no claims at all (an article not curated yet, or claims dropped on purpose) the
    cards' links have nothing to point at and are left dormant rather than refused."""
    if not claims:
        return claims
    ids = {c.id for c in claims}
    named: dict[str, list[str]] = {}
    for fact in facts.values():
        for cid in fact.contradicts:
            if cid not in ids:
                errors.append(
                    f"{BACKGROUND_DIR}/{fact.id}.md:{fact.line}: card '{fact.id}' contradicts "
                    f"unknown claim '{cid}'"
                )
                continue
            named.setdefault(cid, []).append(fact.id)
    out = []
    for claim in claims:
        extra = tuple(f for f in sorted(named.get(claim.id, [])) if f not in claim.contradicted_by)
        if extra:
            claim = replace(claim, contradicted_by=claim.contradicted_by + extra)
        out.append(claim)
    return out


# -- the whole corpus -----------------------------------------------------------------------------


def corpus_digest(files: Mapping[str, str]) -> str:
    """The corpus hash the index records: every file as loaded, in path order."""
    digest = hashlib.sha256()
    for rel in sorted(files):
        digest.update(rel.encode() + b"\0" + files[rel].encode())
    return digest.hexdigest()


def load_corpus(directory: Path, *, limits: Limits | None = None, strict: bool = True) -> Corpus:
    """Read and validate a corpus directory; raise `CorpusInvalid` listing every error found."""
    directory = Path(directory)
    files, errors = read_corpus_dir(directory, limits)
    return load_corpus_files(files, directory=directory, strict=strict, errors=errors)


def load_corpus_files(
    files: Mapping[str, str],
    *,
    directory: Path = Path("."),
    strict: bool = True,
    errors: list[str] | None = None,
    snapshot: str | None = None,
) -> Corpus:
    """Validate a corpus given as `relative path -> text` (a directory read, or a snapshot)."""
    errors = list(errors or [])
    if ARTICLE_FILE not in files:
        if not any(e.startswith(f"{ARTICLE_FILE}:") for e in errors):
            errors.insert(0, f"{ARTICLE_FILE}:1: no article at {Path(directory) / ARTICLE_FILE}")
        raise CorpusInvalid(errors)
    source = files[ARTICLE_FILE]
    if not source.strip():
        raise CorpusInvalid([*errors, f"{ARTICLE_FILE}:1: the file is empty"])
    try:
        fm, _, _ = read_front_matter(source)
        article = parse_article(source)
    except ArticleFormatError as exc:
        raise CorpusInvalid([*errors, f"{ARTICLE_FILE}:{exc}"]) from exc
    if not article.text.strip():
        errors.append(f"{ARTICLE_FILE}:{article.body_line_offset}: the article has no body text")
    copies = _check_front_matter(fm, article, errors)
    table = parse_source_table(_parse_file(files, SOURCES_FILE, errors), SOURCES_FILE, errors)
    claims, not_claims = _load_claims(_parse_file(files, CLAIMS_FILE, errors), article, errors)
    facts: dict[str, Fact] = {}
    for rel in sorted(f for f in files if f.startswith(f"{BACKGROUND_DIR}/")):
        fact = _load_fact(rel, files[rel], copies, table, errors)
        if fact is None:
            continue
        if fact.id in facts:
            errors.append(f"{rel}:{fact.line}: duplicate fact id '{fact.id}'")
        facts[fact.id] = fact
    for claim in claims:
        for fid in claim.fact_ids:
            if fid not in facts:
                errors.append(
                    f"{CLAIMS_FILE}:{claim.line}: claim '{claim.id}' refers to unknown fact '{fid}'"
                )
    claims = _with_card_contradictions(claims, facts, errors)
    calibration = load_calibration(_parse_file(files, CALIBRATION_FILE, errors), errors, strict)
    off_topic = load_off_topic(_parse_file(files, OFF_TOPIC_FILE, errors), errors)
    if strict:
        _check_policy(claims, facts, errors)
    if errors:
        raise CorpusInvalid(errors)
    return Corpus(
        Path(directory),
        article,
        tuple(sorted(claims, key=lambda c: c.start)),
        tuple(not_claims),
        facts,
        corpus_digest(files),
        dict(files),
        calibration,
        snapshot,
        off_topic,
    )
