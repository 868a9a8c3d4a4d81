"""The real `kg serve` process on a free port, with real HTTP clients."""
from __future__ import annotations

import json

import rdflib
import requests
from pyoxigraph import QueryResultsFormat, parse_query_results
from SPARQLWrapper import JSON, SPARQLWrapper

QUERY = """PREFIX schema: <http://schema.org/> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?e ?l WHERE { ?e a schema:Event ; skos:prefLabel ?l } ORDER BY ?e"""


def test_sparqlwrapper_reads_the_endpoint(live_server, demo_store):
    client = SPARQLWrapper(f"{live_server}/sparql")
    client.setQuery(QUERY)
    client.setReturnFormat(JSON)
    bindings = client.query().convert()["results"]["bindings"]
    expected = {(r["e"].value, r["l"].value) for r in demo_store.select(QUERY)}
    assert {(b["e"]["value"], b["l"]["value"]) for b in bindings} == expected


def test_each_format_over_http(live_server):
    for accept, fmt in (("application/sparql-results+xml", QueryResultsFormat.XML),
                        ("text/tab-separated-values", QueryResultsFormat.TSV)):
        response = requests.post(f"{live_server}/sparql", data={"query": QUERY},
                                 headers={"Accept": accept}, timeout=30)
        assert response.status_code == 200
        assert len(list(parse_query_results(response.content, fmt))) > 0
    response = requests.get(f"{live_server}/sparql", timeout=30,
                            params={"query": "CONSTRUCT { ?s ?p ?o } WHERE { ?s a <http://schema.org/Event> ; ?p ?o }"},
                            headers={"Accept": "application/rdf+xml"})
    graph = rdflib.Graph().parse(data=response.content, format="xml")
    assert len(graph) > 10


def test_pages_over_http(live_server):
    home = requests.get(live_server + "/", timeout=30)
    assert home.status_code == 200 and "text/html" in home.headers["Content-Type"]
    events = requests.get(f"{live_server}/sparql", params={"query": QUERY}, timeout=30).json()
    first = events["results"]["bindings"][0]["e"]["value"]
    path = "/id/" + first.split("/id/", 1)[1]
    page = requests.get(live_server + path, headers={"Accept": "text/html"}, timeout=30)
    assert page.status_code == 200
    assert events["results"]["bindings"][0]["l"]["value"] in page.text
    assert requests.get(live_server + "/id/event/does-not-exist", timeout=30).status_code == 404
    broken = requests.get(f"{live_server}/sparql", params={"query": "SELECT nonsense"}, timeout=30)
    assert broken.status_code == 400 and broken.text.strip()
    json.loads(requests.get(f"{live_server}/sparql", params={"query": "ASK {}"}, timeout=30).text)
