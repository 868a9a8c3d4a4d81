"""Drive a real `kg serve` with concurrent clients for a bounded time; print throughput, latency
percentiles per kind of request, and the error count (exit 1 on any error).

    python bench/load.py                      # builds a store from data/records, serves it
    python bench/load.py --url http://host:8000 --clients 16 --seconds 60

The mix: the named queries of queries/*.rq on /sparql, pages (home, lists), searches, entity pages.
An error is a transport failure or any status >= 500 (or a 4xx where 200 is expected).
"""
from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

import requests

from common import KG, ROOT, free_port
from common import start_server as start_kg_serve

BASE = "http://127.0.0.1"
SEARCHES = ["pomoc", "rops", "konferencja", "ośrodek", "Toruń", "ekonomia społeczna", "marszałek",
            "zdrowie", "<script>", "xyz-nothing"]
LISTS = ["event", "organisation", "person", "theme", "place", "report"]


def start_server(workdir: Path, threads: int) -> tuple[subprocess.Popen, str]:
    store = workdir / "store"
    port = free_port()
    env = {**os.environ, "KG_BASE": f"{BASE}:{port}"}
    built = subprocess.run([KG, "ingest", str(ROOT / "data" / "records"), "--store", str(store)],
                           env=env, capture_output=True, text=True)
    if built.returncode != 0:
        sys.exit(f"could not build the store: {built.stderr}")
    return start_kg_serve(store, port=port, env={"KG_BASE": env["KG_BASE"]}, threads=threads)


def entity_paths(url: str) -> list[str]:
    query = ("SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER(CONTAINS(STR(?s), '/id/')) } LIMIT 200")
    response = requests.get(url + "/sparql", params={"query": query}, timeout=30)
    response.raise_for_status()
    paths = []
    for row in response.json()["results"]["bindings"]:
        match = re.search(r"(/id/[^/]+/.+)$", row["s"]["value"])
        if match:
            paths.append(match.group(1))
    return paths


def workload(url: str) -> list[tuple[str, str, dict]]:
    """(kind, path, params) choices; weights by repetition."""
    queries = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "queries").glob("*.rq"))]
    mix = []
    mix += [("sparql", "/sparql", {"query": q}) for q in queries] * 3
    mix += [("page", "/", {})] + [("page", f"/list/{k}", {}) for k in LISTS]
    mix += [("search", "/search", {"q": q}) for q in SEARCHES]
    mix += [("entity", p, {}) for p in random.Random(1).sample(entity_paths(url), k=20)]
    return mix


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def run(url: str, clients: int, seconds: float) -> int:
    mix = workload(url)
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(seed: int) -> None:
        rng = random.Random(seed)
        session = requests.Session()
        while time.monotonic() < stop:
            kind, path, params = rng.choice(mix)
            headers = {"Accept": "text/html"} if kind != "sparql" else {}
            started = time.perf_counter()
            try:
                response = session.get(url + path, params=params, headers=headers, timeout=60)
                response.content
                ok = response.status_code == 200
                problem = None if ok else f"{kind} {path} -> {response.status_code}: {response.text[:120]}"
            except requests.RequestException as error:
                problem = f"{kind} {path} -> {error}"
            took = time.perf_counter() - started
            with lock:
                latencies[kind].append(took)
                if problem:
                    errors.append(problem)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    total = sum(len(v) for v in latencies.values())
    print(f"{clients} clients, {elapsed:.1f} s, {total} requests, {total / elapsed:.1f} requests/s, "
          f"{len(errors)} error(s)")
    print(f"{'kind':<8} {'count':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for kind in sorted(latencies):
        values = latencies[kind]
        print(f"{kind:<8} {len(values):>6} {percentile(values, 50) * 1e3:>8.1f} "
              f"{percentile(values, 95) * 1e3:>8.1f} {percentile(values, 99) * 1e3:>8.1f}")
    for problem in errors[:10]:
        print("error:", problem)
    return 1 if errors else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running server (else one is started over data/records)")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--threads", type=int, default=8, help="server threads, when started here")
    args = parser.parse_args()
    if args.url:
        sys.exit(run(args.url.rstrip("/"), args.clients, args.seconds))
    workdir = Path(tempfile.mkdtemp(prefix="kg-load-"))
    process = None
    try:
        process, url = start_server(workdir, args.threads)
        code = run(url, args.clients, args.seconds)
    finally:
        if process is not None:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(workdir, ignore_errors=True)
    sys.exit(code)


if __name__ == "__main__":
    main()
