"""The article's front matter: its fields, the body's sha256 and the article's published copies."""

from __future__ import annotations

import hashlib
import re

from index.corpus.article import Article
from index.corpus.fields import URL_RE, date_problem, date_text, one_line, unknown_keys
from index.corpus.files import ARTICLE_FILE
from index.corpus.yamlines import Parsed, type_name

ARTICLE_KEYS = ("title", "authors", "publisher", "date", "language", "url", "body_sha256", "copies")
COPY_KEYS = ("publisher", "url", "date", "title", "language")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def check_front_matter(fm: Parsed, article: Article, errors: list[str]) -> dict[str, str]:
    """Type-check the front matter; return `copy URL -> publisher` for the article's copies."""
    meta = fm.data
    where = ARTICLE_FILE
    for line, key in fm.duplicates:
        errors.append(f"{where}:{line}: key '{key}' appears twice in the front matter")
    for key, problem in unknown_keys(meta, ARTICLE_KEYS):
        errors.append(f"{where}:{fm.line(key)}: front matter: {problem}")
    top = fm.line()
    for key in ("title", "publisher"):
        if key not in meta:
            errors.append(f"{where}:{top}: front matter needs '{key}'")
        elif not one_line(meta[key]):
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
            if not one_line(name):
                errors.append(
                    f"{where}:{fm.line('authors', n)}: an author must be a name "
                    f"(got {type_name(name)})"
                )
    if "date" not in meta:
        errors.append(f"{where}:{top}: front matter needs 'date' (YYYY-MM-DD)")
    elif date_text(meta["date"]) is None:
        errors.append(f"{where}:{fm.line('date')}: {date_problem(meta['date'])}")
    for key in ("language", "url"):
        if key in meta and not one_line(meta[key]):
            errors.append(f"{where}:{fm.line(key)}: '{key}' must be text")
    if "url" in meta and one_line(meta["url"]) and not URL_RE.match(str(meta["url"])):
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
        for _, problem in unknown_keys(copy, COPY_KEYS):
            errors.append(f"{at}: copy {n + 1}: {problem}")
        url = copy.get("url")
        if not isinstance(url, str) or not URL_RE.match(url):
            errors.append(f"{at}: copy {n + 1} needs a url starting with http(s)://")
            continue
        if not one_line(copy.get("publisher")):
            errors.append(f"{at}: copy {n + 1} needs a publisher")
        if "date" in copy and date_text(copy["date"]) is None:
            errors.append(
                f"{ARTICLE_FILE}:{fm.line('copies', n, 'date')}: copy {n + 1}: "
                f"{date_problem(copy['date'])}"
            )
        found[url] = str(copy.get("publisher") or "")
    return found
