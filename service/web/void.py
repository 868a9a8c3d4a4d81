"""`/.well-known/void`: a VoID description of the dataset with statistics counted in the store.

Counts are over the dataset's graphs (all but the catalogue's), with a triple that several report
graphs hold counted once: `void:triples` is the size of their union. Recounted when the store
changes (the catalogue's fingerprint), not on every request.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass

from flask import Blueprint, current_app, request
from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from service.mapping.vocab import DCT, FOAF, RDF, VOID, XSD
from service.store import Store
from service.web import get_store
from service.catalog import fingerprint
from service.web.formats import GRAPH_ALIASES, GRAPH_FORMATS, NotAcceptable, choose
from service.web.opendata import Iris, data_graph_filter, rdf_response, settings, text_response

bp = Blueprint("void", __name__)

FORMATS_NS = "http://www.w3.org/ns/formats/"
DUMP_FEATURES = {"nq": "N-Quads", "ttl": "Turtle", "jsonld": "JSON-LD"}


@dataclass
class Statistics:
    triples: int
    entities: int
    distinct_subjects: int
    distinct_objects: int
    classes: dict[str, int]      # class IRI → entities of that class
    properties: dict[str, int]   # property IRI → triples with that property


def _count(store: Store, sparql: str) -> int:
    rows = store.select(sparql)
    return int(rows[0]["n"].value) if rows else 0


def statistics(store: Store, base: str) -> Statistics:
    """The dataset's VoID statistics, from the store."""
    graphs = f"GRAPH ?g {{ ?s ?p ?o }} {data_graph_filter(base)}"
    distinct = f"SELECT DISTINCT ?s ?p ?o WHERE {{ {graphs} }}"
    space = f"{base}/id/"
    triples = _count(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ {distinct} }}")
    entities = _count(store, f"""SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ {graphs}
        FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{space}")) }}""")
    subjects = _count(store, f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ {graphs} }}")
    objects = _count(store, f"SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE {{ {graphs} }}")
    classes = {row["c"].value: int(row["n"].value) for row in store.select(f"""
        SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH ?g {{ ?s a ?c }} {data_graph_filter(base)} }}
        GROUP BY ?c ORDER BY ?c""")}
    properties = {row["p"].value: int(row["n"].value) for row in store.select(f"""
        SELECT ?p (COUNT(*) AS ?n) WHERE {{ {distinct} }} GROUP BY ?p ORDER BY ?p""")}
    return Statistics(triples, entities, subjects, objects, classes, properties)


def void_triples(config: dict, stats: Statistics, modified: Literal | None = None) -> list[Triple]:
    base = config["BASE"]
    iris = Iris(base)
    dataset, document = NamedNode(iris.dataset), NamedNode(iris.void)
    out: list[Triple] = []

    def add(s, p, o):
        out.append(Triple(s, p, o))

    def integer(n: int) -> Literal:
        return Literal(str(n), datatype=XSD.integer)

    add(document, RDF.type, VOID.DatasetDescription)
    add(document, DCT.title, Literal(f"VoID: {config['TITLE']}", language="pl"))
    add(document, FOAF.primaryTopic, dataset)
    add(dataset, RDF.type, VOID.Dataset)
    add(dataset, DCT.title, Literal(config["TITLE"], language="pl"))
    if config.get("TITLE_EN"):
        add(dataset, DCT.title, Literal(config["TITLE_EN"], language="en"))
    add(dataset, DCT.license, NamedNode(config["LICENSE"]))
    add(dataset, DCT.publisher, NamedNode(config.get("PUBLISHER_URL") or f"{iris.catalog}#publisher"))
    add(dataset, NamedNode("http://www.w3.org/2000/01/rdf-schema#seeAlso"), NamedNode(iris.catalog))
    if modified is not None:
        add(dataset, DCT.modified, modified)
    add(dataset, VOID.sparqlEndpoint, NamedNode(iris.sparql))
    add(dataset, VOID.uriSpace, Literal(f"{base}/id/"))
    for entry in settings()["distribution"]:
        extension = entry["file"].rpartition(".")[2]
        if entry["kind"] == "rdf":
            add(dataset, VOID.dataDump, NamedNode(iris.dump(entry["file"])))
            add(dataset, VOID.feature, NamedNode(FORMATS_NS + DUMP_FEATURES[extension]))
    for vocabulary in settings()["void"]["vocabularies"]:
        add(dataset, VOID.vocabulary, NamedNode(vocabulary))
    add(dataset, VOID.triples, integer(stats.triples))
    add(dataset, VOID.entities, integer(stats.entities))
    add(dataset, VOID.distinctSubjects, integer(stats.distinct_subjects))
    add(dataset, VOID.distinctObjects, integer(stats.distinct_objects))
    add(dataset, VOID.classes, integer(len(stats.classes)))
    add(dataset, VOID.properties, integer(len(stats.properties)))
    for cls, n in stats.classes.items():
        part = BlankNode()
        add(dataset, VOID.classPartition, part)
        add(part, VOID["class"], NamedNode(cls))
        add(part, VOID.entities, integer(n))
    for prop, n in stats.properties.items():
        part = BlankNode()
        add(dataset, VOID.propertyPartition, part)
        add(part, VOID.property, NamedNode(prop))
        add(part, VOID.triples, integer(n))
    return out


class _Cache:
    def __init__(self):
        self.lock = threading.Lock()
        self.key = None
        self.stats: Statistics | None = None


def current_statistics(store: Store, base: str) -> Statistics:
    """The statistics, recounted only when the store's report graphs have changed."""
    cache = current_app.extensions.setdefault("kg_void", _Cache())
    key = fingerprint(store, base)
    with cache.lock:
        if cache.key != key or cache.stats is None:
            cache.stats, cache.key = statistics(store, base), key
        return cache.stats


@bp.route("/.well-known/void")
def void():
    try:
        fmt = choose(request, GRAPH_FORMATS, GRAPH_ALIASES)
    except NotAcceptable as error:
        return text_response(str(error), 406)
    store, config = get_store(), current_app.config
    from service.web.catalog import current_catalog
    catalog = current_catalog()
    modified = next((t.object for t in catalog
                     if t.subject.value == Iris(config["BASE"]).dataset and t.predicate == DCT.modified), None)
    return rdf_response(void_triples(config, current_statistics(store, config["BASE"]), modified), fmt)
