"""The event itself: kind, edition, title, name, places, venue, and its sub-events."""
from __future__ import annotations

from functools import lru_cache

from . import morph
from .counts import edition_before
from .cues import find_cues, patterns, match_phrase
from .lexicon import values
from .quotes import text_between
from .text import analyses


@lru_cache(maxsize=1)
def _kinds():
    return patterns("event_kinds", "lemma", "kind", "level")


def event_nouns(tokens, blocked=frozenset()):
    """[(start, end, kind, level)] event nouns of a sentence."""
    return [(a, b, p[0], p[1]) for a, b, p in find_cues(tokens, _kinds(), blocked)]


def main_kind(sms):
    """Kind and the (sentence, noun start) of the first main-level event noun (title first)."""
    ordered = [s for s in sms if s.sent.is_title] + [s for s in sms if not s.sent.is_title]
    for level in (("main",), ("both",)):
        for sm in ordered:
            for a, b, kind, lev in event_nouns(sm.sent.tokens, _interior(sm)):
                if lev in level:
                    return kind, sm, a, b
    return "other", None, None, None


def _interior(sm):
    out = set()
    for a, b in sm.quotes:
        out.update(range(a + 1, b))
    return frozenset(out)


def edition(sms, kind):
    ordered = [s for s in sms if s.sent.is_title] + [s for s in sms if not s.sent.is_title]
    for sm in ordered:
        for a, b, k, lev in event_nouns(sm.sent.tokens, _interior(sm)):
            if k == kind:
                e = edition_before(sm.sent.tokens, a)
                if e:
                    return e
    return None


@lru_cache(maxsize=1)
def _title_cues():
    return tuple((tuple(c.split()), c) for c in sorted(values("title_cues", "cue"), key=len, reverse=True))


def _quote_text(tokens, a, b):
    return text_between(tokens, a + 1, b).strip()


def _unclosed_end(tokens, a, b):
    """An unclosed quote ends before the first verb or comma after a few words."""
    for j in range(a + 2, b):
        t = tokens[j]
        if t.text == "," or any(x.pos in ("fin", "praet", "imps", "inf") for x in analyses(t.text)) and j > a + 2:
            return j
    return b


def quoted_title_near(sm, noun_start, noun_end, main_level=True):
    """The quoted title belonging to an event noun: right after it (maybe after a cue word)."""
    tokens = sm.sent.tokens
    for a, b in sm.quotes:
        if a < noun_end:
            continue
        gap = tokens[noun_end:a]
        if len(gap) > 4:
            break
        ok = not gap or all(_is_cue_word(t) or t.text in (".", ",") for t in gap) or _cue_in(gap)
        if ok:
            if b >= len(tokens):
                b = _unclosed_end(tokens, a, b)
            return _quote_text(tokens, a, b)
        break
    return None


def _is_cue_word(tok):
    for pat, _ in _title_cues():
        if len(pat) == 1 and (pat[0] == tok.lower or pat[0] in tok.lemmas or pat[0].rstrip(".") == tok.lower):
            return True
    return tok.lower in ("pod", "pt", "pn", "o", "nazwie", "hasłem")


def _cue_in(gap):
    for k in range(len(gap)):
        for pat, _ in _title_cues():
            words = pat
            if match_phrase(gap, tuple(w.rstrip(".") for w in words), k) is not None:
                return True
    return False


def main_title(sms, kind):
    """The quoted title or motto of the main event."""
    ordered = [s for s in sms if not s.sent.is_title] + [s for s in sms if s.sent.is_title]
    best = None
    for sm in ordered:
        tokens = sm.sent.tokens
        interior = _interior(sm)
        nouns = event_nouns(tokens, interior)
        for a, b, k, lev in nouns:
            if lev == "sub" or (k != kind and lev != "main"):
                continue
            t = quoted_title_near(sm, a, b)
            if t:
                return t
        # "Obrady dotyczyły tematu „…”", "któremu nadano nazwę „…”"
        for qa, qb in sm.quotes:
            before = tokens[max(0, qa - 3):qa]
            if before and _cue_in(before) and not any(lev == "sub" for _, _, _, lev in nouns):
                if any(lev in ("main",) or k == kind for _, _, k, lev in nouns) or \
                        any("obrady" in t.lemmas for t in tokens):
                    if best is None:
                        end = qb if qb < len(tokens) else _unclosed_end(tokens, qa, qb)
                        best = _quote_text(tokens, qa, end)
    if best:
        return best
    # the title line: "„X” – konferencja…", "Konferencja „X”"
    for sm in sms:
        if not sm.sent.is_title:
            continue
        nouns = event_nouns(sm.sent.tokens, _interior(sm))
        if nouns and sm.quotes:
            qa, qb = sm.quotes[0]
            if qb < len(sm.sent.tokens):
                return _quote_text(sm.sent.tokens, qa, qb)
    return None


def event_name(sm, a, b, kind_title, edition_no):
    """"XXV Konferencja Stowarzyszenia …" or "Konferencja „title”"."""
    if sm is None:
        return None
    tokens = sm.sent.tokens
    start = a
    while start > 0 and (tokens[start - 1].cap and tokens[start - 1].alpha or
                         (tokens[start - 1].text.isupper() and tokens[start - 1].alpha)):
        an = analyses(tokens[start - 1].text)
        if not any(x.pos == "adj" for x in an) and not tokens[start - 1].text.isupper():
            break
        start -= 1
    end = b
    n = len(tokens)
    while end < n and tokens[end].alpha and (tokens[end].cap or tokens[end].lower in ("i",)) \
            and end - b < 12:
        end += 1
    words = []
    for k in range(start, b):
        t = tokens[k]
        if k == b - 1 or any(x.pos == "adj" for x in analyses(t.text)):
            words.append(_nominative(t, tokens[a]))
        else:
            words.append(t.text)
    name = " ".join(words)
    if end > b:
        name += " " + text_between(tokens, b, end)
    elif kind_title:
        name += f" „{kind_title}”"
    return name[0].upper() + name[1:] if name else None


def _nominative(tok, head):
    an = analyses(tok.text)
    head_an = [x for x in analyses(head.text) if x.pos == "subst"]
    if not head_an:
        return tok.text
    h = head_an[0]
    if tok is head:
        if any("nom" in x.case and "sg" in x.num for x in head_an):
            return tok.text
        return morph.match_case(h.lemma, tok.cap)
    gender = sorted(h.gend)[0] if h.gend else "f"
    for x in an:
        if x.pos == "adj":
            if "nom" in x.case:
                return tok.text
            f = morph.adj_form(x.lemma, "nom", gender)
            if f:
                return morph.match_case(f, tok.cap)
    return tok.text


@lru_cache(maxsize=1)
def _place_cues():
    return tuple((tuple(c.lower().split()), c) for c in values("place_cues", "cue"))


@lru_cache(maxsize=1)
def _non_localities():
    return frozenset(v.lower() for v in values("non_localities", "name"))


def _locality(tok, case, nxt=None):
    if not tok.cap or not tok.alpha or tok.acronym:
        return None
    cands = [a for a in analyses(tok.text)
             if "nazwa_geograficzna" in a.quals and case in a.case and a.pos == "subst"]
    if not cands or any(a.lemma.lower() in _non_localities() for a in cands):
        return None
    if nxt is not None:
        adj = [x for x in analyses(nxt.text) if x.pos == "adj" and case in x.case]
        agreeing = [a for a in cands if any(a.gend & x.gend for x in adj)]
        cands = agreeing or cands
    return min(cands, key=lambda a: len(a.lemma))


def _place_phrase(tokens, k, case):
    """Locality name in the nominative starting at k ("Makowie Mazowieckim" -> "Maków Mazowiecki")."""
    a = _locality(tokens[k], case, tokens[k + 1] if k + 1 < len(tokens) and tokens[k + 1].cap else None)
    if not a:
        return None, k
    words = [a.lemma]
    gender = sorted(a.gend)[0] if a.gend else "m3"
    j = k + 1
    while j < len(tokens) and j - k < 3:
        t = tokens[j]
        if t.text in ("-", "–") and j + 1 < len(tokens) and tokens[j + 1].cap:
            nxt = [x for x in analyses(tokens[j + 1].text) if case in x.case]
            if nxt:
                words[-1] += "-" + nxt[0].lemma
                j += 2
                continue
            break
        if not (t.cap and t.alpha):
            break
        adj = [x for x in analyses(t.text) if x.pos == "adj" and case in x.case]
        if not adj:
            break
        f = morph.adj_form(adj[0].lemma, "nom", gender)
        if not f:
            break
        words.append(morph.match_case(f, True))
        j += 1
    return " ".join(words), j


def places(sms, kind, regs):
    """Localities where the event took place, nominative."""
    out = []
    for sm in sms:
        tokens = sm.sent.tokens
        interior = _interior(sm)
        cues = find_cues(tokens, _place_cues(), interior)
        if not sm.sent.is_title and not cues:
            continue
        nouns = event_nouns(tokens, interior)
        if not sm.sent.is_title and any(lev != "main" and k != kind for _, _, k, lev in nouns) and \
                not any(k == kind for _, _, k, lev in nouns):
            continue
        covered = set()
        for o in sm.orgs:
            if not o.bare:
                covered.update(range(o.start, o.end))
        for o in sm.orgs:
            prev = tokens[o.start - 1].lower if o.start > 0 else ""
            if o.place and not o.bare and (o.cls in ("building",) or (_near_cue(o, cues) and (
                    prev in ("w", "we", "na") or o.start == 0))):
                out.append(o.place)
        for k, t in enumerate(tokens):
            if k in covered or k in interior:
                continue
            if t.lower in ("w", "we") and k + 1 < len(tokens) and k + 1 not in covered:
                name, _ = _place_phrase(tokens, k + 1, "loc")
                if name:
                    out.append(name)
            elif cues and _locality(t, "nom") and not any(c[0] <= k < c[1] for c in cues) and \
                    any(abs(c[0] - k) <= 1 or abs(c[1] - 1 - k) <= 1 for c in cues):
                name, _ = _place_phrase(tokens, k, "nom")
                if name:
                    out.append(name)
    seen = []
    for p in out:
        if p not in seen:
            seen.append(p)
    return seen


def _near_cue(org, cues):
    return any(abs(c[0] - org.start) <= 6 or abs(org.end - c[0]) <= 6 for c in cues)


def venue(sms, kind):
    for sm in sms:
        tokens = sm.sent.tokens
        cues = find_cues(tokens, _place_cues(), _interior(sm))
        if not cues:
            continue
        for o in sm.orgs:
            if o.bare or o.plural:
                continue
            prev = tokens[o.start - 1].lower if o.start > 0 else ""
            if o.cls == "territorial":
                continue
            if (prev in ("w", "we", "na") and _near_cue(o, cues)) or o.cls == "building":
                return o
    return None


def sub_events(sms, kind):
    """Study visits, sessions, debates, trainings held within the event."""
    out = []
    for sm in sms:
        if sm.sent.is_title:
            continue
        tokens = sm.sent.tokens
        for a, b, k, lev in event_nouns(tokens, _interior(sm)):
            if lev != "sub" or k == kind:
                continue
            title = quoted_title_near(sm, a, b, main_level=False)
            # the noun phrase: noun with the adjectives after it
            end = b
            while end < len(tokens) and tokens[end].alpha and not tokens[end].cap and \
                    any(x.pos == "adj" for x in analyses(tokens[end].text)) and end - b < 2:
                end += 1
            head = _nominative(tokens[a], tokens[a]).lower()
            words = [head]
            for j in range(a + 1, end):
                words.append(_nominative(tokens[j], tokens[a]))
            name = " ".join(words)
            if title:
                name += f" „{title}”"
            out.append({"sm": sm, "start": a, "end": b, "kind": k, "name": name, "title": title})
    # one per name
    seen, uniq = set(), []
    for s in out:
        key = (s["kind"], s["title"] or s["name"])
        if key in seen:
            continue
        seen.add(key)
        uniq.append(s)
    return uniq
