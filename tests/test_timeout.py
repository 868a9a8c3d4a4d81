"""The time limit stops a runaway query, and the service answers others while it runs.

A query made slow by its shape (a triple cross product over the demo data), with a 1.5 s limit,
against a real `kg serve` process.
"""
from __future__ import annotations

import os
import shutil
import threading
import time
from pathlib import Path

import pytest
import requests

from service.store.guarded import IDLE_WORKERS
from support import kg_serve

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
LIMIT = 1.5


def descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def busy(pids: set[int], over: float = 0.5) -> set[int]:
    """The processes among `pids` that use CPU during `over` seconds."""
    before = {pid: cpu_seconds(pid) for pid in pids}
    time.sleep(over)
    return {pid for pid in pids if cpu_seconds(pid) - before[pid] > 0.1 * over}


@pytest.fixture(scope="module")
def server(demo_store_dir, tmp_path_factory):
    copy = tmp_path_factory.mktemp("timeout") / "store"
    shutil.copytree(demo_store_dir, copy)
    with kg_serve(copy, env={"KG_SPARQL_TIMEOUT": str(LIMIT)}) as served:
        yield served


def test_a_runaway_query_is_stopped_and_others_are_answered_meanwhile(server):
    url, process = server
    outcome = {}

    def slow():
        started = time.monotonic()
        outcome["response"] = requests.get(f"{url}/sparql", params={"query": SLOW}, timeout=30)
        outcome["took"] = time.monotonic() - started

    thread = threading.Thread(target=slow)
    thread.start()
    time.sleep(0.3)
    answered_meanwhile = 0
    while thread.is_alive() and answered_meanwhile < 3:
        quick = requests.get(f"{url}/sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=10)
        assert quick.status_code == 200 and quick.json()["boolean"] is True
        page = requests.get(f"{url}/", timeout=10)
        assert page.status_code == 200
        answered_meanwhile += 1
    assert answered_meanwhile >= 1 and "response" not in outcome
    thread.join()
    response = outcome["response"]
    assert response.status_code == 503
    assert "time limit" in response.text and f"{LIMIT:g} s" in response.text
    assert outcome["took"] < LIMIT + 3
    # The work really stopped: no worker process is left computing (idle workers kept for the
    # next queries wait on their pipe and use no CPU).
    assert not busy(descendants(process.pid))
    assert len(descendants(process.pid)) <= 1 + IDLE_WORKERS
    # And the service goes on answering afterwards.
    after = requests.get(f"{url}/sparql", params={"query": "SELECT ?s WHERE { ?s ?p ?o } LIMIT 2"}, timeout=10)
    assert after.status_code == 200 and len(after.json()["results"]["bindings"]) == 2


def test_concurrent_runaway_queries_all_time_out(server):
    url, _ = server
    results = []

    def slow():
        results.append(requests.get(f"{url}/sparql", params={"query": SLOW}, timeout=30).status_code)

    threads = [threading.Thread(target=slow) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [503, 503, 503]
    assert requests.get(f"{url}/sparql", params={"query": "ASK {}"}, timeout=10).status_code == 200


def test_a_blocked_worker_is_replaced_and_the_query_answered(tmp_path):
    """A worker that sits blocked (here: stopped) is not mistaken for a long query: a new zygote
    and worker answer the query, well before the time limit."""
    import json
    import signal

    from pyoxigraph import QueryResultsFormat

    from service.store import open_store
    from service.store.guarded import STUCK_AFTER, ForkingRunner, Writers

    store = open_store(str(tmp_path / "store"))
    store.update("INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> <urn:c> } }")
    runner = ForkingRunner(store)
    fork_worker = runner._fork_worker
    stopped = []

    def first_worker_stopped():
        worker = fork_worker()
        if not stopped:
            os.kill(worker.pid, signal.SIGSTOP)
            stopped.append(worker.pid)
        return worker

    runner._fork_worker = first_worker_stopped
    try:
        started = time.monotonic()
        answer = runner.run("ASK { <urn:a> <urn:b> <urn:c> }",
                            Writers(QueryResultsFormat.JSON, None, {"graph": "no"}),
                            timeout=20, max_bytes=10_000)
        elapsed = time.monotonic() - started
    finally:
        runner.close()
        store.close()
    assert stopped and json.loads(answer.body)["boolean"] is True
    assert STUCK_AFTER <= elapsed < 20
