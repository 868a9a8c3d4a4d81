"""Names of organisations: where they start and end in a sentence, and their base form.

A name starts at a capitalised head noun from org_heads.tsv (Ośrodek, Stowarzyszenie, Urząd…),
possibly after capitalised adjectives agreeing with it, or at a known abbreviation
(abbreviations.tsv). It goes on over agreeing adjectives, capitalised genitive complements,
function words that Polish names contain ("i", "ds.", "na rzecz", "o", "przy", "im.", "Nr"), a
quoted own name, and a closing "w/we + locality". It stops at a person's name once it has
complements, at a new body after "w" or after "i" when the new head agrees in case and number
with its own head (a list of bodies, not a name with a coordinated complement), and at anything
lower-case. In the base form only the head noun and its agreeing adjectives change case; the
complements, quoted names and "w + locative" stay as written.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from . import morph
from .lexicon import table, column_map
from .quotes import OPEN, CLOSE, ASCII
from .text import analyses, token_lemmas, is_dot_abbr


@dataclass
class OrgMention:
    start: int
    end: int
    name: str
    head: str
    cls: str
    cases: frozenset
    plural: bool = False
    abbreviation: str | None = None
    place: str | None = None
    bare: bool = False
    acronym: str | None = None
    complements: bool = False
    head_index: int = 0
    inner: list = field(default_factory=list)


@lru_cache(maxsize=1)
def heads() -> dict:
    return {row["lemma"]: row["class"] for row in table("org_heads")}


@lru_cache(maxsize=1)
def abbreviations() -> dict:
    return column_map("abbreviations", "abbreviation", "expansion")


@lru_cache(maxsize=1)
def _event_lemmas() -> frozenset:
    return frozenset(row["lemma"].split()[0] for row in table("event_kinds"))


def head_analyses(tok):
    if not tok.alpha:
        return []
    hs = heads()
    return [a for a in analyses(tok.text) if a.pos in ("subst", "depr") and a.lemma.lower() in hs]


def adj_analyses(tok):
    return [a for a in analyses(tok.text) if a.pos in ("adj", "ppas", "pact")]


def _agree(adjs, nouns):
    """Noun analyses compatible with every adjective analysis list in `adjs`."""
    out = []
    for n in nouns:
        ok = True
        for alist in adjs:
            if not any(a.case & n.case and a.num & n.num and _gend_match(a.gend, n.gend) for a in alist):
                ok = False
                break
        if ok:
            out.append(n)
    return out


def _gend_match(ag, ng):
    return bool(ag & ng) or not ag or not ng


def start_at(tokens, i, blocked=frozenset()):
    """(head index, compatible head analyses, adjective indices) if a name starts at i."""
    n = len(tokens)
    adjs = []
    j = i
    while j < n and j not in blocked:
        tok = tokens[j]
        if not tok.cap or not tok.alpha:
            return None
        ha = head_analyses(tok)
        if ha:
            agreeing = _agree([adj_analyses(tokens[a]) for a in adjs], ha)
            if agreeing:
                return j, agreeing, adjs
            return None
        aa = adj_analyses(tok)
        if not aa or len(adjs) >= 3:
            return None
        adjs.append(j)
        j += 1
    return None


def _closing_quote(tokens, k):
    n = len(tokens)
    j = k + 1
    while j < n and j < k + 15:
        u = tokens[j].text
        if u in CLOSE or u in ASCII:
            return j
        j += 1
    return None


def _is_gen(tok):
    an = analyses(tok.text)
    return not an or any(a.pos == "ign" for a in an) or any("gen" in a.case for a in an) or tok.acronym


def _oblique(tok):
    """Not only a nominative: a complement of a name (genitive, dative "Pomocy Rodzinie"…)."""
    an = analyses(tok.text)
    if not an or any(a.pos == "ign" for a in an) or tok.acronym:
        return True
    return any(a.case - {"nom", "voc"} for a in an if a.pos in ("subst", "depr", "adj", "num", "ger"))


def _geo(tok):
    return any("nazwa_geograficzna" in a.quals for a in analyses(tok.text))


def _genitive_person(tokens, a, b):
    if not any("imię" in x.quals and "gen" in x.case and "sg" in x.num for x in analyses(tokens[a].text)):
        return False
    return all(any("gen" in x.case for x in analyses(tokens[k].text)) or
               all(x.pos == "ign" for x in analyses(tokens[k].text)) for k in range(a, b) if tokens[k].alpha)


def _is_loc(tok):
    an = analyses(tok.text)
    return not an or any(a.pos == "ign" for a in an) or any("loc" in a.case for a in an)


def parse_at(tokens, i, person_starts=None, blocked=frozenset()):
    """An OrgMention starting at token i, or None."""
    person_starts = person_starts or {}
    n = len(tokens)
    tok = tokens[i]
    ab = abbreviations()
    acronym = None
    if tok.text in ab and i not in blocked:
        acronym = tok.text
        head_i, head_an, adjs = i, [], []
    else:
        st = start_at(tokens, i, blocked)
        if not st and tok.alpha and not tok.cap and i + 1 < n and tokens[i + 1].text in OPEN:
            ha = [a for a in head_analyses(tok) if heads().get(a.lemma.lower()) == "body"]
            if ha:
                st = (i, ha, [])
        if not st:
            return None
        head_i, head_an, adjs = st
    k = head_i + 1
    post_adjs = []
    if not acronym:
        building = any(heads().get(a.lemma.lower()) == "building" for a in head_an)
        while k < n and k not in blocked and tokens[k].alpha and (tokens[k].cap or building and k == head_i + 1):
            aa = adj_analyses(tokens[k])
            if not aa:
                break
            agreeing = _agree([aa], head_an)
            if not agreeing or head_analyses(tokens[k]) or k in person_starts:
                break
            head_an = agreeing
            post_adjs.append(k)
            k += 1
    end = k
    complements = False
    place = None
    abbr = None
    dropped = []
    while end < n and end not in blocked:
        t = tokens[end]
        low = t.lower
        if acronym and low not in ("w", "we"):
            break
        # quoted own name right after the name so far
        if t.text in OPEN or (t.text in ASCII and t.text == '"'):
            close = _closing_quote(tokens, end)
            if close is None:
                break
            end = close + 1
            complements = True
            continue
        # "(SCWEW)": the abbreviation of the name
        if t.text == "(" and end + 2 < n and tokens[end + 1].acronym and tokens[end + 2].text == ")":
            abbr = tokens[end + 1].text
            end += 3
            break
        if low in ("w", "we") and end + 1 < n and tokens[end + 1].cap and tokens[end + 1].alpha:
            if start_at(tokens, end + 1, blocked) or tokens[end + 1].text in ab or tokens[end + 1].acronym:
                break
            if not _geo(tokens[end + 1]) and _is_loc(tokens[end + 1]) and not all(
                    a.pos == "ign" for a in analyses(tokens[end + 1].text)):
                p = end + 1
                while p < n and tokens[p].alpha and tokens[p].cap and _is_loc(tokens[p]) and p not in person_starts:
                    p += 1
                end = p
                complements = True
                continue
            p = end + 1
            while p < n and p not in blocked and tokens[p].alpha and tokens[p].cap and _is_loc(tokens[p]) \
                    and p not in person_starts and p - end <= 3:
                p += 1
                if p + 1 < n and tokens[p].text in ("-", "–") and tokens[p + 1].cap:
                    p += 2
                if p < n and tokens[p].text == "." and is_dot_abbr(tokens[p - 1].lower):
                    p += 1
                    break
            if p == end + 1:
                break
            place = (end + 1, p)
            end = p
            break
        if end + 1 < n and tokens[end + 1].lower == "przy" and any(a.pos == "pact" for a in analyses(t.text)):
            inner = parse_at(tokens, end + 2, person_starts, blocked)
            if inner:
                skip_participle = end
                end = inner.end
                complements = True
                dropped.append(skip_participle)
            break
        if low in ("przy",) and end + 1 < n:
            st = start_at(tokens, end + 1, blocked)
            if st:
                inner = parse_at(tokens, end + 1, person_starts, blocked)
                if inner:
                    end = inner.end
                    complements = True
                    break
            break
        if low in ("ds", "ds.") and end + 1 < n:
            step = 2 if end + 1 < n and tokens[end + 1].text == "." else 1
            if end + step < n and tokens[end + step].alpha:
                end += step
                complements = True
                continue
            break
        if low in ("na", "o", "dla") and end + 1 < n:
            nxt = end + 1
            if tokens[nxt].lower == "rzecz" and nxt + 1 < n:
                nxt += 1
            if tokens[nxt].cap and tokens[nxt].alpha and not start_at(tokens, nxt, blocked):
                end = nxt
                complements = True
                continue
            break
        if low in ("nr",) and end + 1 < n:
            step = 2 if tokens[end + 1].text == "." else 1
            if end + step < n and tokens[end + step].text.isdigit():
                end += step + 1
                complements = True
                continue
            break
        if low == "im" and end + 2 < n and tokens[end + 1].text == ".":
            p = end + 2
            while p < n and tokens[p].cap and tokens[p].alpha and p - end < 6:
                p += 1
            end = p
            complements = True
            continue
        if low == "i" and end + 1 < n:
            nxt = end + 1
            if not (tokens[nxt].cap and tokens[nxt].alpha) or not (morph.known(tokens[nxt].text) or tokens[nxt].acronym):
                break
            if t.text == "I" and not tokens[nxt].acronym and not any(
                    "gen" in a.case or "dat" in a.case for a in analyses(tokens[nxt].text)):
                break
            st = start_at(tokens, nxt, blocked)
            if st and head_an:
                h2, an2, adj2 = st
                shared = any(a.case & b.case and a.num & b.num for a in head_an for b in an2)
                if shared and (adj2 or not complements):
                    break
            end = nxt
            complements = True
            continue
        if t.text == "," and end + 1 < n and complements:
            # "Rodziny, Pracy i Polityki Społecznej": a comma inside a coordinated complement
            p = end + 1
            ok = False
            while p < n and p - end < 8:
                u = tokens[p]
                if u.lower == "i" and p + 1 < n and tokens[p + 1].cap:
                    ok = True
                    break
                if not (u.cap and u.alpha) or head_analyses(u) or p in person_starts or start_at(tokens, p, blocked):
                    break
                p += 1
            if not ok:
                break
            end += 1
            continue
        if t.alpha and t.cap:
            if p_end := person_starts.get(end):
                if complements or acronym or not _genitive_person(tokens, end, p_end):
                    break
                end = p_end
                complements = True
                continue
            lems = token_lemmas(t.text)
            if lems & _event_lemmas() and not t.acronym:
                break
            if not _oblique(t):
                break
            if acronym:
                break
            end += 1
            complements = True
            continue
        if t.acronym and not acronym:
            end += 1
            complements = True
            continue
        break
    if acronym and not place:
        # an abbreviation stands alone unless a locality follows
        pass
    mention = _build(tokens, i, head_i, head_an, adjs, post_adjs, end, place, acronym, complements, dropped)
    if mention and abbr:
        mention.abbreviation = abbr
    return mention


def _build(tokens, i, head_i, head_an, adjs, post_adjs, end, place, acronym, complements, dropped=()):
    from .quotes import text_between

    if acronym:
        expansion = abbreviations()[acronym]
        rest = text_between(tokens, head_i + 1, end)
        name = expansion + (" " + _fix_rest(rest) if rest else "")
        pl = _place_name(tokens, place) if place else None
        return OrgMention(i, end, name, expansion.split()[-1].lower(), "body", frozenset(), False, acronym, pl,
                          bare=False, acronym=acronym, complements=bool(rest), head_index=head_i)
    sg = [a for a in head_an if "sg" in a.num]
    plural = not sg
    chosen = sg or head_an
    cases = frozenset().union(*(a.case for a in chosen)) if chosen else frozenset()
    head_lemma = chosen[0].lemma.lower()
    cls = heads().get(head_lemma, "body")
    gender = sorted(set().union(*(a.gend for a in chosen)) or {"m3"})[0]
    if "nom" in cases and not plural:
        phrase = text_between(tokens, i, head_i + 1 + len(post_adjs))
        phrase = phrase[0].upper() + phrase[1:]
    else:
        words = []
        for a in adjs:
            words.append(_adj_nom(tokens[a].text, gender))
        hl = chosen[0].lemma
        words.append(morph.match_case(hl, True))
        for a in post_adjs:
            words.append(_adj_nom(tokens[a].text, gender))
        phrase = " ".join(words)
    rest_start = head_i + 1 + len(post_adjs)
    rest = text_between(tokens, rest_start, end)
    if dropped:
        rest = " ".join(x for x in (text_between(tokens, rest_start, dropped[0]),
                                    text_between(tokens, dropped[0] + 1, end)) if x)
    # "Miasto Suwałki": a locality after a territorial head is an apposition in the nominative
    if cls == "territorial" and rest_start < end and tokens[rest_start].cap and "nom" not in cases:
        rest = " ".join(_geo_nom(tokens[k].text) for k in range(rest_start, end))
    name = phrase + (" " + _fix_rest(rest) if rest else "")
    pl = _place_name(tokens, place) if place else None
    bare = not adjs and not post_adjs and rest_start >= end
    return OrgMention(i, end, name, head_lemma, cls, cases, plural, None, pl, bare, None,
                      complements or bool(post_adjs) or bool(adjs), head_i)


def _fix_rest(rest: str) -> str:
    rest = re.sub(r"^W(?=\s)", "w", rest)
    rest = re.sub(r"\sW\s", " w ", rest)
    rest = re.sub(r"(\w)\s+[-–]\s+(\w)", r"\1-\2", rest)
    return rest


def _adj_nom(word: str, gender: str) -> str:
    if "-" in word:
        prefix, tail = word.rsplit("-", 1)
        return prefix + "-" + _adj_nom(tail, gender)
    for a in analyses(word):
        if a.pos in ("adj", "ppas", "pact"):
            form = morph.adj_form(a.lemma, "nom", gender)
            if form:
                return morph.match_case(form, word[:1].isupper())
    return word


def _geo_nom(word: str) -> str:
    for a in analyses(word):
        if "nazwa_geograficzna" in a.quals:
            return a.lemma
    return word


def _place_name(tokens, place) -> str | None:
    a, b = place
    words = [tokens[k] for k in range(a, b) if tokens[k].alpha]
    if not words:
        return None
    first = words[0]
    an = analyses(first.text)
    geo = [x for x in an if "nazwa_geograficzna" in x.quals and "loc" in x.case]
    if not geo:
        if all(x.pos == "ign" for x in an):
            return None
        return None
    g = min(geo, key=lambda x: len(x.lemma))
    out = [g.lemma]
    gender = sorted(g.gend)[0] if g.gend else "m3"
    for w in words[1:]:
        if w.text in ("-", "–"):
            continue
        wa = analyses(w.text)
        adj = [x for x in wa if x.pos == "adj"]
        geo2 = [x for x in wa if "loc" in x.case and x.pos == "subst"]
        if adj and not geo2:
            out.append(_adj_nom(w.text, gender))
        elif geo2:
            out.append(geo2[0].lemma)
        else:
            out.append(w.text)
    joiner = "-" if any(tokens[k].text in ("-", "–") for k in range(a, b)) else " "
    return joiner.join(out)


def find_orgs(tokens, person_spans=(), blocked=frozenset()):
    """All organisation mentions of a sentence, outermost first; nested ones in `.inner`."""
    person_starts = {p.start: p.end for p in person_spans}
    inside_person = set()
    for p in person_spans:
        inside_person.update(range(p.start + 1, p.end))
    found = []
    for i in range(len(tokens)):
        if i in blocked or i in inside_person:
            continue
        m = parse_at(tokens, i, person_starts, blocked)
        if m:
            found.append(m)
    outer = []
    for m in found:
        container = next((o for o in found if o is not m and o.start <= m.start and m.end <= o.end
                          and (o.end - o.start) > (m.end - m.start)), None)
        if container is None:
            outer.append(m)
    for o in outer:
        inner = [m for m in found if m is not o and o.start <= m.start and m.end <= o.end
                 and m.start > o.head_index]
        o.inner = [m for m in inner if not any(x is not m and x.start <= m.start and m.end <= x.end
                                               and (x.end - x.start) > (m.end - m.start) for x in inner)]
    return outer


def initials_match(abbr: str, name: str) -> bool:
    """Does `abbr` abbreviate `name` (each word giving its first one or two letters;
    lower-case function words and one leading word may be skipped)?"""
    words = [w for w in re.split(r"[\s,„”\"()-]+", name) if w and w[0].isalpha()]
    a = abbr.lower()
    if len(a) < 2:
        return False

    @lru_cache(maxsize=None)
    def go(ai, wi, skipped):
        if ai == len(a):
            return all(not w[0].isupper() for w in words[wi:]) or wi == len(words)
        if wi == len(words):
            return False
        w = words[wi].lower()
        for width in (1, 2):
            if a[ai:ai + width] == w[:width] and go(ai + width, wi + 1, skipped):
                return True
        if not words[wi][0].isupper() and go(ai, wi + 1, skipped):
            return True
        if wi == 0 and not skipped and go(ai, wi + 1, True):
            return True
        return False

    return go(0, 0, False)
