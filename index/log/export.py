"""The answer log's export formats: JSON lines, CSV, and evaluation cases (YAML)."""

from __future__ import annotations

import csv
import io
import json
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


def eval_yaml(rows: list[dict[str, Any]]) -> str:
    """Cases in the format of the dev question set; the answer's own quotes stand as gold."""
    parts = [
        "# Evaluation cases exported from the answer log. The gold passages are what the bot\n"
        "# quoted: correct them where the verdict says the answer was wrong before using them.\n"
    ]
    for row in rows:
        answer = row["answer"]
        case = {
            "id": f"log-{row['id']}",
            "question": row["question"],
            "status": row["status"],
            "gold": [{"text": q["text"], "labels": [q["label"]]} for q in answer["quotes"]],
        }
        comment = f"# answer {row['id']} logged {row['created_at']}; verdict: {row['verdict']}"
        if row["verdict_note"]:
            comment += f" — {row['verdict_note']}"
        dumped = yaml.safe_dump([case], allow_unicode=True, sort_keys=False, width=100)
        parts.append("\n" + " ".join(comment.splitlines()) + "\n" + dumped)
    return "".join(parts)
