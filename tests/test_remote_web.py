"""The web app and the command line over a real `oxigraph serve`, loaded with `kg ingest --store URL`:
the same pages and answers as on the embedded store, and clear errors when the server fails."""
from __future__ import annotations

import io
import json
import os
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest
import requests
from pyoxigraph import QueryResultsFormat, RdfFormat, parse, parse_query_results

from support import BASE, DEMO_REPORTS, KG, ROOT, free_port, oxigraph_serve, wait_for_port
from service.store import open_store
from service.web import create_app
from test_remote_store import _raw_server

ENV = {**os.environ, "KG_BASE": BASE}
EVENTS = """PREFIX schema: <http://schema.org/> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?e ?l WHERE { ?e a schema:Event ; skos:prefLabel ?l } ORDER BY ?e"""
CONSTRUCT = "CONSTRUCT { ?s ?p ?o } WHERE { ?s a <http://schema.org/Event> ; ?p ?o }"


def kg(*args, timeout=120, **env):
    return subprocess.run([KG, *args], capture_output=True, text=True, timeout=timeout, env={**ENV, **env})


@pytest.fixture(scope="module")
def remote_demo(tmp_path_factory):
    """A server holding the demo data, loaded through the command line."""
    with oxigraph_serve(tmp_path_factory.mktemp("remote-demo"), "--timeout-s", "20") as (url, _):
        result = kg("ingest", str(DEMO_REPORTS), "--store", url)
        assert result.returncode == 0, result.stderr
        yield url


@pytest.fixture(scope="module")
def remote_client(remote_demo):
    return create_app({"BASE": BASE, "STORE": remote_demo, "TESTING": True}).test_client()


def test_cli_ingest_and_reingest(remote_demo, demo_store):
    store = open_store(remote_demo)
    assert store.named_graphs() == demo_store.named_graphs()
    size = len(store)
    assert size == len(demo_store)
    result = kg("ingest", str(DEMO_REPORTS), "--store", remote_demo)  # all again, so one ingest time
    assert result.returncode == 0, result.stderr
    assert f"{len([p for p in DEMO_REPORTS.iterdir() if p.suffix != '.md'])} report(s) loaded" in result.stderr
    assert len(store) == size  # replaced, not added to


def _get_pages(app) -> list[str]:
    """Every page of the app without a URL argument, plus lists, entities and named queries."""
    paths = sorted(r.rule for r in app.url_map.iter_rules()
                   if "GET" in r.methods and not r.arguments and r.rule not in ("/sparql",))
    from service.web import graphdata
    paths += [f"/list/{kind}" for kind in graphdata.KINDS]
    paths += [f"/queries/{p.stem}" for p in sorted((ROOT / "queries").glob("*.rq"))]
    try:
        from service.web.dumps import dump_files
        paths += [f"/dumps/{d['file']}" for d in dump_files()]
    except ImportError:
        pass
    store = app.extensions["kg_store"]
    for type_iri in ("http://schema.org/Event", "http://www.w3.org/ns/org#Organization",
                     "http://schema.org/Report", "http://www.w3.org/ns/person#Person"):
        row = store.select(f"SELECT ?s WHERE {{ ?s a <{type_iri}> }} ORDER BY ?s LIMIT 1")
        paths.append("/id/" + row[0]["s"].value.split("/id/", 1)[1])
    return paths


def _status_and_body(web, path: str) -> tuple[int, bytes]:
    """A page's status and body; a page whose code is broken (an exception) counts as a 500 on
    either backend, so this test judges the store, not the page."""
    try:
        response = web.get(path)
    except Exception as error:  # noqa: BLE001
        return 500, repr(error).encode()
    return response.status_code, response.data


TIMESTAMP = re.compile(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?")
BLANK = re.compile(rb"_:[0-9a-zA-Z]+")


def _normal(body: bytes) -> bytes:
    """Without what differs between any two loads: ingest timestamps, blank node labels."""
    return BLANK.sub(b"_:", TIMESTAMP.sub(b"T", body))


def _comparable(path: str, body: bytes):
    """A page as text; a dump as its statements, in any order (blank nodes come in label order,
    and labels differ between stores)."""
    fmt = RdfFormat.from_extension(path.rsplit(".", 1)[-1]) if path.startswith("/dumps/") else None
    if fmt is None:
        return _normal(body)
    return sorted(_normal(" ".join(map(str, q)).encode()) for q in parse(body, fmt))


@pytest.fixture(scope="module")
def mirror_client(remote_demo, tmp_path_factory):
    """The app over an embedded store holding exactly what the server holds (ingest timestamps
    differ between two ingests, and VoID counts them), on disk like the server's (unordered
    results come in storage order)."""
    dump = io.BytesIO()
    open_store(remote_demo).dump(dump, RdfFormat.N_QUADS)
    store = open_store(str(tmp_path_factory.mktemp("mirror") / "store"))
    store.oxigraph.load(dump.getvalue(), RdfFormat.N_QUADS)
    yield create_app({"BASE": BASE, "STORE": store.location, "TESTING": True}, store=store).test_client()
    store.close()


def test_every_page_as_on_the_embedded_store(remote_client, mirror_client):
    """The same status and the same page from both backends."""
    client = mirror_client
    paths = _get_pages(client.application)
    assert len(paths) > 20
    differ = []
    for path in paths:
        local, remote = _status_and_body(client, path), _status_and_body(remote_client, path)
        assert remote[0] == local[0], path
        if _comparable(path, remote[1]) != _comparable(path, local[1]):
            differ.append(path)
    assert remote_client.get(paths[-1], headers={"Accept": "text/turtle"}).status_code == 200
    assert not differ, f"pages that differ between the backends: {differ}"


@pytest.mark.parametrize("accept, fmt", [
    ("application/sparql-results+json", QueryResultsFormat.JSON),
    ("application/sparql-results+xml", QueryResultsFormat.XML),
    ("text/tab-separated-values", QueryResultsFormat.TSV),
    ("text/csv", QueryResultsFormat.CSV),
])
def test_sparql_select_formats(remote_client, demo_store, accept, fmt):
    response = remote_client.post("/sparql", data={"query": EVENTS}, headers={"Accept": accept})
    assert response.status_code == 200 and response.mimetype == accept
    expected = [r["e"].value for r in demo_store.select(EVENTS)]
    if fmt == QueryResultsFormat.CSV:
        assert response.data.decode().splitlines()[1].startswith(expected[0])
    else:
        assert [row["e"].value for row in parse_query_results(response.data, fmt)] == expected


@pytest.mark.parametrize("accept, fmt", [
    ("text/turtle", RdfFormat.TURTLE), ("application/n-triples", RdfFormat.N_TRIPLES),
    ("application/rdf+xml", RdfFormat.RDF_XML), ("application/ld+json", RdfFormat.JSON_LD),
])
def test_sparql_graph_formats(remote_client, demo_store, accept, fmt):
    response = remote_client.get("/sparql", query_string={"query": CONSTRUCT}, headers={"Accept": accept})
    assert response.status_code == 200 and response.mimetype == accept
    assert {q.triple for q in parse(response.data, fmt)} == set(demo_store.query(CONSTRUCT))


def test_sparql_ask_errors_and_description(remote_client):
    ask = remote_client.get("/sparql", query_string={"query": "ASK { ?s a <http://schema.org/Event> }"},
                            headers={"Accept": "application/sparql-results+json"})
    assert json.loads(ask.data)["boolean"] is True
    broken = remote_client.get("/sparql", query_string={"query": "SELECT nonsense"})
    assert broken.status_code == 400 and b"malformed query" in broken.data
    description = remote_client.get("/sparql", headers={"Accept": "text/turtle"})
    assert description.status_code == 200 and b"sparql-service-description" in description.data


def test_cli_query_export_validate(remote_demo, demo_store):
    result = kg("query", "--store", remote_demo, "--format", "tsv", EVENTS)
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.strip().splitlines()) == len(demo_store.select(EVENTS)) + 1
    exported = kg("export", "--store", remote_demo)
    assert exported.returncode == 0, exported.stderr
    assert len(exported.stdout.strip().splitlines()) == len(demo_store)
    remote, local = kg("validate", "-q", "--store", remote_demo), kg("validate", "-q", "--store", str(demo_store.location))
    assert remote.returncode == local.returncode, remote.stderr
    assert remote.stderr.split(" in ")[0] == local.stderr.split(" in ")[0]  # "N report graph(s) checked"


# -- the server fails --------------------------------------------------------------------------


def test_stopped_server_gives_503_with_a_message(tmp_path):
    with oxigraph_serve(tmp_path) as (url, process):
        app = create_app({"BASE": BASE, "STORE": url, "TESTING": True, "STORE_TIMEOUT": 5})
        web = app.test_client()
        assert web.get("/sparql", query_string={"query": "ASK {}"}).status_code == 200
        process.kill()
        process.wait()
        started = time.monotonic()
        down = web.get("/sparql", query_string={"query": "ASK {}"})
        assert down.status_code == 503
        assert b"not available" in down.data and url.encode() in down.data
        page = web.get("/", headers={"Accept": "text/html"})
        assert page.status_code == 503 and b"not reachable" in page.data
        assert time.monotonic() - started < 3


def test_slow_server_gives_503_timeout():
    with _raw_server(lambda conn, stop: stop.wait(5)) as url:
        web = create_app({"BASE": BASE, "STORE": url, "TESTING": True, "STORE_TIMEOUT": "0.5"}).test_client()
        started = time.monotonic()
        response = web.get("/sparql", query_string={"query": "ASK {}"})
        assert response.status_code == 503 and b"longer than 0.5 s" in response.data
        assert time.monotonic() - started < 3


def test_cli_on_a_dead_server_fails_fast_and_clearly():
    url = f"http://127.0.0.1:{free_port()}"
    started = time.monotonic()
    for args in (("query", "ASK {}"), ("export",), ("ingest", str(DEMO_REPORTS)), ("validate",)):
        result = kg(*args, "--store", url, timeout=30)
        assert result.returncode != 0, args
        assert "not reachable" in result.stderr and url in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr, (args, result.stderr)
    assert time.monotonic() - started < 30  # four cold starts of `kg`, none waiting on the server


# -- several app processes ---------------------------------------------------------------------


def test_serve_workers_on_the_remote_store(remote_demo):
    port = free_port()
    process = subprocess.Popen([KG, "serve", "--workers", "2", "--threads", "2", "--store", remote_demo,
                                "--port", str(port)], env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               text=True)
    try:
        wait_for_port(port, process)
        for _ in range(6):
            answer = requests.get(f"http://127.0.0.1:{port}/sparql", params={"query": "ASK { ?s ?p ?o }"},
                                  headers={"Accept": "application/sparql-results+json"}, timeout=30)
            assert answer.status_code == 200 and answer.json()["boolean"] is True
        assert len(_children(process.pid)) == 2
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    assert process.returncode == 0, process.stderr.read()


def test_serve_workers_refuses_an_embedded_store(tmp_path):
    result = kg("serve", "--workers", "2", "--store", str(tmp_path / "store"), timeout=30)
    assert result.returncode != 0
    assert "needs a remote store" in result.stderr and "Traceback" not in result.stderr


def _children(pid: int) -> list[int]:
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            children.append(int(stat.parent.name))
    return children
