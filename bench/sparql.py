"""/sparql over HTTP against the same query run on pyoxigraph in-process, for every query in
queries/, on the store bench/ingest.py left (bench/out/store-SIZE).

    python bench/sparql.py --sizes 1k,10k [--before main]

`kg serve` (waitress, the embedded store, the guarded query runner) is started as a child on
the store; this process opens the same directory read-only and runs each query itself,
serialising the result as SPARQL JSON as the endpoint does. The two are interleaved, run for
run, and the medians compared: the ratio is the endpoint's overhead (HTTP, Flask, the worker
process that bounds each query's time, the copy of the result through a pipe).

The client is `http.client` on one kept-alive connection per server (`--client http.client`, the
default): `requests` (`--client requests`, the client of the figures before 2026-12-03) costs
≈0.5–1.2 ms more per request on this machine (it reads the proxy settings from the environment
on every request, and sends headers and body in two writes), which is the client's, not the
endpoint's.

With `--before REF`, a second `kg serve` runs the code of git revision REF (exported to a
temporary folder) and is timed in the same runs, so before and after are side by side. Each
server gets its own view of the store: a temporary folder with the store's immutable table files
(*.sst) hard-linked and its small mutable files copied, and a copy of its page index beside it
(without one, `kg serve` builds it before it listens), so `kg serve` (which writes its catalogue
graph) never writes to bench/out/store-SIZE, and two servers can run at once.

Both servers run this checkout's code only through PYTHONPATH: the `kg` script of an editable
install would otherwise import the package from wherever it was installed from.
"""
from __future__ import annotations

import argparse
import http.client
import io
import os
import shutil
import subprocess
import tarfile
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import requests

import common
from common import OUT, ROOT, child_peak_mb, emit, median, sizes

JSON = "application/sparql-results+json"


def start_server(store: str | Path, timeout: float = 30.0, code: Path = ROOT,
                 max_result_mb: int = 16) -> tuple[subprocess.Popen, str]:
    """`kg serve` over `store`, running the package in `code`, with the endpoint's time limit set
    to `timeout` seconds and its result-size limit to `max_result_mb`."""
    return common.start_server(store, env={"KG_SPARQL_TIMEOUT": str(timeout), "PYTHONPATH": str(code),
                                           "KG_SPARQL_MAX_RESULT_BYTES": str(max_result_mb * 10**6)})


def shadow_store(store: Path, into: Path, *, pages: bool = False) -> Path:
    """A store folder that a server may open for writing without touching `store`: table files
    hard-linked (RocksDB never changes one once written), everything else copied.

    With `pages`, the store's page index (STORE.pages.sqlite beside it) is copied beside the view
    too: a server that finds none builds one before it listens, minutes at 100k reports. Copied,
    not linked: SQLite writes into its file in place (≈7 s for the 2.8 GB of 100k)."""
    into.mkdir(parents=True)
    for path in store.iterdir():
        if path.suffix == ".sst":
            os.link(path, into / path.name)
        else:
            shutil.copy2(path, into / path.name)
    if pages:
        for suffix in (".pages.sqlite", ".pages.sqlite-wal"):
            index = store.with_name(store.name + suffix)
            if index.exists():
                shutil.copyfile(index, into.with_name(into.name + suffix))
    return into


def export_revision(revision: str, into: Path) -> Path:
    """The tree of git `revision` (its package, queries…) written to `into`."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", revision], check=True,
                             capture_output=True).stdout
    into.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into


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


ACCEPT = f"{JSON}, application/n-triples;q=0.9"


class LeanClient:
    """Form POSTs to /sparql with http.client, one kept-alive connection per server."""

    def __init__(self):
        self._connections: dict[str, http.client.HTTPConnection] = {}

    def post(self, url: str, text: str) -> tuple[int, bytes]:
        netloc = urlsplit(url).netloc
        body = urlencode({"query": text})
        headers = {"Accept": ACCEPT, "Content-Type": "application/x-www-form-urlencoded"}
        for attempt in (1, 2):   # the server closes a connection idle for long (waitress: 120 s)
            connection = self._connections.setdefault(netloc, http.client.HTTPConnection(netloc, timeout=600))
            try:
                connection.request("POST", "/sparql", body, headers)
                response = connection.getresponse()
                return response.status, response.read()
            except (http.client.HTTPException, OSError):
                connection.close()
                del self._connections[netloc]
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


class RequestsClient:
    """The same with `requests` (a Session: kept-alive connections too)."""

    def __init__(self):
        self._session = requests.Session()

    def post(self, url: str, text: str) -> tuple[int, bytes]:
        response = self._session.post(url + "/sparql", data={"query": text},
                                      headers={"Accept": ACCEPT}, timeout=600)
        return response.status_code, response.content


CLIENTS = {"http.client": LeanClient, "requests": RequestsClient}


def over_http(client, url: str, text: str) -> int:
    status, body = client.post(url, text)
    if status == 503:
        raise TooSlow(body.decode("utf-8", "replace").strip())
    if status != 200:
        raise RuntimeError(f"{url}/sparql answered {status}: {body[:500].decode('utf-8', 'replace')}")
    return len(body)


def bench(size: int, budget: float, max_runs: int, limit: float, before: str | None,
          max_result_mb: int = 16, client: str = "http.client"):
    """One row per query (emitted as it is measured), then the summed medians."""
    import pyoxigraph as ox

    from service.named_queries import load_queries
    store_dir = OUT / f"store-{size}"
    if not store_dir.is_dir():
        raise SystemExit(f"no {store_dir}: run bench/ingest.py --sizes {size} first")
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-sparql-") as tmp:
        # Every side reads the same files, taken at one moment (a store being rebuilt meanwhile
        # does not change what is measured).
        local_dir = shadow_store(store_dir, Path(tmp) / "store-in-process")
        servers = {"http": start_server(shadow_store(store_dir, Path(tmp) / "store", pages=True), limit,
                                        max_result_mb=max_result_mb)}
        if before:
            code = export_revision(before, Path(tmp) / "before")
            servers["before"] = start_server(shadow_store(store_dir, Path(tmp) / "store-before", pages=True),
                                             limit, code, max_result_mb)
        try:
            store = ox.Store.read_only(str(local_dir))
            session = CLIENTS[client]()
            for query in load_queries(ROOT / "queries"):
                row = {"bench": "sparql", "reports": size, "query": query.name, "client": client}
                timed = {}
                for side, (_, url) in servers.items():
                    try:  # over HTTP first: the endpoint stops a query that runs past `limit`
                        over_http(session, url, query.text)
                        timed[side] = url
                    except TooSlow:
                        row[f"{side}_skipped"] = f"over {limit:g} s (the endpoint's time limit)"
                if timed:
                    measure(row, store, session, query.text, timed, budget, max_runs)
                rows.append(row)
                yield row
            yield summary(size, rows, servers)
        finally:
            for process, _ in servers.values():
                process.terminate()
                process.wait(30)


def measure(row: dict, store, session, text: str, timed: dict, budget: float, max_runs: int) -> None:
    """In-process and each server in turn, run for run, for about `budget` seconds: medians."""
    in_process(store, text)  # warm
    times = {"in_process": [], **{side: [] for side in timed}}
    started = time.perf_counter()
    while len(times["in_process"]) < max_runs and (
            len(times["in_process"]) < 3 or time.perf_counter() - started < budget):
        t = time.perf_counter()
        row["result_bytes"] = in_process(store, text)
        times["in_process"].append(time.perf_counter() - t)
        for side, url in list(timed.items()):
            t = time.perf_counter()
            try:
                row[f"{side}_bytes"] = over_http(session, url, text)
            except TooSlow as error:  # answered in time at first, not now: say so, stop timing it
                row[f"{side}_skipped"] = f"stopped at the time limit in run {len(times[side]) + 1}: {error}"
                del timed[side], times[side]
                continue
            times[side].append(time.perf_counter() - t)
    row["runs"] = len(times["in_process"])
    local = median(times["in_process"])
    row["in_process_ms"] = round(local * 1000, 2)
    for side in timed:
        row[f"{side}_ms"] = round(median(times[side]) * 1000, 2)
        row["ratio" if side == "http" else f"{side}_ratio"] = round(median(times[side]) / local, 2)


def summary(size: int, rows: list[dict], servers: dict) -> dict:
    """Summed medians over the queries every server timed."""
    timed = [r for r in rows if all(f"{side}_ms" in r for side in servers)]
    if not timed:
        return {"bench": "sparql", "reports": size, "query": "(none timed by every server)"}
    local = sum(r["in_process_ms"] for r in timed)
    total = {"bench": "sparql", "reports": size, "query": f"(all {len(timed)} timed, summed medians)",
             "in_process_ms": round(local, 1)}
    for side, (process, _) in servers.items():
        total[f"{side}_ms"] = round(sum(r[f"{side}_ms"] for r in timed), 1)
        total["ratio" if side == "http" else f"{side}_ratio"] = round(total[f"{side}_ms"] / local, 2)
        total["worst_ratio" if side == "http" else f"{side}_worst_ratio"] = max(
            r["ratio" if side == "http" else f"{side}_ratio"] for r in timed)
        total[f"{side}_server_peak_mb"] = child_peak_mb(process.pid)
        total[f"{side}_query_processes_private_mb"] = round(sum(map(private_mb, descendants(process.pid))))
    return total


def descendants(pid: int) -> list[int]:
    """The processes below `pid` (the guarded runner's zygote and workers)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def private_mb(pid: int) -> float:
    """Resident memory of a process not shared with another (copy-on-write pages it wrote)."""
    try:
        resident, shared = (int(f) for f in Path(f"/proc/{pid}/statm").read_text().split()[1:3])
    except (OSError, ValueError):
        return 0.0
    return (resident - shared) * os.sysconf("SC_PAGE_SIZE") / 2**20


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1k,10k")
    parser.add_argument("--budget", type=float, default=2.0, help="seconds per query and side, about")
    parser.add_argument("--max-runs", type=int, default=30)
    parser.add_argument("--limit", type=float, default=20.0,
                        help="the endpoint's time limit: slower queries are reported, not timed")
    parser.add_argument("--max-result-mb", type=int, default=1000,
                        help="the endpoint's result-size limit (its default, 16 MB, refuses some "
                             "named queries' results from 10k reports on)")
    parser.add_argument("--before", metavar="REF",
                        help="also time `kg serve` running git revision REF, in the same runs")
    parser.add_argument("--client", choices=sorted(CLIENTS), default="http.client",
                        help="the HTTP client that times the endpoint (see the module docstring)")
    args = parser.parse_args(argv)
    for size in sizes(args.sizes):
        for row in bench(size, args.budget, args.max_runs, args.limit, args.before, args.max_result_mb,
                         args.client):
            emit(row)


if __name__ == "__main__":
    main()
