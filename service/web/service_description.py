"""The SPARQL 1.1 Service Description answered by a bare GET on /sparql.

It names the endpoint, the query language and result formats, the default dataset (the union of
the named graphs) with every named graph, and links the VoID description and the DCAT catalogue,
which describe the data (all graphs but the catalogue's own, {base}/catalog).
"""
from __future__ import annotations

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from service.mapping.vocab import DCT, RDF, RDFS, Namespace
from service.store import Store
from service.web.formats import GRAPH_FORMATS, RESULT_FORMATS

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
VOID = Namespace("http://rdfs.org/ns/void#")

_W3C_FORMAT = {
    "application/sparql-results+json": "SPARQL_Results_JSON",
    "application/sparql-results+xml": "SPARQL_Results_XML",
    "text/csv": "SPARQL_Results_CSV",
    "text/tab-separated-values": "SPARQL_Results_TSV",
    "text/turtle": "Turtle",
    "application/n-triples": "N-Triples",
    "application/rdf+xml": "RDF_XML",
    "application/ld+json": "JSON-LD",
}


def service_description_triples(config: dict, store: Store) -> list[Triple]:
    from service.web.opendata import Iris
    base = config["BASE"]
    iris = Iris(base)
    service = NamedNode(iris.sparql)
    dataset, default_graph = NamedNode(f"{iris.sparql}#dataset"), BlankNode()
    void_document = NamedNode(iris.void)
    out = [
        Triple(service, RDF.type, SD.Service),
        Triple(service, DCT.title, Literal(f"SPARQL: {config['TITLE']}", language="pl")),
        Triple(service, RDFS.seeAlso, void_document),
        Triple(service, RDFS.seeAlso, NamedNode(iris.catalog)),
        Triple(dataset, RDFS.seeAlso, void_document),
        Triple(dataset, RDFS.seeAlso, NamedNode(iris.catalog)),
        Triple(service, SD.endpoint, service),
        Triple(service, SD.supportedLanguage, SD.SPARQL11Query),
        Triple(service, SD.feature, SD.UnionDefaultGraph),
        Triple(service, SD.defaultDataset, dataset),
        Triple(dataset, RDF.type, SD.Dataset),
        Triple(dataset, SD.defaultGraph, default_graph),
        Triple(default_graph, RDF.type, SD.Graph),
        Triple(dataset, VOID.sparqlEndpoint, service),
    ]
    for fmt in RESULT_FORMATS + GRAPH_FORMATS:
        out.append(Triple(service, SD.resultFormat, FORMATS[_W3C_FORMAT[fmt.media_type]]))
    for graph in store.named_graphs():
        named = BlankNode()
        out.append(Triple(dataset, SD.namedGraph, named))
        out.append(Triple(named, RDF.type, SD.NamedGraph))
        out.append(Triple(named, SD.name, NamedNode(graph)))
    return out
