"""Numbers in reports: participant counts with their qualifier, and edition ordinals."""
from __future__ import annotations

import re
from functools import lru_cache

from .lexicon import table

_ROMAN = re.compile(r"^(?=[MDCLXVI])M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$")
_ROMAN_VAL = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}


def roman(text: str) -> int | None:
    if not text or not _ROMAN.match(text):
        return None
    total = 0
    for a, b in zip(text, text[1:] + " "):
        v = _ROMAN_VAL[a]
        total += -v if b != " " and _ROMAN_VAL.get(b, 0) > v else v
    return total or None


@lru_cache(maxsize=1)
def _words():
    out = {"noun": {}, "qualifier": {}, "number": {}, "adjective": {}}
    for row in table("count_words"):
        kind = row["type"]
        if kind in out:
            val = row["value"]
            out[kind][row["word"].lower()] = int(val) if kind != "qualifier" else val
    return out


@lru_cache(maxsize=1)
def _ordinals():
    out = {}
    for row in table("ordinals"):
        out[row["word"].lower()] = (row["type"], int(row["value"] or 0))
    return out


def _number(tokens, k):
    """(value, index after it) for a number at k: digits, a number word, or 'N-osobowy'."""
    tok = tokens[k]
    w = _words()
    if tok.text.isdigit():
        v = int(tok.text)
        if 1900 <= v <= 2100 or v == 0:
            return None
        if k + 1 < len(tokens) and tokens[k + 1].text in ("%", "-", ".", ",") and not tokens[k + 1].space_before:
            if tokens[k + 1].text == "-" and k + 2 < len(tokens) and "osobow" in tokens[k + 2].lower:
                return v, k + 3, True
            if tokens[k + 1].text != ".":
                return None
        return v, k + 1, False
    low = tok.lower
    for stem, v in w["adjective"].items():
        if low.startswith(stem + "osobow"):
            return v, k + 1, True
    for lem in tok.lemmas:
        if lem in w["number"]:
            return w["number"][lem], k + 1, False
    return None


def participants(doc) -> dict | None:
    """The first stated head count: {"count", "qualifier"}."""
    w = _words()
    best = None
    for sent in doc.sentences:
        toks = sent.tokens
        sent_lemmas = set()
        for t in toks:
            sent_lemmas |= t.lemmas
        has_people = any(w["noun"].get(lem) == 2 for lem in sent_lemmas)
        for k in range(len(toks)):
            got = _number(toks, k)
            if not got:
                continue
            value, after, adjectival = got
            # qualifier before
            qual = None
            j = k - 1
            while j >= 0 and toks[j].text in ("(", ":"):
                j -= 1
            if j >= 0:
                prev = toks[j].lower
                if prev == "." and j >= 1:
                    prev = toks[j - 1].lower + "."
                two = (toks[j - 1].lower + " " + prev) if j >= 1 else prev
                if two in w["qualifier"]:
                    qual = w["qualifier"][two]
                elif prev in w["qualifier"]:
                    qual = w["qualifier"][prev]
                elif toks[j].lemmas & set(w["qualifier"]):
                    qual = w["qualifier"][sorted(toks[j].lemmas & set(w["qualifier"]))[0]]
                if qual and prev in ("do",) and not (toks[j - 1].lower if j >= 1 else ""):
                    qual = None
            # noun after
            strength = 0
            n = after
            while n < len(toks) and toks[n].text in (")",):
                n += 1
            if adjectival:
                strength = 2
            elif n < len(toks):
                for lem in toks[n].lemmas:
                    strength = max(strength, w["noun"].get(lem, 0))
            if strength == 0 and qual and qual != "up_to" and has_people and (n >= len(toks) or not toks[n].alpha):
                strength = 1.5
            if strength == 0 or (strength == 1 and qual is None):
                continue
            if qual == "up_to" and strength < 2:
                continue
            cand = (-strength, sent.index, k, value, qual or "exact")
            if best is None or cand[0] < best[0]:
                best = cand
        if best is not None and best[0] <= -2:
            break
    if best is None:
        return None
    return {"count": best[3], "qualifier": best[4]}


def edition_before(tokens, k) -> int | None:
    """The edition number written before the event noun at k ("XXV Konferencja",
    "jubileuszowa X", "VII Ogólnopolski Zlot", "10. Forum", "Dziesiąta Konferencja")."""
    ords = _ordinals()
    j = k - 1
    steps = 0
    while j >= 0 and steps < 4:
        tok = tokens[j]
        val = roman(tok.text)
        if val and tok.text != "I" or (tok.text == "I" and j + 1 == k):
            return val
        if tok.text == "." and j >= 1 and tokens[j - 1].text.isdigit() and len(tokens[j - 1].text) <= 3:
            return int(tokens[j - 1].text)
        for lem in tok.lemmas:
            kind, v = ords.get(lem, (None, 0))
            if kind == "ordinal":
                return v
        if tok.text == "," or (tok.alpha and any(a.pos == "adj" for a in tok.an)):
            j -= 1
            steps += 1
            continue
        break
    # "10. edycja" / "dziesiąta edycja" after the noun is rare; not handled here
    return None
