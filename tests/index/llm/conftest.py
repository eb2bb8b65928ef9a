"""The corpus and a judge without an embedder, once per module, for the sentence-check tests;
an Engine whose LLM refiner's fake chat model replies as scripted, for the refiner tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from index.answer.contract import Answer
from index.answer.engine import Engine
from index.corpus.load import Corpus, load_corpus
from index.llm.judge import Judge
from index.llm.refiner import LLMRefiner
from index.search.reindex import reindex
from index.settings import Settings
from index.texts import load_texts
from tests.index.llm.test_evidence import make_judge
from tests.support.fakes import FakeEmbedder
from tests.support.llm_stub import CORPUS, make_settings


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return load_corpus(CORPUS)


@pytest.fixture(scope="module")
def judge(corpus: Corpus) -> Judge:
    return make_judge(corpus, None)


@pytest.fixture(scope="module")
def embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory, embedder: FakeEmbedder) -> Settings:
    built = make_settings(tmp_path_factory.mktemp("llm-data"))
    reindex(built, embedder=embedder)
    return built


@pytest.fixture(scope="module")
def extractive(settings: Settings, embedder: FakeEmbedder) -> Engine:
    engine = Engine(settings, embedder, None)
    engine.load()
    return engine


@pytest.fixture(scope="module")
def scripted(settings: Settings, embedder: FakeEmbedder) -> tuple[Engine, GenericFakeChatModel]:
    model = GenericFakeChatModel(messages=iter(()))
    refiner = LLMRefiner(settings, load_texts(), chat_model=model, spec="fake:scripted")
    engine = Engine(settings, embedder, None, refiner=refiner)
    engine.load()
    return engine, model


@pytest.fixture
def ask(scripted) -> Callable[..., Answer]:
    engine, model = scripted

    def ask(question: str, *replies: str | AIMessage) -> Answer:
        """One question through the Engine, its model replying as scripted."""
        model.messages = iter(replies)
        return engine.answer(question)

    return ask


@pytest.fixture
def dropped(scripted) -> Callable[[], dict[str, str]]:
    """The last summary's dropped sentences → the guard that dropped each."""
    engine, _ = scripted
    return lambda: {c.raw: c.dropped for c in engine.refiner.last_outcome.sentences if c.dropped}
