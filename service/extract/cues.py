"""Matching cue phrases, given as lemmas, against a sentence's tokens."""
from __future__ import annotations

from functools import lru_cache

from .lexicon import table

MAX_GAP = 2


def match_phrase(tokens, pattern, k, max_gap=MAX_GAP):
    """End index (exclusive) if `pattern` (lemmas) matches starting at token k, else None."""
    if not pattern:
        return None
    first = tokens[k]
    if pattern[0] not in first.lemmas and pattern[0] != first.lower and pattern[0] != first.text:
        return None
    pos = k + 1
    for word in pattern[1:]:
        found = None
        for j in range(pos, min(pos + 1 + max_gap, len(tokens))):
            t = tokens[j]
            if word in t.lemmas or word == t.lower:
                found = j
                break
        if found is None:
            return None
        pos = found + 1
    return pos


_INDEXES: dict = {}


def _index(patterns):
    """Patterns by their first word, each list in the original (longest-first) order.
    Pattern tables are built once (lru_cache), so their identity is a stable key."""
    entry = _INDEXES.get(id(patterns))
    if entry is None or entry[0] is not patterns:
        idx = {}
        for order, (pattern, payload) in enumerate(patterns):
            idx.setdefault(pattern[0], []).append((order, pattern, payload))
        entry = (patterns, idx)
        _INDEXES[id(patterns)] = entry
    return entry[1]


@lru_cache(maxsize=200_000)
def _candidates(text, table_id):
    from .text import token_lemmas

    idx = _INDEXES[table_id][1]
    found = []
    for key in token_lemmas(text) | {text}:
        found.extend(idx.get(key, ()))
    found.sort(key=lambda x: x[0])
    return tuple((p, pl) for _, p, pl in found)


def candidates(tok, patterns):
    _index(patterns)
    return _candidates(tok.text, id(patterns))


def find_cues(tokens, patterns, blocked=frozenset()):
    """[(start, end, payload)] for every pattern match; longest pattern first at a position."""
    out = []
    taken = set()
    for k in range(len(tokens)):
        if k in blocked or k in taken:
            continue
        for pattern, payload in candidates(tokens[k], patterns):
            end = match_phrase(tokens, pattern, k)
            if end is not None:
                out.append((k, end, payload))
                taken.update(range(k, end))
                break
    return out


@lru_cache(maxsize=None)
def patterns(name: str, cue_col: str, *payload_cols: str):
    """Cue patterns of a table, longest first: ((lemma, …), payload)."""
    rows = []
    for row in table(name):
        pat = tuple(row[cue_col].lower().split())
        if not pat:
            continue
        payload = tuple(row[c] for c in payload_cols) if len(payload_cols) != 1 else row[payload_cols[0]]
        rows.append((pat, payload))
    rows.sort(key=lambda r: -len(r[0]))
    return tuple(rows)
