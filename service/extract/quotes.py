"""Quoted stretches of a sentence („…”, "…", «…»), as token index pairs."""
from __future__ import annotations

OPEN = {"„", "«", "‚", "“"}
CLOSE = {"”", "»", "’", "“"}
ASCII = {'"', "'"}


def quote_spans(tokens) -> list:
    """[(open, close)] token indices; an unclosed quote runs to the sentence end (close = len)."""
    spans = []
    k = 0
    n = len(tokens)
    while k < n:
        t = tokens[k].text
        opening = t in OPEN or (t in ASCII and t == '"' and (tokens[k].space_before or k == 0)
                                and k + 1 < n and not tokens[k + 1].space_before)
        if t == "“" and k > 0 and not tokens[k].space_before:
            opening = False
        if not opening:
            k += 1
            continue
        j = k + 1
        while j < n:
            u = tokens[j].text
            if u in CLOSE or u in ASCII and u == '"':
                break
            if u in OPEN and u != "“":
                break
            j += 1
        if j < n and tokens[j].text in OPEN and tokens[j].text != "“":
            spans.append((k, j))
            k = j
            continue
        if j >= n:
            j = _unclosed_end(tokens, k, n)
        spans.append((k, j))
        k = j + 1
    return spans


def _unclosed_end(tokens, a, n):
    from .text import analyses

    for j in range(a + 2, n):
        t = tokens[j]
        if t.text == "," or any(x.pos in ("fin", "praet", "imps", "inf") for x in analyses(t.text)):
            return j
    return n


def inside(spans, i) -> bool:
    return any(a <= i <= b for a, b in spans)


def text_between(tokens, a, b) -> str:
    """Original text of tokens a..b-1 joined with their spacing."""
    out = []
    for k in range(a, min(b, len(tokens))):
        tok = tokens[k]
        if out and tok.space_before:
            out.append(" ")
        out.append(tok.text)
    return "".join(out)
