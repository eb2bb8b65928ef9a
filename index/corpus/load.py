"""Load and validate a corpus directory: the article, its curated claims, the background facts."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import yaml

from index.answer.contract import LABELS, Label, Source
from index.corpus.article import Article, ArticleFormatError, parse_article, split_front_matter

ARTICLE_FILE = "article.md"
CLAIMS_FILE = "claims.yaml"
BACKGROUND_DIR = "background"
CLAIM_LABELS = tuple(label for label in LABELS if label != "unreviewed")
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_URL = re.compile(r"^https?://\S+$")


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


@dataclass(frozen=True)
class Corpus:
    directory: Path
    article: Article
    claims: tuple[Claim, ...]
    not_claims: tuple[NotClaim, ...]
    facts: dict[str, Fact]
    sha256: str

    def claims_overlapping(self, start: int, end: int) -> list[Claim]:
        return [c for c in self.claims if c.start < end and start < c.end]

    def claim(self, claim_id: str) -> Claim:
        return next(c for c in self.claims if c.id == claim_id)


class _LineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """A YAML loader that records each mapping's line as `__line__`."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _find_once(text: str, quote: str) -> tuple[int, str | None]:
    start = text.find(quote)
    if start < 0:
        return -1, "quote not found verbatim in the normalized article"
    if text.find(quote, start + 1) >= 0:
        return -1, "quote occurs more than once in the article; make it longer"
    return start, None


def _str_list(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise TypeError


def _load_claims(path: Path, article: Article, errors: list[str]) -> tuple[list, list]:
    if not path.exists():
        return [], []
    where = path.name
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        errors.append(f"{where}:{mark.line + 1 if mark else 1}: invalid YAML: {exc}")
        return [], []
    if not isinstance(data, dict):
        errors.append(f"{where}:1: expected a mapping with 'claims' and 'not_claims'")
        return [], []
    unknown = set(data) - {"claims", "not_claims", "__line__"}
    if unknown:
        errors.append(f"{where}:1: unknown top-level key(s): {', '.join(sorted(unknown))}")
    claims: list[Claim] = []
    seen: set[str] = set()
    for raw in data.get("claims") or []:
        line = raw.get("__line__", 1) if isinstance(raw, dict) else 1
        at = f"{where}:{line}"
        if not isinstance(raw, dict):
            errors.append(f"{at}: a claim must be a mapping")
            continue
        extra = set(raw) - {
            "id",
            "group",
            "quote",
            "label",
            "note",
            "supported_by",
            "contradicted_by",
            "asks",
            "__line__",
        }
        if extra:
            errors.append(f"{at}: unknown key(s) {', '.join(sorted(extra))}")
        cid, quote, label, note = raw.get("id"), raw.get("quote"), raw.get("label"), raw.get("note")
        if not isinstance(cid, str) or not _ID.match(cid):
            errors.append(f"{at}: claim id must be lower-case letters, digits and dashes")
            continue
        if cid in seen:
            errors.append(f"{at}: duplicate claim id '{cid}'")
        seen.add(cid)
        if label not in CLAIM_LABELS:
            errors.append(f"{at}: claim '{cid}': label must be one of {', '.join(CLAIM_LABELS)}")
        if not isinstance(note, str) or not note.strip():
            errors.append(f"{at}: claim '{cid}': a one-line note is required")
        elif "\n" in note.strip():
            errors.append(f"{at}: claim '{cid}': the note must be one line")
        if not isinstance(quote, str) or not quote.strip():
            errors.append(f"{at}: claim '{cid}': quote is required")
            continue
        start, problem = _find_once(article.text, quote)
        if problem:
            errors.append(f"{at}: claim '{cid}': {problem}")
            continue
        try:
            supported, contradicted = (
                _str_list(raw.get("supported_by")),
                _str_list(raw.get("contradicted_by")),
            )
        except TypeError:
            errors.append(f"{at}: claim '{cid}': supported_by/contradicted_by must be lists of ids")
            continue
        asks = _asks(raw.get("asks"))
        if asks is None:
            errors.append(f"{at}: claim '{cid}': asks must be a list of one-line questions")
            asks = ()
        group = raw.get("group")
        claims.append(
            Claim(
                cid,
                quote,
                start,
                start + len(quote),
                cast(Label, label),
                str(note).strip(),
                group if isinstance(group, int) else None,
                supported,
                contradicted,
                line,
                asks,
            )
        )
    not_claims: list[NotClaim] = []
    for raw in data.get("not_claims") or []:
        at = f"{where}:{raw.get('__line__', 1) if isinstance(raw, dict) else 1}"
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
    ordered = sorted(claims, key=lambda c: c.start)
    for a, b in zip(ordered, ordered[1:], strict=False):
        if b.start < a.end:
            errors.append(f"{where}:{b.line}: claim '{b.id}' overlaps claim '{a.id}'")
    return claims, not_claims


def _load_fact(path: Path, errors: list[str]) -> Fact | None:
    where = f"{BACKGROUND_DIR}/{path.name}"
    try:
        meta, body, _ = split_front_matter(path.read_text(encoding="utf-8"))
    except ArticleFormatError as exc:
        errors.append(f"{where}:{exc}")
        return None
    problems: list[str] = []
    fid = meta.get("id")
    if not isinstance(fid, str) or not _ID.match(fid):
        problems.append("id must be lower-case letters, digits and dashes")
    elif fid != path.stem:
        problems.append(f"id '{fid}' does not match the file name '{path.stem}'")
    if not isinstance(meta.get("title"), str) or not meta["title"].strip():
        problems.append("title is required")
    date = str(meta.get("date", ""))
    if not _DATE.match(date):
        problems.append("date must be YYYY-MM-DD, YYYY-MM or YYYY")
    text = " ".join(body.split())
    if not text:
        problems.append("the statement (text after the front matter) is empty")
    sources: list[Source] = []
    raw_sources = meta.get("sources")
    if not isinstance(raw_sources, list) or not raw_sources:
        problems.append("at least one source with a URL is required")
    else:
        for n, src in enumerate(raw_sources, start=1):
            if not isinstance(src, dict) or not _URL.match(str(src.get("url", ""))):
                problems.append(f"source {n} needs a url starting with http(s)://")
                continue
            if not str(src.get("publisher") or "").strip():
                problems.append(f"source {n} needs a publisher")
            src_date = str(src.get("date", ""))
            if not _DATE.match(src_date):
                problems.append(f"source {n}: date must be YYYY-MM-DD, YYYY-MM or YYYY")
            sources.append(
                Source(
                    publisher=str(src.get("publisher") or ""),
                    url=str(src["url"]),
                    date=src_date,
                    title=str(src.get("title") or ""),
                )
            )
    tags = meta.get("tags") or []
    if not isinstance(tags, list):
        problems.append("tags must be a list")
        tags = []
    asks = _asks(meta.get("asks"))
    if asks is None:
        problems.append("asks must be a list of one-line questions")
    if problems:
        errors.extend(f"{where}:2: {p}" for p in problems)
        return None
    return Fact(
        str(fid),
        str(meta["title"]).strip(),
        date,
        tuple(str(t) for t in tags),
        text,
        tuple(sources),
        asks or (),
    )


def _asks(raw: object) -> tuple[str, ...] | None:
    """Curated example questions: a list of non-empty one-line strings (None when malformed)."""
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(a, str) and a.strip() for a in raw):
        return None
    if any("\n" in a.strip() for a in raw):
        return None
    return tuple(a.strip() for a in raw)


def load_corpus(directory: Path) -> Corpus:
    """Load and validate everything; raise `CorpusInvalid` listing every error found."""
    directory = Path(directory)
    errors: list[str] = []
    article_path = directory / ARTICLE_FILE
    if not article_path.exists():
        raise CorpusInvalid([f"{ARTICLE_FILE}:1: no article at {article_path}"])
    source = article_path.read_text(encoding="utf-8")
    try:
        article = parse_article(source)
    except ArticleFormatError as exc:
        raise CorpusInvalid([f"{ARTICLE_FILE}:{exc}"]) from exc
    for key in ("title", "publisher"):
        if not isinstance(article.meta.get(key), str):
            errors.append(f"{ARTICLE_FILE}:2: front matter needs '{key}'")
    if not isinstance(article.meta.get("authors"), list):
        errors.append(f"{ARTICLE_FILE}:2: front matter needs 'authors' (a list)")
    expected = article.meta.get("body_sha256")
    if expected and hashlib.sha256(article.raw_body.encode()).hexdigest() != expected:
        errors.append(
            f"{ARTICLE_FILE}:{article.body_line_offset}: the body no longer matches "
            "body_sha256: the article must stay exactly as supplied"
        )
    claims, not_claims = _load_claims(directory / CLAIMS_FILE, article, errors)
    facts: dict[str, Fact] = {}
    background = directory / BACKGROUND_DIR
    for path in sorted(background.glob("*.md")) if background.is_dir() else []:
        fact = _load_fact(path, errors)
        if fact is None:
            continue
        if fact.id in facts:
            errors.append(f"{BACKGROUND_DIR}/{path.name}:2: duplicate fact id '{fact.id}'")
        facts[fact.id] = fact
    for claim in claims:
        for fid in claim.fact_ids:
            if fid not in facts:
                errors.append(
                    f"{CLAIMS_FILE}:{claim.line}: claim '{claim.id}' refers to unknown fact '{fid}'"
                )
    if errors:
        raise CorpusInvalid(errors)
    digest = hashlib.sha256()
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(directory)).encode() + b"\0" + path.read_bytes())
    return Corpus(
        directory,
        article,
        tuple(sorted(claims, key=lambda c: c.start)),
        tuple(not_claims),
        facts,
        digest.hexdigest(),
    )
