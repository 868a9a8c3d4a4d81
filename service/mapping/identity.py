"""Entities' identity statements (types, names), built once per process and kept.

Names recur across reports: the same body, person or place comes back in report after report,
and building its terms and quads was most of the mapping's cost. Each kind of entity is a
function of what the record gives (name, details), memoised; a report's `_Writer` puts the
entity's `IdentityBlock` (and its place's or body's) and mentions it. A block also keeps its
N-Quads and their digest once asked for, so that ingest serialises a recurring entity once.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from hashlib import blake2b

from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, serialize

from service.mapping.iris import entities_graph, entity_iri
from service.mapping.slug import slug
from service.mapping.vocab import CV, DCT, FOAF, KG, LOCN, ORG, PERSON, RDF, SCHEMA, SKOS

#: Entities whose identity statements are kept built, per kind of entity: names recur across
#: reports, and building terms and quads is most of the mapping's cost.
IDENTITY_MEMO = 1 << 15


class IdentityBlock:
    """One entity's identity quads (one subject, the entities graph), as N-Quads once asked for:
    an entity named in many reports is serialised once per process."""
    __slots__ = ("subject", "quads", "statements", "_nquads", "_digest")

    def __init__(self, subject: NamedNode, quads: tuple[Quad, ...], statements: tuple[tuple, ...]):
        """`statements`: the quads as `statement` gives them, in order, from the terms the caller
        built them of (the fast check reads them for every report that names the entity, and
        taking quads apart costs four pyoxigraph getters each)."""
        self.subject, self.quads, self.statements = subject, quads, statements
        self._nquads = self._digest = None

    @property
    def nquads(self) -> bytes:
        if self._nquads is None:
            self._nquads = serialize(self.quads, format=RdfFormat.N_QUADS)
        return self._nquads

    @property
    def digest(self) -> bytes:
        """What names the block where its bytes were seen before (`block_digest`)."""
        if self._digest is None:
            self._digest = block_digest(self.nquads)
        return self._digest


def statement(s, p: NamedNode, o) -> tuple:
    """A statement as `IdentityBlock.statements` and `Mapped.statements` hold it."""
    return s, p, o, p.value


def block_digest(nquads: bytes) -> bytes:
    return blake2b(nquads, digest_size=16).digest()


@dataclass(frozen=True, eq=False)
class Entity:
    """An entity as a report names it: its node, its identity block, the entities its identity
    points to (an organisation's place, a post's body), all of which the report then mentions."""
    node: NamedNode
    block: IdentityBlock
    parts: tuple["Entity", ...] = ()


def _identity(base: str, kind: str, key: str, statements, parts=()) -> Entity:
    node = entity_iri(base, kind, key)
    graph = entities_graph(base)
    pairs = tuple(statements(node))
    block = IdentityBlock(node, tuple(Quad(node, p, o, graph) for p, o in pairs),
                          tuple(statement(node, p, o) for p, o in pairs))
    return Entity(node, block, parts)


@lru_cache(maxsize=IDENTITY_MEMO)
def place_identity(base: str, name: str, kind: str) -> Entity:
    def statements(node):
        yield RDF.type, DCT.Location
        if kind == "venue":
            yield RDF.type, SCHEMA.Place
        yield SKOS.prefLabel, Literal(name, language="pl")
        yield LOCN.geographicName, Literal(name, language="pl")
    return _identity(base, kind, slug(name), statements)


@lru_cache(maxsize=IDENTITY_MEMO)
def organisation_identity(base: str, name: str, abbreviation: str | None, place: str | None) -> Entity:
    where = place_identity(base, place, "place") if place else None

    def statements(node):
        yield RDF.type, CV.PublicOrganisation
        yield RDF.type, ORG.Organization
        yield SKOS.prefLabel, Literal(name, language="pl")
        if abbreviation:
            yield SKOS.altLabel, Literal(abbreviation, language="pl")
        if where:
            yield KG.place, where.node
    return _identity(base, "organisation", slug(name), statements, (where,) if where else ())


@lru_cache(maxsize=IDENTITY_MEMO)
def post_identity(base: str, label: str, title: str | None, organisation: str | None, key: str) -> Entity:
    body = organisation_identity(base, organisation, None, None) if organisation else None

    def statements(node):
        yield RDF.type, ORG.Post
        yield SKOS.prefLabel, Literal(label, language="pl")
        if title:
            yield KG.postTitle, Literal(title.lower(), language="pl")
        if body:
            yield ORG.postIn, body.node
    return _identity(base, "post", key, statements, (body,) if body else ())


@lru_cache(maxsize=IDENTITY_MEMO)
def person_identity(base: str, name: str) -> Entity:
    def statements(node):
        yield RDF.type, PERSON.Person
        yield RDF.type, FOAF.Person
        yield SKOS.prefLabel, Literal(name, language="pl")
        yield FOAF.name, Literal(name)
        parts = name.split()
        if len(parts) > 1:
            yield FOAF.givenName, Literal(" ".join(parts[:-1]))
            yield FOAF.familyName, Literal(parts[-1])
    return _identity(base, "person", slug(name), statements)
