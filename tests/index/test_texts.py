"""The answer texts load with their keys checked: tags told apart, one lead per label."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from index.texts import PROMPTS_DIR, TextsInvalid, load_texts


def prompts_with(tmp_path: Path, **sections: dict[str, str]) -> Path:
    target = tmp_path / "prompts"
    shutil.copytree(PROMPTS_DIR, target)
    path = target / "texts.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for name, changes in sections.items():
        data[name] = {**data[name], **changes}
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return target


def test_the_shipped_texts_have_a_tag_per_label_and_a_lead_per_curated_label() -> None:
    texts = load_texts()
    assert set(texts.tags) >= {"established", "disputed", "allegation", "opinion", "unreviewed"}
    assert texts.tag("allegation", "cue") != texts.tag("allegation", "curated")
    assert set(texts.leads) == {"established", "disputed", "allegation", "opinion", "card"}


def test_a_tag_containing_another_is_refused(tmp_path: Path) -> None:
    directory = prompts_with(tmp_path, tags={"allegation_cue": "🔴 **Allegation** (hedged)"})
    with pytest.raises(TextsInvalid, match="one tag equals or contains another"):
        load_texts(directory)


def test_two_labels_sharing_a_tag_are_refused(tmp_path: Path) -> None:
    directory = prompts_with(tmp_path, tags={"allegation": "🟢 **Established**"})
    with pytest.raises(TextsInvalid, match="one tag equals or contains another"):
        load_texts(directory)


def test_a_missing_lead_template_is_named(tmp_path: Path) -> None:
    target = prompts_with(tmp_path)
    path = target / "texts.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    del data["leads"]["disputed"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(TextsInvalid, match="leads: missing disputed"):
        load_texts(target)
