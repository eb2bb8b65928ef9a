"""`explainer corpus new|check|export`: a plain-text article becomes a corpus that a reindex
accepts and that answers questions, in two commands; `check` validates without indexing."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from index.corpus.load import load_corpus
from tests.support.core import CORPUS_DIR, FAKE_THRESHOLDS, copy_corpus
from tests.support.fakes import FakeEmbedder

ARTICLE = """Orchard Notes

Apples ripen in the orchard during autumn. Farmers harvest apples by hand.

We are told that pears taste sweeter than apples.
"""
NEW = [
    "--author",
    "Ann Author",
    "--author",
    "Bo Writer",
    "--publisher",
    "Test Press",
    "--date",
    "2024-01-01",
    "--copy",
    "https://example.org/orchard-notes",
]


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("index.search.reindex.make_embedder", lambda _s: FakeEmbedder())
    monkeypatch.setattr("index.answer.engine.make_embedder", lambda _s: FakeEmbedder())
    return {
        "EXPLAINER_DATA_DIR": str(tmp_path / "data"),
        "EXPLAINER_EMBEDDING_MODEL": FakeEmbedder.model_id,
        **{f"EXPLAINER_{k.upper()}": str(v) for k, v in FAKE_THRESHOLDS.items()},
        "COLUMNS": "200",
    }


def run(env: dict[str, str], *args: str, **extra: str):
    return CliRunner().invoke(app, list(args), env={**env, **extra})


def article_file(tmp_path: Path, text: str = ARTICLE) -> Path:
    path = tmp_path / "orchard.txt"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_plain_text_article_answers_after_two_commands(tmp_path: Path, env: dict) -> None:
    made = run(env, "corpus", "new", str(article_file(tmp_path)), "mycorpus", *NEW)
    assert made.exit_code == 0, made.output
    indexed = run(env, "reindex", EXPLAINER_CORPUS_DIR="mycorpus")
    assert indexed.exit_code == 0, indexed.output

    asked = run(env, "ask", "--json", "When do apples ripen?", EXPLAINER_CORPUS_DIR="mycorpus")
    assert asked.exit_code == 0, asked.output
    answer = json.loads(asked.stdout)
    assert answer["status"] == "answered" and answer["verification"]["passed"]
    assert "Apples ripen in the orchard during autumn." in [q["text"] for q in answer["quotes"]]
    told = run(env, "ask", "--json", "Are pears sweeter?", EXPLAINER_CORPUS_DIR="mycorpus")
    labels = {q["text"]: q["label"] for q in json.loads(told.stdout)["quotes"]}
    assert labels.get("We are told that pears taste sweeter than apples.") == "allegation"


def test_the_scaffold_has_every_required_field(tmp_path: Path, env: dict) -> None:
    made = run(env, "corpus", "new", str(article_file(tmp_path)), "mycorpus", *NEW)
    assert made.exit_code == 0, made.output
    corpus = load_corpus(tmp_path / "mycorpus")
    meta = corpus.article.meta
    assert meta["title"] == "Orchard Notes"
    assert meta["authors"] == ["Ann Author", "Bo Writer"]
    assert (meta["publisher"], meta["date"]) == ("Test Press", "2024-01-01")
    assert meta["copies"][0]["url"] == "https://example.org/orchard-notes"
    assert meta["body_sha256"] == hashlib.sha256(ARTICLE.encode()).hexdigest()
    assert corpus.article.raw_body == ARTICLE  # the text exactly as supplied
    assert corpus.claims == () and corpus.facts == {}
    claims = (tmp_path / "mycorpus" / "claims.yaml").read_text(encoding="utf-8")
    assert "#  - id: first-claim" in claims and "claims: []" in claims
    example = tmp_path / "mycorpus" / "background" / "example-card.md.example"
    assert "kind: press" in example.read_text(encoding="utf-8")
    # The example card becomes a card once renamed.
    example.rename(example.with_name("example-card.md"))
    assert "example-card" in load_corpus(tmp_path / "mycorpus").facts


def test_a_text_without_its_title_gets_it_as_first_paragraph(tmp_path: Path, env: dict) -> None:
    body = ARTICLE.split("\n\n", 1)[1]
    made = run(
        env, "corpus", "new", str(article_file(tmp_path, body)), "c", "--title", "Orchard", *NEW
    )
    assert made.exit_code == 0, made.output
    assert "first paragraph" in made.stderr
    article = load_corpus(tmp_path / "c").article
    assert article.title == "Orchard" and article.paragraphs[0].kind == "title"
    assert article.raw_body == "Orchard\n\n" + body


def test_missing_options_are_named(tmp_path: Path, env: dict) -> None:
    made = run(env, "corpus", "new", str(article_file(tmp_path)), "c")
    assert made.exit_code == 2
    assert "missing --author, --publisher, --date" in made.stderr
    assert not (tmp_path / "c").exists()


def test_new_refuses_a_directory_in_use(tmp_path: Path, env: dict) -> None:
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "notes.txt").write_text("mine", encoding="utf-8")
    made = run(env, "corpus", "new", str(article_file(tmp_path)), "c", *NEW)
    assert made.exit_code == 2
    assert "already exists and is not an empty directory" in made.stderr


def test_new_refuses_a_non_utf8_article(tmp_path: Path, env: dict) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"Title\n\nCaf\xe9 au lait.\n")
    made = run(env, "corpus", "new", str(path), "c", *NEW)
    assert made.exit_code == 2
    assert f"{path}:3: not UTF-8 text (byte 0xe9 at column 4)" in made.stderr


def test_check_the_shipped_corpus(env: dict) -> None:
    checked = run(env, "corpus", "check", str(CORPUS_DIR))
    assert checked.exit_code == 0, checked.output
    assert f"{CORPUS_DIR}: ok — " in checked.stdout
    report = json.loads(run(env, "corpus", "check", str(CORPUS_DIR), "--json").stdout)
    assert report["ok"] and report["warnings"] == []
    assert report["cards"] == len(load_corpus(CORPUS_DIR).facts)


def test_check_prints_the_hash_the_body_has(tmp_path: Path, env: dict) -> None:
    corpus = copy_corpus(tmp_path / "corpus")
    article = corpus / "article.md"
    text = article.read_text(encoding="utf-8")
    # An extra blank line: the normalized text, and so every quote, stays the same.
    edited = text.replace("\n\nCastillo had been", "\n\n\nCastillo had been")
    assert edited != text
    article.write_text(edited, encoding="utf-8")
    body = edited.split("\n---\n", 1)[1]
    checked = run(env, "corpus", "check", str(corpus))
    assert checked.exit_code == 2
    assert f'set body_sha256: "{hashlib.sha256(body.encode()).hexdigest()}"' in checked.stderr
    assert checked.stderr.startswith(f"{corpus}/article.md:")
    assert "corpus check: 1 error(s)" in checked.stderr


def test_check_warns_of_unclassified_sources(tmp_path: Path, env: dict) -> None:
    run(env, "corpus", "new", str(article_file(tmp_path)), "c", *NEW)
    card = tmp_path / "c" / "background" / "example-card.md.example"
    card.rename(card.with_name("example-card.md"))
    text = (tmp_path / "c" / "background" / "example-card.md").read_text(encoding="utf-8")
    (tmp_path / "c" / "background" / "example-card.md").write_text(
        text.replace(
            "    kind: press   # official | press | commentary | advocacy | mirror | "
            "article-copy\n",
            "",
        ),
        encoding="utf-8",
    )
    checked = run(env, "corpus", "check", "c")
    assert checked.exit_code == 0
    assert "source 1 (https://example.org/report) has no kind" in checked.stderr


def test_export_claimreview(tmp_path: Path, env: dict) -> None:
    out = tmp_path / "reviews.json"
    exported = run(
        env,
        "corpus",
        "export",
        str(CORPUS_DIR),
        "--format",
        "claimreview",
        "--date",
        "2026-01-15",
        "-o",
        str(out),
    )
    assert exported.exit_code == 0, exported.output
    reviews = json.loads(out.read_text(encoding="utf-8"))
    assert len(reviews) == len(load_corpus(CORPUS_DIR).claims)
    assert {r["@type"] for r in reviews} == {"ClaimReview"}
    assert {r["datePublished"] for r in reviews} == {"2026-01-15"}
    printed = run(env, "corpus", "export", str(CORPUS_DIR), "--date", "2026-01-15")
    assert json.loads(printed.stdout) == reviews
