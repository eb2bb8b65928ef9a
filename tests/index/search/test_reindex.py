"""`reindex`: incremental by content hash, atomic by versioned collections, and its command line."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from index.answer.engine import Engine
from index.corpus.load import load_corpus
from index.search.items import build_items
from index.search.reindex import reindex
from index.search.store import make_client, read_pointer
from index.settings import Settings
from tests.support.core import CORPUS_DIR, FAKE_THRESHOLDS, copy_corpus, make_settings
from tests.support.fakes import FakeEmbedder

QUESTION = "Who is Lisa Kenna?"


class OtherEmbedder(FakeEmbedder):
    model_id = "other-model-384"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """A private copy of the corpus (tests edit it) and an empty data directory."""
    corpus = copy_corpus(tmp_path / "corpus")
    return make_settings(
        tmp_path / "data", corpus, embedding_model=FakeEmbedder.model_id, **FAKE_THRESHOLDS
    )


@functools.cache
def pristine_items() -> dict[str, str]:
    """Item id -> the text embedded for it, for the shipped corpus every test starts from."""
    return {i.id: i.embed_text for i in build_items(load_corpus(CORPUS_DIR))}


@functools.cache
def unreferenced_facts() -> list[str]:
    """Fact cards no claim cites: removable without breaking the corpus."""
    corpus = load_corpus(CORPUS_DIR)
    cited = {fid for claim in corpus.claims for fid in claim.fact_ids}
    return sorted(set(corpus.facts) - cited)


def edit_fact(settings: Settings, fact_id: str, addition: str = " (Edited.)") -> str:
    """Append to a fact card's statement; return the fact's new item text."""
    path = settings.corpus_dir / "background" / f"{fact_id}.md"
    path.write_text(
        path.read_text(encoding="utf-8").rstrip("\n") + addition + "\n", encoding="utf-8"
    )
    return pristine_items()[f"fact:{fact_id}"] + addition


def live_ids(settings: Settings) -> set[str]:
    client = make_client(settings)
    pointer = read_pointer(client)
    assert pointer is not None
    return set(client.get_collection(pointer.collection, embedding_function=None).get()["ids"])


# -- incremental --------------------------------------------------------------------------------


def test_first_run_embeds_every_item(settings: Settings) -> None:
    fake = FakeEmbedder()
    summary = reindex(settings, embedder=fake)
    items = pristine_items()
    assert sorted(fake.embedded) == sorted(items.values())
    assert (summary.added, summary.updated, summary.deleted, summary.skipped) == (
        len(items),
        0,
        0,
        0,
    )
    assert summary.changed and summary.version == 1
    assert live_ids(settings) == set(items)


def test_second_run_embeds_nothing(settings: Settings) -> None:
    first = reindex(settings, embedder=FakeEmbedder())
    fake = FakeEmbedder()
    summary = reindex(settings, embedder=fake)
    assert fake.embedded == []
    assert not summary.changed
    assert (summary.added, summary.updated, summary.deleted) == (0, 0, 0)
    assert summary.skipped == first.added
    assert summary.collection == first.collection


def test_a_no_op_run_does_not_construct_the_model(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    reindex(settings, embedder=FakeEmbedder())

    def no_model(_settings: Settings) -> None:
        raise AssertionError("the embedding model was constructed on a no-op run")

    monkeypatch.setattr("index.search.reindex.make_embedder", no_model)
    summary = reindex(settings)
    assert not summary.changed


def test_editing_one_fact_reembeds_only_that_fact(settings: Settings) -> None:
    first = reindex(settings, embedder=FakeEmbedder())
    new_text = edit_fact(settings, "kenna-term")
    fake = FakeEmbedder()
    summary = reindex(settings, embedder=fake)
    assert fake.embedded == [new_text]
    assert (summary.added, summary.updated, summary.deleted) == (0, 1, 0)
    assert summary.skipped == first.added - 1
    assert summary.changed and summary.version == first.version + 1


def test_deleting_one_fact_removes_it_from_the_index(settings: Settings) -> None:
    reindex(settings, embedder=FakeEmbedder())
    gone = unreferenced_facts()[0]
    asks = len(load_corpus(settings.corpus_dir).facts[gone].asks)
    (settings.corpus_dir / "background" / f"{gone}.md").unlink()
    fake = FakeEmbedder()
    summary = reindex(settings, embedder=fake)
    assert fake.embedded == []
    # The card goes, and with it the curated asks that pointed at it (each stored twice: as an
    # ask searched with the passages, and as a question for the status decision).
    assert (summary.added, summary.updated, summary.deleted) == (0, 0, 1 + 2 * asks)
    assert not any(
        i.startswith(f"fact:{gone}") or i.startswith(f"ask:fact:{gone}#")
        for i in live_ids(settings)
    )


def test_only_the_live_and_previous_versions_are_kept(settings: Settings) -> None:
    reindex(settings, embedder=FakeEmbedder())
    for n in range(2):
        edit_fact(settings, "kenna-term", f" (Edit {n}.)")
        reindex(settings, embedder=FakeEmbedder())
    names = {c.name for c in make_client(settings).list_collections()}
    versions = sorted(n for n in names if n.startswith("explainer-fake-hash-256-v"))
    assert versions == ["explainer-fake-hash-256-v2", "explainer-fake-hash-256-v3"]


# -- atomic switch ------------------------------------------------------------------------------


def test_a_build_failing_midway_leaves_the_old_index_live(settings: Settings) -> None:
    reindex(settings, embedder=FakeEmbedder())
    engine = Engine.from_settings(settings, embedder=FakeEmbedder(), with_log=False)
    before = read_pointer(make_client(settings))
    edited = unreferenced_facts()[:3]
    for fid in edited:
        edit_fact(settings, fid)
    # The unchanged items are copied into the new version first; the embedding then fails.
    with pytest.raises(RuntimeError, match="injected embedding failure"):
        reindex(settings, embedder=FakeEmbedder(fail_after=2))
    client = make_client(settings)
    assert read_pointer(client) == before
    partial = client.get_collection(f"explainer-fake-hash-256-v{before.version + 1}")
    assert 0 < partial.count() < len(live_ids(settings))
    answer = engine.answer(QUESTION)
    assert answer.status == "answered" and answer.verification.passed
    fresh = Engine.from_settings(settings, embedder=FakeEmbedder(), with_log=False)
    assert fresh.answer(QUESTION).status == "answered"
    assert fresh.index_version == before.collection


def test_the_run_after_a_failed_build_succeeds(settings: Settings) -> None:
    first = reindex(settings, embedder=FakeEmbedder())
    edited = unreferenced_facts()[:3]
    for fid in edited:
        edit_fact(settings, fid)
    with pytest.raises(RuntimeError):
        reindex(settings, embedder=FakeEmbedder(fail_after=2))
    fake = FakeEmbedder()
    summary = reindex(settings, embedder=fake)
    assert (summary.added, summary.updated, summary.deleted) == (0, 3, 0)
    assert len(fake.embedded) == 3
    assert read_pointer(make_client(settings)).collection == summary.collection
    assert summary.version == first.version + 1
    assert live_ids(settings) == set(pristine_items())


# -- the model recorded with the index ----------------------------------------------------------


def test_an_engine_with_another_model_answers_error_naming_both(settings: Settings) -> None:
    reindex(settings, embedder=FakeEmbedder())
    engine = Engine(settings, OtherEmbedder())
    answer = engine.answer(QUESTION)
    assert answer.status == "error"
    assert answer.quotes == [] and answer.background == []
    line = answer.rendered
    assert "'fake-hash-256'" in line and "'other-model-384'" in line
    assert "\n" not in line


def test_from_settings_with_another_model_answers_error(settings: Settings) -> None:
    reindex(settings, embedder=FakeEmbedder())
    engine = Engine.from_settings(settings, embedder=OtherEmbedder(), with_log=False)
    answer = engine.answer(QUESTION)
    assert answer.status == "error"
    assert "'fake-hash-256'" in answer.rendered and "'other-model-384'" in answer.rendered


def test_reindexing_with_another_model_reembeds_everything(settings: Settings) -> None:
    first = reindex(settings, embedder=FakeEmbedder())
    other = OtherEmbedder()
    summary = reindex(settings, embedder=other)
    assert summary.added == first.added and summary.skipped == 0
    assert len(other.embedded) == first.added
    assert summary.collection == "explainer-other-model-384-v2"
    assert read_pointer(make_client(settings)).model_id == "other-model-384"


# -- the command line ---------------------------------------------------------------------------


@pytest.fixture
def cli_env(settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict:
    monkeypatch.chdir(tmp_path)  # no stray .env is read
    monkeypatch.setattr("index.search.reindex.make_embedder", lambda _settings: FakeEmbedder())
    monkeypatch.setattr("index.answer.engine.make_embedder", lambda _settings: FakeEmbedder())
    return {
        "EXPLAINER_DATA_DIR": str(settings.data_dir),
        "EXPLAINER_CORPUS_DIR": str(settings.corpus_dir),
        "EXPLAINER_EMBEDDING_MODEL": FakeEmbedder.model_id,
        "COLUMNS": "80",
    }


def test_cli_json_summary(cli_env: dict, settings: Settings) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["reindex", "--json"], env=cli_env)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    total = len(pristine_items())
    assert {k: summary[k] for k in ("added", "updated", "deleted", "skipped")} == {
        "added": total,
        "updated": 0,
        "deleted": 0,
        "skipped": 0,
    }
    assert isinstance(summary["seconds"], float)
    again = json.loads(runner.invoke(app, ["reindex", "--json"], env=cli_env).stdout)
    assert (again["added"], again["skipped"], again["changed"]) == (0, total, False)


def test_cli_reindex_builds_what_the_first_answer_would(cli_env: dict, settings: Settings) -> None:
    # The intents' example vectors and the language model, kept in the data directory.
    result = CliRunner().invoke(app, ["reindex", "--quiet"], env=cli_env)
    assert result.exit_code == 0, result.output
    assert len(list(settings.data_dir.glob("intents-*.npy"))) == 1
    assert len(list(settings.data_dir.glob("langid-*.npz"))) == 1


def test_cli_reindex_that_cannot_build_them_still_succeeds(
    cli_env: dict, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(_self) -> None:
        raise OSError("read-only data directory")

    monkeypatch.setattr("index.answer.engine.Engine.prepare", broken)
    result = CliRunner().invoke(app, ["reindex", "--json"], env=cli_env)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["ok"] is True
    assert "warning: answer caches not built (read-only data directory)" in result.stderr


def break_claim_id(settings: Settings) -> str:
    """Give one claim an invalid id; return the `file:line: message` the CLI must print."""
    path = settings.corpus_dir / "claims.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("  - id: kenna-tweet\n", "  - id: Kenna_Tweet\n"), encoding="utf-8"
    )
    line = text[: text.index("  - id: kenna-tweet\n")].count("\n") + 1
    return (
        f"{settings.corpus_dir}/claims.yaml:{line}: claim id must be lower-case letters, "
        "digits and dashes"
    )


def test_cli_broken_corpus_exits_2_with_file_line_messages(
    cli_env: dict, settings: Settings
) -> None:
    expected = break_claim_id(settings)
    result = CliRunner().invoke(app, ["reindex", "--json"], env=cli_env)
    assert result.exit_code == 2
    assert json.loads(result.stdout) == {"ok": False, "errors": [expected]}
    assert expected in result.stderr.replace("\n", "")
    assert "reindex refused: 1 error(s); the live index is unchanged." in result.stderr


def test_cli_prints_each_corpus_error_on_one_line(cli_env: dict, settings: Settings) -> None:
    expected = break_claim_id(settings)
    result = CliRunner().invoke(app, ["reindex", "--json"], env=cli_env)
    assert expected in result.stderr.splitlines()
