"""Reading the model's reply: the schema, and what small models send instead of it."""

from __future__ import annotations

import json

import pytest

from index.llm.reply import ReplyError, parse_reply, reply_schema


def read(text: str) -> list[tuple[str, tuple[str, ...]]]:
    return [(s.text, s.cites) for s in parse_reply(text).sentences]


ONE = [("Kenna met Bobbio.", ("kenna-bobbio-meeting",))]


@pytest.mark.parametrize(
    "text",
    [
        '{"sentences": [{"text": "Kenna met Bobbio.", "cites": ["kenna-bobbio-meeting"]}]}',
        'Sure:\n```json\n{"sentences": [{"text": "Kenna met Bobbio.", '
        '"cites": ["kenna-bobbio-meeting"]}]}\n```',
        '{"sentences": [{"text": "Kenna met Bobbio.", "cites": ["kenna-bobbio-meeting"]}]]}]',
        '{"sentences": [{"text": "Kenna met Bobbio.", "cites": ["kenna-bobbio-meeting"],}],}',
        "{'sentences': [{'text': 'Kenna met Bobbio.', 'cites': ['kenna-bobbio-meeting']}]}",
        '[{"sentence": "Kenna met Bobbio.", "ids": "[claim:kenna-bobbio-meeting]"}]',
        '{"sentences": [{"text": "Kenna met Bobbio [kenna-bobbio-meeting].", "cites": []}]}',
        "Kenna met Bobbio. [kenna-bobbio-meeting]",
        "<think>which passage?</think>Kenna met Bobbio (kenna-bobbio-meeting).",
        '{"summary": "Kenna met Bobbio.", "points": [{"article": ["kenna-bobbio-meeting"]}]}',
    ],
)
def test_the_same_reply_in_every_shape_small_models_use(text):
    assert read(text) == ONE


def test_apostrophes_inside_single_quoted_strings_survive():
    text = "{'sentences': [{'text': 'Peru's congress voted.', 'cites': ['removal-vote']}]}"
    assert read(text) == [("Peru's congress voted.", ("removal-vote",))]


def test_the_articles_own_brackets_in_a_quotation_are_not_citations():
    text = (
        'He would "[establish] an exceptional emergency government." '
        "[dissolve-congress-announcement] The U.S. sent Kenna. [kenna-sent-before-election]"
    )
    assert read(text) == [
        (
            'He would "[establish] an exceptional emergency government."',
            ("dissolve-congress-announcement",),
        ),
        ("The U.S. sent Kenna.", ("kenna-sent-before-election",)),
    ]


def test_extra_fields_are_ignored():
    text = json.dumps(
        {
            "label": "established",
            "sentences": [
                {"text": "Kenna met Bobbio.", "cites": ["kenna-bobbio-meeting"], "label": "x"}
            ],
        }
    )
    assert read(text) == ONE


@pytest.mark.parametrize(
    "text, kind",
    [
        ("   ", "empty"),
        ('{"sentences": []}', "empty"),
        ("{]", "unparseable"),
        ("no json here", "unparseable"),
        ("Castillo was a teacher.", "unparseable"),
        ('{"answer": 42}', "unparseable"),
        ('{"sentences": [{"text": "The authors', "unparseable"),  # cut off: out of tokens
        ("I cannot help with that.", "refusal"),
    ],
)
def test_the_failure_is_named(text, kind):
    with pytest.raises(ReplyError) as caught:
        parse_reply(text)
    assert caught.value.kind == kind


def test_a_cut_off_reply_keeps_its_finished_cited_sentences():
    text = '{"sentences": [{"text": "Kenna met Bobbio.", "cites": ["kenna-bobbio-meeting"]}, {"te'
    assert read(text)[:1] == ONE


def test_the_schema_limits_citations_to_the_ids_shown():
    schema = reply_schema(["b-b", "a-a"])
    item = schema["properties"]["sentences"]["items"]
    assert item["properties"]["cites"]["items"] == {"type": "string", "enum": ["a-a", "b-b"]}
    assert item["required"] == ["text", "cites"] and schema["required"] == ["sentences"]
