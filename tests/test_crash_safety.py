"""Killing `kg ingest` at any moment leaves each report graph whole or absent, the identity quads
of every loaded report in the entities graph, and what was in the store before intact: a real
ingest process is killed with SIGKILL at random moments."""
from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from support import BASE, DEMO_RECORDS, KG

COPIES = 8
ROUNDS = 6


def _mapped(records: Path, in_report_graph: bool) -> dict[str, set[str]]:
    from service.mapping import map_record, report_iri
    out = {}
    for path in sorted(records.glob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        graph = report_iri(BASE, path.stem)
        quads = map_record(record, name=path.stem, base=BASE, source_file=path.name)
        out[graph.value] = {f"{q.subject} {q.predicate} {q.object}" for q in quads
                            if (q.graph_name == graph) == in_report_graph}
    return out


def expected_graphs(records: Path) -> dict[str, set[str]]:
    """report graph IRI -> its graph's quads as N-Quads lines (the mapping of its record)."""
    return _mapped(records, True)


def expected_identity(records: Path) -> dict[str, set[str]]:
    """report graph IRI -> its identity quads (for the entities graph) as N-Quads lines."""
    return _mapped(records, False)


def stored_identity(store_dir: Path) -> set[str]:
    from service.mapping import entities_graph
    return stored_graphs(store_dir, [entities_graph(BASE).value]).get(entities_graph(BASE).value, set())


def without_ingest_time(quads: set[str]) -> set[str]:
    """The quads less the one that records when the report was loaded (it differs each time)."""
    return {q for q in quads if "konferencje-kg/def#ingested>" not in q}


def stored_graphs(store_dir: Path, graphs) -> dict[str, set[str]]:
    from pyoxigraph import NamedNode
    from service.store import open_store
    store = open_store(str(store_dir))
    try:
        present = set(store.named_graphs())
        return {g: {f"{q.subject} {q.predicate} {q.object}"
                    for q in store.oxigraph.quads_for_pattern(None, None, None, NamedNode(g))}
                for g in graphs if g in present}
    finally:
        store.close()


def ingest(paths, store_dir: Path) -> subprocess.Popen:
    return subprocess.Popen([KG, "ingest", *map(str, paths), "--store", str(store_dir), "--no-validate"],
                            env={**os.environ, "KG_BASE": BASE},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    before = tmp_path_factory.mktemp("before")
    many = tmp_path_factory.mktemp("many")
    sources = sorted(DEMO_RECORDS.glob("*.json"))
    for path in sources[:3]:
        shutil.copy(path, before / f"before-{path.name}")
    for i in range(COPIES):
        for path in sources:
            shutil.copy(path, many / f"copy{i}-{path.name}")
    return before, many


def test_a_killed_ingest_leaves_each_report_whole_or_absent(corpus, tmp_path):
    before, many = corpus
    store_dir = tmp_path / "store"
    assert ingest([before], store_dir).wait(60) == 0
    expected_before = stored_graphs(store_dir, expected_graphs(before))
    assert len(expected_before) == 3
    expected_many = expected_graphs(many)
    identity_many = expected_identity(many)
    assert stored_identity(store_dir) >= set().union(*expected_identity(before).values())

    # How long a whole ingest takes, to kill within it.
    started = time.monotonic()
    assert ingest([many], tmp_path / "timing").wait(120) == 0
    whole = time.monotonic() - started

    rng = random.Random(6)
    partial_rounds = 0
    for round_ in range(ROUNDS):
        store = tmp_path / f"store{round_}"
        shutil.copytree(store_dir, store)
        process = ingest([many], store)
        time.sleep(rng.uniform(0.05, whole))
        process.send_signal(signal.SIGKILL)
        process.wait(30)

        found = stored_graphs(store, list(expected_before) + list(expected_many))
        identity = stored_identity(store)
        for graph, quads in expected_before.items():
            assert found.get(graph) == quads, f"round {round_}: {graph} changed"
        loaded = 0
        for graph, quads in expected_many.items():
            if graph in found:
                assert without_ingest_time(found[graph]) == quads, f"round {round_}: {graph} is partial"
                assert identity >= identity_many[graph], f"round {round_}: {graph} lacks identity quads"
                loaded += 1
        partial_rounds += 0 < loaded < len(expected_many)
        shutil.rmtree(store)
    # The kills did land mid-ingest, not only before or after it.
    assert partial_rounds >= 1


def test_readers_are_answered_while_reports_are_ingested(corpus, tmp_path):
    """Pages and queries are answered during an ingest, and never see half a report."""
    import threading
    from service.ingest import ingest as ingest_paths
    from service.store import open_store
    from service.web import create_app
    _, many = corpus
    expected = {g: len(q) + 1 for g, q in expected_graphs(many).items()}  # + the ingest stamp
    store = open_store(str(tmp_path / "store"))
    client = create_app({"BASE": BASE, "TESTING": True}, store=store).test_client()
    done = threading.Event()

    def load():
        try:
            ingest_paths(store, [many], base=BASE, validate=False)
        finally:
            done.set()

    thread = threading.Thread(target=load)
    thread.start()
    answered, seen_partial = 0, []
    while not done.is_set():
        assert client.get("/", headers={"Accept": "text/html"}).status_code == 200
        rows = store.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        for row in rows:
            graph, count = row["g"].value, int(row["n"].value)
            if graph in expected and count != expected[graph]:
                seen_partial.append((graph, count))
        answered += 1
    thread.join()
    assert answered >= 2
    assert not seen_partial
    store.close()
