"""`explainer eval --llm`: kept summaries and fallbacks counted by fault kind, per file and in all.

A real Engine in LLM mode whose chat model answers each question as scripted: a reply that ships,
broken JSON (also after the repair attempt), a timeout, a refusal, and a summary the guards drop
whole. The counts must match what each question was scripted to do, and a question the model is
never asked (the byline, answered from the article's metadata) must count as neither kept nor a
fallback.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from typer.testing import CliRunner

from bot.cli import ask
from bot.cli.app import app
from index.answer.engine import Engine
from index.llm.refiner import LLMRefiner
from index.search.reindex import reindex
from index.settings import Settings
from index.texts import load_texts
from tests.support.fakes import FakeEmbedder
from tests.support.llm_stub import make_settings, reply_sentences

runner = CliRunner()

MEETING_Q = "Did the U.S. ambassador meet Peru's defense minister before the coup?"
ARREST_Q = "Who arrested Castillo, and where?"
OLIGARCHY_Q = "Was Castillo under pressure from an oligarchy?"
KENNA_Q = "Who is Lisa Kenna?"
TWEET_Q = "What did Kenna tweet?"
ROSPIGLIOSI_Q = "What did Fernando Rospigliosi do in 2005?"
BYLINE_Q = "Who wrote this article and where was it published?"
HOSTILE = json.dumps(
    {
        "sentences": [
            {"text": "Ambassador Kenna ordered the arrest of Castillo.", "cites": ["kenna-tweet"]},
            {"text": "Washington planned the removal.", "cites": ["kenna-tweet"]},
        ]
    }
)
# Each question's replies, call by call (a question asked a second time is the repair attempt).
SCRIPT: dict[str, list[Any]] = {
    MEETING_Q: [reply_sentences(("Kenna met Bobbio on December 6.", ["kenna-bobbio-meeting"]))],
    ARREST_Q: [
        reply_sentences(
            (
                "Castillo was arrested by his own police escort, not by the military.",
                ["castillo-arrest-escort"],
            )
        )
    ],
    OLIGARCHY_Q: ["Sure! Castillo was pressured.", "I cannot write JSON, sorry."],
    KENNA_Q: [TimeoutError("the model took longer than 30 s")],
    TWEET_Q: [AIMessage("", response_metadata={"finish_reason": "content_filter"})],
    ROSPIGLIOSI_Q: [HOSTILE],
}
# What each question must count as: kept, or a fallback of that fault kind.
EXPECTED = {
    MEETING_Q: "kept",
    ARREST_Q: "kept",
    OLIGARCHY_Q: "unparseable",
    KENNA_Q: "timeout",
    TWEET_Q: "refusal",
    ROSPIGLIOSI_Q: "unmatched",
}


class ScriptedChat(BaseChatModel):
    """Replies to each question (found in the last message) with its next scripted reply; an
    exception in the script is raised. `asked` records the questions, call by call."""

    script: dict[str, list[Any]]
    asked: list[str] = []

    @property
    def _llm_type(self) -> str:
        return "scripted"

    def _generate(
        self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None, **kw: Any
    ) -> ChatResult:
        text = " ".join(str(m.content) for m in messages)
        question = next((q for q in self.script if q in text), None)
        if question is None:
            raise RuntimeError("asked a question that is not scripted")
        self.asked.append(question)
        item = self.script[question].pop(0)
        if isinstance(item, BaseException):
            raise item
        message = item if isinstance(item, AIMessage) else AIMessage(item)
        return ChatResult(generations=[ChatGeneration(message=message)])


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    built = make_settings(tmp_path_factory.mktemp("eval-llm"))
    reindex(built, embedder=FakeEmbedder())
    return built


@pytest.fixture
def chat(settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> ScriptedChat:
    model = ScriptedChat(script={q: list(r) for q, r in SCRIPT.items()}, asked=[])
    refiner = LLMRefiner(settings, load_texts(), chat_model=model, spec="fake:scripted")
    engine = Engine(settings, FakeEmbedder(), None, refiner=refiner)
    engine.load()
    monkeypatch.setattr(ask, "_engine", lambda _settings: engine)
    return model


def question_sets(directory: Path) -> list[str]:
    """Two files: the first with a kept, an unparseable and the byline question."""
    first = [MEETING_Q, OLIGARCHY_Q, BYLINE_Q]
    second = [ARREST_Q, KENNA_Q, TWEET_Q, ROSPIGLIOSI_Q]
    paths = []
    for name, questions in (("one.yaml", first), ("two.yaml", second)):
        cases = [
            {"id": f"{name[:3]}{n}", "question": q, "status": "answered"}
            for n, q in enumerate(questions)
        ]
        path = directory / name
        path.write_text(json.dumps(cases), encoding="utf-8")  # JSON is YAML
        paths.append(str(path))
    return paths


def counts(questions: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for q in questions:
        if q in EXPECTED:
            found[EXPECTED[q]] = found.get(EXPECTED[q], 0) + 1
    return found


def test_eval_llm_counts_kept_summaries_and_fallbacks_by_fault_kind(
    chat: ScriptedChat, tmp_path: Path
) -> None:
    paths = question_sets(tmp_path)
    result = runner.invoke(app, ["eval", "--no-baseline", "--json", *paths])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["mode"] == "llm:fake:scripted"
    total = data["total"]
    assert (total["llm_asked"], total["llm_kept"], total["llm_fallbacks"]) == (6, 2, 4)
    assert total["llm_kept_share"] == pytest.approx(2 / 6)
    fallbacks = {k: v for k, v in total.items() if k.startswith("llm_fallback_")}
    assert fallbacks == {
        "llm_fallback_refusal": 1,
        "llm_fallback_timeout": 1,
        "llm_fallback_unmatched": 1,
        "llm_fallback_unparseable": 1,
    }
    one, two = data["files"]["one.yaml"], data["files"]["two.yaml"]
    # The byline question is in the first file's cases, but the model was never asked it.
    assert (one["cases"], one["llm_asked"], one["llm_kept"]) == (3, 2, 1)
    assert one["llm_fallback_unparseable"] == 1 and "llm_fallback_timeout" not in one
    assert (two["llm_asked"], two["llm_kept"], two["llm_fallbacks"]) == (4, 1, 3)
    assert data["figure_names"]["llm_fallback_timeout"] == "LLM fallback: timeout"
    # The scripted model was asked what the counts say: the repair attempt once, no more.
    assert BYLINE_Q not in chat.asked
    assert chat.asked.count(OLIGARCHY_Q) == 2
    assert counts(list(dict.fromkeys(chat.asked))) == {
        "kept": 2,
        "unparseable": 1,
        "timeout": 1,
        "refusal": 1,
        "unmatched": 1,
    }


def test_the_table_shows_each_fault_kind_per_file(chat: ScriptedChat, tmp_path: Path) -> None:
    paths = question_sets(tmp_path)
    result = runner.invoke(
        app, ["eval", "--no-baseline", "--no-show-failures", *paths], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0, result.output
    rows = {
        line.split("│")[1].strip(): [c.strip() for c in line.split("│")[2:-1]]
        for line in result.stdout.splitlines()
        if line.count("│") >= 4
    }
    # Columns: one.yaml, two.yaml, all.
    assert rows["LLM summaries kept"] == ["1", "1", "2"]
    assert rows["LLM fallbacks"] == ["1", "3", "4"]
    assert rows["LLM fallback: unparseable"] == ["1", "0", "1"]
    assert rows["LLM fallback: timeout"] == ["0", "1", "1"]
    assert rows["LLM fallback: refusal"] == ["0", "1", "1"]
    assert rows["LLM fallback: unmatched"] == ["0", "1", "1"]


def test_extractive_eval_has_no_llm_figures(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    engine = Engine(settings, FakeEmbedder(), None)
    engine.load()
    monkeypatch.setattr(ask, "_engine", lambda _settings: engine)
    result = runner.invoke(app, ["eval", "--no-baseline", "--json", *question_sets(tmp_path)])
    assert result.exit_code == 0, result.output
    assert not [k for k in json.loads(result.stdout)["total"] if k.startswith("llm_")]
