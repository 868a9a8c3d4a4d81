#!/usr/bin/env python3
"""The remote store against the embedded one, on the demo data; prints milliseconds.

    python bench/remote_store.py [--rounds N] [--serve]

Starts its own `oxigraph serve --union-default-graph` on a free loopback port and measures:
a small SELECT (embedded; RemoteStore, whose queries go through SPARQLWrapper with a connection
per query; bare SPARQLWrapper), a CONSTRUCT, the home page and an entity page through the Flask test
client, re-ingesting one report (a Graph Store PUT) and a full N-Quads dump. With --serve it also
runs `kg serve` with 1 and 2 processes on the remote store and times 4 concurrent clients.
"""
from __future__ import annotations

import io
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pyoxigraph import RdfFormat  # noqa: E402

from service.ingest import ingest  # noqa: E402
from service.store import open_store  # noqa: E402
from service.web import create_app  # noqa: E402

BIN = Path(sys.executable).parent
BASE = "http://kg.test"
REPORTS = ROOT / "data" / "reports"
SMALL = """PREFIX schema: <http://schema.org/> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?e ?l WHERE { ?e a schema:Event ; skos:prefLabel ?l } ORDER BY ?e"""
CONSTRUCT = "CONSTRUCT { ?s ?p ?o } WHERE { ?s a <http://schema.org/Event> ; ?p ?o }"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait(port: int) -> None:
    for _ in range(300):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    sys.exit(f"nothing listening on {port}")


def timed(fn, rounds: int) -> str:
    fn()  # warm
    samples = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return f"median {statistics.median(samples):7.2f} ms   p90 {sorted(samples)[int(len(samples) * 0.9) - 1]:7.2f} ms"


def sparqlwrapper_query(url: str):
    from SPARQLWrapper import JSON, SPARQLWrapper
    client = SPARQLWrapper(f"{url}/query")
    client.setQuery(SMALL)
    client.setReturnFormat(JSON)
    client.setMethod("POST")
    return client.query().convert()


def concurrent(port: int, clients: int, per_client: int) -> float:
    import requests
    url = f"http://127.0.0.1:{port}/sparql"

    def work():
        with requests.Session() as session:
            for _ in range(per_client):
                session.get(url, params={"query": SMALL}, headers={"Accept": "application/sparql-results+json"},
                            timeout=60).raise_for_status()

    threads = [threading.Thread(target=work) for _ in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return clients * per_client / (time.perf_counter() - t0)


def main(argv: list[str]) -> None:
    rounds = int(argv[argv.index("--rounds") + 1]) if "--rounds" in argv else 50
    tmp = Path(tempfile.mkdtemp(prefix="bench-remote-"))
    port = free_port()
    server = subprocess.Popen([str(BIN / "oxigraph"), "serve", "--location", str(tmp / "db"),
                               "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait(port)
        url = f"http://127.0.0.1:{port}"
        remote, embedded = open_store(url), open_store(":memory:")
        for store in (remote, embedded):
            ingest(store, [REPORTS], base=BASE, validate=False)
        print(f"demo data: {len(embedded)} quads, {len(embedded.named_graphs())} graphs; {rounds} rounds\n")
        event = embedded.select(SMALL)[0]["e"].value
        apps = {name: create_app({"BASE": BASE, "STORE": s.location, "TESTING": True}, store=s).test_client()
                for name, s in (("embedded", embedded), ("remote", remote))}
        print("small SELECT")
        print(f"  embedded              {timed(lambda: embedded.select(SMALL), rounds)}")
        print(f"  RemoteStore (pool)    {timed(lambda: remote.select(SMALL), rounds)}")
        print(f"  SPARQLWrapper         {timed(lambda: sparqlwrapper_query(url), rounds)}")
        print("CONSTRUCT of the events")
        for name, store in (("embedded", embedded), ("remote", remote)):
            print(f"  {name:<21} {timed(lambda: list(store.query(CONSTRUCT)), rounds)}")
        for label, path in (("home page /", "/"), ("entity page", "/id/" + event.split("/id/", 1)[1])):
            print(label)
            for name, client in apps.items():
                print(f"  {name:<21} {timed(lambda: client.get(path, headers={'Accept': 'text/html'}), rounds)}")
        report = sorted(REPORTS.glob("2019-*.txt"))
        print("re-ingest one report (validation off)")
        for name, store in (("embedded", embedded), ("remote", remote)):
            print(f"  {name:<21} {timed(lambda: ingest(store, report, base=BASE, validate=False), max(5, rounds // 5))}")
        print("dump, N-Quads")
        for name, store in (("embedded", embedded), ("remote", remote)):
            print(f"  {name:<21} {timed(lambda: store.dump(io.BytesIO(), RdfFormat.N_QUADS), max(5, rounds // 5))}")
        if "--serve" in argv:
            print("kg serve on the remote store, 4 clients × 50 small SELECTs via /sparql")
            for workers in (1, 2):
                app_port = free_port()
                process = subprocess.Popen([str(BIN / "kg"), "serve", "--store", url, "--port", str(app_port),
                                            "--workers", str(workers), "--threads", "4"],
                                           env={**os.environ, "KG_BASE": BASE},
                                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                try:
                    wait(app_port)
                    concurrent(app_port, 2, 5)
                    print(f"  --workers {workers}           {concurrent(app_port, 4, 50):7.1f} queries/s")
                finally:
                    process.terminate()
                    process.wait(20)
    finally:
        server.terminate()
        server.wait(10)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1:])
