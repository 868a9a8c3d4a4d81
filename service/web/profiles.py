"""Profiles for entity pages: what a person, an organisation, an event, a place or a theme page
shows above the raw statements. Templates call `profile_of(d, kind)`; each profile is a few
key lookups from the entity's IRI (no scans)."""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app, request
from pyoxigraph import NamedNode

from service.mapping.vocab import PROJECT
from service.ontology import label as ontology_label
from service.pageindex import read
from service.pageindex.index import GROUPS
from service.web import get_pages, get_store
from service.web.graphdata import PREFIXES, _label_pattern, _value, names
from service.web.evidence import MAX_REPORTS, Evidence, kind_of, names_for
from service.web.labels import current_language
from service.web.schema_org import held_posts

ROLE_NS = f"{PROJECT}role/"
PATRON_ROLES = ("honorary-patron", "media-patron", "substantive-patron", "patron")
#: Appearances a person's, a post's or each of a body's groups shows per page.
APPEARANCES_SHOWN = 50
#: Posts, memberships and a body's people a page lists at most (a much-named entity has thousands).
LINKS_SHOWN = 50
CONTRIBUTION_ORDER = ("opened", "welcomed", "moderated", "spoke", "presented", "sent-letter",
                      "awarded", "attended", "other")


@dataclass
class Link:
    iri: str
    label: str
    note: str = ""
    date: str = ""
    extra: list = field(default_factory=list)
    quote: object = None  # an evidence.Quote: the report sentence stating this fact
    role: str = ""  # the role key, where the line is one participation


def _role_key(iri: str | None) -> str:
    return iri[len(ROLE_NS):] if iri and iri.startswith(ROLE_NS) else (iri or "")


def _select(query: str) -> list[dict]:
    return get_store().select(PREFIXES + query)


def _reports_of(events_pattern: str) -> tuple[dict[str, str], dict[str, list[str]]]:
    """({report: title}, {event: its reports}) for the events `?ev` that `events_pattern` binds."""
    rows = _select(f"""
SELECT DISTINCT ?ev ?r ?title WHERE {{ {events_pattern} ?ev dct:isReferencedBy ?r .
  OPTIONAL {{ ?r dct:title ?title }} }} ORDER BY ?r""")
    titles: dict[str, str] = {}
    by_event: dict[str, list[str]] = {}
    for r in rows:
        titles.setdefault(_value(r, "r"), _value(r, "title") or _value(r, "r"))
        by_event.setdefault(_value(r, "ev"), []).append(_value(r, "r"))
    return titles, by_event


def _alt_labels(pattern: str, var: str) -> dict[str, list[str]]:
    rows = _select(f"SELECT DISTINCT {var} ?alt WHERE {{ {pattern} {var} skos:altLabel ?alt }}")
    out: dict[str, list[str]] = {}
    for r in rows:
        out.setdefault(_value(r, var[1:]), []).append(_value(r, "alt"))
    return out


def _quote_lines(lines, names_of, reports_of) -> None:
    """Set `quote` on each Link of `lines` ((link, role) pairs): the sentence of its reports that
    states it. One text fetch per report, and none beyond evidence.MAX_REPORTS reports."""
    titles = {}
    for link, _ in lines:
        for report in reports_of(link):
            titles.setdefault(report[0], report[1])
    if not titles or len(titles) > MAX_REPORTS:
        return
    evidence = Evidence(titles)
    for link, role in lines:
        link.quote = evidence.quote(names_of(link), role, [r for r, _ in reports_of(link)])


def _name_of(node) -> str:
    """The entity's Polish base-form name, for finding it in report text."""
    rows = _select(f"""SELECT ?n WHERE {{ {{ {node} foaf:name ?n }} UNION {{ {node} skos:prefLabel ?n }} }} LIMIT 1""")
    return _value(rows[0], "n") if rows else ""


def _quote_appearances(links: list[Link], names) -> None:
    """Each appearance shown (a Link to an event, with its role) with the sentence of that
    event's reports that states it."""
    if not links or len({link.iri for link in links}) > MAX_REPORTS:  # each event has a report at least
        return
    events = " ".join(str(NamedNode(iri)) for iri in dict.fromkeys(link.iri for link in links))
    titles, by_event = _reports_of(f"VALUES ?ev {{ {events} }}")
    _quote_lines([(link, link.role) for link in links], names,
                 lambda link: [(r, titles[r]) for r in by_event.get(link.iri, [])])


def _appearance_links(apps: list, lang: str) -> list[Link]:
    """Index appearances as Links to their events, with role labels and the post (`via`)."""
    names = read.labels(get_pages(), [a.event for a in apps] + [a.via for a in apps if a.via], lang)
    return [Link(a.event, names.get(a.event, a.event), ontology_label(a.role, lang) or _role_key(a.role),
                 a.start, [Link(a.via, names.get(a.via, ""))] if a.via else [], role=_role_key(a.role))
            for a in apps]


def _page_of_appearances(who: str, lang: str) -> dict:
    """One page (`?page=`) of the appearances of `who`, latest first, and how many there are."""
    page = request.args.get("page", "1")
    page = int(page) if page.isdigit() and 0 < int(page) <= 1_000 else 1
    pages = get_pages()
    # one more than shown: whether a next page exists, also past the counted cap
    apps = read.appearances(pages, who, limit=APPEARANCES_SHOWN + 1, offset=(page - 1) * APPEARANCES_SHOWN)
    total = read.count_appearances(pages, who)
    return {"appearances": _appearance_links(apps[:APPEARANCES_SHOWN], lang), "appearances_total": total,
            "page": page, "has_next": len(apps) > APPEARANCES_SHOWN, "count_cap": read.COUNT_CAP}


def _posts_and_bodies(iri: str) -> list[dict]:
    """[{post, org}] for the posts (up to LINKS_SHOWN) `iri` holds: the posts as the JSON-LD read
    them, each post's body from the page index (which keeps a post's org:postIn), from the store
    for posts it lacks."""
    posts = held_posts(get_store(), iri)[:LINKS_SHOWN]
    known = read.posts_in(get_pages(), posts)
    rows = [{"post": NamedNode(p), **({"org": NamedNode(known[p])} if known[p] else {})} for p in posts if p in known]
    rest = [p for p in posts if p not in known]
    if rest:
        rows += _select(f"""SELECT ?post ?org WHERE {{ VALUES ?post {{ {" ".join(str(NamedNode(p)) for p in rest)} }}
  OPTIONAL {{ ?post org:postIn ?org }} }}""")
    return rows


def person_profile(iri: str, lang: str) -> dict:
    node = NamedNode(iri)
    posts = _posts_and_bodies(iri)
    members = _select(f"SELECT DISTINCT ?org WHERE {{ {node} org:memberOf ?org }} LIMIT {LINKS_SHOWN}")
    labels = names(get_store(), get_pages(), [r[k].value for r in posts + members for k in ("post", "org") if k in r], lang)

    def link(row, key) -> Link:
        return Link(_value(row, key), labels.get(_value(row, key), _value(row, key)))
    shown = _page_of_appearances(iri, lang)
    name = _name_of(node)
    _quote_appearances(shown["appearances"],
                       lambda link: names_for(name, "person", (), tuple(x.label for x in link.extra)))
    return {"posts": sorted((Link(_value(r, "post"), labels.get(_value(r, "post"), _value(r, "post")), "",
                                  extra=[link(r, "org")] if r.get("org") else []) for r in posts),
                            key=lambda x: x.label.lower()),
            "members": sorted((link(r, "org") for r in members), key=lambda x: x.label.lower()),
            **shown}


def organisation_profile(iri: str, lang: str) -> dict:
    """What a body organised, patronised, partnered and attended (itself or through its posts):
    the latest of each group, with the group's size; the people holding its posts."""
    node = NamedNode(iri)
    pages = get_pages()
    groups: dict[str, list[Link]] = {}
    totals: dict[str, int] = {}
    for group in GROUPS:
        groups[group] = _appearance_links(read.appearances(pages, iri, limit=APPEARANCES_SHOWN, groups=(group,)), lang)
        totals[group] = read.count_appearances(pages, iri, groups=(group,))
    own_names = names_for(_name_of(node), "organisation", tuple(_alt_labels(f"BIND({node} AS ?o)", "?o").get(iri, ())))
    _quote_appearances([link for links in groups.values() for link in links], lambda link: own_names)
    people = _select(f"""
SELECT ?person ?post WHERE {{
  {{ SELECT DISTINCT ?person ?post WHERE {{ ?post org:postIn {node} . ?post org:heldBy ?person }} LIMIT {LINKS_SHOWN} }}
  UNION {{ SELECT DISTINCT ?person WHERE {{ ?person org:memberOf {node} }} LIMIT {LINKS_SHOWN} }}
}}""")
    labels = names(get_store(), pages, [r[k].value for r in people for k in ("person", "post") if k in r], lang)
    groups["people"] = sorted((Link(_value(r, "person"), labels.get(_value(r, "person"), _value(r, "person")),
                                    labels.get(_value(r, "post"), "") if r.get("post") else "") for r in people),
                              key=lambda link: (link.label.lower(), link.note))
    return {**groups, "totals": totals, "count_cap": read.COUNT_CAP}


def post_profile(iri: str, lang: str) -> dict:
    """A post (an office): who held it, where, and the events it took part in (mostly patronage)."""
    node = NamedNode(iri)
    holders = _select(f"""
SELECT DISTINCT ?who ?wl ?org ?ol WHERE {{
  OPTIONAL {{ {node} org:heldBy ?who . {_label_pattern("?who", "wl", lang)} }}
  OPTIONAL {{ {node} org:postIn ?org . {_label_pattern("?org", "ol", lang)} }}
}}""")
    shown = _page_of_appearances(iri, lang)
    events = " ".join(str(NamedNode(link.iri)) for link in shown["appearances"])
    persons = _select(f"""
SELECT DISTINCT ?ev ?person ?personl WHERE {{ VALUES ?ev {{ {events} }}
  ?p cv:hasParticipant {node} ; kg:inEvent ?ev ; kg:patronPerson ?person . {_label_pattern("?person", "personl", lang)}
}}""") if events else []
    by_event: dict[str, list[Link]] = {}
    for r in persons:
        by_event.setdefault(_value(r, "ev"), []).append(Link(_value(r, "person"), _value(r, "personl") or ""))
    for link in shown["appearances"]:
        link.extra = by_event.get(link.iri, [])
    return {"holders": [Link(_value(r, "who"), _value(r, "wl") or _value(r, "who")) for r in holders if r.get("who")],
            "organisations": [Link(_value(r, "org"), _value(r, "ol") or _value(r, "org")) for r in holders if r.get("org")],
            **shown}


def event_profile(iri: str, lang: str) -> dict:
    node = NamedNode(iri)
    facts = _select(f"""
SELECT DISTINCT ?start ?end ?count ?qual ?number ?motto ?kind ?kl ?parent ?parentl WHERE {{
  OPTIONAL {{ {node} schema:startDate ?start }} OPTIONAL {{ {node} schema:endDate ?end }}
  OPTIONAL {{ {node} kg:participantCount ?count }} OPTIONAL {{ {node} kg:participantCountQualifier ?qual }}
  OPTIONAL {{ {node} cv:eventNumber ?number }} OPTIONAL {{ {node} kg:motto ?motto }}
  OPTIONAL {{ {node} kg:eventKind ?kind . {_label_pattern("?kind", "kl", lang)} }}
  OPTIONAL {{ {node} kg:partOf ?parent . {_label_pattern("?parent", "parentl", lang)} }}
}} LIMIT 1""")
    fact = {k: _value(facts[0], k) for k in facts[0]} if facts else {}
    places = _select(f"""
SELECT DISTINCT ?p ?pl ?venue WHERE {{ {node} schema:location ?p . {_label_pattern("?p", "pl", lang)}
  BIND(EXISTS {{ ?p a schema:Place }} AS ?venue) }} ORDER BY ?venue ?pl""")
    themes = _select(f"""
SELECT DISTINCT ?th ?tl WHERE {{ {node} dct:subject ?th . {_label_pattern("?th", "tl", lang)} }} ORDER BY ?tl""")
    subs = _select(f"""
SELECT DISTINCT ?ev ?el ?start WHERE {{ {node} cv:subEvent ?ev . {_label_pattern("?ev", "el", lang)}
  OPTIONAL {{ ?ev schema:startDate ?start }} }} ORDER BY STR(?start) ?el""")
    parts = _select(f"""
SELECT DISTINCT ?ev ?who ?wl ?role ?rl ?person ?personl ?type WHERE {{
  {{ BIND({node} AS ?ev) }} UNION {{ {node} cv:subEvent ?ev }}
  ?ev kg:participation ?p . ?p cv:hasParticipant ?who ; cv:role ?role .
  OPTIONAL {{ ?p kg:patronPerson ?person . {_label_pattern("?person", "personl", lang)} }}
  OPTIONAL {{ ?who a org:Post . BIND("post" AS ?type) }}
  {_label_pattern("?who", "wl", lang)} {_label_pattern("?role", "rl", lang)}
}}""")
    programme: dict[str, dict[str, list[Link]]] = {}
    for r in parts:
        ev = _value(r, "ev")
        role = _role_key(_value(r, "role"))
        extra = [Link(_value(r, "person"), _value(r, "personl") or "")] if r.get("person") else []
        link = Link(_value(r, "who"), _value(r, "wl") or _value(r, "who"), _value(r, "rl") or role, "", extra)
        bucket = programme.setdefault(ev, {}).setdefault(role, [])
        if all(x.iri != link.iri for x in bucket):
            bucket.append(link)
    for roles in programme.values():
        for links in roles.values():
            links.sort(key=lambda x: x.label.lower())
    own = programme.get(iri, {})
    contributions = [(role, own[role]) for role in CONTRIBUTION_ORDER if role in own]
    contributions += [(role, links) for role, links in own.items()
                      if role not in CONTRIBUTION_ORDER and role not in PATRON_ROLES + ("organiser", "partner")]
    patrons = [link for role in PATRON_ROLES for link in own.get(role, [])]
    sub_events = []
    for r in subs:
        ev = _value(r, "ev")
        roles = programme.get(ev, {})
        sub_events.append({"link": Link(ev, _value(r, "el") or ev, "", _value(r, "start") or ""),
                           "contributions": [(role, roles[role]) for role in CONTRIBUTION_ORDER if role in roles]})
    _quote_event(node, programme, sub_events)
    return {"fact": fact,
            "places": [Link(_value(r, "p"), _value(r, "pl") or _value(r, "p"), "venue" if _value(r, "venue") == "true" else "")
                       for r in places],
            "themes": [Link(_value(r, "th"), _value(r, "tl") or _value(r, "th")) for r in themes],
            "organisers": own.get("organiser", []), "partners": own.get("partner", []),
            "patrons": patrons, "contributions": contributions, "sub_events": sub_events}


def _quote_event(node, programme: dict, sub_events: list) -> None:
    """Each programme line (and each sub-event) with the sentence of the event's reports stating it."""
    events = f"{{ BIND({node} AS ?ev) }} UNION {{ {node} cv:subEvent ?ev }}"
    titles, _ = _reports_of(events)
    reports = list(titles)
    alts = _alt_labels(f"{events} ?ev kg:participation ?p . ?p cv:hasParticipant ?who .", "?who")
    lines = [(link, role) for roles in programme.values() for role, links in roles.items() for link in links]
    lines += [(s["link"], None) for s in sub_events]

    def names(link):
        return names_for(link.label, kind_of(link.iri), tuple(alts.get(link.iri, ())), tuple(x.label for x in link.extra))

    _quote_lines(lines, names, lambda link: [(r, titles[r]) for r in reports])


def report_profile(iri: str, lang: str) -> dict:
    """The report's text (when its file is at hand) with the names the graph holds highlighted."""
    from service.web.report_text import highlighted_text
    return {"text": highlighted_text(iri, lang)}


PROFILES = {"post": post_profile, "person": person_profile, "organisation": organisation_profile, "event": event_profile,
            "report": report_profile}


def profile_of(description, kind) -> dict | None:
    """The profile for an entity page, or None for kinds without one."""
    if kind is None or kind.key not in PROFILES or not description.iri.startswith(current_app.config["BASE"] + "/id/"):
        return None
    return PROFILES[kind.key](description.iri, current_language())
