"""The review page: escaping, the token off loopback, CSRF on writes, filters, highlights."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from bot.review import server
from bot.review.security import ReviewConfigError, is_loopback
from bot.review.server import create_app
from bot.settings import BotSettings
from index.answer.contract import BackgroundItem, Source
from index.log.store import AnswerLog
from tests.support.records import MEETING, answer, fill, quote, record, write_article

XSS = "<script>alert(1)</script>"


def settings(tmp_path: Path, **kw: Any) -> BotSettings:
    kw.setdefault("review_allowed_hosts", ["testserver"])  # the TestClient's Host
    return BotSettings(  # type: ignore[call-arg]
        _env_file=None, log_db=tmp_path / "answers.db", corpus_dir=tmp_path / "corpus", **kw
    )


@pytest.fixture
def log(tmp_path: Path):
    write_article(tmp_path / "corpus")
    with AnswerLog(tmp_path / "answers.db") as opened:
        fill(opened)
        yield opened


@pytest.fixture
def client(tmp_path: Path, log: AnswerLog) -> TestClient:
    return TestClient(create_app(settings(tmp_path), answer_log=log))


def csrf_of(page: str) -> str:
    match = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page)
    assert match
    return match.group(1)


def listed_ids(html: str) -> list[str]:
    return sorted(re.findall(r'class="answer-link" href="/answers/([^"]+)"', html))


def test_everything_from_users_is_escaped(client: TestClient, log: AnswerLog) -> None:
    evil_source = Source(publisher=XSS, url="javascript:alert(2)", date="2024-01-01", title="t")
    sent = answer(
        "x1",
        f"Who is {XSS}?",
        quotes=(quote(MEETING, "allegation", note=f"note {XSS}"),),
        background=(BackgroundItem(fact_id="f", text=XSS, sources=[evil_source]),),
    )
    log.write(record(sent))
    log.record_feedback("x1", "user", "down", reason=f"<img src=x onerror=alert(3)>{XSS}")
    log.record_verdict("x1", "incorrect", note=XSS, reviewer=XSS)
    for path in ("/", "/answers/x1", "/?q=Who"):
        html = client.get(path).text
        assert "<script>alert" not in html, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, path
    detail = client.get("/answers/x1").text
    assert "<img src=x" not in detail
    assert 'href="javascript:' not in detail


def test_a_non_loopback_host_without_a_token_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ReviewConfigError, match="EXPLAINER_REVIEW_TOKEN"):
        create_app(settings(tmp_path, review_host="0.0.0.0"))


def test_serve_exits_non_zero_instead_of_serving_openly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("EXPLAINER_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("EXPLAINER_REVIEW_TOKEN", raising=False)
    assert server.serve(host="192.168.1.5", port=0) == 2


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("::1", True), ("localhost", True), ("0.0.0.0", False),
     ("10.0.0.2", False), ("review.example.org", False)],
)  # fmt: skip
def test_loopback_detection(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_the_token_is_checked_on_every_request(tmp_path: Path, log: AnswerLog) -> None:
    app = create_app(
        settings(tmp_path, review_host="0.0.0.0", review_token="s3cret-0123456789"), answer_log=log
    )
    client = TestClient(app)
    assert client.get("/").status_code == 401
    assert client.get("/answers/a1").status_code == 401
    assert client.get("/", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert client.get("/", headers={"Authorization": "Bearer s3cret-0123456789"}).status_code == 200
    assert client.get("/healthz").status_code == 200
    assert client.get("/?token=wrong", follow_redirects=False).status_code == 401


def test_a_token_in_the_address_sets_a_cookie_once(tmp_path: Path, log: AnswerLog) -> None:
    app = create_app(
        settings(tmp_path, review_host="0.0.0.0", review_token="s3cret-0123456789"), answer_log=log
    )
    client = TestClient(app)
    first = client.get("/answers/a1?token=s3cret-0123456789&x=1", follow_redirects=False)
    assert first.status_code == 303
    assert first.headers["location"] == "/answers/a1?x=1"
    cookie = client.cookies.get("token")
    assert cookie and "s3cret-0123456789" not in cookie
    assert client.get("/answers/a1").status_code == 200
    client.cookies.clear()
    client.cookies.set("token", "forged")
    assert client.get("/answers/a1").status_code == 401


def test_a_post_without_the_csrf_token_is_rejected(client: TestClient, log: AnswerLog) -> None:
    response = client.post("/answers/a3/verdict", data={"verdict": "correct"})
    assert response.status_code == 403
    wrong = client.post("/answers/a3/verdict", data={"verdict": "correct", "csrf_token": "00"})
    assert wrong.status_code == 403
    assert log.get("a3").verdicts == []


def test_a_csrf_token_is_good_for_its_own_answer_only(client: TestClient, log: AnswerLog) -> None:
    token_for_a1 = csrf_of(client.get("/answers/a1").text)
    form = {"verdict": "correct", "csrf_token": token_for_a1}
    assert client.post("/answers/a3/verdict", data=form).status_code == 403
    assert log.get("a3").verdicts == []


def test_a_cross_site_post_is_rejected_even_with_a_token(
    client: TestClient, log: AnswerLog
) -> None:
    form = {"verdict": "correct", "csrf_token": csrf_of(client.get("/answers/a3").text)}
    response = client.post(
        "/answers/a3/verdict", data=form, headers={"Origin": "https://evil.example"}
    )
    assert response.status_code == 403
    assert log.get("a3").verdicts == []


def test_recording_a_verdict_through_the_form(client: TestClient, log: AnswerLog) -> None:
    form = {
        "verdict": "needs-fix",
        "note": "quote too short",
        "reviewer": "ana",
        "csrf_token": csrf_of(client.get("/answers/a3").text),
    }
    response = client.post("/answers/a3/verdict", data=form, follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, "/answers/a3?saved=1")
    verdict = log.get("a3").verdicts[-1]
    assert (verdict.verdict, verdict.note, verdict.reviewer) == (
        "needs-fix",
        "quote too short",
        "ana",
    )
    assert "Verdict recorded." in client.get(response.headers["location"]).text


def test_an_unknown_verdict_is_a_400(client: TestClient) -> None:
    form = {"verdict": "great", "csrf_token": csrf_of(client.get("/answers/a3").text)}
    assert client.post("/answers/a3/verdict", data=form).status_code == 400


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["a1", "a2", "a3", "a4", "a5"]),
        ("feedback=down", ["a1"]),
        ("verdict=unreviewed", ["a3", "a4", "a5"]),
        ("verdict=correct", ["a2"]),
        ("label=disputed", ["a5"]),
        ("status=out_of_scope", ["a3"]),
        ("verification_failed=1", ["a4"]),
        ("guild=2&channel=20", ["a4"]),
        ("since=2024-05-03", ["a4", "a5"]),
        ("until=2024-05-01", ["a1"]),
        ("q=president", ["a2", "a4"]),
        ("limit=1", ["a5"]),
        ("status=&label=&q=", ["a1", "a2", "a3", "a4", "a5"]),
    ],
)
def test_list_filters(client: TestClient, query: str, expected: list[str]) -> None:
    response = client.get(f"/?{query}")
    assert response.status_code == 200
    assert listed_ids(response.text) == expected


def test_a_bad_filter_is_reported_not_crashed(client: TestClient) -> None:
    response = client.get("/?guild=abc")
    assert response.status_code == 400
    assert "server must be a number" in response.text


def test_detail_marks_the_quote_in_place_with_its_label(client: TestClient) -> None:
    html = client.get("/answers/a1").text
    assert (
        f'We are told that <mark class="quote label-allegation" id="q1">{MEETING}</mark>'
        '<span class="tag label-allegation">[1 allegation]</span>. This measure' in html
    )
    assert "Allegation — hedged in the article" in html  # the label in words
    assert "ambassador-meeting" in html and "0.032" in html  # retrieved passages
    assert "too vague" in html  # feedback reason


def test_a_quote_no_longer_in_the_article_is_flagged(client: TestClient, tmp_path: Path) -> None:
    article = tmp_path / "corpus" / "article.md"
    article.write_text(article.read_text().replace("ambassador met", "envoy met"))
    html = client.get("/answers/a1").text
    assert "<mark" not in html
    assert "Not found at its offsets" in html


def test_an_unknown_answer_is_a_404(client: TestClient) -> None:
    response = client.get("/answers/nope")
    assert response.status_code == 404
    assert "no answer with id" in response.text
