"""Event dates in the ways Polish reports write them.

"21-23.09.2016 r.", "10-11.09.2018r.", "6.10.2017", "od 7 do 9 września 2015 r.", "13-15 czerwca
2024", "25 i 26 listopada br.", "30 września – 2 października 2019", "30.09-2.10.2019", and a bare
weekday ("we wtorek", "wtorkowa konferencja") counted back from the publication date. A missing
year comes from the publication date ("br." is its year); without one the date is unknown.
"""
from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from .lexicon import table


@lru_cache(maxsize=1)
def _months() -> dict:
    return {row["word"].lower(): int(row["month"]) for row in table("months")}


@lru_cache(maxsize=1)
def _weekdays() -> dict:
    return {row["word"].lower(): int(row["weekday"]) for row in table("weekdays")}


def month_number(word: str) -> int | None:
    from .text import token_lemmas

    low = word.lower()
    months = _months()
    if low in months:
        return months[low]
    for lem in token_lemmas(word):
        if lem in months:
            return months[lem]
    return None


@lru_cache(maxsize=1)
def _patterns():
    month = "|".join(sorted((re.escape(m) for m in _months()), key=len, reverse=True)) or "x^"
    M = rf"(?:{month})"
    Y = r"(?:\s*(\d{4})|\s+(b\.?\s?r\.?))?"
    sep = r"\s*(?:[-–—]|do|i|oraz)\s*"
    return [
        # 30.09-2.10.2019 / 30.09.2019 - 2.10.2019
        ("nn", re.compile(r"\b(\d{1,2})\.(\d{1,2})(?:\.(\d{4}))?\s*[-–—]\s*(\d{1,2})\.(\d{1,2})\.(\d{4})", re.I)),
        # 21-23.09.2016
        ("dn", re.compile(rf"\b(\d{{1,2}}){sep}(\d{{1,2}})\.(\d{{1,2}})\.(\d{{4}})", re.I)),
        # 6.10.2017
        ("sn", re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})", re.I)),
        # 30 września – 2 października 2019
        ("mm", re.compile(rf"\b(\d{{1,2}})\s+({M}){sep}(\d{{1,2}})\s+({M}){Y}", re.I)),
        # od 7 do 9 września 2015, 13-15 czerwca
        ("dm", re.compile(rf"\b(\d{{1,2}}){sep}(\d{{1,2}})\s+({M}){Y}", re.I)),
        # 26 kwietnia 2023
        ("sm", re.compile(rf"\b(\d{{1,2}})\s+({M}){Y}", re.I)),
    ]


def _year(y, br, published):
    if y:
        return int(y)
    if published:
        return int(published[:4])
    return None


def _iso(y, m, d):
    try:
        return dt.date(int(y), int(m), int(d)).isoformat()
    except (TypeError, ValueError):
        return None


def find_dates(text: str, published: str | None = None) -> list:
    """Every (position, start, end) date expression in `text`, with days."""
    found = []
    taken = []
    for kind, rx in _patterns():
        for m in rx.finditer(text):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            g = m.groups()
            start = end = None
            if kind == "nn":
                y2 = int(g[5])
                y1 = int(g[2]) if g[2] else y2
                start, end = _iso(y1, g[1], g[0]), _iso(y2, g[4], g[3])
            elif kind == "dn":
                start, end = _iso(g[3], g[2], g[0]), _iso(g[3], g[2], g[1])
            elif kind == "sn":
                start = end = _iso(g[2], g[1], g[0])
            elif kind == "mm":
                y = _year(g[4], g[5], published)
                if y:
                    m1, m2 = month_number(g[1]), month_number(g[3])
                    y1 = y - 1 if m1 and m2 and m1 > m2 else y
                    start, end = _iso(y1, m1, g[0]), _iso(y, m2, g[2])
            elif kind == "dm":
                y = _year(g[3], g[4], published)
                mo = month_number(g[2])
                if y and mo:
                    start, end = _iso(y, mo, g[0]), _iso(y, mo, g[1])
            elif kind == "sm":
                y = _year(g[2], g[3], published)
                mo = month_number(g[1])
                if y and mo:
                    start = end = _iso(y, mo, g[0])
            taken.append((m.start(), m.end()))
            if start and end and start <= end:
                if not (g and kind in ("mm", "dm", "sm") and not any(g[-2:])) or published:
                    found.append((m.start(), start, end, bool(kind in ("nn", "dn", "sn") or any(g[-2:]))))
            elif kind in ("mm", "dm", "sm") and not published:
                found.append((m.start(), None, None, False))
    found.sort()
    return found


def weekday_date(tokens, published: str | None) -> str | None:
    """A weekday named alone ("we wtorek", "wtorkowa") as the last such day up to publication."""
    if not published:
        return None
    days = _weekdays()
    for tok in tokens:
        for lem in tok.lemmas:
            if lem in days:
                try:
                    pub = dt.date.fromisoformat(published)
                except ValueError:
                    return None
                back = (pub.isoweekday() - days[lem]) % 7
                return (pub - dt.timedelta(days=back)).isoformat()
    return None


def event_dates(doc) -> tuple:
    """(start, end) of the reported event: the first dated expression of the body, else the
    title's, else a weekday counted back from the publication date."""
    body = [s for s in doc.sentences if not s.is_title]
    titles = [s for s in doc.sentences if s.is_title]
    for group in (body, titles):
        for sent in group:
            for _, start, end, _explicit in find_dates(sent.text, doc.published):
                return start, end
    for sent in body + titles:
        day = weekday_date(sent.tokens, doc.published)
        if day:
            return day, day
    return None, None
