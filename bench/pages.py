"""Entity, list and search page latency (p50, p95) of a real `kg serve`, at each size, on the
store bench/ingest.py left (bench/out/store-SIZE).

    python bench/pages.py --sizes 1k,10k

Entity pages: the most-named body of the corpus (named in most reports: the worst case), a
much-named person, and a sample of ordinary people, bodies and events. Lists: the first page
and a deep page of people and organisations, the home page. Search: a frequent word, a rare
name. Each URL is requested --runs times, one request at a time. Besides wall-time p50/p95, the
server's CPU time per request (mean): on a shared machine it moves far less than wall time.
"""
from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path
from urllib.parse import quote

import requests

from common import BASE, OUT, child_peak_mb, corpus, emit, percentile, sizes
from sparql import start_server


def targets(size: int) -> dict[str, list[str]]:
    """Page kind → paths, drawn from the corpus's own records."""
    from service.mapping import entity_iri, slug
    records = sorted(corpus(size).glob("*.json"))
    rng = random.Random(5)
    people, bodies, events = [], [], []
    counts: dict[str, int] = {}
    for path in rng.sample(records, min(300, len(records))):
        record = json.loads(path.read_text(encoding="utf-8"))
        for person in record["people"]:
            counts[person["name"]] = counts.get(person["name"], 0) + 1
            people.append(person["name"])
        bodies += [o["name"] for o in record["organisations"]]
        ev = record["event"]
        events.append(slug(ev["name"]) + "-" + ev["start"])

    def path(kind: str, key: str) -> str:
        return entity_iri(BASE, kind, key).value.removeprefix(BASE)

    top_person = max(counts, key=counts.get)
    record = json.loads(records[0].read_text(encoding="utf-8"))
    theme, year = record["event"]["themes"][0], record["event"]["start"][:4]
    return {  # the worst case last: a page that never ends would hold a server thread
        "list: first page": ["/list/person", "/list/organisation", "/list/event", "/"],
        "list: deep page": ["/list/person?page=20", "/list/organisation?page=5"],
        # not a target: a filtered list counts the events the filter keeps (grows with them)
        "list: events of a year and theme": [f"/events?year={year}&theme={theme}"],
        "search": ["/search?q=" + quote("ośrodek"), "/search?q=" + quote(top_person.split()[-1]),
                   "/search?q=" + quote(rng.choice(people))],
        "entity: most-named body": [path("organisation", slug("Ministerstwo Rodziny, Pracy i Polityki Społecznej"))],
        "entity: much-named person": [path("person", slug(top_person)),
                                      path("person", slug(top_person)) + "?page=2"],
        "entity: sample": [path("person", slug(n)) for n in rng.sample(people, 8)]
        + [path("organisation", slug(n)) for n in rng.sample(bodies, 8)]
        + [path("event", e) for e in rng.sample(events, 8)],
    }


def cpu_seconds(pid: int) -> float:
    """CPU time the process has run so far, all its threads (nanosecond counters of the scheduler:
    unlike wall time, it hardly moves with what else the shared machine runs)."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            total += int((task / "schedstat").read_text().split()[0])
        except (FileNotFoundError, ProcessLookupError):  # a thread that just ended
            pass
    return total / 1e9


def bench(size: int, runs: int, limit: float) -> list[dict]:
    store_dir = OUT / f"store-{size}"
    if not store_dir.is_dir():
        raise SystemExit(f"no {store_dir}: run bench/ingest.py --sizes {size} first")
    server, url = start_server(str(store_dir))
    rows = []
    try:
        session = requests.Session()
        for kind, paths in targets(size).items():
            times, statuses, slow, cpu = [], {}, [], 0.0
            for path in paths:
                try:
                    session.get(url + path, timeout=limit)  # warm
                    cpu_before = cpu_seconds(server.pid)
                    for _ in range(runs):
                        started = time.perf_counter()
                        response = session.get(url + path, timeout=limit)
                        times.append(time.perf_counter() - started)
                        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
                    cpu += cpu_seconds(server.pid) - cpu_before
                except requests.Timeout:
                    slow.append(path)
            if not times:
                rows.append({"bench": "pages", "reports": size, "page": kind,
                             "skipped": f"over {limit:g} s", "urls": slow})
                continue
            rows.append({"bench": "pages", "reports": size, "page": kind, "urls": len(paths),
                         "requests": len(times), "p50_ms": round(percentile(times, 0.5) * 1000, 1),
                         "p95_ms": round(percentile(times, 0.95) * 1000, 1),
                         "max_ms": round(max(times) * 1000, 1),
                         "server_cpu_ms": round(cpu / len(times) * 1000, 2), "statuses": statuses,
                         **({"over_limit": slow} if slow else {})})
        rows.append({"bench": "pages", "reports": size, "server_peak_mb": child_peak_mb(server.pid)})
    finally:
        server.terminate()
        server.wait(30)
    return rows


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1k,10k")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--limit", type=float, default=20.0, help="seconds before a page counts as too slow")
    args = parser.parse_args(argv)
    for size in sizes(args.sizes):
        for row in bench(size, args.runs, args.limit):
            emit(row)


if __name__ == "__main__":
    main()
