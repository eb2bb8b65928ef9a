"""`explainer logs` as an operator meets it: range errors in one line, capped and announced
limits, id prefixes, every subcommand in --help, --source, unwritten answers, reviewed exports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from bot.cli.app import app as root_app
from bot.cli.logs import COMMANDS, app
from index.answer.records import AskContext, LogRecord
from index.evaluate import evaluate, load_cases
from index.log.store import AnswerLog
from tests.support.records import ARTICLE_MD, DISSOLVE, MEETING, answer, fill, quote, record

runner = CliRunner()


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "data" / "answers.db"
    monkeypatch.setenv("EXPLAINER_LOG_DB", str(path))
    monkeypatch.setenv("EXPLAINER_CORPUS_DIR", str(tmp_path / "corpus"))
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "article.md").write_text(ARTICLE_MD, encoding="utf-8")
    with AnswerLog(path) as log:
        fill(log)
    return path


def run(*args: str, input: str | None = None):
    return runner.invoke(app, list(args), input=input)


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("list", "--guild", "1e23"), "--guild '1e23': must be a whole number from 0 to"),
        (("list", "--guild", "1" + "0" * 23), "--guild '1" + "0" * 23),
        (("list", "--channel", "-5"), "--channel '-5'"),
        (("list", "--guild", "²"), "--guild '²'"),
        (("list", "--guild", "9" * 5000), "--guild '9999"),
        (("list", "--until", "9999-12-31"), "date or time out of range: '9999-12-31'"),
        (("list", "--since", "1e17d"), "not a date or time: '1e17d'"),
        (("list", "--since", "100000000000000000d"), "not a date or time"),
        (("list", "--since", "99999999d"), "date or time out of range: '99999999d'"),
        (("list", "--limit", "1e23"), "--limit '1e23': must be a whole number from 1 to 10000"),
        (("list", "--limit", "20000"), "--limit '20000'"),
        (("list", "--limit", "0"), "--limit '0'"),
        (("export", "--limit", "1" + "0" * 23), "--limit"),
        (("export", "--guild", "99999999999999999999"), "--guild"),
        (("stats", "--until", "9999-12-31"), "out of range"),
        (("stats", "--source", "irc"), "--source 'irc': use one of discord, cli"),
        (("prune", "--older-than", "1e400", "--yes"), "--older-than '1e400'"),
        (("prune", "--older-than", "nan", "--yes"), "--older-than 'nan'"),
    ],
)
def test_out_of_range_values_are_one_line(db: Path, args: tuple[str, ...], says: str) -> None:
    result = run(*args)
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert says in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_list_says_when_it_stopped_at_the_limit(db: Path) -> None:
    result = run("list", "--limit", "2")
    assert result.exit_code == 0
    assert "showing the newest 2 of 5 matching answers" in result.stderr
    assert "showing" not in run("list").stderr  # all 5 fit under the default 50
    json_result = run("list", "--json", "--limit", "3")
    assert len(json.loads(json_result.stdout)) == 3  # stdout stays pure JSON
    assert "of 5" in json_result.stderr


def test_show_and_review_take_a_unique_id_prefix(db: Path) -> None:
    with AnswerLog(db) as log:
        log.write(record(answer("5f3a9c0e11d24b7a9d6f0c1e2b3a4d5e", "A long id?")))
        log.write(record(answer("5f3a9c0e99994b7a9d6f0c1e2b3a4d5e", "Another long id?")))
    shown = run("show", "5f3a9c0e11")
    assert shown.exit_code == 0, shown.output
    assert "A long id?" in shown.stdout
    ambiguous = run("show", "5f3a9c")
    assert ambiguous.exit_code == 1 and "start of several ids" in ambiguous.stderr
    assert "at least 6 characters" in run("show", "5f3a").stderr
    reviewed = run("review", "5f3a9c0e99", "--verdict", "correct")
    assert "on 5f3a9c0e99994b7a9d6f0c1e2b3a4d5e" in reviewed.stdout


def test_help_lists_every_subcommand() -> None:
    registered = {c.name for c in app.registered_commands}
    assert registered == set(COMMANDS)
    for text in (
        runner.invoke(app, ["--help"], env={"COLUMNS": "200"}).stdout,
        runner.invoke(root_app, ["--help"], env={"COLUMNS": "200"}).stdout,
    ):
        summary = " ".join(text.split())
        assert "list, show, review, export, stats, path, backup, prune" in summary


def test_stats_by_source(db: Path) -> None:
    with AnswerLog(db) as log:
        cold = answer("cli1", "Who arrested him?", total_ms=9000.0)
        log.write(LogRecord(answer=cold, context=AskContext(source="cli")))
    everything = json.loads(run("stats", "--json").stdout)
    discord = json.loads(run("stats", "--json", "--source", "discord").stdout)
    cli = json.loads(run("stats", "--json", "--source", "cli").stdout)
    assert (everything["total"], discord["total"], cli["total"]) == (6, 5, 1)
    assert discord["latency_p95_ms"] == 500.0 and cli["latency_p50_ms"] == 9000.0


def test_most_asked_does_not_group_by_stop_words(db: Path) -> None:
    with AnswerLog(db) as log:
        for n, question in enumerate(("What is the coup?", "What is the army?")):
            log.write(record(answer(f"s{n}", question)))
    groups = json.loads(run("stats", "--json").stdout)["top_questions"]
    assert not any({"What is the coup?", "What is the army?"} <= set(g["variants"]) for g in groups)


def test_stats_and_the_table_show_unwritten_answers(db: Path) -> None:
    with AnswerLog(db) as log:
        log._record_unwritten(7, "answer log: disk I/O error")
    assert json.loads(run("stats", "--json").stdout)["unwritten"] == 7
    assert "7 answer(s) sent but never logged" in " ".join(run("stats").stdout.split())


def eval_text(*args: str) -> str:
    result = run("export", "--as-eval", *args)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_as_eval_exports_only_what_a_reviewer_fixed(db: Path) -> None:
    # a1: needs-fix, 👎 "too vague"; a2: correct; a3: not reviewed.
    run("review", "a3", "--verdict", "incorrect", "--note", "should refuse")
    text = eval_text()
    cases = yaml.safe_load(text)
    assert [c["id"] for c in cases] == ["log-a2"]  # the one judged correct
    assert cases[0]["gold"] == [{"text": DISSOLVE, "labels": ["established"]}]
    assert "verdict: None" not in text and "verdict: unreviewed" in text
    assert "# TODO log-a1: no expected status" in text
    assert "# TODO log-a3: no expected status" in text
    assert "# 👎 too vague" in text and "should refuse" in text
    # The reviewer fixes a3: it should have been refused. Its exported case now fails the
    # answer the bot gave (answered), instead of enshrining it.
    assert run("review", "a3", "--verdict", "incorrect", "--expected-status", "answered",
               "--gold", "nonsense that is not in the article").exit_code == 1  # fmt: skip
    run("review", "a3", "--verdict", "incorrect", "--expected-status", "no_article_match")
    fixed = {c["id"]: c for c in yaml.safe_load(eval_text())}
    assert fixed["log-a3"] == {
        "id": "log-a3",
        "question": "Who won the World Cup?",
        "status": "no_article_match",
    }


def test_an_exported_fix_fails_the_wrong_answer(db: Path, tmp_path: Path) -> None:
    run("review", "a1", "--verdict", "incorrect", "--expected-status", "answered",
        "--gold", f"disputed: {DISSOLVE}")  # fmt: skip
    out = tmp_path / "cases.yaml"
    assert run("export", "--as-eval", "--verdict", "incorrect", "-o", str(out)).exit_code == 0
    [case] = load_cases([out])
    with AnswerLog(db) as log:
        logged = log.get("a1").answer  # it quoted MEETING, not the gold passage
    from index.corpus.article import parse_article

    class Tiny:  # evaluate() reads only `corpus.article.text`
        article = parse_article(ARTICLE_MD)

    report = evaluate([case], [logged], Tiny())  # type: ignore[arg-type]
    assert report.figures["gold_recall"] == 0.0
    assert any("missed gold" in f for f in report.failures)


def test_a_needs_fix_without_gold_is_a_todo_never_a_passing_case(db: Path) -> None:
    run("review", "a1", "--verdict", "needs-fix", "--expected-status", "answered")
    text = eval_text("--verdict", "needs-fix")
    assert yaml.safe_load(text) is None
    assert "# TODO log-a1: no reviewed gold" in text
    assert "--gold TEXT" in text
    assert quote(MEETING, "allegation").text in text  # still shown, commented, for reference
