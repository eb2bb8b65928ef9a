"""`explainer corpus new|check|export`: make a corpus from an article, validate one, export it.

    explainer corpus new article.txt mycorpus --author "Ann Author" --publisher "A Paper" \\
        --date 2024-05-01
    EXPLAINER_CORPUS_DIR=mycorpus explainer reindex      # and it answers questions

docs/corpus.md describes the files and the rules `check` (and every reindex) enforces.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections import Counter
from enum import StrEnum
from pathlib import Path

import typer
from rich.console import Console

from bot.cli.errors import fail, load_settings
from index.settings import get_settings

app = typer.Typer(
    help="Create a corpus from an article, check one without indexing it, or export its claims.",
    no_args_is_help=True,
)


def _err() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)


def _ask(value: str | None, label: str, option: str, missing: list[str]) -> str:
    if value:
        return value
    if sys.stdin.isatty():
        return str(typer.prompt(label)).strip()
    missing.append(option)
    return ""


@app.command("new")
def new_command(
    article: Path = typer.Argument(..., help="The article as plain text (UTF-8), title first."),
    directory: Path = typer.Argument(..., help="The corpus directory to create (new or empty)."),
    title: str | None = typer.Option(
        None, "--title", help="The title (default: the article's first line)."
    ),
    author: list[str] = typer.Option(
        [], "--author", help="An author as credited; repeat for several."
    ),
    publisher: str | None = typer.Option(None, "--publisher", help="Who published the article."),
    date: str | None = typer.Option(None, "--date", help="Publication date, YYYY-MM-DD."),
    copy: list[str] = typer.Option(
        [], "--copy", help="The URL of a published copy; repeat for several."
    ),
    url: str | None = typer.Option(None, "--url", help="Where the article was first published."),
    language: str = typer.Option("en", "--language", help="The article's language code."),
) -> None:
    """Scaffold a corpus: article.md with its front matter and body hash, an empty claims.yaml
    with an example, sources.yaml, and background/ with an example card.

    Missing options are asked for on a terminal; otherwise they must be given.
    """
    from index.corpus.load import CorpusInvalid, load_corpus
    from index.corpus.scaffold import (
        ArticleInfo,
        ScaffoldError,
        first_line,
        read_text_article,
        scaffold,
    )

    settings = load_settings(get_settings)
    try:
        text = read_text_article(article)
    except ScaffoldError as exc:
        fail(str(exc), 2)
    missing: list[str] = []
    authors = list(author)
    if not authors:
        given = _ask(None, "Authors (comma-separated)", "--author", missing)
        authors = [a.strip() for a in given.split(",") if a.strip()]
    info = ArticleInfo(
        title=(title or first_line(text)).strip(),
        authors=tuple(authors),
        publisher=_ask(publisher, "Publisher", "--publisher", missing),
        date=_ask(date, "Date (YYYY-MM-DD)", "--date", missing),
        copies=tuple(copy),
        language=language,
        url=url,
    )
    if missing:
        fail(f"missing {', '.join(missing)}: the front matter needs them", 2)
    try:
        made = scaffold(article, directory, info, calibration_from=settings.corpus_dir)
    except ScaffoldError as exc:
        fail(str(exc), 2)
    if not info.copies and not info.url:
        made.notes.append(
            "no --copy or --url: answers about the byline will have no link to the article"
        )
    for note in made.notes:
        print(f"note: {note}", file=sys.stderr)
    for path in made.written:
        print(f"wrote {path}")
    try:
        load_corpus(directory)
    except CorpusInvalid as exc:  # the scaffold itself must always check
        for line in exc.errors:
            _err().print(f"{directory}/{line}", markup=False)
        raise typer.Exit(1) from None
    print(
        f"\nNext: EXPLAINER_CORPUS_DIR={directory} explainer reindex — then ask away. "
        f"Curate claims in {directory}/claims.yaml, cards in {directory}/background/."
    )


@app.command("check")
def check_command(
    directory: Path | None = typer.Argument(
        None, help="The corpus directory (default: EXPLAINER_CORPUS_DIR)."
    ),
    as_json: bool = typer.Option(
        False, "--json", help="Print one JSON object: ok, errors, warnings and counts."
    ),
) -> None:
    """Validate a corpus as a reindex would, without indexing it.

    Every problem is printed as `DIR/file:line: what is wrong` (exit 2); a body that no longer
    matches body_sha256 is reported with the hash it has.
    """
    from index.corpus.files import Limits
    from index.corpus.load import CorpusInvalid, load_corpus

    settings = load_settings(get_settings)
    where = directory or settings.corpus_dir
    try:
        corpus = load_corpus(where, limits=Limits.from_settings(settings))
    except CorpusInvalid as exc:
        errors = [f"{where}/{line}" for line in exc.errors]
        if as_json:
            print(json.dumps({"ok": False, "errors": errors}, ensure_ascii=False))
        err = _err()
        for line in errors:
            err.print(line, markup=False)
        err.print(f"corpus check: {len(errors)} error(s) in {where}", markup=False)
        raise typer.Exit(2) from None
    warnings = []
    if "body_sha256" not in corpus.article.meta:
        warnings.append(f"{where}/article.md:1: no body_sha256: an edited body would go unnoticed")
    if not corpus.claims:
        warnings.append(f"{where}/claims.yaml:1: no claims yet: sentences are labelled by cues")
    if not corpus.article.meta.get("url") and not corpus.article.meta.get("copies"):
        warnings.append(
            f"{where}/article.md:1: no url and no copies: answers about the byline have no "
            "link to the article"
        )
    for fact in corpus.facts.values():
        for n, kind in enumerate(fact.source_kinds, start=1):
            if kind == "unclassified":
                warnings.append(
                    f"{where}/background/{fact.id}.md:{fact.line}: source {n} "
                    f"({fact.sources[n - 1].url}) has no kind: give it `kind:` or list its "
                    "domain in sources.yaml"
                )
    kinds = Counter(k for fact in corpus.facts.values() for k in fact.source_kinds)
    labels = Counter(c.label for c in corpus.claims)
    if as_json:
        print(
            json.dumps(
                {
                    "ok": True,
                    "errors": [],
                    "warnings": warnings,
                    "claims": dict(labels),
                    "cards": len(corpus.facts),
                    "sources": dict(kinds),
                    "corpus_sha256": corpus.sha256,
                },
                ensure_ascii=False,
            )
        )
        return
    for line in warnings:
        _err().print(f"warning: {line}", markup=False)
    print(
        f"{where}: ok — {len(corpus.claims)} claims "
        f"({', '.join(f'{n} {label}' for label, n in sorted(labels.items())) or 'none'}), "
        f"{len(corpus.facts)} cards, sources: "
        f"{', '.join(f'{n} {kind}' for kind, n in sorted(kinds.items())) or 'none'}"
    )


class ExportFormat(StrEnum):
    claimreview = "claimreview"


@app.command("export")
def export_command(
    directory: Path | None = typer.Argument(
        None, help="The corpus directory (default: EXPLAINER_CORPUS_DIR)."
    ),
    fmt: ExportFormat = typer.Option(
        ExportFormat.claimreview, "--format", help="claimreview: schema.org ClaimReview JSON-LD."
    ),
    url: str | None = typer.Option(
        None,
        "--url",
        help="The page publishing these reviews (each claim gets #id); default: the first copy.",
    ),
    reviewer: str = typer.Option(
        "explainer curators", "--reviewer", help="Who reviewed the claims (the ClaimReview author)."
    ),
    reviewer_url: str | None = typer.Option(None, "--reviewer-url", help="The reviewer's site."),
    date: str | None = typer.Option(
        None, "--date", help="The reviews' publication date (default: today)."
    ),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write here, not stdout."),
) -> None:
    """Export the curated claims, validated first: one ClaimReview per claim (JSON-LD)."""
    from index.corpus.claimreview import claim_reviews
    from index.corpus.files import Limits
    from index.corpus.load import CorpusInvalid, load_corpus
    from index.texts import load_texts

    settings = load_settings(get_settings)
    where = directory or settings.corpus_dir
    try:
        corpus = load_corpus(where, limits=Limits.from_settings(settings))
    except CorpusInvalid as exc:
        for line in exc.errors:
            _err().print(f"{where}/{line}", markup=False)
        fail(f"{len(exc.errors)} error(s) in {where}: run `explainer corpus check`", 2)
    reviews = claim_reviews(
        corpus,
        load_texts().label_words,
        reviewer=reviewer,
        reviewer_url=reviewer_url,
        review_url=url,
        date_published=date or dt.date.today().isoformat(),
    )
    text = json.dumps(reviews, ensure_ascii=False, indent=2) + "\n"
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        print(f"wrote {len(reviews)} ClaimReview entries ({fmt.value}) to {output}")
