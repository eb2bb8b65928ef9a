"""The review page against rebinding, token leaks and weak tokens; its ranges and its fixes."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from bot.review import server
from bot.review.security import ReviewConfigError, host_allowed, split_host
from bot.review.server import create_app
from bot.settings import BotSettings
from index.log.store import AnswerLog
from tests.support.records import MEETING, fill, write_article

TOKEN = "a-long-review-token-0123456789"


def settings(tmp_path: Path, **kw: Any) -> BotSettings:
    return BotSettings(  # type: ignore[call-arg]
        _env_file=None, log_db=tmp_path / "answers.db", corpus_dir=tmp_path / "corpus", **kw
    )


@pytest.fixture
def log(tmp_path: Path):
    write_article(tmp_path / "corpus")
    with AnswerLog(tmp_path / "answers.db") as opened:
        fill(opened)
        yield opened


def client_for(tmp_path: Path, log: AnswerLog, base_url: str = "http://127.0.0.1:8787", **kw):
    return TestClient(create_app(settings(tmp_path, **kw), answer_log=log), base_url=base_url)


def csrf_of(page: str) -> str:
    match = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page)
    assert match
    return match.group(1)


@pytest.mark.parametrize("token", ["   ", "x", "s3cret", "fifteen-chars!!"])
def test_a_blank_or_short_token_is_refused_at_start(tmp_path: Path, token: str) -> None:
    with pytest.raises(ReviewConfigError, match="EXPLAINER_REVIEW_TOKEN is (blank|too short)"):
        create_app(settings(tmp_path, review_token=token))


def test_an_empty_token_means_no_token(tmp_path: Path, log: AnswerLog) -> None:
    # `EXPLAINER_REVIEW_TOKEN=` is unset: fine on loopback, refused off it.
    assert create_app(settings(tmp_path, review_token=""), answer_log=log)
    with pytest.raises(ReviewConfigError, match="without a token"):
        create_app(settings(tmp_path, review_token="", review_host="0.0.0.0"), answer_log=log)


def test_serve_refuses_a_short_token_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("EXPLAINER_REVIEW_TOKEN", "abc")
    assert server.serve(port=0) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "too short (3 characters; at least 16)" in err
    assert "abc" not in err


@pytest.mark.parametrize(
    ("netloc", "allowed"),
    [
        ("127.0.0.1:8787", True),
        ("localhost:8787", True),
        ("LOCALHOST", True),
        ("[::1]:8787", True),
        ("evil.example:8787", False),
        ("127.0.0.1.evil.example", False),
        ("", False),
    ],
)
def test_the_default_allowlist_is_the_loopback_names(netloc: str, allowed: bool) -> None:
    hosts = BotSettings(_env_file=None).allowed_review_hosts()  # type: ignore[call-arg]
    assert host_allowed(netloc, hosts) is allowed


def test_allowlist_entries_with_a_port_match_that_port_only() -> None:
    assert split_host("[::1]:80") == ("::1", "80")
    assert host_allowed("review.example.org:443", ["review.example.org:443"])
    assert not host_allowed("review.example.org:8443", ["review.example.org:443"])
    assert host_allowed("review.example.org:8443", ["review.example.org"])


def test_a_rebinding_host_is_refused(tmp_path: Path, log: AnswerLog) -> None:
    client = client_for(tmp_path, log)
    assert client.get("/").status_code == 200
    rebound = client.get("/", headers={"Host": "attacker.example:8787"})
    assert rebound.status_code == 400
    assert "does not answer to that host name" in rebound.text
    assert client.get("/answers/a1", headers={"Host": "attacker.example"}).status_code == 400


def test_the_allowed_hosts_setting_replaces_the_default(
    tmp_path: Path, log: AnswerLog, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EXPLAINER_REVIEW_ALLOWED_HOSTS", "review.example.org, Other.Example")
    configured = BotSettings(_env_file=None, log_db=tmp_path / "answers.db")  # type: ignore[call-arg]
    assert configured.allowed_review_hosts() == ["review.example.org", "other.example"]
    client = TestClient(
        create_app(configured, answer_log=log), base_url="https://review.example.org"
    )
    assert client.get("/").status_code == 200
    assert client.get("/", headers={"Host": "127.0.0.1:8787"}).status_code == 400


def test_a_form_from_a_rebound_origin_is_refused_even_with_a_matching_host(
    tmp_path: Path, log: AnswerLog
) -> None:
    client = client_for(tmp_path, log)
    form = {"verdict": "correct", "csrf_token": csrf_of(client.get("/answers/a3").text)}
    # A rebinding page sends its own name as both Host and Origin: the Host check stops it, and
    # the Origin is compared with the allowlist, not with the Host it chose.
    for origin in ("http://attacker.example:8787", "null"):
        response = client.post("/answers/a3/verdict", data=form, headers={"Origin": origin})
        assert response.status_code == 403, origin
    assert log.get("a3").verdicts == []
    ok = client.post(
        "/answers/a3/verdict",
        data=form,
        headers={"Origin": "http://localhost:8787"},
        follow_redirects=False,
    )
    assert ok.status_code == 303


def test_the_access_log_never_holds_the_query_string(
    tmp_path: Path, log: AnswerLog, caplog: pytest.LogCaptureFixture
) -> None:
    client = client_for(tmp_path, log, review_host="0.0.0.0", review_token=TOKEN)
    with caplog.at_level(logging.INFO, logger="bot.review.access"):
        first = client.get(f"/answers/a1?token={TOKEN}&x=1", follow_redirects=False)
        assert first.status_code == 303 and TOKEN not in first.headers["location"]
        assert client.get("/answers/a1").status_code == 200  # the HttpOnly cookie
    assert "httponly" in first.headers["set-cookie"].lower()
    lines = [r.getMessage() for r in caplog.records if r.name == "bot.review.access"]
    assert any('"GET /answers/a1 HTTP/1.1" 303' in line for line in lines), lines
    assert all(TOKEN not in line and "?" not in line for line in lines)


def test_serve_turns_uvicorns_own_access_log_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn

    seen: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(kw))
    monkeypatch.setenv("EXPLAINER_LOG_DB", str(tmp_path / "answers.db"))
    assert server.serve(port=8799) == 0
    assert seen["access_log"] is False


def test_serve_with_a_corrupt_log_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "answers.db").write_bytes(b"garbage" * 200)
    monkeypatch.setenv("EXPLAINER_LOG_DB", str(tmp_path / "answers.db"))
    assert server.serve(port=0) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: answer log") and "not a database" in err


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("guild=100000000000000000000000", "server must be from 0 to"),
        ("guild=1e23", "server must be a number"),
        ("guild=²", "server must be a number"),
        ("channel=" + "9" * 5000, "channel must be from 0 to"),
        ("channel=-1", "channel must be a number"),
        ("until=9999-12-31", "out of range"),
        ("since=99999999d", "out of range"),
        ("limit=1000000000000", "limit must be from 1 to 500"),
        ("limit=0", "limit must be from 1 to 500"),
    ],
)
def test_out_of_range_filters_are_400_not_500(
    tmp_path: Path, log: AnswerLog, query: str, says: str
) -> None:
    response = client_for(tmp_path, log).get(f"/?{query}")
    assert response.status_code == 400
    assert says in response.text


def test_the_list_says_when_more_match_and_shows_unwritten_answers(
    tmp_path: Path, log: AnswerLog
) -> None:
    client = client_for(tmp_path, log)
    page = client.get("/?limit=2").text
    assert "Showing the newest 2; 3 more match." in page
    assert 'id="unwritten"' not in page
    log._record_unwritten(4, "answer log: disk I/O error")
    assert "4 answer(s) were sent but never written" in client.get("/").text


def test_the_form_records_reviewed_gold_and_the_expected_status(
    tmp_path: Path, log: AnswerLog
) -> None:
    client = client_for(tmp_path, log)
    form = {
        "verdict": "needs-fix",
        "expected_status": "answered",
        "gold": f"allegation: {MEETING}\n\n",
        "csrf_token": csrf_of(client.get("/answers/a3").text),
    }
    assert client.post("/answers/a3/verdict", data=form).status_code == 200
    verdict = log.get("a3").verdicts[-1]
    assert verdict.gold == [{"text": MEETING, "labels": ["allegation"]}]
    assert verdict.expected_status == "answered"
    assert f"gold: “{MEETING}” (allegation)" in client.get("/answers/a3").text
    wrong = {**form, "gold": "words the article never had"}
    assert client.post("/answers/a3/verdict", data=wrong).status_code == 400
    unknown = {**form, "gold": "", "expected_status": "great"}
    assert client.post("/answers/a3/verdict", data=unknown).status_code == 400
