"""Status thresholds are stored per embedding model beside the corpus; settings override them."""

from __future__ import annotations

from pathlib import Path

from index.search.calibration import Thresholds, thresholds_for, write_calibration
from tests.support.core import make_settings, uncalibrated_corpus


def test_a_model_nobody_calibrated_gets_the_defaults(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, corpus_dir=uncalibrated_corpus(tmp_path))
    assert thresholds_for("some/model", settings) == Thresholds()


def test_the_fitted_values_are_read_for_their_own_model_only(tmp_path: Path) -> None:
    corpus = uncalibrated_corpus(tmp_path)
    fitted = Thresholds(0.8, 0.9, 0.03, 4.0, 0.01, 0.1)
    write_calibration(corpus, "model/a", fitted)
    settings = make_settings(tmp_path, corpus_dir=corpus)
    assert thresholds_for("model/a", settings) == fitted
    assert thresholds_for("model/b", settings) == Thresholds()


def test_a_setting_overrides_the_fitted_value(tmp_path: Path) -> None:
    corpus = uncalibrated_corpus(tmp_path)
    write_calibration(corpus, "model/a", Thresholds(0.8, 0.9, 0.03, 4.0))
    settings = make_settings(tmp_path, corpus_dir=corpus, article_min_score=0.5)
    limits = thresholds_for("model/a", settings)
    assert limits.article_min_score == 0.5 and limits.background_min_score == 0.9


def test_a_broken_calibration_file_falls_back_to_the_defaults(tmp_path: Path) -> None:
    corpus = uncalibrated_corpus(tmp_path)
    (corpus / "calibration.yaml").write_bytes(b"\xff\xfe not yaml: [")
    settings = make_settings(tmp_path, corpus_dir=corpus)
    assert thresholds_for("model/a", settings) == Thresholds()
