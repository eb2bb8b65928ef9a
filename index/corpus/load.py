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

import hashlib
from collections.abc import Mapping
from pathlib import Path

from index.corpus.article import ArticleFormatError, parse_article, read_front_matter
from index.corpus.claims import CLAIM_LABELS, load_claims
from index.corpus.facts import load_fact
from index.corpus.fields import DATE_RE, URL_RE, parse_file
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
from index.corpus.front_matter import check_front_matter
from index.corpus.model import Claim, Corpus, CorpusInvalid, Fact, NotClaim
from index.corpus.policy import check_policy, with_card_contradictions
from index.corpus.sources import parse_source_table
from index.corpus.tuning import load_calibration, load_off_topic

__all__ = [
    "ARTICLE_FILE",
    "BACKGROUND_DIR",
    "CALIBRATION_FILE",
    "CLAIMS_FILE",
    "CLAIM_LABELS",
    "DATE_RE",
    "OFF_TOPIC_FILE",
    "SOURCES_FILE",
    "URL_RE",
    "Claim",
    "Corpus",
    "CorpusInvalid",
    "Fact",
    "NotClaim",
    "corpus_digest",
    "load_corpus",
    "load_corpus_files",
]


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
    copies = check_front_matter(fm, article, errors)
    table = parse_source_table(parse_file(files, SOURCES_FILE, errors), SOURCES_FILE, errors)
    claims, not_claims = load_claims(parse_file(files, CLAIMS_FILE, errors), article, errors)
    facts: dict[str, Fact] = {}
    for rel in sorted(f for f in files if f.startswith(f"{BACKGROUND_DIR}/")):
        fact = load_fact(rel, files[rel], copies, table, errors)
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
    claims = with_card_contradictions(claims, facts, errors)
    calibration = load_calibration(parse_file(files, CALIBRATION_FILE, errors), errors, strict)
    off_topic = load_off_topic(parse_file(files, OFF_TOPIC_FILE, errors), errors)
    if strict:
        check_policy(claims, facts, errors)
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
