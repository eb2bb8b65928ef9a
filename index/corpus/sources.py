"""Source kinds: what sort of publication each fact card's source is, and so what it can establish.

A source's kind comes from, in order: its own `kind:` in the card, the article's front matter
(a URL listed under `copies` is one of the article's own copies), or the curated domain list
`sources.yaml` of the corpus (`press: [example-times.com, ...]`; an entry may carry a path
prefix: `example-times.com/opinion` for the paper's columns). A source none of these names is
`unclassified`.

Only `official` and `press` sources are independent reporting: a claim labelled `established`
needs at least one supporting card that cites one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import urlsplit

from index.corpus.yamlines import Parsed, type_name

SourceKind = Literal[
    "official", "press", "commentary", "advocacy", "mirror", "article-copy", "unclassified"
]
KINDS: tuple[SourceKind, ...] = (
    "official",
    "press",
    "commentary",
    "advocacy",
    "mirror",
    "article-copy",
)
INDEPENDENT: frozenset[str] = frozenset({"official", "press"})
KIND_WORDS: dict[str, str] = {
    "official": "an official record (government, court, electoral body, embassy)",
    "press": "a newspaper, broadcaster or wire agency",
    "commentary": "a column, editorial or blog: a writer's view, not a newsroom's reporting",
    "advocacy": "an advocacy outlet or state-run media with a declared line",
    "mirror": "a mirror, aggregator or copy of someone else's work (Wikipedia copies included)",
    "article-copy": "a copy of the article itself",
    "unclassified": "not classified: give the source a `kind:` or list its domain in sources.yaml",
}


def _split(url_or_entry: str) -> tuple[str, str]:
    """(host without `www.`, path) of a URL or of a `host/path` entry."""
    text = url_or_entry.strip()
    if "://" not in text:
        text = "http://" + text
    parts = urlsplit(text)
    host = (parts.hostname or "").lower().removeprefix("www.")
    return host, parts.path or ""


def _path_matches(path: str, prefix: str) -> bool:
    if not prefix or prefix == "/":
        return True
    prefix = prefix.rstrip("/")
    return path == prefix or path.startswith(prefix + "/")


@dataclass(frozen=True)
class SourceTable:
    """The curated `sources.yaml`: domain (optionally with a path prefix) -> kind."""

    entries: dict[tuple[str, str], str] = field(default_factory=dict)

    def kind_of(self, url: str) -> str | None:
        host, path = _split(url)
        best: tuple[int, int] | None = None
        kind = None
        for (e_host, e_path), e_kind in self.entries.items():
            if host != e_host and not host.endswith("." + e_host):
                continue
            if not _path_matches(path, e_path):
                continue
            rank = (len(e_host), len(e_path))
            if best is None or rank > best:
                best, kind = rank, e_kind
        return kind


def parse_source_table(parsed: Parsed | None, where: str, errors: list[str]) -> SourceTable:
    """`sources.yaml`: a mapping of kind -> list of domains; problems go to `errors`."""
    if parsed is None or parsed.data is None:
        return SourceTable()
    data = parsed.data
    if not isinstance(data, dict):
        errors.append(
            f"{where}:{parsed.line()}: expected a mapping of source kinds to lists of domains "
            f"(got {type_name(data)})"
        )
        return SourceTable()
    entries: dict[tuple[str, str], str] = {}
    first: dict[tuple[str, str], int] = {}
    for kind, domains in data.items():
        at = f"{where}:{parsed.line(kind)}"
        if kind not in KINDS:
            errors.append(f"{at}: unknown source kind {kind!r}: one of {', '.join(KINDS)}")
            continue
        if domains is None:
            continue
        if not isinstance(domains, list):
            errors.append(f"{at}: '{kind}' must be a list of domains (got {type_name(domains)})")
            continue
        for n, entry in enumerate(domains):
            line = parsed.line(kind, n)
            if not isinstance(entry, str) or not entry.strip() or " " in entry.strip():
                errors.append(
                    f"{where}:{line}: a domain such as example.org or example.org/opinion, "
                    f"not {type_name(entry) if not isinstance(entry, str) else repr(entry)}"
                )
                continue
            key = _split(entry)
            if not key[0] or "." not in key[0]:
                errors.append(f"{where}:{line}: {entry!r} is not a domain")
                continue
            if key in entries:
                errors.append(
                    f"{where}:{line}: {entry!r} is already listed as {entries[key]} "
                    f"(line {first[key]})"
                )
                continue
            entries[key] = str(kind)
            first[key] = line
    return SourceTable(entries)
