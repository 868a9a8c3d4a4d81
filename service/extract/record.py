"""Putting a report record together (schema "report-record/1")."""
from __future__ import annotations

from . import events as ev
from .counts import participants
from .dates import event_dates
from .mentions import analyse_sentence
from .registry import OrgRegistry, PersonRegistry, key
from .relations import organisers_partners, patrons
from .roles import sentence_roles
from .text import prepare
from .themes import themes as find_themes

MAX_CHARS = 2_000_000


def _empty_event(kind="other"):
    return {"name": None, "kind": kind, "title": None, "edition": None, "start": None, "end": None,
            "venue": None, "places": [], "participants": None, "organisers": [], "partners": [],
            "patrons": [], "themes": [], "contributions": [], "sub_events": []}


def build_record(text, published=None, title=None, source_url=None) -> dict:
    doc = prepare(text, title=title, published=published, source_url=source_url)
    sms = [analyse_sentence(s) for s in doc.sentences]
    orgs = OrgRegistry()
    people = PersonRegistry()

    # organisations, in text order
    for order, sm in enumerate(sms):
        for o in sm.orgs:
            if o.cls == "building":
                for inner in o.inner:
                    if inner.cls not in ("building", "territorial") and not inner.plural:
                        orgs.add(inner, order)
                continue
            orgs.add(o, order)
            for inner in o.inner:
                if inner.cls not in ("building",) and not inner.plural:
                    reg = orgs.add(inner, order)
                    if reg is not None and inner.cls == "territorial":
                        reg.listed = reg.listed and reg.acting
    # a territorial unit named in the nominative acts ("Województwo Dolnośląskie pomaga…")
    for sm in sms:
        for o in sm.orgs:
            if o.cls == "territorial" and not o.bare and "nom" in o.cases and not o.plural:
                prev = sm.sent.tokens[o.start - 1] if o.start > 0 else None
                if prev is None or not prev.cap:
                    reg = orgs.add(o)
                    if reg is not None:
                        reg.acting = True
    # acronyms standing alone in the text name bodies already seen
    for sm in sms:
        covered = set()
        for o in sm.orgs:
            covered.update(range(o.start, o.end))
        for k, t in enumerate(sm.sent.tokens):
            if t.acronym and k not in covered and len(t.text) >= 3:
                orgs.resolve_acronym(t.text, create=False)

    # people and their posts
    person_of = {}
    for order, sm in enumerate(sms):
        for p in sm.people:
            person_of[id(p)] = people.add(p, order)
    for order, sm in enumerate(sms):
        for aff in sm.affiliations:
            person = person_of.get(id(aff.person))
            if person is None:
                continue
            title, org_name = None, None
            if aff.post is not None:
                post = aff.post
                title = post.title(person.gender)
                org_name = _post_org(post, orgs, order)
            elif aff.org is not None:
                reg = orgs.add(aff.org, order)
                org_name = reg.name if reg else None
            if (title, org_name) != (None, None) and (title, org_name) not in person.posts:
                # a post with a body supersedes the same title without one
                person.posts = [pp for pp in person.posts if not (pp[0] == title and pp[1] is None and org_name)]
                if not (org_name is None and any(pp[0] == title for pp in person.posts)):
                    person.posts.append((title, org_name))

    # bodies named through a post ("Minister Rodziny…" -> the ministry), even without a holder
    for order, sm in enumerate(sms):
        for post in sm.posts:
            if post.org_name and post.org_name.split()[0] not in ("Województwo", "Miasto", "Powiat", "Gmina"):
                orgs.add_name(post.org_name, post.org_name.split()[0].lower(), "body", order=order)

    # the event
    kind, ksm, ka, kb = ev.main_kind(sms)
    event = _empty_event(kind)
    event["edition"] = ev.edition(sms, kind)
    event["title"] = ev.main_title(sms, kind)
    event["name"] = ev.event_name(ksm, ka, kb, event["title"], event["edition"]) if ksm else None
    event["start"], event["end"] = event_dates(doc)
    event["places"] = ev.places(sms, kind, orgs)
    v = ev.venue(sms, kind)
    if v is not None:
        event["venue"] = v.name
    event["participants"] = participants(doc)

    org_list, partner_list = organisers_partners(sms)
    organisers = []
    for o in org_list:
        reg = orgs.add(o)
        if reg:
            reg.acting = True
            if reg.name not in organisers:
                organisers.append(reg.name)
    partners = []
    for o in partner_list:
        reg = orgs.add(o)
        if reg:
            reg.acting = True
            if reg.name not in partners and reg.name not in organisers:
                partners.append(reg.name)
    event["organisers"], event["partners"] = organisers, partners

    patron_list = []
    for kind_, item in patrons(sms):
        if hasattr(item, "phrase"):
            person = person_of.get(id(item.owner)) if item.owner is not None else None
            name = item.phrase
            if item.org_name and item.org_name.split()[0] not in ("Województwo", "Miasto", "Powiat", "Gmina"):
                orgs.add_name(item.org_name, item.org_name.split()[0].lower(), "body")
            entry = {"name": name, "person": person.name if person else None, "kind": kind_}
        else:
            reg = orgs.add(item)
            if reg is None:
                continue
            reg.acting = True
            entry = {"name": reg.name, "person": None, "kind": kind_}
        if not any(key(e["name"]) == key(entry["name"]) for e in patron_list):
            patron_list.append(entry)
    event["patrons"] = patron_list

    # contributions
    contributions = []
    sub = ev.sub_events(sms, kind)
    sub_contribs = {id(s["sm"]): [] for s in sub}
    for sm in sms:
        mentions = [p for p in sm.people if id(p) in person_of]
        mentions += _surname_mentions(sm, people, mentions)
        for m, role in sentence_roles(sm, mentions):
            person = person_of.get(id(m)) or getattr(m, "person", None)
            if person is None:
                continue
            c = {"person": person.name, "role": role}
            if c not in contributions:
                contributions.append(c)
            if id(sm) in sub_contribs and role in ("presented", "moderated", "spoke") and c not in sub_contribs[id(sm)]:
                sub_contribs[id(sm)].append(c)
    with_roles = {c["person"] for c in contributions if c["role"] != "attended"}
    contributions = [c for c in contributions if c["role"] != "attended" or c["person"] not in with_roles]
    event["contributions"] = contributions
    main_themes = find_themes(sms)
    event["themes"] = main_themes
    for s in sub:
        e = _empty_event(s["kind"])
        e["name"] = s["name"]
        e["title"] = s["title"]
        e["contributions"] = sub_contribs.get(id(s["sm"]), [])
        e["themes"] = list(main_themes[:1])
        event["sub_events"].append(e)

    organisations = []
    for o in orgs.orgs:
        if o.cls == "territorial" and not o.acting:
            continue
        if o.cls == "building":
            continue
        if any(key(x["name"]) == key(o.name) for x in organisations):
            continue
        organisations.append({"name": o.name, "abbreviation": o.abbreviation, "place": o.place})
    people_out = []
    for p in people.people:
        people_out.append({"name": p.name, "honorific": p.honorific,
                           "posts": [{"title": t, "organisation": org} for t, org in p.posts]})
    return {
        "schema": "report-record/1",
        "report": {"title": doc.title, "published": doc.published, "authors": doc.authors,
                   "source_url": source_url},
        "event": event,
        "people": people_out,
        "organisations": organisations,
    }


def _post_org(post, orgs, order):
    if post.org is not None:
        reg = orgs.add(post.org, order)
        return reg.name if reg else None
    if post.org_name:
        head = post.org_name.split()[0]
        if head not in ("Województwo", "Miasto", "Powiat", "Gmina"):
            orgs.add_name(post.org_name, head.lower(), "body", order=order)
        return post.org_name
    if post.ref_head:
        reg = orgs.last_with_head(post.ref_head)
        return reg.name if reg else None
    if post.ref_acronym:
        reg = orgs.resolve_acronym(post.ref_acronym, order)
        if reg is not None:
            return reg.name
        return post.ref_acronym
    return None


class _SurnameRef:
    def __init__(self, k, person):
        self.start = k
        self.end = k + 1
        self.hon_start = k
        self.person = person


def _surname_mentions(sm, people, mentions):
    """A surname alone ("Naszkiewicz") naming a person met earlier."""
    covered = set()
    for m in mentions:
        covered.update(range(m.hon_start, m.end))
    for o in sm.orgs:
        covered.update(range(o.start, o.end))
    out = []
    for k, t in enumerate(sm.sent.tokens):
        if k in covered or not t.cap or not t.alpha or len(t.text) < 3:
            continue
        p = people.by_surname(t.text)
        if p is None:
            from .people import _surname_nom
            for case in ("gen", "dat", "acc", "inst", "loc"):
                alt = _surname_nom(t.text, p.gender if p else None, frozenset({case}))
                if alt != t.text:
                    p = people.by_surname(alt)
                    if p:
                        break
        if p is not None:
            out.append(_SurnameRef(k, p))
    return out
