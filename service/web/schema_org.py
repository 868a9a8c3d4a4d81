"""schema.org JSON-LD for entity pages (Event, Organization, Person), for search engines.

The JSON goes inside a <script> element, so `<`, `>` and `&` are written as \\u escapes: no text
from a report can close the element.
"""
from __future__ import annotations

import json

from markupsafe import Markup

from service.store import Store
from service.web.graphdata import PREFIXES

SCHEMA_EVENT = "http://schema.org/Event"
ORGANIZATION = "http://www.w3.org/ns/org#Organization"
PERSON = "http://www.w3.org/ns/person#Person"


#: Values of one property the JSON-LD gives at most (a much-named entity holds thousands).
MAX_VALUES = 50


def _values(store: Store, iri: str, pattern: str, *names: str) -> list[dict[str, str]]:
    """Rows of `names` for `pattern` about ?e = iri, as plain strings, sorted, without repeats."""
    select = " ".join("?" + n for n in names)
    rows = store.select(PREFIXES + f"SELECT DISTINCT {select} WHERE {{ BIND(<{iri}> AS ?e) {pattern} }} LIMIT {MAX_VALUES}")
    out = [{n: row[n].value for n in names if n in row} for row in rows]
    return sorted(out, key=lambda r: tuple(r.get(n, "") for n in names))


def _first(store: Store, iri: str, pattern: str, name: str) -> str | None:
    rows = _values(store, iri, pattern, name)
    return next((r[name] for r in rows if name in r), None)


_PL = 'FILTER(LANG(?name) = "pl" || LANG(?name) = "")'


def _agent(row: dict, type_key: str = "type") -> dict:
    kind = "Person" if row.get(type_key) == PERSON else "Organization"
    return {"@type": kind, "@id": row["id"], "name": row.get("name", row["id"])}


def event(store: Store, iri: str, pages=None) -> dict:
    data = {"@context": "https://schema.org", "@type": "Event", "@id": iri, "url": iri}
    data["name"] = _first(store, iri, f"?e skos:prefLabel ?name {_PL}", "name")
    for key, prop in (("startDate", "schema:startDate"), ("endDate", "schema:endDate")):
        value = _first(store, iri, f"?e {prop} ?d", "d")
        if value:
            data[key] = value
    motto = _first(store, iri, "?e kg:motto ?m", "m")
    if motto:
        data["description"] = motto
    places = _values(store, iri, f"?e schema:location ?p . ?p skos:prefLabel ?name {_PL} "
                     "OPTIONAL { ?p a schema:Place . BIND(true AS ?venue) }", "name", "venue")
    venues = [p["name"] for p in places if p.get("venue")]
    towns = [p["name"] for p in places if not p.get("venue")]
    if venues or towns:
        data["location"] = {"@type": "Place", "name": (venues or towns)[0]}
        if towns:
            data["location"]["address"] = {"@type": "PostalAddress", "addressLocality": towns[0],
                                           "addressCountry": "PL"}
    organisers = _values(store, iri, f"?e schema:organizer ?id . OPTIONAL {{ ?id skos:prefLabel ?name {_PL} }} "
                         "OPTIONAL { ?id a person:Person . BIND(person:Person AS ?type) }", "id", "name", "type")
    if organisers:
        data["organizer"] = [_agent(r) for r in organisers]
    sponsors = _values(store, iri, f"?e kg:patron ?id . OPTIONAL {{ ?id skos:prefLabel ?name {_PL} }}", "id", "name")
    if sponsors:
        data["sponsor"] = [_agent(r) for r in sponsors]
    performers = _values(store, iri, f"?e kg:contributor ?id . OPTIONAL {{ ?id skos:prefLabel ?name {_PL} }}", "id", "name")
    if performers:
        data["performer"] = [{"@type": "Person", "@id": r["id"], "name": r.get("name", r["id"])} for r in performers]
    themes = _values(store, iri, f"?e dct:subject ?t . ?t skos:prefLabel ?name {_PL}", "name")
    if themes:
        data["keywords"] = ", ".join(r["name"] for r in themes)
    parent = _first(store, iri, "?e kg:partOf ?p", "p")
    if parent:
        data["superEvent"] = {"@type": "Event", "@id": parent}
    data["eventAttendanceMode"] = "https://schema.org/OfflineEventAttendanceMode"
    data["inLanguage"] = "pl"
    return data


def organization(store: Store, iri: str, pages=None) -> dict:
    data = {"@context": "https://schema.org", "@type": "Organization", "@id": iri, "url": iri,
            "name": _first(store, iri, f"?e skos:prefLabel ?name {_PL}", "name")}
    alternates = [r["a"] for r in _values(store, iri, "?e skos:altLabel ?a", "a")]
    if alternates:
        data["alternateName"] = alternates
    town = _first(store, iri, f"?e kg:place ?p . ?p skos:prefLabel ?name {_PL}", "name")
    if town:
        data["address"] = {"@type": "PostalAddress", "addressLocality": town, "addressCountry": "PL"}
    return data


def held_posts(store: Store, iri: str) -> list[str]:
    """The posts (up to MAX_VALUES) a person holds, sorted; read once per request (the JSON-LD and
    the person's profile both show them)."""
    from flask import g, has_app_context
    kept = g.setdefault("kg_held_posts", {}) if has_app_context() else {}
    if iri not in kept:
        kept[iri] = [r["post"] for r in _values(store, iri, f"<{iri}> org:holds ?post", "post")]
    return kept[iri]


def _named(store: Store, iri: str, bodies: list[str], pages=None) -> list[dict[str, str]]:
    """{id, name} of each body, sorted: the name is its Polish (or untagged) preferred label,
    read from the page index (which keeps exactly that label of every entity a report names: the
    mapping gives each one label, in Polish), else from the store."""
    from service.pageindex import read
    found = read.labels(pages, bodies, "pl") if pages is not None else {}
    rows = [{"id": b, "name": found[b]} for b in bodies if b in found]
    rest = [b for b in bodies if b not in found]
    if rest:
        rows += _values(store, iri, f"VALUES ?id {{ {' '.join(f'<{b}>' for b in rest)} }} "
                        f"OPTIONAL {{ ?id skos:prefLabel ?name {_PL} }}", "id", "name")
    return sorted(rows, key=lambda r: (r["id"], r.get("name", "")))


def person(store: Store, iri: str, pages=None) -> dict:
    data = {"@context": "https://schema.org", "@type": "Person", "@id": iri, "url": iri,
            "name": _first(store, iri, "?e foaf:name ?name", "name")
            or _first(store, iri, f"?e skos:prefLabel ?name {_PL}", "name")}
    for key, prop in (("givenName", "foaf:givenName"), ("familyName", "foaf:familyName"),
                      ("honorificPrefix", "schema:honorificPrefix")):
        value = _first(store, iri, f"?e {prop} ?v", "v")
        if value:
            data[key] = value
    # the posts first (a bounded few), then what they say: a path from the person through every
    # post it holds would read them all
    posts = " ".join(f"<{post}>" for post in held_posts(store, iri))
    titles = [r["t"] for r in _values(store, iri, f"VALUES ?post {{ {posts} }} ?post kg:postTitle ?t", "t")] if posts else []
    if titles:
        data["jobTitle"] = titles
    in_bodies = f"{{ VALUES ?post {{ {posts} }} ?post org:postIn ?id }} UNION " if posts else ""
    bodies = [r["id"] for r in _values(store, iri, f"{in_bodies}{{ <{iri}> org:memberOf ?id }}", "id")]
    employers = _named(store, iri, bodies, pages) if bodies else []
    if employers:
        data["affiliation"] = [_agent(r) for r in employers]
    return data


BUILDERS = {SCHEMA_EVENT: event, ORGANIZATION: organization, PERSON: person}


def schema_org(store: Store, iri: str, types: list[str], pages=None) -> dict | None:
    """The schema.org description of an event, organisation or person; None for other kinds.
    `pages`, the page index, gives names where a builder can read them there (a person's bodies)."""
    for type_iri, build in BUILDERS.items():
        if type_iri in types:
            return build(store, iri, pages)
    return None


def script_json(data: dict) -> Markup:
    """JSON safe to place between <script> tags."""
    text = json.dumps(data, ensure_ascii=False, indent=1)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)
