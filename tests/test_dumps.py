"""/dumps: the dataset in N-Quads, Turtle and JSON-LD, and the CSV tables, streamed."""
from __future__ import annotations

import csv
import io

import pytest
import rdflib
import requests

from support import BASE
from service.web.tables import TABLES

CATALOG = f"{BASE}/catalog"


def data_quads(store) -> set:
    return {q for q in store.oxigraph.quads_for_pattern(None, None, None, None)
            if q.graph_name.value != CATALOG}


def download(client, name: str):
    response = client.get(f"/dumps/{name}")
    assert response.status_code == 200, response.data
    assert response.is_streamed
    assert response.headers["Content-Disposition"] == f'attachment; filename="{name}"'
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    return response


def test_nquads_holds_every_report_graph_and_not_the_catalogue(client, demo_store):
    dataset = rdflib.Dataset()
    dataset.parse(data=download(client, "konferencje.nq").data, format="nquads")
    quads = data_quads(demo_store)
    assert len(list(dataset.quads((None, None, None, None)))) == len(quads)
    graphs = {str(g.identifier) for g in dataset.graphs()} - {str(rdflib.graph.DATASET_DEFAULT_GRAPH_ID)}
    assert graphs == {q.graph_name.value for q in quads}
    assert CATALOG not in graphs


def test_turtle_is_the_union(client, demo_store):
    response = download(client, "konferencje.ttl")
    assert response.mimetype == "text/turtle"
    graph = rdflib.Graph().parse(data=response.data, format="turtle")
    assert len(graph) == len({(q.subject, q.predicate, q.object) for q in data_quads(demo_store)})


def test_jsonld_keeps_the_graphs(client, demo_store):
    dataset = rdflib.Dataset()
    dataset.parse(data=download(client, "konferencje.jsonld").data, format="json-ld")
    assert len(list(dataset.quads((None, None, None, None)))) == len(data_quads(demo_store))


def read_table(client, name: str) -> tuple[list[str], list[dict]]:
    response = download(client, f"{name}.csv")
    assert response.mimetype == "text/csv"
    reader = csv.reader(io.StringIO(response.data.decode("utf-8")))
    header = next(reader)
    return header, [dict(zip(header, row)) for row in reader]


@pytest.mark.parametrize("name,type_iri", [
    ("events", "http://schema.org/Event"),
    ("organisations", "http://www.w3.org/ns/org#Organization"),
    ("people", "http://www.w3.org/ns/person#Person"),
])
def test_entity_tables_have_one_row_per_entity(client, demo_store, name, type_iri):
    header, rows = read_table(client, name)
    assert tuple(header) == TABLES[name].columns
    expected = {r["s"].value for r in demo_store.select(f"SELECT DISTINCT ?s WHERE {{ ?s a <{type_iri}> }}")}
    assert [r["iri"] for r in rows] == sorted(expected)
    assert all(r["name"] for r in rows)
    assert all(r["reports"].startswith(f"{BASE}/id/report/") for r in rows)


def test_events_table_values(client, demo_store):
    _, rows = read_table(client, "events")
    event = next(r for r in rows if r["iri"].endswith("iii-mazowiecki-kongres-ekonomii-spolecznej-2024-11-21"))
    assert (event["start_date"], event["end_date"], event["kind"], event["edition"]) == (
        "2024-11-21", "2024-11-22", "congress", "3")
    themes = [r["t"].value.rsplit("/", 1)[1] for r in demo_store.select(
        f"SELECT DISTINCT ?t WHERE {{ <{event['iri']}> <http://purl.org/dc/terms/subject> ?t }}")]
    assert event["themes"].split(" | ") == sorted(themes)


def test_patronages_table(client, demo_store):
    header, rows = read_table(client, "patronages")
    assert tuple(header) == TABLES["patronages"].columns
    expected = demo_store.select("""SELECT DISTINCT ?s WHERE { ?s a <http://data.europa.eu/m8g/Participation> ;
        <http://data.europa.eu/m8g/role> ?r FILTER(STRENDS(STR(?r), "patron")) }""")
    assert sorted(r["participation"] for r in rows) == sorted(r["s"].value for r in expected)
    assert {r["role"] for r in rows} <= {"patron", "honorary-patron", "media-patron", "substantive-patron"}
    assert any(r["patron_person_name"] for r in rows)


def test_unknown_dump_is_404(client):
    response = client.get("/dumps/everything.zip")
    assert response.status_code == 404 and b"/dumps/" in response.data
    assert client.get("/dumps/").status_code == 200


def test_streamed_over_http(live_server):
    with requests.get(f"{live_server}/dumps/konferencje.nq", stream=True, timeout=30) as response:
        assert response.status_code == 200
        assert "Content-Length" not in response.headers  # streamed, not built first
        first = next(response.iter_lines())
        assert first.endswith(b" .")
