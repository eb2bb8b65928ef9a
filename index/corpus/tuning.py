"""What a corpus carries for the engine's decisions rather than its content: the fitted
thresholds, re-ranker weights, beyond-the-article model and query adapter (`calibration.yaml`)
and the curated off-topic questions (`off_topic.yaml`), validated like the rest
(`file:line: what is wrong`)."""

from __future__ import annotations

from typing import Any

from index.corpus.files import CALIBRATION_FILE, OFF_TOPIC_FILE
from index.corpus.yamlines import Parsed, type_name


def one_line_questions(raw: object) -> tuple[str, ...] | None:
    """Curated example questions: a list of non-empty one-line strings (None when malformed)."""
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(a, str) and a.strip() for a in raw):
        return None
    if any("\n" in a.strip() for a in raw):
        return None
    return tuple(a.strip() for a in raw)


# -- calibration ----------------------------------------------------------------------------------


def load_calibration(
    parsed: Parsed | None, errors: list[str], strict: bool
) -> dict[str, dict[str, Any]]:
    from index.answer.beyond import Beyond
    from index.search.adapter import QueryAdapter
    from index.search.calibration import ADAPTER, BEYOND, NAMES, RERANK  # no cycle at import

    # The fitted models stored as mappings: how each is read, and what it must hold.
    models = {
        BEYOND: (
            Beyond.from_dict,
            "a number 'bias', 'min_score' and 'min_lead', and 'weights', a list of numbers",
        ),
        ADAPTER: (QueryAdapter.from_dict, "'u' and 'v', two matrices of the same shape"),
    }
    if parsed is None or parsed.data is None:
        return {}
    data = parsed.data
    where = CALIBRATION_FILE
    if not isinstance(data, dict):
        errors.append(
            f"{where}:{parsed.line()}: expected a mapping of embedding model ids to thresholds "
            f"(got {type_name(data)})"
        )
        return {}
    out: dict[str, dict[str, Any]] = {}
    for model, values in data.items():
        if not isinstance(values, dict):
            errors.append(
                f"{where}:{parsed.line(model)}: '{model}' must map threshold names to numbers"
            )
            continue
        good: dict[str, Any] = {}
        for name, value in values.items():
            line = parsed.line(model, name)
            if name == RERANK:
                weights = _rerank_weights(value, f"{where}:{line}", errors)
                if weights is not None:
                    good[RERANK] = weights
            elif name in models:
                read, shape = models[name]
                if isinstance(value, dict) and read(value) is not None:
                    good[name] = value
                else:
                    errors.append(f"{where}:{line}: '{name}' must hold {shape}")
            elif name not in NAMES:
                # A threshold a newer or older version of the code does not know: only a reindex
                # (strict) refuses it; a served snapshot ignores it.
                if strict:
                    errors.append(
                        f"{where}:{line}: unknown threshold '{name}' (known: {', '.join(NAMES)})"
                    )
            elif not isinstance(value, int | float) or isinstance(value, bool):
                errors.append(f"{where}:{line}: '{name}' must be a number (got {type_name(value)})")
            else:
                good[str(name)] = float(value)
        out[str(model)] = good
    return out


def _rerank_weights(value: object, where: str, errors: list[str]) -> dict[str, float] | None:
    """The re-ranker's weights: a mapping of feature names to numbers."""
    if not isinstance(value, dict) or not all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in value.values()
    ):
        errors.append(f"{where}: 'rerank' must map feature names to numbers")
        return None
    return {str(k): float(v) for k, v in value.items()}


# -- off-topic examples ---------------------------------------------------------------------------


def load_off_topic(parsed: Parsed | None, errors: list[str]) -> tuple[str, ...]:
    """`off_topic.yaml`: `questions:`, a list of one-line questions the corpus does not answer."""
    if parsed is None or parsed.data is None:
        return ()
    data = parsed.data
    if not isinstance(data, dict) or set(data) != {"questions"}:
        errors.append(
            f"{OFF_TOPIC_FILE}:{parsed.line()}: expected one key, 'questions', "
            "a list of questions the corpus does not answer"
        )
        return ()
    questions = one_line_questions(data["questions"])
    if questions is None:
        errors.append(
            f"{OFF_TOPIC_FILE}:{parsed.line('questions')}: "
            "'questions' must be a list of one-line questions"
        )
        return ()
    return questions
