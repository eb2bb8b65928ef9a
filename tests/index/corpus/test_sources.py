"""The domain list: a URL's kind is that of its longest matching entry."""

from __future__ import annotations

from index.corpus.sources import parse_source_table
from index.corpus.yamlines import parse

TABLE = """\
press:
  - example-times.com
  - wire.example
commentary:
  - example-times.com/opinion
mirror:
  - wikipedia.org
"""


def table():
    errors: list[str] = []
    parsed = parse_source_table(parse(TABLE), "sources.yaml", errors)
    assert errors == []
    return parsed


def test_domain_subdomain_and_www() -> None:
    kinds = table()
    assert kinds.kind_of("https://www.example-times.com/2024/story") == "press"
    assert kinds.kind_of("https://en.wikipedia.org/wiki/Page") == "mirror"
    assert kinds.kind_of("https://notwikipedia.org/wiki/Page") is None
    assert kinds.kind_of("https://wire.example.net/x") is None


def test_a_path_prefix_wins_over_the_domain() -> None:
    kinds = table()
    assert kinds.kind_of("https://example-times.com/opinion/a-column") == "commentary"
    assert kinds.kind_of("https://example-times.com/opinion") == "commentary"
    assert kinds.kind_of("https://example-times.com/opinions-poll") == "press"


def test_entries_are_checked() -> None:
    errors: list[str] = []
    parse_source_table(
        parse("press:\n  - example.org\n  - 5\n  - not a domain\nmirror:\n  - example.org\n"),
        "sources.yaml",
        errors,
    )
    assert errors == [
        "sources.yaml:3: a domain such as example.org or example.org/opinion, not the number 5",
        "sources.yaml:4: a domain such as example.org or example.org/opinion, not 'not a domain'",
        "sources.yaml:6: 'example.org' is already listed as press (line 2)",
    ]
