"""The answer log's export formats: JSON lines, CSV, and evaluation cases (YAML)."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any

import yaml


def to_jsonl(rows: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)


CSV_COLUMNS = [
    "id", "created_at", "question", "status", "mode", "source", "guild_id", "channel_id",
    "labels", "feedback_up", "feedback_down", "verdict", "verdict_note", "verification_passed",
    "verification_failures", "total_ms", "index_version", "embedding_model", "template_hash",
    "rendered",
]  # fmt: skip


def to_csv(rows: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        lists = {k: ";".join(row[k]) for k in ("labels", "verification_failures")}
        writer.writerow({**row, **lists})
    return buffer.getvalue()


# Statuses whose good answer quotes the article: a case with one of them needs reviewed gold.
QUOTING_STATUSES = ("answered",)
EVAL_HEADER = (
    "# Evaluation cases exported from the answer log (explainer logs export --as-eval).\n"
    "# Only answers a reviewer fixed or judged correct are cases: the gold is the reviewer's\n"
    "# (explainer logs review ID --gold TEXT), or the answer's own quotes when the verdict is\n"
    "# `correct`; the status is the one the reviewer expects. The other answers are below as\n"
    "# commented TODOs, never as passing cases.\n"
)


@dataclass
class EvalExport:
    text: str
    cases: int
    todos: int


def _case_for(row: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    """The case for a logged answer, and why it is only a TODO (None when it is complete)."""
    verdict, answer = row.get("verdict"), row["answer"]
    reviewed_gold = row.get("verdict_gold")
    expected = row.get("verdict_expected_status")
    status = expected or (row["status"] if verdict == "correct" else None)
    if reviewed_gold:
        gold = [{"text": g["text"], "labels": list(g.get("labels") or [])} for g in reviewed_gold]
    elif verdict == "correct":
        gold = [{"text": q["text"], "labels": [q["label"]]} for q in answer["quotes"]]
    else:
        gold = []
    case = {"id": f"log-{row['id']}", "question": row["question"], "status": status or "TODO"}
    if gold:
        case["gold"] = gold
    fix = f"explainer logs review {row['id']} --verdict {verdict or 'needs-fix'}"
    if verdict is None:
        return case, f"unreviewed: {fix} --expected-status STATUS [--gold TEXT]"
    if status is None:
        return case, f"no expected status: {fix} --expected-status STATUS [--gold TEXT]"
    if status in QUOTING_STATUSES and not gold and verdict != "correct":
        return case, f"no reviewed gold: {fix} --expected-status {status} --gold TEXT"
    return case, None


def _comments(row: dict[str, Any]) -> list[str]:
    verdict = row.get("verdict") or "unreviewed"
    by = f" by {row['verdict_reviewer']}" if row.get("verdict_reviewer") else ""
    line = f"answer {row['id']} logged {row['created_at']}; it said {row['status']}; "
    line += f"verdict: {verdict}{by}"
    if row.get("verdict_note"):
        line += f" — {row['verdict_note']}"
    lines = [line]
    for item in row.get("feedback_reasons") or []:
        mark = "👎" if item["rating"] == "down" else "👍"
        lines.append(f"{mark} {item['reason']}")
    return ["# " + " ".join(text.split()) for text in lines]


def eval_export(rows: list[dict[str, Any]]) -> EvalExport:
    """Cases in the format of the dev question set, from reviewed answers only."""
    parts = [EVAL_HEADER]
    cases = todos = 0
    for row in rows:
        case, todo = _case_for(row)
        dumped = yaml.safe_dump([case], allow_unicode=True, sort_keys=False, width=100)
        block = _comments(row)
        if todo is None:
            cases += 1
            parts.append("\n" + "\n".join(block) + "\n" + dumped)
        else:
            todos += 1
            block += [
                "# it quoted: " + " ".join(f"{q['label']}: {q['text']}".split())
                for q in row["answer"]["quotes"]
            ]
            body = "".join(f"# {line}\n" if line else "#\n" for line in dumped.splitlines())
            parts.append(f"\n# TODO log-{row['id']}: {todo}\n" + "\n".join(block) + "\n" + body)
    return EvalExport("".join(parts), cases, todos)


def eval_yaml(rows: list[dict[str, Any]]) -> str:
    return eval_export(rows).text
