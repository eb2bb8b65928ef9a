"""The status decision's thresholds, fitted per embedding model (`scripts/calibrate.py`).

Cosine scores mean different things for different models, so the thresholds live beside the
corpus in `calibration.yaml`, keyed by the model id the index records. The file is part of the
corpus snapshot: the engine serves the thresholds of the live version (a changed file is served
after `explainer reindex`, like any other corpus change). A setting given in the
environment overrides the fitted value; a model nobody calibrated gets the defaults below.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

import yaml

from index.answer.beyond import Beyond
from index.search.adapter import QueryAdapter
from index.settings import Settings

log = logging.getLogger(__name__)
CALIBRATION_FILE = "calibration.yaml"


@dataclass(frozen=True)
class Thresholds:
    article_min_score: float = 0.38  # cosine below which the article is not relevant
    background_min_score: float = 0.45  # cosine below which a fact card is not shown
    no_article_margin: float = 0.155  # how far the background must beat the article
    lexical_min_score: float = 3.0  # a BM25 score that counts as relevant whatever the cosine
    # What a rare name of the article in the question adds to the article's cosine.
    named_bonus: float = 0.0
    # How far a question must be closer to an intent's examples than to any passage or card to
    # be taken as a question about the article itself (2.0: never, only wordless ones are).
    intent_margin: float = 2.0
    # The nearest curated question (question against question): at least `ask_min_score` puts a
    # question on the corpus's topic whatever the passages score; below `ask_floor` it is off
    # topic whatever they score (defaults: neither applies).
    ask_min_score: float = 2.0
    ask_floor: float = -1.0
    # What a name the corpus never mentions takes off every cosine of the scope decision.
    foreign_penalty: float = 0.0
    # How far a question must be closer to a curated off-topic question (`off_topic.yaml`) than
    # to every curated ask to be off topic whatever the passages score (2.0: never).
    off_topic_margin: float = 2.0
    # The passage re-ranker's weights, (feature, weight) pairs (`index/answer/rerank.py`,
    # fitted by scripts/fit_rerank.py); none: the fused order.
    rerank: tuple[tuple[str, float], ...] = ()
    # Whether a question asks beyond the article, from its vector (`index/answer/beyond.py`,
    # fitted by scripts/fit_beyond.py); none: the decision runs without it.
    beyond: Beyond | None = None
    # The query adapter of the article's passages (`index/search/adapter.py`, fitted by
    # scripts/fit_adapter.py); none: the raw question vector.
    adapter: QueryAdapter | None = None

    @property
    def rerank_weights(self) -> dict[str, float]:
        return dict(self.rerank)


# The thresholds proper: the float fields (what calibrate.py fits and settings may override).
NAMES = tuple(f.name for f in fields(Thresholds) if f.type == "float")
RERANK = "rerank"
BEYOND = "beyond"
ADAPTER = "adapter"


def read_calibration(corpus_dir: Path) -> dict[str, dict[str, Any]]:
    path = Path(corpus_dir) / CALIBRATION_FILE
    if not path.is_file():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        log.warning("ignoring %s: %s", path, exc)
        return {}
    return data if isinstance(data, dict) else {}


def thresholds_for(
    model_id: str | None,
    settings: Settings,
    calibration: Mapping[str, Mapping[str, Any]] | None = None,
) -> Thresholds:
    """The thresholds for `model_id`: fitted values from `calibration` (the served corpus
    snapshot's calibration.yaml; read from CORPUS_DIR when not given), then the settings."""
    table = read_calibration(settings.corpus_dir) if calibration is None else calibration
    fitted = table.get(str(model_id), {})
    values = {k: float(v) for k, v in fitted.items() if k in NAMES and isinstance(v, int | float)}
    weights = fitted.get(RERANK)
    rerank = (
        tuple(
            (str(k), float(v))
            for k, v in sorted(weights.items())
            if isinstance(v, int | float) and not isinstance(v, bool)
        )
        if isinstance(weights, Mapping)
        else ()
    )
    stored = fitted.get(BEYOND)
    beyond = Beyond.from_dict(stored) if isinstance(stored, Mapping) else None
    stored = fitted.get(ADAPTER)
    adapter = QueryAdapter.from_dict(stored) if isinstance(stored, Mapping) else None
    base = replace(Thresholds(), **values, rerank=rerank, beyond=beyond, adapter=adapter)
    given = {n: getattr(settings, n, None) for n in NAMES}
    overrides = {n: v for n, v in given.items() if v is not None}
    return replace(base, **overrides)


def write_calibration(corpus_dir: Path, model_id: str, thresholds: Thresholds) -> Path:
    """Store the fitted thresholds of `model_id` (its re-ranker weights stay as they are)."""
    return _update(corpus_dir, model_id, {n: round(getattr(thresholds, n), 4) for n in NAMES})


def write_rerank(corpus_dir: Path, model_id: str, weights: Mapping[str, float]) -> Path:
    """Store the re-ranker weights of `model_id` (its thresholds stay as they are)."""
    rounded = {k: round(float(v), 4) for k, v in sorted(weights.items())}
    return _update(corpus_dir, model_id, {RERANK: rounded})


def write_beyond(corpus_dir: Path, model_id: str, beyond: Beyond) -> Path:
    """Store the beyond-the-article model of `model_id` (its thresholds stay as they are)."""
    return _update(corpus_dir, model_id, {BEYOND: beyond.as_dict()})


def write_adapter(corpus_dir: Path, model_id: str, adapter: QueryAdapter) -> Path:
    """Store the query adapter of `model_id` (its thresholds stay as they are)."""
    return _update(corpus_dir, model_id, {ADAPTER: adapter.as_dict()})


def _update(corpus_dir: Path, model_id: str, changes: Mapping[str, Any]) -> Path:
    """Merge `changes` into `model_id`'s entry of the calibration file, keeping the rest."""
    data = read_calibration(corpus_dir)
    data[model_id] = {**(data.get(model_id) or {}), **changes}
    path = Path(corpus_dir) / CALIBRATION_FILE
    header = (
        "# Status thresholds per embedding model, fitted by scripts/calibrate.py, the passage\n"
        "# re-ranker's weights (`rerank`), fitted by scripts/fit_rerank.py, and the beyond-the-\n"
        "# article model (`beyond`), fitted by scripts/fit_beyond.py, and the query adapter\n"
        "# (`adapter`), fitted by scripts/fit_adapter.py, on the development sets only\n"
        "# (evals/heldout*.yaml are never fitted on).\n"
    )
    text = yaml.safe_dump(data, sort_keys=True, default_flow_style=None, width=100)
    path.write_text(header + text, encoding="utf-8")
    return path
