"""One sentence's mentions (people, organisations, posts, quotes) and who holds which post."""
from __future__ import annotations

from dataclasses import dataclass, field

from .orgs import find_orgs
from .people import find_people
from .posts import find_posts, aff
from .quotes import quote_spans


@dataclass
class Affiliation:
    person: object               # PersonMention
    post: object = None          # PostMention or None
    org: object = None           # OrgMention (when no post: "z Urzędu…", "reprezentująca…")


@dataclass
class SentenceMentions:
    sent: object
    quotes: list
    people: list
    orgs: list
    all_orgs: list
    posts: list
    affiliations: list = field(default_factory=list)


_SEP = {",", "–", "-", "—", "(", ":"}
_VERBS = ("fin", "praet", "impt", "inf", "imps", "pcon", "bedzie")


def analyse_sentence(sent) -> SentenceMentions:
    tokens = sent.tokens
    quotes = quote_spans(tokens)
    interior = set()
    for a, b in quotes:
        interior.update(range(a + 1, b))
    people = find_people(tokens, frozenset(interior))
    org_blocked = set(interior) | _title_interiors(tokens) | _event_acronyms(tokens, interior)
    orgs = find_orgs(tokens, people, frozenset(org_blocked))
    # people inside an organisation's name are not people of the report
    covered = set()
    for o in orgs:
        if not o.bare:
            covered.update(range(o.start, o.end))
    people = [p for p in people if p.start not in covered]
    all_orgs = []
    for o in orgs:
        all_orgs.append(o)
        all_orgs.extend(o.inner)
    by_start = {}
    for o in sorted(all_orgs, key=lambda o: -(o.end - o.start)):
        by_start.setdefault(o.start, o)
    org_interior = set()
    for o in orgs:
        org_interior.update(range(o.start + 1, o.end))
    person_starts = {p.start: p.end for p in people}
    posts = find_posts(tokens, by_start, person_starts, frozenset(interior | org_interior))
    sm = SentenceMentions(sent, quotes, people, orgs, all_orgs, posts)
    _associate(sm)
    return sm


def _title_interiors(tokens):
    """Words inside a multi-word post title ("Komendant Powiatowy Policji") start no body."""
    from .posts import _match

    out = set()
    for k in range(len(tokens)):
        hit = _match(tokens, k)
        if hit and len(hit[0]) > 1:
            frm = hit[1].get("org_from", "-")
            stop = k + (int(frm) if frm not in ("-", "") else len(hit[0]))
            out.update(range(k + 1, stop))
    return out


def _event_acronyms(tokens, interior):
    """"Forum PCPR i MOPR": abbreviations naming the event's audience, not a body."""
    from .events import event_nouns

    out = set()
    for a, b, kind, level in event_nouns(tokens, frozenset(interior)):
        j = b
        while j < len(tokens) and (tokens[j].acronym or tokens[j].lower == "i"):
            out.add(j)
            j += 1
    return out


def _associate(sm):
    tokens = sm.sent.tokens
    n = len(tokens)
    people = sorted(sm.people, key=lambda p: p.start)
    posts = sorted(sm.posts, key=lambda p: p.start)
    hon_start = {p.hon_start: p for p in people}
    starts = {p.start: p for p in people}
    # 1. a post right before a name (a dash may stand between): "Prezes Związku… Ludwik Węgrzyn"
    for post in posts:
        e = post.end
        if e < n and tokens[e].text in ("–", "-", "—"):
            e += 1
        p = hon_start.get(e) or starts.get(e)
        if p is None and e < n and tokens[e].text == ",":
            q = hon_start.get(e + 1) or starts.get(e + 1)
            # "Dyrektor Urzędu…, Małgorzata W., przedstawiła": a post opening the clause
            if q and (post.start == 0 or tokens[post.start - 1].text in (":", "•") or
                      tokens[post.start - 1].lower in ("oraz", "i")):
                p = q
        if p is not None:
            post.owner = p
    # a chain of posts before the same name: "wiceprzewodnicząca Komisji…, posłanka Paulina M."
    for k in range(len(posts) - 2, -1, -1):
        a, b = posts[k], posts[k + 1]
        if a.owner is None and b.owner is not None:
            gap = [t.text for t in tokens[a.end:b.start]]
            if gap in ([], [","], ["i"]) and (a.start == 0 or tokens[a.start - 1].text in (":", ",", "•")
                                               or tokens[a.start - 1].lower in ("oraz", "i", "natomiast")
                                               or gap == ["i"] or gap == []):
                a.owner = b.owner
    # 2. posts and bodies after a name, in its clause
    owned_starts = {post.start for post in posts if post.owner is not None}
    post_at = {post.start: post for post in posts}
    org_at = {}
    for o in sm.all_orgs:
        if o.start not in org_at or (o.end - o.start) > (org_at[o.start].end - org_at[o.start].start):
            org_at[o.start] = o
    for idx, person in enumerate(people):
        nxt = people[idx + 1].hon_start if idx + 1 < len(people) else n
        k = person.end
        pending = []
        last_post = None
        link = None
        while k < min(nxt, n):
            tok = tokens[k]
            if k in owned_starts:
                break
            if k in post_at:
                post = post_at[k]
                post.owner = person
                last_post = post
                k = max(post.end, k + 1)
                continue
            if k in org_at:
                o = org_at[k]
                if last_post is not None and last_post.org is None and last_post.org_name is None \
                        and last_post.ref_head is None and not o.bare:
                    last_post.org = o
                elif not o.bare and link in ("from", "represent", "glue"):
                    pending.append(o)
                elif o.bare and last_post is None and link in ("from", "glue"):
                    pending.append(o)
                k = o.end
                link = None
                continue
            low = tok.lower
            lems = tok.lemmas
            if low in ("z", "ze"):
                link = "from"
            elif lems & aff("represent"):
                link = "represent"
            elif lems & aff("glue") or tok.text in _SEP or tok.text in (")", "."):
                if tok.text not in _SEP:
                    link = link or "glue"
            elif any(a.pos in _VERBS for a in tok.an) and not lems & aff("glue"):
                break
            elif tok.text in (";",) or low in ("oraz", "a", "i"):
                break
            else:
                link = None
            k += 1
        for o in pending:
            if o.bare:
                continue
            sm.affiliations.append(Affiliation(person, None, o))
    # "w imieniu Rady Seniorów…: Piotr K., Elżbieta D." / "Z ramienia Ministerstwa…"
    for o in sm.orgs:
        if o.start >= 2 and tokens[o.start - 1].lemmas & {"imię", "ramię"} and o.end < n and tokens[o.end].text == ":":
            for person in people:
                if person.start > o.end and not any(p.owner is person for p in posts):
                    sm.affiliations.append(Affiliation(person, None, o))
    for post in posts:
        if post.owner is not None:
            sm.affiliations.append(Affiliation(post.owner, post, None))
