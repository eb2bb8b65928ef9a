"""`explainer logs show` and `logs review --gold` read the article the engine served: the corpus
snapshot of the index version, not the corpus directory (edited on disk, or reindexed since)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli.logs import app
from index.log.store import AnswerLog
from index.settings import Settings
from tests.support.chroma import free_port
from tests.support.core import make_settings
from tests.support.indexed import edit_article, index, write_indexed_corpus
from tests.support.records import MEETING, answer, quote, record

runner = CliRunner()
ENVOY = "the envoy met the minister on December 6"


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The CLI's settings (from the environment) and the ones the index is built with agree."""
    monkeypatch.chdir(tmp_path)  # no stray .env
    corpus = write_indexed_corpus(tmp_path / "corpus")
    monkeypatch.setenv("EXPLAINER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("EXPLAINER_CORPUS_DIR", str(corpus))
    return make_settings(tmp_path / "data", corpus)


def log_answer(settings: Settings, index_version: str | None, answer_id: str = "a1") -> None:
    ans = answer(answer_id, "Did the ambassador meet?", quotes=(quote(MEETING, "allegation"),))
    with AnswerLog(settings.log_db_path) as log:
        log.write(replace(record(ans), index_version=index_version))


def show(*args: str) -> str:
    result = runner.invoke(app, ["show", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def flat(text: str) -> str:
    return " ".join(text.split())


def test_show_after_an_edit_on_disk_still_finds_the_quote(settings: Settings) -> None:
    v1 = index(settings)
    log_answer(settings, v1)
    edit_article(settings.corpus_dir, "ambassador met", "envoy met")  # no reindex
    out = flat(show("a1"))
    assert f"that «{MEETING}». This measure sealed his fate." in out
    assert "the article has changed or is missing" not in out
    assert "article: snapshot of v1 (the version this answer was logged under)" in out
    # The note sits under the header, before the answer as sent.
    assert out.index("article: snapshot of v1") < out.index("Question:")
    data = json.loads(show("a1", "--json"))
    assert data["article_source"] == f"logged:{v1}"
    assert data["quote_contexts"][0]["quote"] == MEETING
    assert data["index_version"] == v1  # the existing fields unchanged


def test_show_reads_the_previous_version_after_a_reindex(settings: Settings) -> None:
    v1 = index(settings)
    log_answer(settings, v1)
    edit_article(settings.corpus_dir, "ambassador met", "envoy met")
    v2 = index(settings)
    log_answer(settings, v2, "b2")  # logged by the new version, with the old quote's offsets
    data = json.loads(show("a1", "--json"))
    assert data["article_source"] == f"logged:{v1}"
    assert data["quote_contexts"][0]["quote"] == MEETING
    newer = json.loads(show("b2", "--json"))
    assert newer["article_source"] == f"logged:{v2}"
    assert newer["quote_contexts"] == [None]  # v2's text does not hold it


def test_show_says_when_the_logged_version_is_gone(settings: Settings) -> None:
    v1 = index(settings)
    log_answer(settings, v1)
    edit_article(settings.corpus_dir, "ambassador met", "envoy met")
    index(settings)
    edit_article(settings.corpus_dir, "envoy met", "diplomat met")
    v3 = index(settings)
    out = flat(show("a1"))
    assert "article: the live index v3 — the snapshot of v1 is gone;" in out
    assert "quotes are checked against v3's text" in out
    assert "(the article has changed or is missing: no context)" in out
    assert json.loads(show("a1", "--json"))["article_source"] == f"live:{v3}"


def test_show_without_a_store_reads_the_directory_and_says_so(settings: Settings) -> None:
    log_answer(settings, "explainer-fake-hash-256-v1")
    out = flat(show("a1"))
    assert f"that «{MEETING}»." in out
    assert "article: the corpus directory" in out and "there is no index at" in out
    data = json.loads(show("a1", "--json"))
    assert data["article_source"] == f"corpus:{settings.corpus_dir / 'article.md'}"
    assert not settings.chroma_dir.exists()


def test_show_with_an_unreachable_server_reads_the_directory(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    v1 = index(settings)
    log_answer(settings, v1)
    edit_article(settings.corpus_dir, "ambassador met", "envoy met")
    monkeypatch.setenv("EXPLAINER_CHROMA_HOST", "127.0.0.1")
    monkeypatch.setenv("EXPLAINER_CHROMA_PORT", str(free_port()))
    out = flat(show("a1"))
    assert "the index store cannot be read (cannot reach the Chroma server" in out
    assert "(the article has changed or is missing: no context)" in out  # the edited directory
    data = json.loads(show("a1", "--json"))
    assert data["article_source"].startswith("corpus:")


def review(*gold: str) -> tuple[int, str]:
    args = ["review", "a1", "--verdict", "correct"]
    for g in gold:
        args += ["--gold", g]
    result = runner.invoke(app, args)
    return result.exit_code, flat(result.stderr + result.stdout)


def test_gold_is_checked_against_the_live_snapshot(settings: Settings) -> None:
    v1 = index(settings)
    log_answer(settings, v1)
    edit_article(settings.corpus_dir, "ambassador met", "envoy met")  # not what is served
    code, out = review(ENVOY)
    assert code == 1
    assert "is not in the article of the live index v1 (its corpus snapshot)" in out
    code, out = review(MEETING)
    assert code == 0, out
    with AnswerLog(settings.log_db_path) as log:
        assert log.get("a1").verdicts[-1].gold == [{"text": MEETING, "labels": []}]


def test_gold_without_a_store_is_checked_against_the_directory(settings: Settings) -> None:
    log_answer(settings, None)
    code, out = review(f"allegation: {ENVOY}")
    assert code == 1
    assert f"is not in the article at {settings.corpus_dir / 'article.md'}" in out
    assert review(MEETING)[0] == 0
