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


_PARTICIPLES = ("pact", "ppas")


def sentence_roles(sm, mentions):
    """[(mention, role)] for the person mentions of one sentence.

    A cue after the person counts when no other person stands between and either no cue
    precedes the person or a relative clause ("…, która omówiła") leads to it; otherwise the
    nearest cue before the person. Cues inside names of bodies, quotes and adjectival
    participles ("reprezentująca") do not count.
    """
    tokens = sm.sent.tokens
    blocked = set(_interior(sm))
    for o in sm.orgs:
        blocked.update(range(o.start, o.end))
    cues = find_cues(tokens, patterns("role_cues", "cue", "role"), frozenset(blocked))
    cues = [c for c in cues if not (c[1] - c[0] == 1 and tokens[c[0]].an and
                                    all(x.pos in _PARTICIPLES for x in tokens[c[0]].an))]
    if not cues:
        return []
    starts = sorted(m.start for m in mentions)
    out = []
    for m in mentions:
        hs = getattr(m, "hon_start", m.start)
        before = [c for c in cues if c[1] <= hs]
        after = [c for c in cues if c[0] >= m.end and not any(m.end <= s < c[0] for s in starts)]
        role = None
        if after:
            a = after[0]
            relative = any("który" in t.lemmas for t in tokens[m.end:a[0]])
            if not before or relative:
                role = a[2]
        if role is None and before:
            role = before[-1][2]
        if role is None and after:
            role = after[0][2]
        if role:
            out.append((m, role))
    return out
