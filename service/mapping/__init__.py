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

from service.mapping.identity import (
    Entity, IdentityBlock, block_digest, organisation_identity, person_identity, place_identity, post_identity,
    statement,
)
from service.mapping.iris import entities_graph, entity_iri, is_entities_graph, report_iri
from service.mapping.posts import is_post_name
from service.mapping.slug import slug
from service.mapping.vocab import (
    CONTRIBUTION_ROLES, CV, DCT, EVENT_KINDS, FOAF, KG, LOCN, ORG, PATRON_ROLES, PROV,
    RDF, ROLE, SCHEMA, SKOS, THEME, XSD, kind_node,
)

__all__ = ["map_record", "report_iri", "entity_iri", "entities_graph", "is_entities_graph",
           "IDENTITY_PREDICATES", "slug", "MappingError", "Mapped", "IdentityBlock", "block_digest"]

_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


class MappingError(ValueError):
    """The record cannot be turned into RDF (it is not a report record)."""


#: Predicates of identity statements: true of the entity whatever report names it, so written once
#: into the entities graph (with rdf:type for entities; a report's and a participation's types stay
#: in the report graph, they are the report's own).
IDENTITY_PREDICATES = frozenset({
    RDF.type, SKOS.prefLabel, SKOS.altLabel, FOAF.name, FOAF.givenName, FOAF.familyName,
    LOCN.geographicName, KG.place, KG.postTitle, ORG.postIn, SCHEMA.name,
})


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


class Mapped(list):
    """A report's quads (a list, each once), and the same split by graph: `own`, the report
    graph's; `blocks`, the identity statements, one `IdentityBlock` per entity (an entity named
    with different details may have two). `statements`: the `own` quads' terms, in order, as
    `IdentityBlock.statements` holds them (the fast check reads them, not the quads)."""

    def __init__(self, own: list[Quad], blocks: list[IdentityBlock], statements: list[tuple]):
        identity = [quad for block in blocks for quad in block.quads]
        if len({block.subject for block in blocks}) < len(blocks):  # overlapping blocks
            identity = list(dict.fromkeys(identity))
        super().__init__(own + identity)
        self.own, self.blocks, self.statements = own, blocks, statements


@dataclass
class _Writer:
    base: str
    graph: NamedNode
    entities: NamedNode
    own: list[Quad] = field(default_factory=list)
    statements: list[tuple] = field(default_factory=list)  # `own`'s, as `statement` gives them
    seen: set = field(default_factory=set)
    blocks: list[IdentityBlock] = field(default_factory=list)
    named: set = field(default_factory=set)   # the Entity objects put already
    events: dict = field(default_factory=dict)  # event node → {its identity quad: its statement}

    def add(self, s, p, o) -> None:
        """A statement of the report: into the report's graph."""
        quad = Quad(s, p, o, self.graph)
        if quad not in self.seen:
            self.seen.add(quad)
            self.own.append(quad)
            self.statements.append(statement(s, p, o))

    def ident(self, s, p, o) -> None:
        """An identity statement of an event (other entities' come built: `_named`)."""
        self.events.setdefault(s, {}).setdefault(Quad(s, p, o, self.entities), statement(s, p, o))

    def label(self, node, text: str) -> None:
        self.ident(node, SKOS.prefLabel, Literal(text, language="pl"))

    def mentioned(self, node) -> None:
        self.add(node, DCT.isReferencedBy, self.graph)

    def _named(self, entity: Entity) -> NamedNode:
        """Puts an entity's identity block and mention, and its parts' (once per report)."""
        if entity not in self.named:
            self.named.add(entity)
            for part in entity.parts:
                self._named(part)
            self.blocks.append(entity.block)
            self.mentioned(entity.node)
        return entity.node

    def mapped(self) -> Mapped:
        events = [IdentityBlock(node, tuple(quads), tuple(quads.values())) for node, quads in self.events.items()]
        return Mapped(self.own, events + self.blocks, self.statements)

    # entities -----------------------------------------------------------------------------
    def place(self, name: str, kind: str = "place") -> NamedNode:
        return self._named(place_identity(self.base, name, kind))

    def organisation(self, name: str, abbreviation: str | None = None,
                     place: str | None = None) -> NamedNode:
        return self._named(organisation_identity(self.base, name, abbreviation, place))

    def post(self, label: str, title: str | None, organisation: str | None,
             key: str | None = None) -> NamedNode:
        """A post; its key is title + body, else `key` (given by the caller), else the label."""
        key = slug(f"{title} {organisation}") if title and organisation else (key or slug(label))
        return self._named(post_identity(self.base, label, title, organisation, key))

    def body(self, name: str, known_titles: set[str]) -> NamedNode:
        """An organiser or patron: a post ("Marszałek Województwa X") or an organisation."""
        if is_post_name(name, known_titles):
            return self.post(name, name.split()[0].lower(), None)
        return self.organisation(name)

    def person(self, name: str, honorific: str | None = None) -> NamedNode:
        node = self._named(person_identity(self.base, name))
        if honorific:
            self.add(node, SCHEMA.honorificPrefix, Literal(honorific))
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
               text: str | None = None) -> Mapped:
    """The quads of one report record, in two graphs: what the report states in its own graph
    (`report_iri(base, name)`), the identity statements of the entities it names (types, names:
    `IDENTITY_PREDICATES`) in the shared `entities_graph(base)`, as a `Mapped` list that also
    keeps them split by graph. Loading a report replaces its graph and adds (never removes) its
    identity quads. `text` is the report's own text, kept as
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
    return w.mapped()
