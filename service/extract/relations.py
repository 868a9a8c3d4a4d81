"""Organisers, partners and patrons: the bodies (or posts) a cue word puts in that relation."""
from __future__ import annotations

from functools import lru_cache

from .cues import find_cues, patterns
from .lexicon import table

_LIST_WORDS = {",", "oraz", "i", "a", "także", ":", "–", "-", "wspólnie", "(", ")", "również", "m", ".", "in"}
_VERBS = ("fin", "praet", "imps")


def _interior(sm):
    out = set()
    for a, b in sm.quotes:
        out.update(range(a + 1, b))
    return frozenset(out)


def _gap_ok(tokens, a, b):
    gap = tokens[a:b]
    if all(t.lower in _LIST_WORDS for t in gap):
        return True
    return any("siedziba" in t.lemmas for t in gap) and not any(
        x.pos in _VERBS for t in gap for x in t.an)


def _orgs_in_order(sm):
    return sorted([o for o in sm.orgs if not o.plural and not o.bare and o.cls != "building"],
                  key=lambda o: o.start)


def _list_after(sm, pos, limit):
    """Bodies listed after token `pos` (up to `limit`)."""
    tokens = sm.sent.tokens
    out = []
    last_end = None
    for o in _orgs_in_order(sm):
        if o.start < pos or o.start >= limit:
            continue
        if last_end is None:
            gap = tokens[pos:o.start]
            if len(gap) > 8 or any(x.pos in _VERBS for t in gap for x in t.an if "być" not in t.lemmas):
                break
            out.append(o)
        elif _gap_ok(tokens, last_end, o.start):
            out.append(o)
        else:
            break
        last_end = o.end
    return out


def _list_before(sm, pos):
    tokens = sm.sent.tokens
    before = [o for o in _orgs_in_order(sm) if o.end <= pos]
    out = []
    nxt = pos
    for o in reversed(before):
        gap = tokens[o.end:nxt]
        if out and not _gap_ok(tokens, o.end, nxt):
            break
        if not out and (len(gap) > 4 or any(x.pos in _VERBS for t in gap for x in t.an)):
            break
        out.insert(0, o)
        nxt = o.start
    return out


def organisers_partners(sms):
    """([OrgMention organisers], [OrgMention partners])."""
    orgs, partners = [], []
    pats = patterns("relation_cues", "cue", "relation", "direction")
    for sm in sms:
        tokens = sm.sent.tokens
        cues = find_cues(tokens, pats, _interior(sm))
        for idx, (a, b, (relation, direction)) in enumerate(cues):
            limit = cues[idx + 1][0] if idx + 1 < len(cues) else len(tokens)
            found = []
            if direction in ("after", "either"):
                found = _list_after(sm, b, limit)
            if not found and direction in ("before", "either"):
                found = _list_before(sm, a)
            (orgs if relation == "organiser" else partners).extend(found)
    return orgs, partners


@lru_cache(maxsize=1)
def _patron_words():
    cue, kinds = set(), {}
    for row in table("patron_cues"):
        if row["kind"] == "cue":
            cue.add(row["word"])
        else:
            kinds[row["word"]] = row["kind"]
    return frozenset(cue), kinds


def patrons(sms):
    """[(kind, item)] where item is a PostMention or an OrgMention."""
    cue_words, kinds = _patron_words()
    out = []
    for sm in sms:
        tokens = sm.sent.tokens
        interior = _interior(sm)
        for k, t in enumerate(tokens):
            if k in interior or not (t.lemmas & cue_words):
                continue
            kind = "other"
            for j in range(max(0, k - 2), min(len(tokens), k + 3)):
                for lem in tokens[j].lemmas:
                    if lem in kinds:
                        kind = kinds[lem]
            items = _patron_items(sm, k)
            out.extend((kind, item) for item in items)
    return out


def _patron_items(sm, k):
    tokens = sm.sent.tokens
    posts = sorted(sm.posts, key=lambda p: p.start)
    orgs = _orgs_in_order(sm)
    owners = set()
    stop = len(tokens)
    # stop at a second verb after the list has begun ("…, zrealizowała Szkoła")
    started = False
    for j in range(k + 1, len(tokens)):
        if any(x.pos in _VERBS for x in tokens[j].an):
            if started:
                stop = j
                break
        if any(p.start == j for p in posts) or any(o.start == j for o in orgs):
            started = True
    used_orgs = {id(p.org) for p in posts if p.org is not None}
    items = []
    for p in posts:
        if k < p.start < stop:
            if p.owner is not None:
                if id(p.owner) in owners:
                    continue
                owners.add(id(p.owner))
            items.append((p.start, p))
    for o in orgs:
        if k < o.start < stop and id(o) not in used_orgs and not o.bare:
            if any(p.start <= o.start < p.end for p in posts):
                continue
            items.append((o.start, o))
    if items:
        return [it for _, it in sorted(items, key=lambda x: x[0])]
    # "X objął patronatem": the body before the cue
    before = [o for o in orgs if o.end <= k and not o.bare]
    if before:
        return [before[-1]]
    return []
