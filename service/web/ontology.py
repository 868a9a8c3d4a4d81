"""The ontology and the SKOS schemes at their namespace paths, with content negotiation.

`/def` is the ontology (https://w3id.org/konferencje-kg/def); `/theme`, `/role`, `/kind` are the
schemes and `/theme/<id>`… their concepts. A w3id.org redirect sends the fixed namespace here.
Each answers in Turtle, RDF/XML, JSON-LD or N-Triples for machines and HTML for people, chosen by
`Accept` or by `?format=`; `Vary: Accept`; 406 when nothing fits.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import pyoxigraph as ox
import rdflib
from flask import Blueprint, Response, abort, render_template
from flask import request
from rdflib import BNode, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from service.mapping.vocab import PREFIXES
from service.ontology import BASE, ONTOLOGY_GRAPHS, ONTOLOGY_IRI, SCHEMES
from service.web.formats import GRAPH_ALIASES, GRAPH_FORMATS, Format, NotAcceptable, choose
from service.web.labels import current_language, curie

bp = Blueprint("ontology", __name__)

HTML = Format("text/html", ("html",), None, "html")
FORMATS = [HTML, *GRAPH_FORMATS]
ALIASES = {**GRAPH_ALIASES, "application/xhtml+xml": HTML}

DCT = rdflib.Namespace("http://purl.org/dc/terms/")
VANN = rdflib.Namespace("http://purl.org/vocab/vann/")
KG = BASE + "def#"


# --- the files, parsed once ----------------------------------------------------------------

@lru_cache(maxsize=None)
def _graph(graph_iri: str) -> rdflib.Graph:
    graph = rdflib.Graph()
    graph.parse(ONTOLOGY_GRAPHS[graph_iri], format="turtle")
    return graph


@lru_cache(maxsize=None)
def _triples(graph_iri: str) -> tuple[ox.Triple, ...]:
    with ONTOLOGY_GRAPHS[graph_iri].open("rb") as handle:
        return tuple(ox.parse(handle, format=ox.RdfFormat.TURTLE))


def _describe(graph_iri: str, subject: str) -> list[ox.Triple]:
    """The concise bounded description of `subject`: its triples, blank nodes followed."""
    triples = _triples(graph_iri)
    by_subject: dict = {}
    for t in triples:
        by_subject.setdefault(t.subject, []).append(t)
    out, todo, seen = [], [ox.NamedNode(subject)], set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for t in by_subject.get(node, []):
            out.append(t)
            if isinstance(t.object, ox.BlankNode):
                todo.append(t.object)
    return out


# --- labels and terms for the page -----------------------------------------------------------

def _text(graph: rdflib.Graph, node, prop, lang: str) -> str | None:
    values = list(graph.objects(node, prop))
    for wanted in (lang, "en", "pl", None):
        for value in values:
            if isinstance(value, rdflib.Literal) and (value.language == wanted or wanted is None):
                return str(value)
    return None


def _labels(graph: rdflib.Graph, node, prop=RDFS.label) -> dict[str, str]:
    return {v.language: str(v) for v in graph.objects(node, prop)
            if isinstance(v, rdflib.Literal) and v.language}


@dataclass
class Link:
    iri: str | None
    text: str
    href: str | None = None


def _link(graph: rdflib.Graph, node, lang: str) -> Link:
    """A class, property or concept as a link: local anchor or page where we serve it."""
    if isinstance(node, BNode):
        members = list(rdflib.collection.Collection(graph, graph.value(node, OWL.unionOf))) \
            if graph.value(node, OWL.unionOf) is not None else []
        if members:
            return Link(None, " ∪ ".join(curie(str(m)) for m in members))
        values = graph.value(node, OWL.oneOf)
        if values is not None:
            return Link(None, "{" + ", ".join(f'"{v}"' for v in rdflib.collection.Collection(graph, values)) + "}")
        return Link(None, "…")
    iri = str(node)
    href = None
    if iri.startswith(KG):
        href = "#" + iri[len(KG):]
    elif (node, None, None) in graph:
        href = "#" + curie(iri)
    elif iri.startswith(BASE):
        href = "/" + iri[len(BASE):]
    else:
        href = iri
    return Link(iri, curie(iri), href)


@dataclass
class Term:
    iri: str
    curie: str
    anchor: str
    kinds: list[str]
    labels: dict[str, str]
    definition: dict[str, str]
    note: dict[str, str]
    comment: str | None = None
    domain: list[Link] = field(default_factory=list)
    range: list[Link] = field(default_factory=list)
    relations: list[tuple[str, list[Link]]] = field(default_factory=list)
    defined_by: str | None = None


_KINDS = {OWL.Class: "owl:Class", OWL.ObjectProperty: "owl:ObjectProperty",
          OWL.DatatypeProperty: "owl:DatatypeProperty", OWL.FunctionalProperty: "owl:FunctionalProperty",
          OWL.InverseFunctionalProperty: "owl:InverseFunctionalProperty"}
_RELATIONS = [(RDFS.subClassOf, "rdfs:subClassOf"), (RDFS.subPropertyOf, "rdfs:subPropertyOf"),
              (OWL.equivalentClass, "owl:equivalentClass"), (OWL.equivalentProperty, "owl:equivalentProperty"),
              (OWL.inverseOf, "owl:inverseOf"), (RDFS.seeAlso, "rdfs:seeAlso")]


def _term(graph: rdflib.Graph, node: URIRef, lang: str) -> Term:
    iri = str(node)
    own = iri.startswith(KG)
    return Term(
        iri=iri, curie=curie(iri), anchor=iri[len(KG):] if own else curie(iri),
        kinds=[_KINDS[k] for k in graph.objects(node, RDF.type) if k in _KINDS],
        labels=_labels(graph, node),
        definition=_labels(graph, node, SKOS.definition),
        note=_labels(graph, node, SKOS.scopeNote),
        comment=_text(graph, node, RDFS.comment, "en"),
        domain=[_link(graph, d, lang) for d in graph.objects(node, RDFS.domain)],
        range=[_link(graph, r, lang) for r in graph.objects(node, RDFS.range)],
        relations=[(name, links) for prop, name in _RELATIONS
                   if (links := [_link(graph, o, lang) for o in graph.objects(node, prop)])],
        defined_by=str(graph.value(node, RDFS.isDefinedBy) or "") or None,
    )


def _sort_key(term: Term):
    return term.curie.lower()


def ontology_view(lang: str) -> dict:
    graph = _graph(ONTOLOGY_IRI)
    onto = URIRef(ONTOLOGY_IRI)
    terms = [_term(graph, s, lang) for s in set(graph.subjects(RDF.type, None))
             if isinstance(s, URIRef) and s != onto]
    own = sorted((t for t in terms if t.iri.startswith(KG)), key=_sort_key)
    reused = sorted((t for t in terms if not t.iri.startswith(KG)), key=_sort_key)
    return {
        "iri": ONTOLOGY_IRI,
        "title": _text(graph, onto, DCT.title, lang),
        "description": _text(graph, onto, DCT.description, lang),
        "version": str(graph.value(onto, OWL.versionInfo) or ""),
        "prefix": str(graph.value(onto, VANN.preferredNamespacePrefix) or "kg"),
        "namespace": KG,
        "own_classes": [t for t in own if "owl:Class" in t.kinds],
        "own_properties": [t for t in own if "owl:Class" not in t.kinds],
        "reused_classes": [t for t in reused if "owl:Class" in t.kinds],
        "reused_properties": [t for t in reused if "owl:Class" not in t.kinds],
        "schemes": [scheme_view(name, lang, concepts=False) for name in SCHEMES],
    }


@dataclass
class Concept:
    iri: str
    id: str
    notation: str | None
    labels: dict[str, str]
    alt: dict[str, list[str]]
    definition: dict[str, str]
    note: dict[str, str]
    broader: list[Link]
    narrower: list[Link]
    matches: list[tuple[str, list[Link]]]
    editorial: str | None


_MATCHES = [(SKOS.exactMatch, "skos:exactMatch"), (SKOS.closeMatch, "skos:closeMatch"),
            (SKOS.broadMatch, "skos:broadMatch"), (SKOS.narrowMatch, "skos:narrowMatch"),
            (SKOS.relatedMatch, "skos:relatedMatch")]


def _concept(graph: rdflib.Graph, scheme_iri: str, node: URIRef, lang: str) -> Concept:
    alt: dict[str, list[str]] = {}
    for value in graph.objects(node, SKOS.altLabel):
        alt.setdefault(value.language or "", []).append(str(value))
    return Concept(
        iri=str(node), id=str(node)[len(scheme_iri) + 1:],
        notation=str(graph.value(node, SKOS.notation) or "") or None,
        labels=_labels(graph, node, SKOS.prefLabel), alt=alt,
        definition=_labels(graph, node, SKOS.definition), note=_labels(graph, node, SKOS.scopeNote),
        broader=[_link(graph, b, lang) for b in graph.objects(node, SKOS.broader)],
        narrower=[_link(graph, n, lang) for n in graph.objects(node, SKOS.narrower)],
        matches=[(name, links) for prop, name in _MATCHES
                 if (links := [Link(str(o), str(o), str(o)) for o in graph.objects(node, prop)])],
        editorial=_text(graph, node, SKOS.editorialNote, "en"),
    )


def scheme_view(name: str, lang: str, *, concepts: bool = True) -> dict:
    scheme_iri = SCHEMES[name]
    graph = _graph(scheme_iri)
    scheme = URIRef(scheme_iri)
    order = [str(c) for c in graph.objects(scheme, SKOS.hasTopConcept)]
    members = sorted((s for s in graph.subjects(SKOS.inScheme, scheme) if isinstance(s, URIRef)),
                     key=lambda s: (order.index(str(s)) if str(s) in order else len(order), str(s)))
    return {
        "name": name, "iri": scheme_iri, "href": "/" + name,
        "labels": _labels(graph, scheme, SKOS.prefLabel),
        "definition": _labels(graph, scheme, SKOS.definition),
        "count": len(members),
        "concepts": [_concept(graph, scheme_iri, m, lang) for m in members] if concepts else [],
    }


def concept_ids(name: str) -> set[str]:
    scheme_iri = SCHEMES[name]
    graph = _graph(scheme_iri)
    return {str(s)[len(scheme_iri) + 1:] for s in graph.subjects(SKOS.inScheme, URIRef(scheme_iri))}


def _used_prefixes(triples) -> dict[str, str]:
    """The prefixes whose namespace some IRI in `triples` starts with."""
    known = {**PREFIXES, "vann": "http://purl.org/vocab/vann/"}
    iris = {term.value for t in triples for term in (t.subject, t.predicate, t.object)
            if isinstance(term, ox.NamedNode)}
    iris |= {t.object.datatype.value for t in triples if isinstance(t.object, ox.Literal)}
    return {p: ns for p, ns in known.items() if any(i.startswith(ns) for i in iris)}


# --- responses --------------------------------------------------------------------------------

def _negotiate(graph_iri: str, subject: str | None, html):
    try:
        fmt = choose(request, FORMATS, ALIASES)
    except NotAcceptable as error:
        response = Response(f"406 Not Acceptable: {error}\n", status=406,
                            content_type="text/plain; charset=utf-8")
        response.vary.add("Accept")
        return response
    if fmt is HTML:
        response = Response(html(), content_type="text/html; charset=utf-8")
    else:
        triples = _triples(graph_iri) if subject is None else _describe(graph_iri, subject)
        kwargs = {"prefixes": _used_prefixes(triples)} if fmt.writer == ox.RdfFormat.TURTLE else {}
        body = ox.serialize(triples, format=fmt.writer, **kwargs)
        response = Response(body, content_type=fmt.content_type)
        response.headers["Content-Disposition"] = (
            f'inline; filename="{(subject or graph_iri).rstrip("/").rsplit("/", 1)[-1]}.{fmt.extension}"')
    response.vary.add("Accept")
    response.headers["Link"] = f'<{subject or graph_iri}>; rel="canonical"'
    return response


@bp.route("/def")
@bp.route("/def/")
def ontology():
    lang = current_language()
    return _negotiate(ONTOLOGY_IRI, None,
                      lambda: render_template("ontology.html", page="ontology", o=ontology_view(lang)))


def _scheme(name: str):
    lang = current_language()
    view = lambda: render_template("ontology.html", page="scheme", s=scheme_view(name, lang))  # noqa: E731
    return _negotiate(SCHEMES[name], None, view)


def _concept_page(name: str, concept_id: str):
    if concept_id not in concept_ids(name):
        abort(404, f"{SCHEMES[name]}/{concept_id} is not a concept of this scheme")
    lang = current_language()
    iri = f"{SCHEMES[name]}/{concept_id}"

    def view():
        s = scheme_view(name, lang)
        concept = next(c for c in s["concepts"] if c.id == concept_id)
        return render_template("ontology.html", page="concept", s=s, c=concept)

    return _negotiate(SCHEMES[name], iri, view)


@bp.route("/<any(theme, role, kind):name>")
def scheme(name: str):
    return _scheme(name)


@bp.route("/<any(theme, role, kind):name>/<concept_id>")
def concept(name: str, concept_id: str):
    return _concept_page(name, concept_id)
