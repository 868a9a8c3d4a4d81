"""/sparql through Flask's test client: the three protocol forms, every format parsed back."""
from __future__ import annotations

import csv
import io
import json
from urllib.parse import quote

import pytest
import rdflib
from pyoxigraph import QueryResultsFormat, parse_query_results

SELECT = """PREFIX schema: <http://schema.org/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?e ?label WHERE { ?e a schema:Event ; skos:prefLabel ?label } ORDER BY ?e"""
CONSTRUCT = """PREFIX schema: <http://schema.org/>
CONSTRUCT { ?e schema:startDate ?d } WHERE { ?e a schema:Event ; schema:startDate ?d }"""
ASK = "ASK { ?s a <http://schema.org/Event> }"


@pytest.fixture(scope="module")
def expected(demo_store):
    """What the store itself says, to compare every format with."""
    rows = demo_store.select(SELECT)
    events = {(r["e"].value, r["label"].value) for r in rows}
    dates = {(t.subject.value, t.object.value) for t in demo_store.query(CONSTRUCT)}
    assert events and dates
    return events, dates


def get(client, query, **headers):
    return client.get(f"/sparql?query={quote(query)}", headers=headers)


def test_get_post_form_and_post_direct_agree(client, expected):
    events, _ = expected
    answers = [
        get(client, SELECT),
        client.post("/sparql", data={"query": SELECT}),
        client.post("/sparql", data=SELECT.encode(), content_type="application/sparql-query"),
    ]
    for response in answers:
        assert response.status_code == 200
        assert response.mimetype == "application/sparql-results+json"
        body = json.loads(response.data)
        assert {(b["e"]["value"], b["label"]["value"]) for b in body["results"]["bindings"]} == events


@pytest.mark.parametrize("accept,fmt", [
    ("application/sparql-results+xml", QueryResultsFormat.XML),
    ("text/tab-separated-values", QueryResultsFormat.TSV),
    ("application/sparql-results+json", QueryResultsFormat.JSON),
])
def test_select_formats_parse_back(client, expected, accept, fmt):
    response = get(client, SELECT, Accept=accept)
    assert response.status_code == 200 and response.mimetype == accept
    assert "Accept" in response.headers.get("Vary", "")
    parsed = parse_query_results(response.data, fmt)
    assert {(s["e"].value, s["label"].value) for s in parsed} == expected[0]


def test_select_csv_parses_back(client, expected):
    response = get(client, SELECT, Accept="text/csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8"))))
    assert {(r["e"], r["label"]) for r in rows} == expected[0]


@pytest.mark.parametrize("accept,rdflib_format", [
    ("text/turtle", "turtle"), ("application/n-triples", "nt"),
    ("application/rdf+xml", "xml"), ("application/ld+json", "json-ld"),
])
def test_construct_formats_parse_back(client, expected, accept, rdflib_format):
    response = get(client, CONSTRUCT, Accept=accept)
    assert response.status_code == 200 and response.mimetype == accept
    graph = rdflib.Graph().parse(data=response.data, format=rdflib_format)
    assert {(str(s), str(o)) for s, _, o in graph} == expected[1]


def test_ask(client):
    response = get(client, ASK, Accept="application/sparql-results+json")
    assert json.loads(response.data) == {"head": {}, "boolean": True}
    xml = get(client, ASK, Accept="application/sparql-results+xml")
    assert bool(parse_query_results(xml.data, QueryResultsFormat.XML)) is True


def test_accept_q_values_and_format_parameter(client):
    response = get(client, SELECT, Accept="text/csv;q=0.5, application/sparql-results+xml;q=0.9, */*;q=0.1")
    assert response.mimetype == "application/sparql-results+xml"
    response = get(client, CONSTRUCT, Accept="application/rdf+xml;q=0.2, text/turtle")
    assert response.mimetype == "text/turtle"
    response = client.get(f"/sparql?query={quote(SELECT)}&format=tsv", headers={"Accept": "text/csv"})
    assert response.mimetype == "text/tab-separated-values"
    response = client.get(f"/sparql?query={quote(CONSTRUCT)}&format=jsonld")
    assert response.mimetype == "application/ld+json"


def test_negotiation_remembered_per_header_and_format_never_crosses_requests(client):
    """The outcome of negotiation is kept per (Accept, format): the same header again, a `format`
    that overrides it, another header, a 406, and more distinct headers than are kept all get
    their own answer."""
    from service.web import sparql

    rounds = [({"Accept": "text/csv"}, "", "text/csv"),
              ({"Accept": "text/csv"}, "&format=tsv", "text/tab-separated-values"),
              ({"Accept": "text/csv"}, "", "text/csv"),
              ({"Accept": "application/sparql-results+xml"}, "", "application/sparql-results+xml"),
              ({}, "", "application/sparql-results+json"),
              ({"Accept": "image/png"}, "", None)]
    for _ in range(2):
        for headers, extra, mimetype in rounds:
            response = client.get(f"/sparql?query={quote(SELECT)}{extra}", headers=headers)
            assert response.status_code == (200 if mimetype else 406)
            if mimetype:
                assert response.mimetype == mimetype
    for n in range(sparql.NEGOTIATED_MAX + 5):
        accept = f"text/x-unknown-{n};q=0.9, text/tab-separated-values;q=0.{n % 9 + 1}"
        response = client.get(f"/sparql?query={quote(SELECT)}", headers={"Accept": accept})
        assert response.mimetype == "text/tab-separated-values"
    assert len(sparql._negotiated) <= sparql.NEGOTIATED_MAX
    assert get(client, SELECT, Accept="text/csv").mimetype == "text/csv"


def test_nothing_acceptable_is_406(client):
    response = get(client, SELECT, Accept="image/png")
    assert response.status_code == 406
    assert b"application/sparql-results+json" in response.data
    assert client.get(f"/sparql?query={quote(SELECT)}&format=docx").status_code == 406


@pytest.mark.parametrize("query", ["SELEC * WHERE { ?s ?p ?o }", "SELECT * WHERE { ?s ?p }", "   "])
def test_broken_query_is_400_with_the_parser_message(client, query):
    response = get(client, query)
    assert response.status_code == 400
    assert response.mimetype == "text/plain"
    assert response.data.strip()


def test_wrong_content_type_is_415(client):
    response = client.post("/sparql", data=SELECT, content_type="application/json")
    assert response.status_code == 415


def test_updates_are_refused(client):
    update = "INSERT DATA { <http://a> <http://b> <http://c> }"
    assert client.post("/sparql", data={"update": update}).status_code in (401, 403)
    assert client.post("/sparql", data=update, content_type="application/sparql-update").status_code in (401, 403)
    assert get(client, update).status_code == 400


def test_bare_get_is_a_service_description(client):
    response = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and response.mimetype == "text/turtle"
    graph = rdflib.Graph().parse(data=response.data, format="turtle")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    services = list(graph.subjects(rdflib.RDF.type, sd.Service))
    assert len(services) == 1
    assert (services[0], sd.endpoint, None) in graph
