"""Extraction never crashes: junk gives ExtractionError or an (almost) empty record."""
from __future__ import annotations

import random

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from service.extract import ExtractionError, extract_text

from pathlib import Path

DEV = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus" / "dev"

SCHEMA_PATH = DEV.parent / "record.schema.json"


def _schema():
    import json

    if SCHEMA_PATH.exists():
        return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return None


def _check(record):
    schema = _schema()
    if schema is not None:
        jsonschema.validate(record, schema)


@pytest.mark.parametrize("text", [
    "",
    " \n\t ",
    "The annual meeting of the board was held in London on 3 May 2019. John Smith opened it.",
    "„" * 50 + "”" * 3,
    "W dniach 31-32.13.2020 r. odbyła się konferencja 99 lutego br.",
    "Pani Pani Pani dr dr prof. . . . , , ,",
    "XXXXXXXXXXXX Konferencja MOPS MOPS MOPS w w w Ośrodka Ośrodka",
    "\u202e\u200b\ufeff zażółć 🙂 \x07 \ud7ff",
    "1. 2. 3. • • • : : : – – –",
])
def test_junk_text(text):
    record = extract_text(text)
    _check(record)


def test_random_unicode_and_bytes_like():
    rng = random.Random(7)
    for _ in range(20):
        text = "".join(chr(rng.randrange(32, 0x2FFF)) for _ in range(rng.randrange(0, 400)))
        _check(extract_text(text))


def test_huge_text_refused_or_handled():
    text = ("Konferencja w Krakowie odbyła się 5 maja 2020 r. " * 120_000)[:5_000_000]
    with pytest.raises(ExtractionError, match="too long"):
        extract_text(text)


def test_bytes_input():
    with pytest.raises(ExtractionError):
        extract_text(b"\x00\xff\x00\xff")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.sampled_from(list("aąbcćdeęfghijklłmnńoóprsśtuwyzźż AĄBCĆDEĘŁMNŃOÓPRSŚTWZŹŻ.,:;–-„”\"()•\n0123456789~")),
               max_size=600))
def test_never_raises_anything_but_extraction_error(text):
    try:
        record = extract_text(text)
    except ExtractionError:
        return
    _check(record)


@settings(max_examples=40, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_unicode(text):
    try:
        record = extract_text(text)
    except ExtractionError:
        return
    _check(record)
