"""Themes of a report from cue lemmas (data/lexicon/themes.tsv), counted over the text."""
from __future__ import annotations

from .cues import find_cues, patterns

THRESHOLD = 2
MAX_THEMES = 4


def themes(sms):
    scores = {}
    pats = patterns("themes", "cue", "theme", "weight")
    for sm in sms:
        factor = 2 if sm.sent.is_title else 1
        blocked = set()
        for o in sm.orgs:
            blocked.update(range(o.start, o.end))
        for a, b, (theme, weight) in find_cues(sm.sent.tokens, pats, frozenset(blocked)):
            scores[theme] = scores.get(theme, 0) + float(weight or 1) * factor
    ranked = sorted((t for t, s in scores.items() if s >= THRESHOLD), key=lambda t: -scores[t])
    return ranked[:MAX_THEMES]
