"""The review page marks a logged answer's quotes in the article it was served from (the corpus
snapshot of its index version), says which one that is, and checks gold passages against the
live snapshot, naming it."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from bot.review.server import create_app
from bot.settings import BotSettings
from index.log.store import AnswerLog
from tests.support.indexed import edit_article, index, write_indexed_corpus
from tests.support.records import MEETING, answer, quote, record

MARKED = f'<mark class="quote label-allegation" id="q1">{MEETING}</mark>'
ENVOY = "the envoy met the minister on December 6"


def bot_settings(tmp_path: Path, **kw: Any) -> BotSettings:
    return BotSettings(  # type: ignore[call-arg]
        _env_file=None,
        data_dir=tmp_path / "data",
        log_db=tmp_path / "answers.db",
        corpus_dir=write_indexed_corpus(tmp_path / "corpus"),
        review_allowed_hosts=["testserver"],
        **kw,
    )


@pytest.fixture
def settings(tmp_path: Path) -> BotSettings:
    return bot_settings(tmp_path)


@pytest.fixture
def log(settings: BotSettings):
    with AnswerLog(settings.log_db_path) as opened:
        yield opened


def log_answer(log: AnswerLog, index_version: str | None, answer_id: str = "a1") -> None:
    ans = answer(answer_id, "Did the ambassador meet?", quotes=(quote(MEETING, "allegation"),))
    log.write(replace(record(ans), index_version=index_version))


def client_for(settings: BotSettings, log: AnswerLog) -> TestClient:
    return TestClient(create_app(settings, answer_log=log))


def notice(html: str) -> str:
    match = re.search(r'<p class="(\w+)" id="article-source">([^<]*)</p>', html)
    assert match, "no article notice"
    return f"{match.group(1)}: {match.group(2)}"


def test_detail_reads_the_logged_snapshot_after_an_edit_on_disk(
    settings: BotSettings, log: AnswerLog
) -> None:
    v1 = index(settings)
    log_answer(log, v1)
    edit_article(settings.corpus_dir, "ambassador met", "envoy met")  # no reindex
    html = client_for(settings, log).get("/answers/a1").text
    assert MARKED in html
    assert "Not found at its offsets" not in html
    assert notice(html) == (
        "muted: article: snapshot of v1 (the version this answer was logged under)"
    )


def test_detail_reads_the_previous_version_kept_by_a_reindex(
    settings: BotSettings, log: AnswerLog
) -> None:
    v1 = index(settings)
    log_answer(log, v1)
    edit_article(settings.corpus_dir, "ambassador met", "envoy met")
    index(settings)
    assert MARKED in client_for(settings, log).get("/answers/a1").text


def test_detail_says_when_it_falls_back(settings: BotSettings, log: AnswerLog) -> None:
    v1 = index(settings)
    log_answer(log, v1)
    for old, new in (("ambassador met", "envoy met"), ("envoy met", "diplomat met")):
        edit_article(settings.corpus_dir, old, new)
        index(settings)
    html = client_for(settings, log).get("/answers/a1").text
    assert notice(html) == (
        "problem: article: the live index v3 — the snapshot of v1 is gone; "
        "quotes are checked against v3&#39;s text"
    )
    assert "Not found at its offsets" in html


def test_detail_without_a_store_reads_the_directory(settings: BotSettings, log: AnswerLog) -> None:
    log_answer(log, "explainer-fake-hash-256-v1")
    html = client_for(settings, log).get("/answers/a1").text
    assert MARKED in html
    assert notice(html).startswith("problem: article: the corpus directory ")
    assert "there is no index at" in notice(html)


def post_gold(client: TestClient, gold: str) -> Any:
    page = client.get("/answers/a1").text
    token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page)
    assert token
    form = {"verdict": "correct", "gold": gold, "csrf_token": token.group(1)}
    return client.post("/answers/a1/verdict", data=form, follow_redirects=False)


def test_the_gold_form_checks_the_live_snapshot(settings: BotSettings, log: AnswerLog) -> None:
    v1 = index(settings)
    log_answer(log, v1)
    edit_article(settings.corpus_dir, "ambassador met", "envoy met")  # not what is served
    client = client_for(settings, log)
    refused = post_gold(client, ENVOY)
    assert refused.status_code == 400
    assert "Gold passage not in the article of the live index v1 (its corpus snapshot)" in (
        refused.text
    )
    assert post_gold(client, MEETING).status_code == 303
    assert log.get("a1").verdicts[-1].gold == [{"text": MEETING, "labels": []}]


def test_the_gold_form_without_a_store_checks_the_directory(
    settings: BotSettings, log: AnswerLog
) -> None:
    log_answer(log, None)
    refused = post_gold(client_for(settings, log), ENVOY)
    assert refused.status_code == 400
    assert f"Gold passage not in the article at {settings.corpus_dir / 'article.md'}" in (
        refused.text
    )
