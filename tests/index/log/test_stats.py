"""Figures over the answer log: percentiles, near-duplicate grouping, the stats report."""

from __future__ import annotations

from pathlib import Path

from index.log.stats import group_questions, normalize_question, percentile
from index.log.store import AnswerLog
from tests.support.records import DAY2, DAY3, fill


def test_percentile_is_nearest_rank() -> None:
    values = [500.0, 100.0, 300.0, 200.0, 400.0]
    assert percentile(values, 50) == 300.0
    assert percentile(values, 95) == 500.0
    assert percentile([], 50) is None


def test_normalization_folds_case_accents_and_punctuation() -> None:
    assert normalize_question("  ¿Dónde está Avenida ESPAÑA?! ") == "donde esta avenida espana"


def test_near_duplicates_group_and_different_questions_do_not() -> None:
    groups = group_questions(
        [
            ("Who is Mariano Alvarado?", "answered"),
            ("who's Mariano Alvarado", "answered"),
            ("Who is Mariano Alvarado", "answered"),
            ("Who is the ambassador?", "answered"),
        ]
    )
    assert [(g.question, g.count) for g in groups] == [
        ("Who is Mariano Alvarado?", 3),
        ("Who is the ambassador?", 1),
    ]
    assert groups[0].variants == [
        "Who is Mariano Alvarado?",
        "Who is Mariano Alvarado",
        "who's Mariano Alvarado",
    ]


def test_with_an_embedder_groups_follow_vector_similarity() -> None:
    vectors = {
        "who arrested castillo": [1.0, 0.0],
        "by whom was the president detained": [0.95, 0.1],
        "what is the weather": [0.0, 1.0],
    }

    def embed(texts: list[str]) -> list[list[float]]:
        return [vectors[t] for t in texts]

    groups = group_questions(
        [
            ("Who arrested Castillo?", "answered"),
            ("By whom was the president detained?", "answered"),
            ("What is the weather?", "out_of_scope"),
        ],
        embed,
    )
    assert [g.count for g in groups] == [2, 1]
    assert groups[1].statuses == {"out_of_scope": 1}


def test_stats_report_the_logged_figures(tmp_path: Path) -> None:
    with AnswerLog(tmp_path / "a.db") as log:
        fill(log)
        stats = log.stats()
        assert stats.total == 5
        assert stats.per_day == [("2024-05-01", 1), ("2024-05-02", 2), ("2024-05-03", 2)]
        assert stats.statuses == {"answered": 4, "out_of_scope": 1}
        assert (stats.feedback_up, stats.feedback_down, stats.feedback_up_ratio) == (1, 1, 0.5)
        assert stats.verdicts == {"correct": 1, "needs-fix": 1}
        assert stats.unreviewed == 3
        assert stats.verification_failures == 1
        assert (stats.latency_p50_ms, stats.latency_p95_ms) == (300.0, 500.0)
        assert (stats.top_questions[0].question, stats.top_questions[0].count) == (
            "What did the president announce?",
            2,
        )
        assert [(g.question, g.count) for g in stats.coverage_gaps] == [
            ("Who won the World Cup?", 1)
        ]

        recent = log.stats(since=DAY3)
        assert recent.total == 2
        assert recent.coverage_gaps == []
        assert log.stats(since=DAY2, until=DAY3).statuses == {"answered": 1, "out_of_scope": 1}
