"""/catalog: DCAT-AP by content negotiation, valid against the official shapes, true to the store,
kept in the store for harvesters that read the SPARQL endpoint."""
from __future__ import annotations

import json

import pyshacl
import pytest
import rdflib
import rdflib.compare
from rdflib import RDF, SH, Literal, Namespace, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore

from support import BASE, DEMO_RECORDS, SHARED

DCAT = Namespace("http://www.w3.org/ns/dcat#")
DATETIME = URIRef("http://www.w3.org/2001/XMLSchema#dateTime")
DCTERMS = Namespace("http://purl.org/dc/terms/")
CATALOG = URIRef(f"{BASE}/catalog")
DATASET = URIRef(f"{BASE}/catalog#dataset")
SHAPES = SHARED / "dcat-ap"


def catalogue(client, accept="text/turtle", rdflib_format="turtle") -> rdflib.Graph:
    response = client.get("/catalog", headers={"Accept": accept})
    assert response.status_code == 200, response.data
    assert response.mimetype == accept and "Accept" in response.headers["Vary"]
    return rdflib.Graph().parse(data=response.data, format=rdflib_format)


def test_each_format_reads_back_the_same_graph(client):
    turtle = catalogue(client)
    assert (CATALOG, RDF.type, DCAT.Catalog) in turtle
    for accept, fmt in (("application/rdf+xml", "xml"), ("application/ld+json", "json-ld"),
                        ("application/n-triples", "nt")):
        assert rdflib.compare.isomorphic(catalogue(client, accept, fmt), turtle), accept
    assert client.get("/catalog", headers={"Accept": "image/png"}).status_code == 406


def test_catalogue_describes_dataset_distributions_and_service(client):
    g = catalogue(client)
    assert (CATALOG, DCAT.dataset, DATASET) in g
    downloads = {g.value(d, DCAT.downloadURL) for d in g.objects(DATASET, DCAT.distribution)} - {None}
    assert {str(u).rsplit("/", 1)[1] for u in downloads} == {
        "konferencje.nq", "konferencje.ttl", "konferencje.jsonld",
        "events.csv", "organisations.csv", "people.csv", "patronages.csv"}
    for url in downloads:  # every listed download is there
        assert client.get(str(url)[len(BASE):]).status_code == 200, url
    service = g.value(CATALOG, DCAT.service)
    assert g.value(service, DCAT.endpointURL) == URIRef(f"{BASE}/sparql")
    assert g.value(service, DCAT.endpointDescription) == URIRef(f"{BASE}/sparql")
    assert g.value(service, DCTERMS.conformsTo) == URIRef("https://www.w3.org/TR/sparql11-protocol/")
    authority = "http://publications.europa.eu/resource/authority/"
    assert g.value(DATASET, DCAT.theme) == URIRef(authority + "data-theme/SOCI")
    assert g.value(DATASET, DCTERMS.language) == URIRef(authority + "language/POL")
    assert g.value(DATASET, DCTERMS.accrualPeriodicity) == URIRef(authority + "frequency/IRREG")
    assert g.value(DATASET, DCTERMS.accessRights) == URIRef(authority + "access-right/PUBLIC")
    assert g.value(DATASET, DCTERMS.license) is None and g.value(CATALOG, DCTERMS.license) == URIRef(
        authority + "licence/CC_BY_4_0")


def test_dates_are_true_to_the_store(client, demo_store):
    g = catalogue(client)
    stamps = demo_store.select("""SELECT (MIN(?t) AS ?first) (MAX(?t) AS ?last) WHERE {
        GRAPH ?g { ?g <https://w3id.org/konferencje-kg/def#ingested> ?t } }""")[0]
    def stamp(term):
        return Literal(term.value, datatype=DATETIME).toPython()
    assert g.value(DATASET, DCTERMS.modified).toPython() == stamp(stamps["last"])
    assert g.value(DATASET, DCTERMS.issued).toPython() == stamp(stamps["first"])
    events = demo_store.select("""SELECT (MIN(?d) AS ?first) (MAX(?d) AS ?last) WHERE {
        ?e <http://schema.org/startDate> ?d FILTER(DATATYPE(?d) = <http://www.w3.org/2001/XMLSchema#date>) }""")[0]
    period = g.value(DATASET, DCTERMS.temporal)
    assert str(g.value(period, DCAT.startDate)) == events["first"].value
    assert str(g.value(period, DCAT.endDate)) == events["last"].value


def test_the_stored_graph_is_what_catalog_serves(client, demo_store):
    served = catalogue(client)
    rows = demo_store.select(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{CATALOG}> {{ ?s ?p ?o }} }}")
    ntriples = "".join(f"{r['s']} {r['p']} {r['o']} .\n" for r in rows)
    assert rdflib.compare.isomorphic(rdflib.Graph().parse(data=ntriples, format="nt"), served)


@pytest.mark.parametrize("version", ["3.0.1", "2.1.1"])
def test_passes_the_dcat_ap_shapes(client, version):
    if not SHAPES.is_dir():
        pytest.skip(f"no DCAT-AP shapes at {SHAPES}")
    shapes = rdflib.Graph()
    for name in ("shapes.ttl", "range.ttl"):
        shapes.parse(SHAPES / version / name, format="turtle")
    _, report, text = pyshacl.validate(catalogue(client), shacl_graph=shapes)
    violations = list(report.subjects(SH.resultSeverity, SH.Violation))
    assert not violations, text


def test_harvester_reads_the_catalogue_through_sparql(live_server):
    """What dane.gov.pl's harvester does with a DCAT source: rdflib's SPARQLStore, a CONSTRUCT,
    results asked for as application/rdf+xml."""
    store = SPARQLStore(query_endpoint=f"{live_server}/sparql", returnFormat="xml")
    graph = rdflib.Graph(store=store)
    result = graph.query("""PREFIX dcat: <http://www.w3.org/ns/dcat#>
        CONSTRUCT { ?c a dcat:Catalog ; dcat:dataset ?d . ?d ?p ?o . }
        WHERE { ?c a dcat:Catalog ; dcat:dataset ?d . ?d ?p ?o }""")
    harvested = result.graph
    assert (CATALOG, RDF.type, DCAT.Catalog) in harvested
    assert len(list(harvested.objects(DATASET, DCAT.distribution))) == 8
    assert harvested.value(DATASET, DCTERMS.title, default=None) is not None


def test_catalogue_follows_a_changed_store(tmp_path):
    """A report added while the app runs shows in the catalogue's dates and in its graph."""
    from service.ingest import find_sources, ingest_source
    from service.store import open_store
    from service.web import create_app

    store = open_store(str(tmp_path / "store"))
    sources = sorted(find_sources([DEMO_RECORDS]), key=lambda s: s.name)
    ingest_source(store, sources[0], base=BASE, validate=False)
    client = create_app({"BASE": BASE, "TESTING": True}, store=store).test_client()
    before = catalogue(client)
    assert store.ask(f"ASK {{ GRAPH <{CATALOG}> {{ <{CATALOG}> a <http://www.w3.org/ns/dcat#Catalog> }} }}")
    ingest_source(store, sources[-1], base=BASE, validate=False)
    after = catalogue(client)
    period_before = before.value(before.value(DATASET, DCTERMS.temporal), DCAT.endDate)
    period_after = after.value(after.value(DATASET, DCTERMS.temporal), DCAT.endDate)
    assert str(period_after) > str(period_before)
    answer = client.get("/sparql", query_string={"query": f"""SELECT ?end WHERE {{ GRAPH <{CATALOG}> {{
        ?p <http://www.w3.org/ns/dcat#endDate> ?end }} }}"""}, headers={"Accept": "application/sparql-results+json"})
    assert json.loads(answer.data)["results"]["bindings"][0]["end"]["value"] == str(period_after)
    store.close()
