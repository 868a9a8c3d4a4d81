"""/.well-known/void: statistics counted independently here, from the store's quads."""
from __future__ import annotations

from collections import defaultdict

import rdflib
from rdflib import Namespace, URIRef

from support import BASE

VOID = Namespace("http://rdfs.org/ns/void#")
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
DATASET = URIRef(f"{BASE}/catalog#dataset")


def void_graph(client, accept="text/turtle", fmt="turtle") -> rdflib.Graph:
    response = client.get("/.well-known/void", headers={"Accept": accept})
    assert response.status_code == 200 and response.mimetype == accept
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    return rdflib.Graph().parse(data=response.data, format=fmt)


def dataset_triples(store) -> set:
    """The union of every graph but the catalogue's, as (s, p, o) of pyoxigraph terms."""
    catalog = f"{BASE}/catalog"
    return {(q.subject, q.predicate, q.object)
            for q in store.oxigraph.quads_for_pattern(None, None, None, None)
            if q.graph_name.value != catalog}


def test_counts_match_the_store(client, demo_store):
    g = void_graph(client)
    triples = dataset_triples(demo_store)
    number = lambda p: int(g.value(DATASET, p))  # noqa: E731
    assert number(VOID.triples) == len(triples)
    assert number(VOID.distinctSubjects) == len({s for s, _, _ in triples})
    assert number(VOID.distinctObjects) == len({o for _, _, o in triples})
    assert number(VOID.entities) == len({s for s, _, _ in triples if s.value.startswith(f"{BASE}/id/")})
    classes = defaultdict(set)
    properties = defaultdict(int)
    for s, p, o in triples:
        properties[p.value] += 1
        if p.value == RDF_TYPE:
            classes[o.value].add(s)
    assert number(VOID.classes) == len(classes)
    assert number(VOID.properties) == len(properties)
    partitions = {str(g.value(part, VOID["class"])): int(g.value(part, VOID.entities))
                  for part in g.objects(DATASET, VOID.classPartition)}
    assert partitions == {c: len(members) for c, members in classes.items()}
    partitions = {str(g.value(part, VOID.property)): int(g.value(part, VOID.triples))
                  for part in g.objects(DATASET, VOID.propertyPartition)}
    assert partitions == dict(properties)


def test_links_endpoint_dumps_and_uri_space(client):
    g = void_graph(client, "application/ld+json", "json-ld")
    assert g.value(DATASET, VOID.sparqlEndpoint) == URIRef(f"{BASE}/sparql")
    assert str(g.value(DATASET, VOID.uriSpace)) == f"{BASE}/id/"
    dumps = {str(d) for d in g.objects(DATASET, VOID.dataDump)}
    assert dumps == {f"{BASE}/dumps/konferencje.{e}" for e in ("nq", "ttl", "jsonld")}
    for dump in dumps:
        assert client.head(dump[len(BASE):]).status_code == 200
    assert (URIRef(f"{BASE}/.well-known/void"), URIRef("http://xmlns.com/foaf/0.1/primaryTopic"), DATASET) in g
    assert client.get("/.well-known/void", headers={"Accept": "text/html"}).status_code == 406
