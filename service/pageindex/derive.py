"""From quads to page-index rows: what one report graph states, and who the entities it names are.

Pure functions over pyoxigraph terms; no store, no SQL. A report's graph holds what it states
(event facts, participations, `dct:isReferencedBy`); the entities graph holds identity (types,
labels, a post's body). Both arrive together when a report is loaded, and separately when the
index is built from a store.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Iterable

from pyoxigraph import Literal, NamedNode, Quad

from service.mapping.vocab import CV, DCT, FOAF, KG, ORG, PERSON, RDF, SCHEMA, SKOS, THEME_SCHEME

#: rdf:type → kind (the IRI segment of the entity's page); a venue is a Location that is also a
#: schema:Place, so Place wins over Location.
KIND_OF_TYPE = {
    SCHEMA.Event.value: "event",
    ORG.Organization.value: "organisation",
    PERSON.Person.value: "person",
    ORG.Post.value: "post",
    DCT.Location.value: "place",
    FOAF.Document.value: "report",
}
VENUE_TYPE = SCHEMA.Place.value

#: predicate → facet of an event's link
LINK_FACETS = {
    DCT.subject.value: "theme",
    SCHEMA.location.value: "location",
    SCHEMA.organizer.value: "organiser",
    KG.patron.value: "patron",
}

_FOLD = str.maketrans({"ł": "l", "Ł": "l", "ß": "ss", "æ": "ae", "ø": "o", "đ": "d"})
_NON_WORD = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """Lower case ASCII words separated by single spaces: "Ośrodek Pomocy" → "osrodek pomocy"."""
    folded = unicodedata.normalize("NFKD", text.translate(_FOLD).lower())
    return " ".join(_NON_WORD.sub(" ", "".join(c for c in folded if not unicodedata.combining(c))).split())


@dataclass
class Identity:
    """Who an entity is: its kind and names (from its types and labels)."""
    iri: str
    kind: str
    label: str
    label_en: str | None = None
    post_in: str | None = None


@dataclass
class ReportRows:
    """What one report graph states, as rows of the page index."""
    report: str
    title: str | None = None
    issued: str | None = None
    stamp: str | None = None
    label: str | None = None
    mentions: set[str] = field(default_factory=set)
    event_facts: dict[str, dict] = field(default_factory=dict)          # event → start, end, parent
    event_links: set[tuple[str, str, str]] = field(default_factory=set)  # (event, facet, value)
    participations: set[tuple[str, str, str, str]] = field(default_factory=set)  # (entity, event, role, via)

    def starts(self) -> dict[str, str]:
        """Each event's start as this report states it, a sub-event's falling back to its parent's."""
        own = {e: f.get("start") or "" for e, f in self.event_facts.items()}
        return {e: own[e] or own.get(f.get("parent") or "", "") for e, f in self.event_facts.items()}


def identities(quads: Iterable[Quad]) -> dict[str, Identity]:
    """Identity statements → one Identity per subject that has a known kind and a label (a
    theme is a concept of the theme scheme)."""
    types: dict[str, set[str]] = {}
    themes: set[str] = set()
    labels: dict[str, dict[str, str]] = {}
    post_in: dict[str, str] = {}
    rdf_type, pref, post = RDF.type, SKOS.prefLabel, ORG.postIn
    for q in quads:
        s, p, o = q.subject, q.predicate, q.object
        if not isinstance(s, NamedNode):
            continue
        if p == rdf_type:
            types.setdefault(s.value, set()).add(o.value)
        elif p == pref and isinstance(o, Literal):
            labels.setdefault(s.value, {}).setdefault(o.language or "", o.value)
        elif p == post:
            post_in[s.value] = o.value
        elif p == SKOS.inScheme and o.value == THEME_SCHEME:
            themes.add(s.value)
    out = {}
    for iri, kinds in types.items():
        kind = ("venue" if VENUE_TYPE in kinds else "theme" if iri in themes
                else next((KIND_OF_TYPE[t] for t in kinds if t in KIND_OF_TYPE), None))
        names = labels.get(iri)
        if kind is None or not names:
            continue
        label = names.get("pl") or names.get("") or next(iter(names.values()))
        out[iri] = Identity(iri, kind, label, names.get("en"), post_in.get(iri))
    return out


def report_rows(report: str, quads: Iterable[Quad]) -> ReportRows:
    """The rows one report graph gives (its own quads; identity quads are ignored here)."""
    rows = ReportRows(report)
    node = NamedNode(report)
    referenced, inevent = DCT.isReferencedBy, KG.inEvent
    participants: dict[str, dict] = {}
    start, end, part_of = SCHEMA.startDate, SCHEMA.endDate, KG.partOf
    for q in quads:
        if q.graph_name != node:
            continue
        s, p, o = q.subject, q.predicate, q.object
        pv = p.value
        if p == referenced:
            if o == node:
                rows.mentions.add(s.value)
        elif s == node:
            if p == DCT.title:
                rows.title = o.value
            elif p == DCT.issued:
                rows.issued = o.value
            elif p == KG.ingested:
                rows.stamp = o.value
            elif p == SKOS.prefLabel and (rows.label is None or getattr(o, "language", None) == "pl"):
                rows.label = o.value
        elif p == start or p == end or p == part_of:
            fact = rows.event_facts.setdefault(s.value, {})
            key = "start" if p == start else "end" if p == end else "parent"
            if fact.get(key) is None or (key == "start" and o.value < fact[key]) or (key == "end" and o.value > fact[key]):
                fact[key] = o.value
        elif pv in LINK_FACETS:
            facet = LINK_FACETS[pv]
            rows.event_links.add((s.value, facet, o.value))
            if facet == "theme":  # a theme's reports are those that give it to an event
                rows.mentions.add(o.value)
        elif p == inevent or p == CV.hasParticipant or p == CV.role or p == KG.patronPerson:
            participants.setdefault(s.value, {}).setdefault(pv, []).append(o.value)
    for links in rows.event_links:
        rows.event_facts.setdefault(links[0], {})
    for parts in participants.values():
        events = parts.get(inevent.value, [])
        roles = parts.get(CV.role.value, [])
        for event in events:
            rows.event_facts.setdefault(event, {})
            for role in roles:
                for who in parts.get(CV.hasParticipant.value, []):
                    rows.participations.add((who, event, role, ""))
                    for person in parts.get(KG.patronPerson.value, []):
                        rows.participations.add((person, event, role, who))
    return rows


def label_words(label: str) -> list[str]:
    """The distinct folded words of a label, for the search table."""
    return list(dict.fromkeys(fold(label).split()))
