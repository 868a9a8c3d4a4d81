"""Report record → RDF quads in two graphs (ontology/README.md).

What a report states goes into the report's own named graph; what identifies an entity whatever
report names it (its types and names: `IDENTITY_PREDICATES`) goes into one shared graph,
`entities_graph(base)`, written once however many reports repeat it. Queries read the union of
the named graphs, which does not merge a statement repeated in many graphs: identity statements
kept per report would match once per report naming the entity.

Deterministic and free of language work: names arrive in base form from the record, and equal
names give equal IRIs (`slug`), which is what links reports together.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from pyoxigraph import Literal, NamedNode, Quad

from service.mapping.posts import is_post_name
from service.mapping.slug import slug
from service.mapping.vocab import (
    CONTRIBUTION_ROLES, CV, DCT, EVENT_KINDS, FOAF, KG, LOCN, ORG, PATRON_ROLES, PERSON, PROV,
    RDF, ROLE, SCHEMA, SKOS, THEME, XSD, kind_node,
)

__all__ = ["map_record", "report_iri", "entity_iri", "entities_graph", "is_entities_graph",
           "IDENTITY_PREDICATES", "slug", "MappingError"]

_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


class MappingError(ValueError):
    """The record cannot be turned into RDF (it is not a report record)."""


def entity_iri(base: str, kind: str, key: str) -> NamedNode:
    return NamedNode(f"{base.rstrip('/')}/id/{kind}/{key}")


def entities_graph(base: str) -> NamedNode:
    """The one graph that holds every entity's identity statements (types, names)."""
    return NamedNode(f"{base.rstrip('/')}/graph/entities")


def is_entities_graph(graph: str) -> bool:
    """Whether a graph IRI is an entities graph (of any base)."""
    return graph.endswith("/graph/entities")


#: Predicates of identity statements: true of the entity whatever report names it, so written once
#: into the entities graph (with rdf:type for entities; a report's and a participation's types stay
#: in the report graph, they are the report's own).
IDENTITY_PREDICATES = frozenset({
    RDF.type, SKOS.prefLabel, SKOS.altLabel, FOAF.name, FOAF.givenName, FOAF.familyName,
    LOCN.geographicName, KG.place, KG.postTitle, ORG.postIn, SCHEMA.name,
})


def report_iri(base: str, name: str) -> NamedNode:
    """The report's IRI, which is also the name of its graph."""
    return entity_iri(base, "report", slug(name))


def _date(value: str) -> Literal:
    if len(value) == 10:
        return Literal(value, datatype=XSD.date)
    if len(value) == 7:
        return Literal(value, datatype=XSD.gYearMonth)
    return Literal(value, datatype=XSD.gYear)


def _first(value):
    """Gold records may give several acceptable organisations for a post: take the first."""
    if isinstance(value, list):
        return value[0] if value else None
    return value


def _text(value) -> str | None:
    if isinstance(value, str) and value.strip():
        return " ".join(value.split())
    return None


@dataclass
class _Writer:
    base: str
    graph: NamedNode
    entities: NamedNode
    quads: list[Quad] = field(default_factory=list)
    seen: set = field(default_factory=set)

    def _put(self, quad: Quad) -> None:
        if quad not in self.seen:
            self.seen.add(quad)
            self.quads.append(quad)

    def add(self, s, p, o) -> None:
        """A statement of the report: into the report's graph."""
        self._put(Quad(s, p, o, self.graph))

    def ident(self, s, p, o) -> None:
        """An identity statement of an entity: into the entities graph."""
        self._put(Quad(s, p, o, self.entities))

    def label(self, node, text: str) -> None:
        self.ident(node, SKOS.prefLabel, Literal(text, language="pl"))

    def mentioned(self, node) -> None:
        self.add(node, DCT.isReferencedBy, self.graph)

    # entities -----------------------------------------------------------------------------
    def place(self, name: str, kind: str = "place") -> NamedNode:
        node = entity_iri(self.base, kind, slug(name))
        self.ident(node, RDF.type, DCT.Location)
        if kind == "venue":
            self.ident(node, RDF.type, SCHEMA.Place)
        self.label(node, name)
        self.ident(node, LOCN.geographicName, Literal(name, language="pl"))
        self.mentioned(node)
        return node

    def organisation(self, name: str, abbreviation: str | None = None,
                     place: str | None = None) -> NamedNode:
        node = entity_iri(self.base, "organisation", slug(name))
        self.ident(node, RDF.type, CV.PublicOrganisation)
        self.ident(node, RDF.type, ORG.Organization)
        self.label(node, name)
        if abbreviation:
            self.ident(node, SKOS.altLabel, Literal(abbreviation, language="pl"))
        if place:
            self.ident(node, KG.place, self.place(place))
        self.mentioned(node)
        return node

    def post(self, label: str, title: str | None, organisation: str | None,
             key: str | None = None) -> NamedNode:
        """A post; its key is title + body, else `key` (given by the caller), else the label."""
        key = slug(f"{title} {organisation}") if title and organisation else (key or slug(label))
        node = entity_iri(self.base, "post", key)
        self.ident(node, RDF.type, ORG.Post)
        self.label(node, label)
        if title:
            self.ident(node, KG.postTitle, Literal(title.lower(), language="pl"))
        if organisation:
            self.ident(node, ORG.postIn, self.organisation(organisation))
        self.mentioned(node)
        return node

    def body(self, name: str, known_titles: set[str]) -> NamedNode:
        """An organiser or patron: a post ("Marszałek Województwa X") or an organisation."""
        if is_post_name(name, known_titles):
            return self.post(name, name.split()[0].lower(), None)
        return self.organisation(name)

    def person(self, name: str, honorific: str | None = None) -> NamedNode:
        node = entity_iri(self.base, "person", slug(name))
        self.ident(node, RDF.type, PERSON.Person)
        self.ident(node, RDF.type, FOAF.Person)
        self.label(node, name)
        self.ident(node, FOAF.name, Literal(name))
        parts = name.split()
        if len(parts) > 1:
            self.ident(node, FOAF.givenName, Literal(" ".join(parts[:-1])))
            self.ident(node, FOAF.familyName, Literal(parts[-1]))
        if honorific:
            self.add(node, SCHEMA.honorificPrefix, Literal(honorific))
        self.mentioned(node)
        return node

    def participation(self, event: NamedNode, participant: NamedNode, role: str) -> NamedNode:
        key = event.value.rsplit("/", 1)[1] + "--" + participant.value.rsplit("/", 1)[1] + "--" + role
        node = entity_iri(self.base, "participation", key)
        self.add(node, RDF.type, CV.Participation)
        self.add(node, CV.hasParticipant, participant)
        self.add(node, CV.role, ROLE[role])
        self.add(node, KG.inEvent, event)
        self.add(event, KG.participation, node)
        return node


def _event(w: _Writer, ev: dict, key: str, known_titles: set[str]) -> NamedNode:
    node = entity_iri(w.base, "event", key)
    name = _text(ev.get("name")) or key
    w.ident(node, RDF.type, CV.PublicEvent)
    w.ident(node, RDF.type, SCHEMA.Event)
    w.label(node, name)
    w.ident(node, SCHEMA.name, Literal(name, language="pl"))
    w.mentioned(node)
    kind = ev.get("kind") if ev.get("kind") in EVENT_KINDS else "other"
    w.add(node, KG.eventKind, kind_node(kind))
    w.add(node, DCT.type, kind_node(kind))
    if _text(ev.get("title")):
        w.add(node, KG.motto, Literal(_text(ev["title"]), language="pl"))
    if isinstance(ev.get("edition"), int):
        w.add(node, CV.eventNumber, Literal(ev["edition"]))
    for key_, prop in (("start", SCHEMA.startDate), ("end", SCHEMA.endDate)):
        value = ev.get(key_)
        if isinstance(value, str) and _DATE.match(value):
            w.add(node, prop, _date(value))
    for place in ev.get("places") or []:
        if _text(place):
            w.add(node, SCHEMA.location, w.place(_text(place)))
    if _text(ev.get("venue")):
        w.add(node, SCHEMA.location, w.place(_text(ev["venue"]), kind="venue"))
    participants = ev.get("participants")
    if isinstance(participants, dict) and isinstance(participants.get("count"), int):
        w.add(node, KG.participantCount, Literal(participants["count"]))
        w.add(node, KG.participantCountQualifier, Literal(participants.get("qualifier") or "exact"))
    for theme in ev.get("themes") or []:
        if _text(theme):
            w.add(node, DCT.subject, THEME[_text(theme)])

    for name_ in ev.get("organisers") or []:
        if _text(name_):
            body = w.body(_text(name_), known_titles)
            w.add(node, SCHEMA.organizer, body)
            w.participation(node, body, "organiser")
    for name_ in ev.get("partners") or []:
        if _text(name_):
            body = w.body(_text(name_), known_titles)
            w.add(node, KG.partner, body)
            w.participation(node, body, "partner")
    for patron in ev.get("patrons") or []:
        if not isinstance(patron, dict) or not _text(patron.get("name")):
            continue
        body = w.body(_text(patron["name"]), known_titles)
        w.add(node, KG.patron, body)
        role = PATRON_ROLES.get(patron.get("kind") or "other", "patron")
        part = w.participation(node, body, role)
        if _text(patron.get("person")):
            holder = w.person(_text(patron["person"]))
            w.add(part, KG.patronPerson, holder)
            if body.value.split("/id/")[1].startswith("post/"):
                w.add(body, ORG.heldBy, holder)
                w.add(holder, ORG.holds, body)
    for contribution in ev.get("contributions") or []:
        if not isinstance(contribution, dict) or not _text(contribution.get("person")):
            continue
        person = w.person(_text(contribution["person"]))
        w.add(node, KG.contributor, person)
        w.participation(node, person, CONTRIBUTION_ROLES.get(contribution.get("role"), "other"))
    for sub in ev.get("sub_events") or []:
        if isinstance(sub, dict):
            sub_key = key + "--" + slug(_text(sub.get("name")) or sub.get("kind") or "part")
            child = _event(w, sub, sub_key, known_titles)
            w.add(node, CV.subEvent, child)
            w.add(child, KG.partOf, node)
    return node


def map_record(record: dict, *, name: str, base: str, source_file: str | None = None,
               text: str | None = None) -> list[Quad]:
    """The quads of one report record, in two graphs: what the report states in its own graph
    (`report_iri(base, name)`), the identity statements of the entities it names (types, names:
    `IDENTITY_PREDICATES`) in the shared `entities_graph(base)`. Loading a report replaces its
    graph and adds (never removes) its identity quads. `text` is the report's own text, kept as
    `schema:text` so that readers can see the sentences behind the facts."""
    if not isinstance(record, dict) or not isinstance(record.get("event"), dict):
        raise MappingError("not a report record: no 'event' object")
    graph = report_iri(base, name)
    w = _Writer(base=base, graph=graph, entities=entities_graph(base))
    report = record.get("report") or {}
    ev = record["event"]

    w.add(graph, RDF.type, FOAF.Document)
    w.add(graph, RDF.type, PROV.Entity)
    w.add(graph, RDF.type, SCHEMA.Report)
    title = _text(report.get("title")) or _text(ev.get("name")) or name
    w.add(graph, DCT.title, Literal(title, language="pl"))
    w.add(graph, SKOS.prefLabel, Literal(title, language="pl"))  # the report's own: its graph
    published = report.get("published")
    if isinstance(published, str) and _DATE.match(published):
        w.add(graph, DCT.issued, _date(published))
    if _text(report.get("source_url")):
        try:
            source = NamedNode(_text(report["source_url"]))
        except ValueError:  # not a valid IRI: keep the text
            source = Literal(_text(report["source_url"]))
        w.add(graph, DCT.source, source)
    for author in report.get("authors") or []:
        if _text(author):
            w.add(graph, DCT.creator, Literal(_text(author)))
    if source_file:
        w.add(graph, KG.sourceFile, Literal(source_file))
    if _text(text):
        w.add(graph, SCHEMA.text, Literal(text.strip(), language="pl"))

    known_titles = {
        (post.get("title") or "").split()[0].lower()
        for person in record.get("people") or [] if isinstance(person, dict)
        for post in person.get("posts") or [] if isinstance(post, dict) and _text(post.get("title"))
    }
    for org in record.get("organisations") or []:
        if isinstance(org, dict) and _text(org.get("name")):
            w.organisation(_text(org["name"]), _text(org.get("abbreviation")), _text(org.get("place")))
    for person in record.get("people") or []:
        if not isinstance(person, dict) or not _text(person.get("name")):
            continue
        node = w.person(_text(person["name"]), _text(person.get("honorific")))
        for post in person.get("posts") or []:
            if not isinstance(post, dict):
                continue
            title, organisation = _text(post.get("title")), _text(_first(post.get("organisation")))
            if title:
                label = f"{title} – {organisation}" if organisation else title
                # A title with no body ("starosta") says nothing of which office it is: the post
                # is this person's own, not one node shared by every "starosta" in the graph.
                own_key = None if organisation else slug(f"{title} {person['name']}")
                post_node = w.post(label, title, organisation, key=own_key)
                w.add(post_node, ORG.heldBy, node)
                w.add(node, ORG.holds, post_node)
            elif organisation:
                w.add(node, ORG.memberOf, w.organisation(organisation))

    event_key = slug(_text(ev.get("name")) or title)
    if isinstance(ev.get("start"), str) and _DATE.match(ev["start"]):
        event_key += "-" + ev["start"]
    event = _event(w, ev, event_key, known_titles)
    w.add(graph, SCHEMA.about, event)
    return w.quads
