"""Validation closes its gaps: every problem is one `file:line: what is wrong`, including
decoding, wrong types, empty files and files that are not regular files inside the corpus."""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

import pytest

from index.corpus.files import Limits
from index.corpus.load import CorpusInvalid, load_corpus
from tests.support.core import SYNTHETIC_FACT, write_synthetic_corpus

CARD = "background/volcano-eruption.md"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return write_synthetic_corpus(tmp_path / "corpus")


def errors_of(directory: Path, **limits: int) -> list[str]:
    with pytest.raises(CorpusInvalid) as caught:
        load_corpus(directory, limits=Limits(**limits) if limits else None)
    return caught.value.errors


def only_error(directory: Path, **limits: int) -> str:
    errors = errors_of(directory, **limits)
    assert len(errors) == 1, errors
    return errors[0]


def line_of(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    (n,) = [i for i, line in enumerate(lines, 1) if needle in line]
    return n


def test_the_synthetic_corpus_loads(corpus: Path) -> None:
    assert load_corpus(corpus).facts


# -- decoding and file types ----------------------------------------------------------------------


def test_a_non_utf8_card_is_reported_at_its_line(corpus: Path) -> None:
    card = corpus / CARD
    card.write_bytes(card.read_bytes().replace(b"molten lava", b"molten \xe9lava"))
    line = (
        SYNTHETIC_FACT.splitlines().index("Volcanoes erupt molten lava, ash and sulphurous gas.")
        + 1
    )
    assert only_error(corpus) == (
        f"{CARD}:{line}: not UTF-8 text (byte 0xe9 at column 24); save the file as UTF-8"
    )


def test_a_non_utf8_article_is_reported_too(corpus: Path) -> None:
    article = corpus / "article.md"
    article.write_bytes(article.read_bytes().replace(b"Farmers", b"Farm\xffers"))
    (error,) = errors_of(corpus)
    assert error.startswith("article.md:10: not UTF-8 text (byte 0xff")


def test_a_byte_order_mark_and_crlf_line_endings_are_read(corpus: Path) -> None:
    article = corpus / "article.md"
    article.write_bytes(b"\xef\xbb\xbf" + article.read_bytes().replace(b"\n", b"\r\n"))
    assert load_corpus(corpus).article.title == "Orchard Notes"


def test_a_directory_named_like_a_card(corpus: Path) -> None:
    (corpus / "background" / "x.md").mkdir()
    assert only_error(corpus) == ("background/x.md:1: a directory, not a file the corpus can hold")


@pytest.mark.parametrize("name", ["article.md", CARD])
def test_an_empty_file(corpus: Path, name: str) -> None:
    (corpus / name).write_text("", encoding="utf-8")
    error = only_error(corpus)
    assert error.startswith(f"{name}:1: the file is empty"), error


def test_a_symlink_out_of_the_corpus_is_refused(corpus: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.md"
    outside.write_text(SYNTHETIC_FACT.replace("volcano-eruption", "elsewhere"), encoding="utf-8")
    (corpus / "background" / "elsewhere.md").symlink_to(outside)
    assert only_error(corpus) == (
        f"background/elsewhere.md:1: a symbolic link out of the corpus directory (to {outside}); "
        "copy the file in instead"
    )


def test_a_link_to_dev_zero_is_refused_without_reading_it(corpus: Path) -> None:
    (corpus / "background" / "zero.md").symlink_to("/dev/zero")
    assert only_error(corpus).startswith(
        "background/zero.md:1: a symbolic link out of the corpus directory (to /dev/zero)"
    )


def test_a_fifo_is_refused_without_hanging(corpus: Path) -> None:
    fifo = corpus / "background" / "pipe.md"
    os.mkfifo(fifo)
    result: list[str] = []
    worker = threading.Thread(target=lambda: result.extend(errors_of(corpus)), daemon=True)
    worker.start()
    worker.join(timeout=30)
    if worker.is_alive():  # unblock the reader before failing, or the run would hang
        with open(fifo, "w"):
            pass
        pytest.fail("reading a FIFO in the corpus hung")
    assert result == ["background/pipe.md:1: a FIFO (named pipe), not a file the corpus can hold"]


def test_a_symlink_inside_the_corpus_is_followed(corpus: Path, tmp_path: Path) -> None:
    (corpus / "shared").mkdir()
    (corpus / "background" / CARD.split("/")[1]).rename(corpus / "shared" / "card.md")
    (corpus / CARD).symlink_to(corpus / "shared" / "card.md")
    assert "volcano-eruption" in load_corpus(corpus).facts


def test_dotfiles_and_other_files_are_never_opened(corpus: Path) -> None:
    (corpus / "background" / ".#volcano-eruption.md").symlink_to("/nonexistent/lock")
    os.mkfifo(corpus / "background" / "notes.txt")
    (corpus / "README").write_bytes(b"\xff not text")
    assert set(load_corpus(corpus).files) == {"article.md", CARD}


# -- size limits ----------------------------------------------------------------------------------


def test_a_file_over_the_size_limit(corpus: Path) -> None:
    size = (corpus / CARD).stat().st_size
    error = only_error(corpus, max_file_bytes=size - 1)
    assert error == (
        f"{CARD}:1: {size} bytes, over the limit of {size - 1} per file "
        "(EXPLAINER_MAX_CORPUS_FILE_BYTES)"
    )


def test_a_corpus_over_the_total_limit(corpus: Path) -> None:
    article = (corpus / "article.md").stat().st_size
    error = only_error(corpus, max_corpus_bytes=article + 10)
    assert error.startswith(f"{CARD}:1: with this file the corpus reaches ")
    assert error.endswith(f"over the limit of {article + 10} (EXPLAINER_MAX_CORPUS_BYTES)")


def test_the_limits_are_settings(tmp_path: Path) -> None:
    from tests.support.core import make_settings

    settings = make_settings(tmp_path, max_corpus_file_bytes=5000, max_corpus_bytes=90000)
    assert Limits.from_settings(settings) == Limits(5000, 90000)


# -- types ----------------------------------------------------------------------------------------


def test_claims_that_are_a_number(corpus: Path) -> None:
    (corpus / "claims.yaml").write_text("# the claims\nclaims: 5\n", encoding="utf-8")
    assert only_error(corpus) == (
        "claims.yaml:2: 'claims' must be a list of claims (got the number 5)"
    )


def test_a_claims_file_that_is_a_list(corpus: Path) -> None:
    (corpus / "claims.yaml").write_text("- a\n- b\n", encoding="utf-8")
    assert only_error(corpus) == (
        "claims.yaml:1: expected a mapping with 'claims' and 'not_claims' (got a list)"
    )


def test_a_key_given_twice_is_an_error(corpus: Path) -> None:
    (corpus / "claims.yaml").write_text(
        'claims:\n  - id: pears\n    quote: "We are told that pears taste sweeter than apples."\n'
        '    label: allegation\n    label: established\n    note: "Hearsay."\n',
        encoding="utf-8",
    )
    assert "claims.yaml:5: key 'label' appears twice in the same mapping" in errors_of(corpus)


def test_thesis_is_true_or_false(corpus: Path) -> None:
    (corpus / "claims.yaml").write_text(
        'claims:\n  - id: pears\n    quote: "We are told that pears taste sweeter than apples."\n'
        '    label: allegation\n    note: "Hearsay."\n    thesis: "yes"\n',
        encoding="utf-8",
    )
    assert only_error(corpus) == (
        "claims.yaml:6: claim 'pears': thesis must be true or false (got text)"
    )
    (corpus / "claims.yaml").write_text(
        'claims:\n  - id: pears\n    quote: "We are told that pears taste sweeter than apples."\n'
        '    label: allegation\n    note: "Hearsay."\n    thesis: true\n',
        encoding="utf-8",
    )
    assert [c.thesis for c in load_corpus(corpus).claims] == [True]


def test_a_hash_that_yaml_reads_as_a_number(corpus: Path) -> None:
    article = corpus / "article.md"
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("date: 2024-01-01\n", "date: 2024-01-01\nbody_sha256: 0000\n"))
    body = text.split("\n---\n", 1)[1]
    actual = hashlib.sha256(body.encode()).hexdigest()
    assert only_error(corpus) == (
        "article.md:7: body_sha256 must be text in quotes, 64 hex digits (YAML read the number 0"
        f'); the body\'s sha256 is "{actual}"'
    )


def test_a_body_hash_mismatch_prints_the_hash_the_body_has(corpus: Path) -> None:
    article = corpus / "article.md"
    text = article.read_text(encoding="utf-8")
    wrong = "0" * 64
    article.write_text(
        text.replace("date: 2024-01-01\n", f'date: 2024-01-01\nbody_sha256: "{wrong}"\n')
    )
    actual = hashlib.sha256(text.split("\n---\n", 1)[1].encode()).hexdigest()
    error = only_error(corpus)
    assert error.startswith("article.md:9: the body no longer matches body_sha256")
    assert f"line 7 expects {wrong}, the body hashes to {actual}" in error
    assert f'set body_sha256: "{actual}"' in error


def test_front_matter_types(corpus: Path) -> None:
    article = corpus / "article.md"
    text = article.read_text(encoding="utf-8")
    article.write_text(
        text.replace("authors:\n  - Ann Author\n", "authors: Ann Author\n").replace(
            "date: 2024-01-01\n", "date: 2024\nautors: [x]\ncopies: {url: y}\n"
        ),
        encoding="utf-8",
    )
    assert errors_of(corpus) == [
        "article.md:6: front matter: unknown key 'autors' (did you mean authors?)",
        "article.md:3: 'authors' must be a list of names, one per line (got text)",
        'article.md:5: date must be text: write "2024" in quotes',
        "article.md:7: 'copies' must be a list of {publisher, url, date} (got a mapping)",
    ]


def test_card_errors_are_at_their_own_lines(corpus: Path) -> None:
    card = corpus / CARD
    card.write_text(
        SYNTHETIC_FACT.replace('date: "2020-05-01"', "date: 2020-13-45x")
        .replace("tags: [volcano]", "tags: volcano\nsorces: []")
        .replace('    date: "2020-05-02"', "    date: 2020"),
        encoding="utf-8",
    )
    assert errors_of(corpus) == [
        f"{CARD}:4: date must be YYYY-MM-DD, YYYY-MM or YYYY (got text)",
        f"{CARD}:5: tags must be a list of words",
        f"{CARD}:6: unknown key 'sorces' (did you mean sources?)",
        f'{CARD}:11: source 1: date must be text: write "2020" in quotes',
    ]


def test_a_card_without_a_statement(corpus: Path) -> None:
    card = corpus / CARD
    card.write_text(SYNTHETIC_FACT.split("---\nVolcanoes")[0] + "---\n\n", encoding="utf-8")
    line = card.read_text(encoding="utf-8").count("\n")
    assert only_error(corpus) == (
        f"{CARD}:{line}: the statement (text after the front matter) is empty"
    )
