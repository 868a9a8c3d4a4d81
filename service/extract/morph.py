"""A thin, cached layer over morfeusz2 (SGJP): analysis and generation.

One Morfeusz instance per process. An analysis is reduced to a small tuple: lemma (homonym
marks such as ":Sm1" dropped), part of speech, and the sets of numbers, cases and genders its
tag allows, plus the name qualifiers (imię, nazwisko, nazwa_geograficzna…).
"""
from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

import morfeusz2

CASES = ("nom", "gen", "dat", "acc", "inst", "loc", "voc")
GENDERS = ("m1", "m2", "m3", "f", "n")


class Analysis(NamedTuple):
    lemma: str
    pos: str
    num: frozenset
    case: frozenset
    gend: frozenset
    quals: frozenset


_MORF = None


def _morf():
    global _MORF
    if _MORF is None:
        _MORF = morfeusz2.Morfeusz(expand_tags=False)
    return _MORF


def _split(field: str) -> frozenset:
    return frozenset(field.split(".")) if field else frozenset()


def _parse(lemma: str, tag: str, quals) -> Analysis:
    parts = tag.split(":")
    pos = parts[0]
    num = case = gend = frozenset()
    if pos in ("subst", "depr", "adj", "ppas", "pact", "num", "ger", "ppron12", "ppron3"):
        if len(parts) > 1:
            num = _split(parts[1])
        if len(parts) > 2:
            case = _split(parts[2])
        if len(parts) > 3:
            gend = _split(parts[3])
    elif pos in ("praet", "fin", "impt", "bedzie", "winien"):
        if len(parts) > 1:
            num = _split(parts[1])
        if pos == "praet" and len(parts) > 2:
            gend = _split(parts[2])
    elif pos == "prep" and len(parts) > 1:
        case = _split(parts[1])
    base = lemma.split(":", 1)[0] if len(lemma) > 1 else lemma
    return Analysis(base, pos, num, case, gend, frozenset(quals or ()))


@lru_cache(maxsize=200_000)
def analyse(word: str) -> tuple[Analysis, ...]:
    """Analyses of one word (segments starting at its beginning)."""
    if not word:
        return ()
    try:
        result = _morf().analyse(word)
    except Exception:  # noqa: BLE001 - morfeusz raises on odd input; treat as unknown
        return (Analysis(word, "ign", frozenset(), frozenset(), frozenset(), frozenset()),)
    if not result:
        return ()
    last = max(r[1] for r in result)
    whole = [r for r in result if r[0] == 0 and r[1] == last]
    chosen = whole or [r for r in result if r[0] == 0]
    return tuple(_parse(r[2][1], r[2][2], r[2][3]) for r in chosen)


@lru_cache(maxsize=200_000)
def lemmas(word: str) -> frozenset:
    """Lower-cased lemmas of a word, and the word itself lower-cased."""
    out = {word.lower()}
    for a in analyse(word):
        if a.pos != "ign":
            out.add(a.lemma.lower())
    return frozenset(out)


def known(word: str) -> bool:
    return any(a.pos != "ign" for a in analyse(word))


@lru_cache(maxsize=50_000)
def _generate(lemma: str) -> tuple:
    try:
        return tuple((g[0], g[2]) for g in _morf().generate(lemma))
    except Exception:  # noqa: BLE001
        return ()


@lru_cache(maxsize=100_000)
def adj_form(lemma: str, case: str, gender: str, number: str = "sg") -> str | None:
    """The form of adjective `lemma` in the given case, gender and number."""
    for form, tag in _generate(lemma):
        parts = tag.split(":")
        if parts[0] not in ("adj", "ppas", "pact") or len(parts) < 4:
            continue
        if number in parts[1].split(".") and case in parts[2].split(".") and gender in parts[3].split("."):
            if parts[0] == "adj" and len(parts) > 4 and parts[4] != "pos":
                continue
            return form
    return None


@lru_cache(maxsize=100_000)
def noun_form(lemma: str, case: str, number: str = "sg") -> str | None:
    """The form of noun `lemma` in the given case and number."""
    for form, tag in _generate(lemma):
        parts = tag.split(":")
        if parts[0] != "subst" or len(parts) < 3:
            continue
        if number in parts[1].split(".") and case in parts[2].split("."):
            return form
    return None


def match_case(word: str, upper_first: bool) -> str:
    if upper_first and word:
        return word[0].upper() + word[1:]
    return word
