"""Post titles ("dyrektor", "zastępca dyrektora", "Wojewoda Mazowiecki") and which person and
body each belongs to.

A post is found by the lemmas in post_titles.tsv. Its body is the organisation named right after
it (also after "w"), a territorial unit or ministry made from the genitive phrase or adjective
after it ("Prezydent Legionowa" -> "Miasto Legionowo"), a body pointed back to ("tego
departamentu"), or an unknown abbreviation resolved later. A post goes to the person right after
it ("Dyrektor PCPR w Koszalinie – Barbara Gębala"), else to the person before it in the same
clause ("Anna Wysocka, Kierownik Wydziału…", "…, która jako Dyrektor kieruje Wydziałem…").
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from .lexicon import table
from .orgs import parse_at, head_analyses, abbreviations, _adj_nom
from .quotes import text_between
from .text import analyses, token_lemmas


@dataclass
class PostMention:
    start: int
    end: int
    row: dict
    gender: set
    org: object = None          # OrgMention
    org_name: str | None = None  # a body made from the phrase (territorial, ministry, fixed)
    ref_head: str | None = None  # "tego departamentu": the head lemma to look back for
    ref_acronym: str | None = None
    phrase: str = ""            # the post as written, nominative title first ("Marszałek Województwa Podlaskiego")
    owner: object = None
    orgs2: list = field(default_factory=list)

    def title(self, gender=None) -> str:
        if gender == "f" or (gender is None and self.gender == {"f"}):
            return self.row["title_f"]
        return self.row["title_m"]


@lru_cache(maxsize=1)
def _rows():
    rows = []
    for row in table("post_titles"):
        rows.append((tuple(row["pattern"].lower().split()), row))
    rows.sort(key=lambda r: -len(r[0]))
    return rows


@lru_cache(maxsize=1)
def _aff():
    out = {}
    for row in table("affiliation_cues"):
        out.setdefault(row["type"], set()).add(row["cue"])
    return {k: frozenset(v) for k, v in out.items()}


def aff(kind) -> frozenset:
    return _aff().get(kind, frozenset())


@lru_cache(maxsize=1)
def _row_index():
    idx = {}
    for order, (pattern, row) in enumerate(_rows()):
        idx.setdefault(pattern[0], []).append((order, pattern, row))
    return idx


def _match(tokens, k):
    tok = tokens[k]
    if not tok.alpha:
        return None
    idx = _row_index()
    cands = []
    for key in tok.lemmas | {tok.lower}:
        cands.extend(idx.get(key, ()))
    cands.sort(key=lambda x: x[0])
    for _, pattern, row in cands:
        if k + len(pattern) > len(tokens):
            continue
        ok = True
        for m, word in enumerate(pattern):
            tok = tokens[k + m]
            if word not in token_lemmas(tok.text) and word != tok.lower:
                ok = False
                break
        if ok:
            return pattern, row
    return None


def _gender_of(tok):
    g = set()
    for a in analyses(tok.text):
        if a.pos in ("subst", "depr", "adj"):
            if "f" in a.gend:
                g.add("f")
            if a.gend & {"m1", "m2", "m3"}:
                g.add("m1")
    return g


def find_posts(tokens, orgs_by_start, person_starts, blocked=frozenset()):
    out = []
    n = len(tokens)
    k = 0
    while k < n:
        if k in blocked or not tokens[k].alpha:
            k += 1
            continue
        hit = _match(tokens, k)
        if not hit:
            k += 1
            continue
        pattern, row = hit
        end = k + len(pattern)
        post = PostMention(k, end, row, _gender_of(tokens[k]))
        org_from = row.get("org_from", "-")
        if org_from not in ("-", ""):
            at = k + int(org_from)
            org = parse_at(tokens, at, person_starts, blocked)
            if org:
                post.org = org
                end = org.end
        else:
            end = _attach_body(tokens, end, post, orgs_by_start, person_starts, blocked)
        if row.get("fixed_org") not in (None, "", "-") and not post.org and not post.org_name:
            post.org_name = row["fixed_org"]
        post.end = end
        post.phrase = _phrase(tokens, post)
        out.append(post)
        k = max(end, k + 1)
    return out


def _attach_body(tokens, end, post, orgs_by_start, person_starts, blocked):
    n = len(tokens)
    body = post.row.get("body", "-")
    j = end
    # "ds. społecznych i polityki rodzinnej w Kancelarii…": a lower-case scope, then the body
    if j < n and tokens[j].lower in ("ds",):
        p = j + 1
        while p < n and p - j < 8 and (tokens[p].text == "." or (tokens[p].alpha and tokens[p].text.islower()
                                                                 and tokens[p].lower not in ("w", "we"))):
            p += 1
        if p < n and tokens[p].lower in ("w", "we"):
            j = p
    if j < n and tokens[j].lower in ("w", "we") and j + 1 < n:
        q = j + 1
        while q < n and tokens[q].alpha and tokens[q].lemmas & aff("pronoun"):
            q += 1
        if q in orgs_by_start:
            org = orgs_by_start[q]
            if org.bare:
                post.ref_head = org.head
            else:
                post.org = org
            return org.end
        if q < n and tokens[q].acronym and q not in person_starts:
            post.ref_acronym = tokens[q].text
            return q + 1
        return end
    # pronoun + head noun: "tego departamentu", "naszego Stowarzyszenia"
    q = j
    while q < n and tokens[q].alpha and tokens[q].lemmas & aff("pronoun") and not tokens[q].cap:
        q += 1
    if q > j and q < n:
        ha = head_analyses(tokens[q])
        if ha:
            if tokens[j].lower.startswith("nasz"):
                return q + 1
            post.ref_head = ha[0].lemma.lower()
            return q + 1
        return end
    if j >= n:
        return end
    if j in orgs_by_start:
        org = orgs_by_start[j]
        if org.bare:
            if tokens[j].cap:
                post.ref_head = org.head
            else:
                post.ref_head = org.head
        else:
            post.org = org
        return org.end
    tok = tokens[j]
    # lower-case head noun alone: "prezes stowarzyszenia" points back
    if not tok.cap and tok.alpha:
        ha = head_analyses(tok)
        if ha and not (j + 1 < n and tokens[j + 1].alpha and not tokens[j + 1].cap
                       and any(a.pos == "adj" for a in analyses(tokens[j + 1].text))):
            post.ref_head = ha[0].lemma.lower()
            return j + 1
        return end
    if tok.acronym and j not in person_starts:
        if tok.text in abbreviations():
            return end
        post.ref_acronym = tok.text
        return j + 1
    if body in ("-", "") or j in person_starts or not tok.cap or not tok.alpha:
        return end
    if body == "Ministerstwo":
        p = j
        while p < n and p not in person_starts and not (p > j and (_match(tokens, p) or head_analyses(tokens[p]))) and (
                (tokens[p].alpha and tokens[p].cap and any("gen" in a.case for a in analyses(tokens[p].text)))
                or (tokens[p].lower == "i" and p + 1 < n and tokens[p + 1].cap)
                or (tokens[p].text == "," and p + 1 < n and tokens[p + 1].cap and p + 1 not in person_starts)):
            p += 1
        while p > j and not tokens[p - 1].alpha:
            p -= 1
        if p > j:
            post.org_name = body + " " + text_between(tokens, j, p)
            return p
        return end
    an = analyses(tok.text)
    if body in ("Województwo", "Powiat"):
        adj = [a for a in an if a.pos == "adj"]
        if adj:
            gender = "n" if body == "Województwo" else "m3"
            post.org_name = body + " " + _adj_nom(tok.text, gender)
            return j + 1
        return end
    if body in ("Miasto", "Gmina"):
        geo = [a for a in an if "nazwa_geograficzna" in a.quals and "gen" in a.case]
        if geo and not tok.acronym:
            post.org_name = body + " " + geo[0].lemma
            return j + 1
    return end


def _phrase(tokens, post):
    """The post as the text names it, title in the nominative: "Marszałek Województwa Podlaskiego"."""
    first = tokens[post.start]
    words_end = post.end
    title_text = post.title()
    if first.cap:
        title_text = title_text[0].upper() + title_text[1:]
    rest = text_between(tokens, post.start + len(post.row["pattern"].split()), words_end)
    if post.row.get("org_from") not in ("-", "", None):
        rest = text_between(tokens, post.start + int(post.row["org_from"]) + 1, words_end)
    return (title_text + (" " + rest if rest else "")).strip()
