"""Each index version serves the corpus snapshot its reindex stored, whatever happens to the
corpus directory afterwards: every fault is injected while an engine is serving and checked
again after a restart (a new engine on the same data directory)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from index.answer.engine import Engine
from index.corpus.load import CorpusInvalid, load_corpus
from index.search.reindex import reindex
from index.search.snapshot import (
    SNAPSHOT_PREFIX,
    read_snapshot,
    snapshot_info,
    snapshot_name,
)
from index.search.store import make_client, read_pointer
from index.settings import Settings
from tests.support.core import FAKE_THRESHOLDS, copy_corpus, make_settings
from tests.support.fakes import FakeEmbedder

QUESTIONS = [
    "Did the ambassador meet the defense minister Bobbio?",
    "Was Castillo arrested by the military?",
    "What did Kenna tweet?",
    "Who is Mariano Alvarado?",
]


def served(engine: Engine) -> list[tuple[str, list[tuple[str, str]], list[str]]]:
    """What the engine answers to QUESTIONS: status, (quote, label) pairs, card ids."""
    out = []
    for question in QUESTIONS:
        answer = engine.answer(question)
        assert answer.verification.passed, answer.verification.failures
        out.append(
            (
                answer.status,
                [(q.text, q.label) for q in answer.quotes],
                [b.fact_id for b in answer.background],
            )
        )
    return out


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} must occur once in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def broken_claims_file(corpus: Path) -> None:
    with (corpus / "claims.yaml").open("a", encoding="utf-8") as f:
        f.write("  - id: [this line is not YAML\n")


def non_utf8_card(corpus: Path) -> None:
    card = corpus / "background" / "kenna-term.md"
    card.write_bytes(card.read_bytes().replace(b"Lisa Kenna served", b"Lisa Kenna \xff served"))


def label_flipped(corpus: Path) -> None:
    # Valid on its own terms (the title claim is an allegation); it must not be served unindexed.
    claims = corpus / "claims.yaml"
    text = claims.read_text(encoding="utf-8")
    head = "  - id: kenna-bobbio-meeting\n"
    start = text.index(head)
    end = text.index("\n  - id:", start + 1)
    block = text[start:end].replace("label: allegation", "label: opinion")
    claims.write_text(text[:start] + block + text[end:], encoding="utf-8")


def corpus_deleted(corpus: Path) -> None:
    shutil.rmtree(corpus)


@dataclass(frozen=True)
class Fault:
    name: str
    apply: Callable[[Path], None]
    reindex_refuses: bool  # a reindex refuses the result (else it would index it)


FAULTS = [
    Fault("broken claims file", broken_claims_file, True),
    Fault("non-UTF-8 card", non_utf8_card, True),
    Fault("label flipped without reindex", label_flipped, False),
    Fault("deleted corpus directory", corpus_deleted, True),
]


@pytest.fixture(params=FAULTS, ids=lambda f: f.name)
def fault(request: pytest.FixtureRequest) -> Fault:
    return request.param


def live(tmp_path: Path) -> tuple[Settings, FakeEmbedder, Engine]:
    corpus = copy_corpus(tmp_path / "corpus")
    settings = make_settings(tmp_path / "data", corpus, **FAKE_THRESHOLDS)
    embedder = FakeEmbedder()
    reindex(settings, embedder=embedder)
    engine = Engine.from_settings(settings, embedder=embedder, with_log=False)
    return settings, embedder, engine


def test_a_fault_in_the_corpus_directory_changes_nothing_served(
    fault: Fault, tmp_path: Path
) -> None:
    settings, embedder, engine = live(tmp_path)
    before = served(engine)
    version = engine.index_version
    assert ("She met Peru's Minister of Defense Gustavo Bobbio on December 6", "allegation") in [
        pair for _, quotes, _ in before for pair in quotes
    ]

    fault.apply(settings.corpus_dir)

    engine.reload()  # what a pointer check or a /reindex swap does
    assert served(engine) == before
    assert engine.index_version == version
    restarted = Engine.from_settings(settings, embedder=embedder, with_log=False)
    assert served(restarted) == before
    assert restarted.index_version == version
    if fault.reindex_refuses:
        with pytest.raises(CorpusInvalid):
            reindex(settings, embedder=embedder)
        assert Engine.from_settings(settings, embedder=embedder, with_log=False).index_version == (
            version
        )


def test_the_flipped_label_is_served_once_reindexed(tmp_path: Path) -> None:
    settings, embedder, engine = live(tmp_path)
    label_flipped(settings.corpus_dir)
    summary = reindex(settings, embedder=embedder)
    assert summary.changed
    engine.reload()
    labels = {pair for _, quotes, _ in served(engine) for pair in quotes}
    assert ("She met Peru's Minister of Defense Gustavo Bobbio on December 6", "opinion") in labels
    assert engine.index_version == summary.collection


def test_a_comment_only_change_is_a_new_version(tmp_path: Path) -> None:
    """Every change of the corpus files is a new version (vectors copied, none embedded), so
    the version logged with an answer names exactly the data behind it."""
    settings, _, _ = live(tmp_path)
    first = read_pointer(make_client(settings))
    claims = settings.corpus_dir / "claims.yaml"
    claims.write_text(claims.read_text(encoding="utf-8") + "# a comment\n", encoding="utf-8")
    fake = FakeEmbedder()
    summary = reindex(settings, embedder=fake)
    assert fake.embedded == []
    assert summary.changed and summary.version == first.version + 1
    client = make_client(settings)
    files = read_snapshot(client, summary.collection, summary.corpus_sha256)
    assert files["claims.yaml"].endswith("# a comment\n")
    old = read_snapshot(client, first.collection, first.corpus_sha256)
    assert not old["claims.yaml"].endswith("# a comment\n")


def test_the_snapshot_holds_the_files_as_loaded(tmp_path: Path) -> None:
    settings, _, engine = live(tmp_path)
    pointer = read_pointer(make_client(settings))
    info = snapshot_info(make_client(settings), pointer.collection)
    assert info is not None and info.name == snapshot_name(pointer.collection)
    assert info.corpus_sha256 == pointer.corpus_sha256 == engine.corpus.sha256
    files = read_snapshot(make_client(settings), pointer.collection, pointer.corpus_sha256)
    on_disk = load_corpus(settings.corpus_dir).files
    assert files == on_disk
    assert {"article.md", "claims.yaml", "sources.yaml", "calibration.yaml"} <= set(files)
    assert sum(f.startswith("background/") for f in files) == len(engine.corpus.facts)
    assert engine.corpus.snapshot == pointer.collection


def test_snapshots_are_pruned_with_their_collections(tmp_path: Path) -> None:
    settings, embedder, _ = live(tmp_path)
    card = settings.corpus_dir / "background" / "kenna-term.md"
    for n in range(3):
        card.write_text(card.read_text(encoding="utf-8") + f"\nEdit {n}.\n", encoding="utf-8")
        reindex(settings, embedder=embedder)
    names = {c.name for c in make_client(settings).list_collections()}
    snapshots = sorted(n for n in names if n.startswith(SNAPSHOT_PREFIX))
    assert snapshots == [
        snapshot_name("explainer-fake-hash-256-v3"),
        snapshot_name("explainer-fake-hash-256-v4"),
    ]


def test_the_thresholds_come_from_the_snapshot(tmp_path: Path) -> None:
    settings, embedder, engine = live(tmp_path)
    before = engine.snapshot().thresholds
    (settings.corpus_dir / "calibration.yaml").write_text(
        "fake-hash-256:\n  lexical_min_score: 9.5\n  no_article_margin: 0.3\n", encoding="utf-8"
    )
    restarted = Engine.from_settings(settings, embedder=embedder, with_log=False)
    assert restarted.snapshot().thresholds == before
    reindex(settings, embedder=embedder)
    restarted = Engine.from_settings(settings, embedder=embedder, with_log=False)
    fitted = restarted.snapshot().thresholds
    assert (fitted.lexical_min_score, fitted.no_article_margin) == (9.5, 0.3)


def test_a_damaged_snapshot_gives_an_error_answer_not_a_crash(tmp_path: Path) -> None:
    settings, embedder, _ = live(tmp_path)
    client = make_client(settings)
    pointer = read_pointer(client)
    snap = client.get_collection(snapshot_name(pointer.collection))
    snap.delete(ids=[snap.get()["ids"][0]])
    restarted = Engine.from_settings(settings, embedder=embedder, with_log=False)
    answer = restarted.answer(QUESTIONS[0])
    assert answer.status == "error"
    assert answer.rendered == restarted.texts.lines["index_unavailable"]
    # The directory still hashes to the live version: a reindex repairs its snapshot in place.
    summary = reindex(settings, embedder=embedder)
    assert not summary.changed and summary.collection == pointer.collection
    repaired = Engine.from_settings(settings, embedder=embedder, with_log=False)
    assert repaired.answer(QUESTIONS[0]).status == "answered"


def test_an_index_without_a_snapshot_serves_only_an_unchanged_directory(tmp_path: Path) -> None:
    """An index built before snapshots existed: served from the directory while its hash is
    the one the index recorded; the next reindex stores the snapshot without a new version."""
    settings, embedder, engine = live(tmp_path)
    before = served(engine)
    client = make_client(settings)
    pointer = read_pointer(client)
    client.delete_collection(snapshot_name(pointer.collection))
    legacy = Engine.from_settings(settings, embedder=embedder, with_log=False)
    assert served(legacy) == before

    summary = reindex(settings, embedder=embedder)
    assert not summary.changed and summary.collection == pointer.collection
    assert snapshot_info(make_client(settings), pointer.collection) is not None

    make_client(settings).delete_collection(snapshot_name(pointer.collection))
    label_flipped(settings.corpus_dir)
    stale = Engine.from_settings(settings, embedder=embedder, with_log=False)
    answer = stale.answer(QUESTIONS[0])
    assert answer.status == "error"


# -- a corpus that lost its claims --------------------------------------------------------------


def test_a_lost_claims_file_needs_the_flag(tmp_path: Path) -> None:
    settings, embedder, _ = live(tmp_path)
    (settings.corpus_dir / "claims.yaml").unlink()
    with pytest.raises(CorpusInvalid) as caught:
        reindex(settings, embedder=embedder)
    (line,) = caught.value.errors
    assert line.startswith("claims.yaml:1: there is no claims.yaml, but the live index")
    assert "--allow-empty-claims" in line
    summary = reindex(settings, embedder=embedder, allow_empty_claims=True)
    assert summary.changed
    assert snapshot_info(make_client(settings), summary.collection).claims == 0


def test_an_emptied_claims_file_needs_the_flag_on_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings, _, _ = live(tmp_path)
    (settings.corpus_dir / "claims.yaml").write_text("claims: []\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("index.search.reindex.make_embedder", lambda _settings: FakeEmbedder())
    env = {
        "EXPLAINER_DATA_DIR": str(settings.data_dir),
        "EXPLAINER_CORPUS_DIR": str(settings.corpus_dir),
        "EXPLAINER_EMBEDDING_MODEL": FakeEmbedder.model_id,
    }
    refused = CliRunner().invoke(app, ["reindex"], env=env)
    assert refused.exit_code == 2
    assert "claims.yaml:1: it holds no claims, but the live index" in refused.stderr
    accepted = CliRunner().invoke(app, ["reindex", "--allow-empty-claims"], env=env)
    assert accepted.exit_code == 0, accepted.output


def test_another_article_without_claims_needs_no_flag(tmp_path: Path) -> None:
    settings, embedder, _ = live(tmp_path)
    other = tmp_path / "other"
    (other / "background").mkdir(parents=True)
    (other / "article.md").write_text(
        '---\ntitle: "Notes"\nauthors: [A. Writer]\npublisher: P\ndate: 2024-01-01\n---\n'
        "Notes\n\nApples ripen in autumn.\n",
        encoding="utf-8",
    )
    summary = reindex(settings.model_copy(update={"corpus_dir": other}), embedder=embedder)
    assert summary.changed
