"""From quads to page-index rows: what one report graph states, and who the entities it names are.

Pure functions over pyoxigraph terms; no store, no SQL. A report's graph holds what it states
(event facts, participations, `dct:isReferencedBy`); the entities graph holds identity (types,
labels, a post's body). Both arrive together when a report is loaded, and separately when the
index is built from a store.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations
from typing import Iterable, NamedTuple

from pyoxigraph import Literal, NamedNode, Quad

from service.mapping.slug import fold
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

#: Words shorter than this (w, i, na: a search matches them whole) are left out of the word pairs:
#: a fifth of the pairs at 100k reports, and too common to lead a search (they are probed).
PAIR_WORD_MIN = 3

#: predicate → facet of an event's link
LINK_FACETS = {
    DCT.subject.value: "theme",
    SCHEMA.location.value: "location",
    SCHEMA.organizer.value: "organiser",
    KG.patron.value: "patron",
}

class Identity(NamedTuple):
    """Who an entity is: its kind and names (from its types and labels). A tuple of strings, so
    the garbage collector leaves the millions a big ingest remembers alone."""
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


#: predicate → what report_rows does with it (one dictionary lookup per quad: most are skipped)
_ROLE_OF_PREDICATE = {
    DCT.isReferencedBy.value: "mention",
    DCT.title.value: "title", DCT.issued.value: "issued", KG.ingested.value: "stamp",
    SKOS.prefLabel.value: "label",
    SCHEMA.startDate.value: "start", SCHEMA.endDate.value: "end", KG.partOf.value: "parent",
    **{p: "link" for p in LINK_FACETS},
    KG.inEvent.value: "part", CV.hasParticipant.value: "part", CV.role.value: "part", KG.patronPerson.value: "part",
}


def report_rows(report: str, quads: Iterable[Quad]) -> ReportRows:
    """The rows one report graph gives; `quads` are the graph's own (identity quads elsewhere)."""
    rows = ReportRows(report)
    participants: dict[str, dict] = {}
    roles = _ROLE_OF_PREDICATE
    for q in quads:
        pv = q.predicate.value
        role = roles.get(pv)
        if role is None:
            continue
        s, o = q.subject.value, q.object
        if role == "mention":
            if o.value == report:
                rows.mentions.add(s)
        elif role == "part":
            participants.setdefault(s, {}).setdefault(pv, []).append(o.value)
        elif role == "link":
            facet = LINK_FACETS[pv]
            rows.event_links.add((s, facet, o.value))
            if facet == "theme":  # a theme's reports are those that give it to an event
                rows.mentions.add(o.value)
        elif s == report:
            if role == "label":
                if rows.label is None or getattr(o, "language", None) == "pl":
                    rows.label = o.value
            elif role in ("title", "issued", "stamp"):
                setattr(rows, role, o.value)
        elif role in ("start", "end", "parent"):
            fact = rows.event_facts.setdefault(s, {})
            value, old = o.value, fact.get(role)
            if old is None or (role == "start" and value < old) or (role == "end" and value > old):
                fact[role] = value
    for links in rows.event_links:
        rows.event_facts.setdefault(links[0], {})
    in_event, who_p, role_p, person_p = (KG.inEvent.value, CV.hasParticipant.value, CV.role.value,
                                         KG.patronPerson.value)
    for parts in participants.values():
        for event in parts.get(in_event, ()):
            rows.event_facts.setdefault(event, {})
            for role in parts.get(role_p, ()):
                for who in parts.get(who_p, ()):
                    rows.participations.add((who, event, role, ""))
                    for person in parts.get(person_p, ()):
                        rows.participations.add((person, event, role, who))
    return rows


def label_words(label: str) -> list[str]:
    """The distinct folded words of a label, for the search table."""
    return list(dict.fromkeys(fold(label).split()))


def label_pairs(label: str) -> list[tuple[str, str]]:
    """Each pair of distinct folded words of a label (of PAIR_WORD_MIN letters or more), the lesser
    first, for the word-pair table: a search of two common words reads the names holding both,
    not every name holding either."""
    return word_pairs(label_words(label))


def word_pairs(words: Iterable[str]) -> list[tuple[str, str]]:
    """`label_pairs` of a label's words (`label_words`), for a caller that has them already."""
    return list(combinations(sorted(w for w in words if len(w) >= PAIR_WORD_MIN), 2))
