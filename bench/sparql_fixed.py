"""The fixed cost of a /sparql request: trivial and fast queries over HTTP against the same
query in-process, request by request, with both of bench/sparql.py's clients.

    python bench/sparql_fixed.py --sizes 1k [--before main] [--runs 300]

`ASK {}` and a one-row SELECT cost next to nothing in-process, so their time over HTTP is the
endpoint's fixed cost plus the client's; person-posts-over-time and events-by-kind show it on
named queries. Every side (in-process, each server, each client) is timed in turn for each run, starting
from another side each run, so a moment of load elsewhere on the machine, or coming right after
another side, falls on all of them alike; the medians are printed.
"""
from __future__ import annotations

import argparse
import io
import tempfile
import time
from pathlib import Path

from common import OUT, ROOT, emit, median, sizes
from sparql import CLIENTS, export_revision, over_http, shadow_store, start_server

QUERIES = {"ASK {}": "ASK {}", "one row": "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1"}
NAMED = ("person-posts-over-time", "events-by-kind")


def bench(size: int, runs: int, before: str | None):
    import pyoxigraph as ox
    from pyoxigraph import QueryResultsFormat

    texts = dict(QUERIES)
    texts.update({name: (ROOT / "queries" / f"{name}.rq").read_text(encoding="utf-8") for name in NAMED})
    store_dir = OUT / f"store-{size}"
    with tempfile.TemporaryDirectory(prefix="bench-sparql-fixed-") as tmp:
        store = ox.Store.read_only(str(shadow_store(store_dir, Path(tmp) / "store-in-process")))
        servers = {"http": start_server(shadow_store(store_dir, Path(tmp) / "store"))}
        if before:
            code = export_revision(before, Path(tmp) / "before")
            servers["before"] = start_server(shadow_store(store_dir, Path(tmp) / "store-before"), code=code)
        try:
            clients = {name: make() for name, make in CLIENTS.items()}
            for name, text in texts.items():
                def local(text=text):
                    store.query(text, use_default_graph_as_union=True).serialize(io.BytesIO(), QueryResultsFormat.JSON)
                sides = {"in_process": local}
                for side, (_, url) in servers.items():
                    for client_name, client in clients.items():
                        sides[f"{side}_{client_name}"] = (lambda c=client, u=url, t=text: over_http(c, u, t))
                times = {side: [] for side in sides}
                order = list(sides.items())
                for run in range(runs + 5):   # five to warm up
                    for side, call in order[run % len(order):] + order[:run % len(order)]:
                        started = time.perf_counter()
                        call()
                        if run >= 5:
                            times[side].append(time.perf_counter() - started)
                row = {"bench": "sparql_fixed", "reports": size, "query": name, "runs": runs}
                local_ms = median(times["in_process"]) * 1000
                row["in_process_ms"] = round(local_ms, 3)
                for side in sides:
                    if side != "in_process":
                        row[f"{side}_ms"] = round(median(times[side]) * 1000, 3)
                        row[f"{side}_fixed_ms"] = round(median(times[side]) * 1000 - local_ms, 3)
                yield row
        finally:
            for process, _ in servers.values():
                process.terminate()
                process.wait(30)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1k")
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--before", metavar="REF", help="also time `kg serve` running git revision REF")
    args = parser.parse_args(argv)
    for size in sizes(args.sizes):
        for row in bench(size, args.runs, args.before):
            emit(row)


if __name__ == "__main__":
    main()
