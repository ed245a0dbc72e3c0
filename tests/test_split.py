"""Splitting into paragraphs and sentences, marking captions/bylines/datelines, and context."""

from __future__ import annotations

import re

import pytest
from conftest import CORPUS

from index import Document, context_for, load_corpus, split_document
from index.ingest.layout import detect_title, is_caption
from index.split.document import paragraph_spans, sentence_spans


@pytest.fixture(scope="module")
def real():
    docs = load_corpus(CORPUS)
    return {d.source_id: (d, split_document(d)) for d in docs}


def _kinds(sentences, kind):
    return [s.text for s in sentences if s.kind == kind]


def test_offsets_round_trip_on_the_real_corpus(real):
    for document, sentences in real.values():
        assert sentences
        spans = paragraph_spans(document.text)
        for position, s in enumerate(sentences):
            assert document.text[s.start:s.end] == s.text == s.text.strip()
            assert s.position == position
            p_start, p_end = spans[s.paragraph]
            assert p_start <= s.start < s.end <= p_end
        # every non-space character of the document is in exactly one sentence
        covered = "".join(s.text for s in sentences)
        assert re.sub(r"\s", "", covered) == re.sub(r"\s", "", document.text)


def test_captions_are_marked_and_kept(real):
    assert _kinds(real["001_d5340ec7e7a9bdb8"][1], "caption") == [
        ("This file photo, captured from footage from North Korea's state-run Korea Central Television on "
         "September 14, shows North Korean leader Kim Jong-un (left) and Russian President Vladimir Putin "
         "holding talks in Russia the previous day. (Yonhap)")
    ]
    assert _kinds(real["002_6dff4dd19ee322e5"][1], "caption") == [
        "Kim Jong Un and Vladimir Putin, Vladivostok, April 25, 2019. (File Photo KCNA)"
    ]
    captions_003 = _kinds(real["003_477e74e8c1529673"][1], "caption")
    assert captions_003[0].startswith("Russian President Vladimir Putin (2-R) greets North Korean leader")
    assert captions_003[-1].endswith("KREMLIN POOL MANDATORY CREDIT")


def test_body_paragraph_ending_with_an_agency_credit_is_not_a_caption(real):
    last = real["001_d5340ec7e7a9bdb8"][1][-1]
    assert last.kind == "body"
    assert last.text.endswith("military threats and oppression. (Yonhap)")  # the credit is not a sentence


def test_structure_of_the_pyongyang_times_article(real):
    sentences = real["002_6dff4dd19ee322e5"][1]
    assert [(s.kind, s.text) for s in sentences[:6]] == [
        ("title", "DPRK-Russia ties progress"),
        ("title", "One-year summit meeting anniversary of Kim Jong Un and Putin"),
        ("caption", "Kim Jong Un and Vladimir Putin, Vladivostok, April 25, 2019. (File Photo KCNA)"),
        ("byline", "By Kim Tae Ho"),
        ("byline", "Pyongyang Times"),
        ("body", "Friendship between the DPRK and Russia has seen a steady growth in recent years."),
    ]
    assert (sentences[-1].kind, sentences[-1].text) == ("dateline", "(Pyongyang Times - April 24, 2020)")


def test_dateline_stays_with_its_first_sentence(real):
    sentences = real["003_477e74e8c1529673"][1]
    (dateline,) = [s for s in sentences if s.kind == "dateline"]
    assert dateline.text.startswith("Seoul, Oct 12 (EFE).- North Korean leader Kim Jong-un")
    assert dateline.text.endswith("KCNA reported on Thursday.")
    assert sentences[-1].text.endswith("as the beginning of diplomatic ties. EFE")


def test_titles_are_marked_from_the_document(real):
    for document, sentences in real.values():
        titles = [s.text for s in sentences if s.kind == "title"]
        assert (titles[0] if titles else None) == document.title


def test_sentence_ids_are_stable_and_unique(real):
    document, sentences = real["000_0e7c1c881fb697f2"]
    again = split_document(document.model_copy())
    assert [s.id for s in again] == [s.id for s in sentences]
    all_ids = [s.id for _, ss in real.values() for s in ss]
    assert len(set(all_ids)) == len(all_ids)
    assert all(re.fullmatch(r"[0-9a-f]{16}", i) for i in all_ids)


@pytest.mark.parametrize(("paragraph", "expected"), [
    ("Kim met Putin. (Yonhap)", ["Kim met Putin. (Yonhap)"]),
    ("Kim met Putin on Oct. 12, 1948. They talked.", ["Kim met Putin on Oct. 12, 1948.", "They talked."]),
    ("N. Korea and Russia hold talks", ["N. Korea and Russia hold talks"]),
    ("SEOUL, Oct. 12, 2023 (Yonhap) -- Kim met Putin. They talked.",
     ["SEOUL, Oct. 12, 2023 (Yonhap) -- Kim met Putin.", "They talked."]),
])
def test_sentence_spans(paragraph, expected):
    assert [paragraph[a:b] for a, b in sentence_spans(paragraph)] == expected


@pytest.mark.parametrize(("text", "caption"), [
    ("Kim Jong Un and Vladimir Putin, Vladivostok, April 25, 2019. (File Photo KCNA)", True),
    ("Putin (R) shakes hands with Kim in Vostochny.", True),
    ("This photo shows Kim arriving in Vladivostok. (Yonhap)", True),
    ("Kim said the talks went well. (Yonhap)", False),
    ("The EPA said the file was lost.", False),
])
def test_is_caption(text, caption):
    assert is_caption(text) is caption


def test_detect_title():
    assert detect_title(["Photo of Kim (File Photo KCNA)", "Kim visits Russia", "Body."]) == "Kim visits Russia"
    assert detect_title(["Kim visited Russia on Monday, officials said."]) is None
    assert detect_title(["By Kim Tae Ho", "Body text."]) is None


def test_context_reads_the_running_text(real):
    _, sentences = real["001_d5340ec7e7a9bdb8"]
    he_said = next(i for i, s in enumerate(sentences) if s.text.startswith("He said the implementation"))
    context = context_for(sentences, he_said)
    assert context.startswith("In his message to Kim, Putin said the summit proved")
    assert sentences[he_said].text in context
    assert context_for(sentences, he_said, window=0) == sentences[he_said].text
    # the first body sentence does not borrow from the caption above it
    first_body = next(i for i, s in enumerate(sentences) if s.kind == "body")
    assert "file photo" not in context_for(sentences, first_body).lower()
    # a caption stands alone
    assert context_for(sentences, 0) == sentences[0].text


def test_context_stays_within_one_document(real):
    first, second = real["000_0e7c1c881fb697f2"][1], real["001_d5340ec7e7a9bdb8"][1]
    both = first + second
    boundary = len(first)
    # the last body sentence of 000 is followed by its byline ("Source: ...") and then by 001: neither is used
    assert context_for(both, boundary - 2) == f"{first[-3].text} {first[-2].text}"
    assert second[-1].text not in context_for(both, 0)


def test_a_one_sentence_dateline_paragraph():
    doc = Document(source_id="x", path="x.txt", sha256="0", text="Seoul, Oct 12 (EFE).- Kim met Putin.")
    (sentence,) = split_document(doc)
    assert (sentence.kind, sentence.text) == ("dateline", doc.text)
