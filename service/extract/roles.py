"""Contributions: what each named person did, from role cues (role_cues.tsv) in their sentence.

Each person mention takes the role of the nearest cue in its sentence; "attended" is dropped for
a person with any other role.
"""
from __future__ import annotations

from .cues import find_cues, patterns


def _interior(sm):
    out = set()
    for a, b in sm.quotes:
        out.update(range(a + 1, b))
    return frozenset(out)


def sentence_roles(sm, mentions):
    """[(mention, role)] for the person mentions of one sentence."""
    tokens = sm.sent.tokens
    cues = find_cues(tokens, patterns("role_cues", "cue", "role"), _interior(sm))
    if not cues:
        return []
    out = []
    for m in mentions:
        best = None
        for a, b, role in cues:
            if a >= m.start and a < m.end:
                continue
            if a >= m.end:
                d = a - m.end + 1
            else:
                d = m.hon_start - b + 1 if hasattr(m, "hon_start") else m.start - b + 1
                d = max(d, 0) - 0.5
            if best is None or d < best[0]:
                best = (d, role)
        if best:
            out.append((m, best[1]))
    return out
