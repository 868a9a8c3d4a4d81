"""/sparql over HTTP against the same query run on pyoxigraph in-process, for every query in
queries/, on the store bench/ingest.py left (bench/out/store-SIZE).

    python bench/sparql.py --sizes 1k,10k

`kg serve` (waitress, the embedded store, the guarded query runner) is started as a child on
the store; this process opens the same directory read-only and runs each query itself,
serialising the result as SPARQL JSON as the endpoint does. The two are interleaved, run for
run, and the medians compared: the ratio is the endpoint's overhead (HTTP, Flask, the worker
process that bounds each query's time, the copy of the result through a pipe).
"""
from __future__ import annotations

import argparse
import io
import subprocess
import time

import requests

import common
from common import OUT, ROOT, child_peak_mb, emit, median, sizes

JSON = "application/sparql-results+json"


def start_server(store: str, timeout: float = 30.0) -> tuple[subprocess.Popen, str]:
    """`kg serve` over `store` with the endpoint's time limit set to `timeout` seconds."""
    return common.start_server(store, env={"KG_SPARQL_TIMEOUT": str(timeout)})


def in_process(store, text: str) -> int:
    from pyoxigraph import QueryResultsFormat, QueryTriples, RdfFormat
    result = store.query(text, use_default_graph_as_union=True)
    buffer = io.BytesIO()
    if isinstance(result, QueryTriples):
        result.serialize(buffer, RdfFormat.N_TRIPLES)
    else:
        result.serialize(buffer, QueryResultsFormat.JSON)
    return len(buffer.getvalue())


class TooSlow(Exception):
    """The endpoint stopped the query at its time limit."""


def over_http(session: requests.Session, url: str, text: str) -> int:
    response = session.post(url + "/sparql", data={"query": text},
                            headers={"Accept": f"{JSON}, application/n-triples;q=0.9"}, timeout=600)
    if response.status_code == 503:
        raise TooSlow(response.text.strip())
    response.raise_for_status()
    return len(response.content)


def bench(size: int, budget: float, max_runs: int, limit: float) -> list[dict]:
    import pyoxigraph as ox

    from service.named_queries import load_queries
    store_dir = OUT / f"store-{size}"
    if not store_dir.is_dir():
        raise SystemExit(f"no {store_dir}: run bench/ingest.py --sizes {size} first")
    server, url = start_server(str(store_dir), limit)
    rows = []
    try:
        store = ox.Store.read_only(str(store_dir))
        session = requests.Session()
        for query in load_queries(ROOT / "queries"):
            try:  # over HTTP first: the endpoint stops a query that runs past `limit`
                over_http(session, url, query.text)
            except TooSlow:
                rows.append({"bench": "sparql", "reports": size, "query": query.name,
                             "skipped": f"over {limit:g} s (the endpoint's time limit)"})
                continue
            in_process(store, query.text)  # warm
            local, remote = [], []
            started = time.perf_counter()
            while len(local) < max_runs and (len(local) < 3 or time.perf_counter() - started < budget):
                t = time.perf_counter()
                size_local = in_process(store, query.text)
                local.append(time.perf_counter() - t)
                t = time.perf_counter()
                size_remote = over_http(session, url, query.text)
                remote.append(time.perf_counter() - t)
            rows.append({"bench": "sparql", "reports": size, "query": query.name, "runs": len(local),
                         "in_process_ms": round(median(local) * 1000, 2),
                         "http_ms": round(median(remote) * 1000, 2),
                         "ratio": round(median(remote) / median(local), 2),
                         "result_bytes": size_local, "http_bytes": size_remote})
        timed = [r for r in rows if "ratio" in r]
        rows.append({"bench": "sparql", "reports": size, "query": f"(all {len(timed)} timed, summed medians)",
                     "in_process_ms": round(sum(r["in_process_ms"] for r in timed), 1),
                     "http_ms": round(sum(r["http_ms"] for r in timed), 1),
                     "ratio": round(sum(r["http_ms"] for r in timed) / sum(r["in_process_ms"] for r in timed), 2),
                     "worst_ratio": max(r["ratio"] for r in timed),
                     "server_peak_mb": child_peak_mb(server.pid)})
    finally:
        server.terminate()
        server.wait(30)
    return rows


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1k,10k")
    parser.add_argument("--budget", type=float, default=2.0, help="seconds per query and side, about")
    parser.add_argument("--max-runs", type=int, default=30)
    parser.add_argument("--limit", type=float, default=20.0,
                        help="the endpoint's time limit: slower queries are reported, not timed")
    args = parser.parse_args(argv)
    for size in sizes(args.sizes):
        for row in bench(size, args.budget, args.max_runs, args.limit):
            emit(row)


if __name__ == "__main__":
    main()
