"""Every /id/ IRI dereferences by content negotiation; pages carry schema.org JSON-LD; CORS;
the service description on a bare GET of /sparql."""
from __future__ import annotations

import json
import re

import pytest
import rdflib
from pyoxigraph import Literal, NamedNode, Quad

from support import BASE

EVENT = f"{BASE}/id/event/iii-mazowiecki-kongres-ekonomii-spolecznej-2024-11-21"
ORGANISER = f"{BASE}/id/organisation/mazowieckie-centrum-polityki-spolecznej"
PATH = EVENT[len(BASE):]
SKOS_PREF = rdflib.URIRef("http://www.w3.org/2004/02/skos/core#prefLabel")
SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")

RDF_TYPES = [("text/turtle", "turtle"), ("application/n-triples", "nt"),
             ("application/rdf+xml", "xml"), ("application/ld+json", "json-ld")]


def fetch(client, path, accept=None, **query):
    headers = {"Accept": accept} if accept else {}
    return client.get(path, headers=headers, query_string=query)


@pytest.mark.parametrize("accept,fmt", RDF_TYPES)
def test_each_rdf_format_holds_statements_labels_and_incoming_links(client, demo_store, accept, fmt):
    response = fetch(client, PATH, accept)
    assert response.status_code == 200 and response.mimetype == accept
    assert "Accept" in response.headers["Vary"]
    graph = rdflib.Graph().parse(data=response.data, format=fmt)
    event = rdflib.URIRef(EVENT)
    own = demo_store.select(f"SELECT DISTINCT ?p ?o WHERE {{ <{EVENT}> ?p ?o }}")
    assert len(list(graph.predicate_objects(event))) == len(own)
    organiser = rdflib.URIRef(ORGANISER)
    assert (event, rdflib.URIRef("http://schema.org/organizer"), organiser) in graph
    assert graph.value(organiser, SKOS_PREF) is not None  # the label of what it links to
    incoming = demo_store.select(f"SELECT DISTINCT ?s ?p WHERE {{ ?s ?p <{EVENT}> }}")
    assert incoming and all((rdflib.URIRef(r["s"].value), rdflib.URIRef(r["p"].value), event) in graph
                            for r in incoming)


def test_negotiation_q_values_wildcards_and_format(client):
    assert fetch(client, PATH).mimetype == "text/html"
    assert fetch(client, PATH, "*/*").mimetype == "text/html"
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    assert fetch(client, PATH, browser).mimetype == "text/html"
    assert fetch(client, PATH, "text/turtle;q=0.5, application/ld+json").mimetype == "application/ld+json"
    assert fetch(client, PATH, "application/rdf+xml, */*;q=0.1").mimetype == "application/rdf+xml"
    assert fetch(client, PATH, "text/html", format="ttl").mimetype == "text/turtle"
    assert fetch(client, PATH, "text/turtle", format="html").mimetype == "text/html"
    links = fetch(client, PATH).headers["Link"]
    assert 'rel="alternate"; type="text/turtle"' in links


def test_errors(client):
    refused = fetch(client, PATH, "image/png")
    assert refused.status_code == 406 and b"text/turtle" in refused.data
    assert fetch(client, PATH, format="docx").status_code == 406
    unknown = fetch(client, "/id/event/no-such-event", "text/turtle")
    assert unknown.status_code == 404 and b"no-such-event" in unknown.data
    assert fetch(client, "/id/event/no-such-event").status_code == 404


def page_jsonld(response) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', response.data.decode(), re.S)
    assert match, "no JSON-LD in the page"
    return json.loads(match.group(1))


def test_pages_embed_schema_org(client):
    event = page_jsonld(fetch(client, PATH, "text/html"))
    assert event["@type"] == "Event" and event["@id"] == EVENT
    assert event["startDate"] == "2024-11-21" and event["location"]["address"]["addressLocality"] == "Warszawa"
    assert {"@type": "Organization", "@id": ORGANISER,
            "name": "Mazowieckie Centrum Polityki Społecznej"} in event["organizer"]
    organisation = page_jsonld(fetch(client, ORGANISER[len(BASE):], "text/html"))
    assert organisation["@type"] == "Organization" and organisation["name"]
    person = page_jsonld(fetch(client, "/id/person/cezary-mizejewski", "text/html"))
    assert person["@type"] == "Person" and person["familyName"] == "Miżejewski"


def test_report_text_cannot_close_the_script(tmp_path):
    """A hostile name stays inside the JSON: <, > and & are escaped."""
    from service.store import open_store
    from service.web import create_app

    store = open_store(str(tmp_path / "store"))
    event, graph = NamedNode(f"{BASE}/id/event/x"), NamedNode(f"{BASE}/id/report/x")
    name = '</script><script>alert("&")</script>'
    store.replace_graph(graph.value, [
        Quad(event, NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), NamedNode("http://schema.org/Event"), graph),
        Quad(event, NamedNode(str(SKOS_PREF)), Literal(name, language="pl"), graph),
    ])
    client = create_app({"BASE": BASE, "TESTING": True}, store=store).test_client()
    response = fetch(client, "/id/event/x", "text/html")
    assert response.status_code == 200
    assert b"<script>alert" not in response.data
    assert page_jsonld(response)["name"] == name
    store.close()


def test_cors(client):
    for path in ("/sparql", PATH, "/catalog", "/.well-known/void", "/dumps/"):
        assert fetch(client, path, "text/turtle").headers.get("Access-Control-Allow-Origin") == "*", path
    preflight = client.options("/sparql", headers={
        "Origin": "http://yasgui.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "Content-Type"})
    assert preflight.status_code == 204
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in preflight.headers["Access-Control-Allow-Headers"]
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Origin" not in client.get("/").headers


@pytest.mark.parametrize("accept,fmt", [("text/turtle", "turtle"), ("application/rdf+xml", "xml")])
def test_service_description(client, demo_store, accept, fmt):
    response = fetch(client, "/sparql", accept)
    assert response.status_code == 200 and response.mimetype == accept
    graph = rdflib.Graph().parse(data=response.data, format=fmt)
    service = rdflib.URIRef(f"{BASE}/sparql")
    assert (service, rdflib.RDF.type, SD.Service) in graph
    assert (service, SD.endpoint, service) in graph
    formats = {str(f).rsplit("/", 1)[1] for f in graph.objects(service, SD.resultFormat)}
    assert {"SPARQL_Results_JSON", "SPARQL_Results_XML", "Turtle", "RDF_XML", "JSON-LD"} <= formats
    dataset = graph.value(service, SD.defaultDataset)
    names = {str(graph.value(n, SD.name)) for n in graph.objects(dataset, SD.namedGraph)}
    assert names == set(demo_store.named_graphs())
    assert rdflib.URIRef(f"{BASE}/.well-known/void") in set(graph.objects(service, rdflib.RDFS.seeAlso))
