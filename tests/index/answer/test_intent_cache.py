"""The intents' example vectors are kept in the data directory, per model and examples file."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np

from index.answer.query import IntentRouter, load_intents
from tests.support.fakes import FakeEmbedder


def examples() -> int:
    return sum(len(e) for e in load_intents().examples.values())


def test_the_first_router_embeds_the_examples_and_the_next_reads_them(tmp_path: Path) -> None:
    first = FakeEmbedder()
    assert IntentRouter(first, load_intents(), cache_dir=tmp_path).route("who wrote this")
    assert len(first.embedded) == examples()  # counted: the examples (embedded as questions)
    (cached,) = tmp_path.glob("intents-*.npy")
    second = FakeEmbedder()
    nearest = IntentRouter(second, load_intents(), cache_dir=tmp_path).route("who wrote this")
    assert second.embedded == []  # the examples came from the file
    assert nearest == IntentRouter(FakeEmbedder(), load_intents()).route("who wrote this")
    assert np.load(cached).shape == (examples(), FakeEmbedder.dims)


def test_another_model_or_other_examples_get_a_file_of_their_own(tmp_path: Path) -> None:
    IntentRouter(FakeEmbedder(), load_intents(), cache_dir=tmp_path).route("help")
    other = FakeEmbedder()
    other.model_id = "another-model"  # type: ignore[misc]
    IntentRouter(other, load_intents(), cache_dir=tmp_path).route("help")
    edited = replace(load_intents(), sha256="0" * 64)
    IntentRouter(FakeEmbedder(), edited, cache_dir=tmp_path).route("help")
    assert len(list(tmp_path.glob("intents-*.npy"))) == 3


def test_a_damaged_file_is_ignored_and_rewritten(tmp_path: Path) -> None:
    IntentRouter(FakeEmbedder(), load_intents(), cache_dir=tmp_path).route("help")
    (cached,) = tmp_path.glob("intents-*.npy")
    cached.write_bytes(b"not an array")
    again = FakeEmbedder()
    IntentRouter(again, load_intents(), cache_dir=tmp_path).route("help")
    assert len(again.embedded) == examples()
    assert np.load(cached).shape == (examples(), FakeEmbedder.dims)
