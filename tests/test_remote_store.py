"""The store interface on both backends (embedded pyoxigraph, a real `oxigraph serve`), and the
remote backend's errors when its server is down, slow or refusing."""
from __future__ import annotations

import io
import socket
import subprocess
from collections import Counter
import threading
import time

import pytest
from pyoxigraph import (
    BlankNode, Literal, NamedNode, Quad, QueryBoolean, QuerySolutions, QueryTriples, RdfFormat, Store as OxStore,
)

from support import BASE, DEMO_REPORTS, OXIGRAPH, free_port, oxigraph_serve, stop, wait_for_port
from service.ingest import ingest
from service.mapping import entities_graph, report_iri
from service.store import QueryTimeout, StoreError, StoreUnavailable, open_store

REPORT = "2019-suwalki-mops-bezdomnosc"
INGESTED = "https://w3id.org/konferencje-kg/def#ingested"  # a timestamp, new at each ingest


@pytest.fixture()
def loaded(backend):
    outcomes = ingest(backend, [DEMO_REPORTS], base=BASE, validate=False)
    assert outcomes and all(o.ok for o in outcomes), [o.error for o in outcomes if not o.ok]
    return backend


def test_ingest_loads_one_named_graph_per_report(loaded):
    graphs = loaded.named_graphs()
    reports = {p.stem for p in DEMO_REPORTS.iterdir() if p.suffix in (".txt", ".html")}
    assert {report_iri(BASE, name).value for name in reports} <= set(graphs)
    # and the entities' identity statements (types, names), once, in the entities graph
    assert entities_graph(BASE).value in graphs
    assert loaded.ask(f"ASK {{ GRAPH <{entities_graph(BASE).value}> {{ ?e a <http://data.europa.eu/m8g/PublicEvent> ; "
                      "<http://www.w3.org/2004/02/skos/core#prefLabel> ?l } }")
    assert graphs == sorted(graphs)
    count = loaded.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")[0]["n"]
    assert len(loaded) == int(count.value) > 1000


def test_backends_hold_the_same_quads(backend, tmp_path):
    """What the remote store holds after ingest is exactly what the embedded one holds."""
    ingest(backend, [DEMO_REPORTS], base=BASE, validate=False)
    reference = open_store(":memory:")
    ingest(reference, [DEMO_REPORTS], base=BASE, validate=False)
    assert len(backend) == len(reference)
    assert backend.named_graphs() == reference.named_graphs()
    assert _norm(_selected(backend), skip=INGESTED) == _norm(_selected(reference), skip=INGESTED)


def test_queries_see_the_union_of_graphs_and_return_pyoxigraph_types(loaded):
    event_count = loaded.select(
        "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a <http://data.europa.eu/m8g/PublicEvent> }")
    assert int(event_count[0]["n"].value) >= 13  # no GRAPH clause: the union default graph
    assert isinstance(loaded.query("SELECT ?s WHERE { ?s ?p ?o } LIMIT 1"), QuerySolutions)
    ask = loaded.query("ASK { ?e a <http://data.europa.eu/m8g/PublicEvent> }")
    assert isinstance(ask, QueryBoolean) and bool(ask)
    assert loaded.ask("ASK { <http://nothing.test/x> ?p ?o }") is False
    graph = loaded.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{report_iri(BASE, REPORT).value}> {{ ?s ?p ?o }} }}")
    assert isinstance(graph, QueryTriples)
    triples = list(graph)
    assert len(triples) > 50
    described = list(loaded.query(f"DESCRIBE <{report_iri(BASE, REPORT).value}>"))
    assert described and all(t.subject == report_iri(BASE, REPORT) for t in described)


def test_select_keeps_literals_languages_and_unbound(loaded):
    rows = loaded.select("""
        SELECT ?label ?missing WHERE {
          ?e a <http://data.europa.eu/m8g/PublicEvent> ; <http://www.w3.org/2004/02/skos/core#prefLabel> ?label .
          OPTIONAL { ?e <http://nothing.test/p> ?missing }
        } LIMIT 3""")
    assert len(rows) == 3
    assert all(isinstance(r["label"], Literal) and r["label"].language == "pl" for r in rows)
    assert all("missing" not in r for r in rows)


def test_reingest_replaces_a_graph(loaded):
    graph = report_iri(BASE, REPORT).value
    before = len(loaded)
    old = _graph_size(loaded, graph)
    kept = [Quad(NamedNode(f"{BASE}/id/thing/x"), NamedNode("http://schema.org/name"), Literal("nowy"),
                 NamedNode(graph))]
    loaded.replace_graph(graph, kept)
    assert _graph_size(loaded, graph) == 1
    assert len(loaded) == before - old + 1
    assert loaded.ask(f'ASK {{ GRAPH <{graph}> {{ ?s <http://schema.org/name> "nowy" }} }}')
    # and back: ingesting the report again restores its graph
    ingest(loaded, [DEMO_REPORTS / f"{REPORT}.txt"], base=BASE, validate=False)
    assert _graph_size(loaded, graph) == old
    assert len(loaded) == before


def test_readers_see_a_report_whole_while_it_is_replaced(loaded):
    graph = report_iri(BASE, REPORT).value
    quads = [q for q in loaded.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")]
    quads = [Quad(t.subject, t.predicate, t.object, NamedNode(graph)) for t in quads]
    stop, seen = threading.Event(), set()

    def writer():
        while not stop.is_set():
            loaded.replace_graph(graph, quads)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        for _ in range(150):
            seen.add(_graph_size(loaded, graph))
    finally:
        stop.set()
        thread.join()
    assert seen == {len(quads)}  # never empty, never half there
    assert _graph_size(loaded, graph) == len(quads)


def test_a_failed_graph_store_put_keeps_the_old_graph(oxigraph_server):
    """replace_graph relies on Oxigraph doing a PUT in one transaction: a body that fails to
    parse must leave the graph as it was, not cleared."""
    import urllib3
    store = open_store(oxigraph_server)
    store.update("DROP ALL")
    store.update('INSERT DATA { GRAPH <http://g.test/a> { <http://s.test/a> <http://p.test/a> "old" } }')
    answer = urllib3.request("PUT", f"{oxigraph_server}/store?graph=http://g.test/a", timeout=10,
                             body=b'<http://s.test/a> <http://p.test/a> "new" .\n<broken',
                             headers={"Content-Type": "application/n-triples"})
    assert answer.status == 400
    assert [r["o"].value for r in store.select("SELECT ?o WHERE { ?s ?p ?o }")] == ["old"]


def test_delete_graph_and_absent_graph(loaded):
    graph = report_iri(BASE, REPORT).value
    loaded.delete_graph(graph)
    assert graph not in loaded.named_graphs()
    loaded.delete_graph(graph)  # absent: no error
    loaded.delete_graph("http://nothing.test/graph")


def test_update(backend):
    backend.update('INSERT DATA { GRAPH <http://g.test/a> { <http://s.test/a> <http://p.test/a> "ą" } }')
    assert backend.named_graphs() == ["http://g.test/a"]
    assert backend.select("SELECT ?o WHERE { ?s ?p ?o }")[0]["o"] == Literal("ą")
    assert len(backend) == 1


@pytest.mark.parametrize("fmt", [RdfFormat.N_QUADS, RdfFormat.TRIG])
def test_dump_round_trip(loaded, fmt):
    out = io.BytesIO()
    loaded.dump(out, fmt)
    copy = OxStore()
    copy.load(out.getvalue(), fmt)
    assert len(copy) == len(loaded)
    assert _norm(copy) == _norm(_selected(loaded))


def test_dump_of_one_graph_and_of_the_union(loaded):
    graph = report_iri(BASE, REPORT).value
    out = io.BytesIO()
    loaded.dump(out, RdfFormat.N_TRIPLES, graph=graph)
    assert out.getvalue().count(b"\n") == _graph_size(loaded, graph)
    out = io.BytesIO()
    loaded.dump(out, RdfFormat.TURTLE)
    copy = OxStore()
    copy.load(out.getvalue(), RdfFormat.TURTLE)
    union = [Quad(q.subject, q.predicate, q.object) for q in _selected(loaded)]
    assert set(_norm(copy)) == set(_norm(union))  # a triple named in two reports is one triple


def test_malformed_query_and_update_are_syntax_errors(backend):
    with pytest.raises(SyntaxError):
        backend.query("SELEC * WHERE { ?s ?p ?o }")
    with pytest.raises(SyntaxError):
        backend.update("INSERT DATUM { }")


def test_the_store_not_sparqlwrapper_says_query_or_update(backend):
    """SPARQLWrapper guesses the operation from the first keyword it finds anywhere in the text
    (here: ASK and ADD in comments); the remote store tells it instead."""
    backend.update('PREFIX p: <http://p.test/> # ask nobody\n'
                   'INSERT DATA { GRAPH <http://g.test/a> { <http://s.test/a> p:a "x" } }')
    rows = backend.select("PREFIX p: <http://p.test/> # the address\nSELECT ?o WHERE { ?s p:a ?o }")
    assert [r["o"].value for r in rows] == ["x"]
    assert backend.ask("ASK { <http://s.test/a> ?p ?o }")
    with pytest.raises(SyntaxError):
        backend.query('INSERT DATA { <http://s.test/b> <http://p.test/b> "y" }')  # never run as an update
    assert len(backend) == 1


def test_endpoints_may_carry_their_own_parameters(tmp_path):
    """A server without --union-default-graph, given it per request in the endpoint URL."""
    port = free_port()
    process = subprocess.Popen([OXIGRAPH, "serve", "--location", str(tmp_path / "db"), "--bind", f"127.0.0.1:{port}"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port, process)
        url = f"http://127.0.0.1:{port}"
        store = open_store(url, query_endpoint=f"{url}/query?union-default-graph")
        store.update('INSERT DATA { GRAPH <http://g.test/a> { <http://s.test/a> <http://p.test/a> "x" } }')
        assert store.ask("ASK { <http://s.test/a> ?p ?o }")  # no GRAPH: the union default graph
        assert not open_store(url).ask("ASK { <http://s.test/a> ?p ?o }")  # without the parameter
    finally:
        stop(process)


# -- the remote backend's own failures ---------------------------------------------------------


def test_dead_server_is_unavailable_quickly():
    store = open_store(f"http://127.0.0.1:{free_port()}", timeout=5)
    started = time.monotonic()
    with pytest.raises(StoreUnavailable, match=r"not reachable .*refused"):
        store.query("ASK {}")
    with pytest.raises(StoreUnavailable, match="127.0.0.1"):
        store.replace_graph("http://g.test/a", [])
    assert time.monotonic() - started < 2


def test_slow_server_times_out():
    """A server that accepts the connection and never answers: QueryTimeout after the timeout."""
    with _raw_server(lambda conn, stop: stop.wait(5)) as url:
        store = open_store(url, timeout=0.5)
        started = time.monotonic()
        with pytest.raises(QueryTimeout, match="longer than 0.5 s"):
            store.query("ASK {}")
        with pytest.raises(StoreUnavailable, match="did not answer within"):
            store.update("CLEAR ALL")
        assert time.monotonic() - started < 3


def test_query_timeout_argument_bounds_a_long_query(oxigraph_server):
    store = open_store(oxigraph_server, timeout=20)
    store.update("DROP ALL")
    store.update("INSERT DATA { GRAPH <http://g.test/big> { "
                 + " ".join(f'<http://s.test/{i}> <http://p.test/v> "{i}" .' for i in range(2000)) + " } }")
    started = time.monotonic()
    with pytest.raises(QueryTimeout):
        store.query("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", timeout=0.5)
    assert time.monotonic() - started < 3
    store.update("DROP ALL")


def test_server_side_time_limit_is_a_query_timeout(tmp_path):
    """Oxigraph's --timeout-s cuts an answer it has begun: a QueryTimeout, not a parse error."""
    with oxigraph_serve(tmp_path, "--timeout-s", "1") as (url, _):
        store = open_store(url, timeout=20)
        store.update("INSERT DATA { GRAPH <http://g.test/big> { "
                     + " ".join(f'<http://s.test/{i}> <http://p.test/v> "{i}" .' for i in range(2000)) + " } }")
        with pytest.raises(QueryTimeout, match="time limit|stopped"):
            store.query("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")


@pytest.mark.parametrize("status", [401, 403, 500, 503])
def test_server_errors_are_unavailable(status):
    reply = (f"HTTP/1.1 {status} Oops\r\nContent-Type: text/plain\r\nContent-Length: 9\r\n"
             "Connection: close\r\n\r\ndisk full").encode()
    with _raw_server(lambda conn, stop: conn.sendall(reply)) as url:
        store = open_store(url, timeout=5)
        with pytest.raises(StoreUnavailable, match=f"HTTP {status} disk full"):
            store.query("ASK {}")


def test_wrong_endpoint_names_the_setting(oxigraph_server):
    store = open_store(oxigraph_server, query_endpoint=f"{oxigraph_server}/nowhere")
    with pytest.raises(StoreUnavailable, match="KG_QUERY_ENDPOINT"):
        store.query("ASK {}")


def test_an_answer_that_is_not_sparql_is_an_error():
    reply = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 6\r\n"
             b"Connection: close\r\n\r\n<html>")
    with _raw_server(lambda conn, stop: conn.sendall(reply)) as url:
        with pytest.raises(StoreError, match="text/html"):
            open_store(url, timeout=5).query("ASK {}")


def test_bad_timeout_setting():
    with pytest.raises(StoreError, match="positive"):
        open_store("http://127.0.0.1:7878", timeout="0")
    assert open_store("http://127.0.0.1:7878/", timeout="2.5").timeout == 2.5


# -- helpers -----------------------------------------------------------------------------------


def _selected(store) -> list[Quad]:
    """Every quad, read with a query (not with dump, which is under test)."""
    rows = store.select("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    return [Quad(r["s"], r["p"], r["o"], r["g"]) for r in rows]


def _norm(quads, skip: str | None = None) -> Counter:
    """Quads as comparable text, blank nodes anonymised (their labels differ between stores)."""
    def text(term):
        return "_:" if isinstance(term, BlankNode) else str(term)
    return Counter(tuple(text(t) for t in q) for q in quads if q.predicate.value != skip)


def _graph_size(store, graph: str) -> int:
    return int(store.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")[0]["n"].value)


class _raw_server:
    """A real TCP server on a free port whose every connection is handled by `handle(conn, stop)`:
    for servers that misbehave in ways `oxigraph serve` cannot be made to."""

    def __init__(self, handle):
        self.handle = handle
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.stop = threading.Event()

    def _loop(self):
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            with conn:
                try:
                    conn.recv(65536)
                    self.handle(conn, self.stop)
                except OSError:
                    pass

    def __enter__(self) -> str:
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}"

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(10)
        self.sock.close()
