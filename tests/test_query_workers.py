"""The guarded runner keeps its worker processes between queries (service/store/guarded.py):
what it answers is what the store answers in-process, answers never cross between concurrent
queries, and a worker is thrown away as soon as its query goes wrong."""
from __future__ import annotations

import io
import json
import os
import signal
import threading
import time
from pathlib import Path

import pytest
import requests
from pyoxigraph import QueryResultsFormat, RdfFormat

from service.named_queries import load_queries
from service.store import QueryTimeout, guarded
from service.store.guarded import ForkingRunner, QueryFailed, ResultTooLarge, Writers
from support import ROOT

JSON = Writers(QueryResultsFormat.JSON, RdfFormat.N_TRIPLES, {})
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
QUERIES = load_queries(ROOT / "queries")


def in_process(store, text: str) -> bytes:
    buffer = io.BytesIO()
    store.query(text).serialize(buffer, QueryResultsFormat.JSON)
    return buffer.getvalue()


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.fixture()
def runner(demo_store):
    runner = ForkingRunner(demo_store)
    yield runner
    runner.close()


def idle_pids(runner) -> list[int]:
    return [worker.pid for worker in runner._idle]


def test_every_named_query_over_http_answers_exactly_what_the_store_does(live_server, demo_store):
    session = requests.Session()
    for query in QUERIES:
        response = session.post(f"{live_server}/sparql", data={"query": query.text},
                                headers={"Accept": "application/sparql-results+json"}, timeout=60)
        assert response.status_code == 200, (query.name, response.text)
        assert json.loads(response.content) == json.loads(in_process(demo_store, query.text)), query.name


def test_concurrent_queries_each_get_their_own_answer(live_server, demo_store):
    """More queries at once than idle workers are kept, several rounds: no answer goes to the
    wrong request, and the processes left afterwards are the zygote and the idle workers."""
    chosen = QUERIES[:6] * 3
    expected = {q.name: json.loads(in_process(demo_store, q.text)) for q in chosen}
    answers, errors = [], []

    def ask(query):
        try:
            response = requests.post(f"{live_server}/sparql", data={"query": query.text},
                                     headers={"Accept": "application/sparql-results+json"}, timeout=60)
            answers.append((query.name, response.status_code, json.loads(response.content)))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=ask, args=(q,)) for q in chosen]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(answers) == len(chosen)
    for name, status, body in answers:
        assert status == 200 and body == expected[name], name


def test_a_worker_answers_many_queries_and_an_error_does_not_spoil_it(runner):
    first = runner.run(COUNT, JSON, timeout=20, max_bytes=10**6)
    [pid] = idle_pids(runner)
    with pytest.raises(QueryFailed) as failed:
        runner.run("SELECT nonsense", JSON, timeout=20, max_bytes=10**6)
    assert failed.value.status == 400
    again = runner.run(COUNT, JSON, timeout=20, max_bytes=10**6)
    assert idle_pids(runner) == [pid] and again.body == first.body


def test_a_query_past_its_limit_kills_its_worker_and_the_next_is_answered(runner):
    runner.run(COUNT, JSON, timeout=20, max_bytes=10**6)
    [pid] = idle_pids(runner)
    started = time.monotonic()
    with pytest.raises(QueryTimeout):
        runner.run(SLOW, JSON, timeout=1.0, max_bytes=10**6)
    assert time.monotonic() - started < 2.5
    deadline = time.monotonic() + 2
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(pid) and idle_pids(runner) == []
    answer = runner.run(COUNT, JSON, timeout=20, max_bytes=10**6)
    assert int(json.loads(answer.body)["results"]["bindings"][0]["n"]["value"]) > 0


def test_a_result_over_the_limit_is_refused_and_the_next_is_answered(runner):
    with pytest.raises(ResultTooLarge):
        runner.run("SELECT * WHERE { ?s ?p ?o }", JSON, timeout=20, max_bytes=5_000)
    answer = runner.run("SELECT * WHERE { ?s ?p ?o } LIMIT 3", JSON, timeout=20, max_bytes=5_000)
    assert len(json.loads(answer.body)["results"]["bindings"]) == 3


def test_a_worker_that_died_while_idle_is_replaced(runner):
    runner.run(COUNT, JSON, timeout=20, max_bytes=10**6)
    [pid] = idle_pids(runner)
    os.kill(pid, signal.SIGKILL)
    while alive(pid):
        time.sleep(0.01)
    answer = runner.run(COUNT, JSON, timeout=20, max_bytes=10**6)
    assert json.loads(answer.body)["results"]["bindings"]
    assert idle_pids(runner) and pid not in idle_pids(runner)


def test_a_worker_is_retired_after_its_share_of_queries(runner, monkeypatch):
    monkeypatch.setattr(guarded, "WORKER_MAX_QUERIES", 3)
    pids = []
    for _ in range(7):
        runner.run(COUNT, JSON, timeout=20, max_bytes=10**6)
        pids.append(idle_pids(runner)[-1] if idle_pids(runner) else None)
    # Three queries per worker: the pool is empty after the third, a new worker takes the fourth.
    assert pids[0] == pids[1] and pids[2] is None and pids[3] not in (None, pids[0])


def test_workers_see_a_write_made_through_the_process(tmp_path):
    from service.store import open_store
    store = open_store(str(tmp_path / "store"))
    runner = ForkingRunner(store)
    try:
        ask = "ASK { <urn:a> <urn:b> <urn:c> }"
        assert json.loads(runner.run(ask, JSON, timeout=20, max_bytes=10**6).body)["boolean"] is False
        [old] = idle_pids(runner)
        store.update("INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> <urn:c> } }")
        runner.invalidate()
        assert json.loads(runner.run(ask, JSON, timeout=20, max_bytes=10**6).body)["boolean"] is True
        assert old not in idle_pids(runner)
    finally:
        runner.close()
        store.close()


def test_a_worker_reports_its_usage_and_is_retired_past_the_memory_limit(runner, monkeypatch):
    """Each answer carries the worker's CPU and peak memory, so the parent need not read /proc per
    query; a worker whose memory passes WORKER_MAX_PRIVATE_MB is still retired after its query."""
    runner.run(COUNT, JSON, timeout=20, max_bytes=10**6)
    [worker] = runner._idle
    assert worker.cpu is not None and 0 < worker.cpu < 60 and worker.peak_mb > 1
    monkeypatch.setattr(guarded, "WORKER_MAX_PRIVATE_MB", 1)   # below any process's own memory
    runner.run(COUNT, JSON, timeout=20, max_bytes=10**6)
    assert idle_pids(runner) == []
    deadline = time.monotonic() + 2
    while alive(worker.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(worker.pid)


def test_a_worker_stopped_after_answering_is_taken_for_blocked_and_replaced(runner):
    """A worker that answered before (its CPU then known from its answer, not from /proc) and now
    sits blocked is replaced, and the query answered, well before the time limit."""
    first = runner.run(COUNT, JSON, timeout=20, max_bytes=10**6)
    [pid] = idle_pids(runner)
    generation = runner._generation
    os.kill(pid, signal.SIGSTOP)
    try:
        started = time.monotonic()
        answer = runner.run(COUNT, JSON, timeout=20, max_bytes=10**6)
        elapsed = time.monotonic() - started
    finally:
        try:
            os.kill(pid, signal.SIGCONT)
        except ProcessLookupError:
            pass
    assert answer.body == first.body
    assert guarded.STUCK_AFTER <= elapsed < 10
    assert runner._generation > generation and pid not in idle_pids(runner)


def test_a_reused_worker_busy_past_the_stuck_probe_is_not_taken_for_blocked(runner):
    """A long query in a worker that answered before uses CPU, so it is not mistaken for a blocked
    one (no new zygote): it runs until its time limit stops it."""
    runner.run(COUNT, JSON, timeout=20, max_bytes=10**6)
    generation = runner._generation
    limit = guarded.STUCK_AFTER + 1.5
    started = time.monotonic()
    with pytest.raises(QueryTimeout):
        runner.run(SLOW, JSON, timeout=limit, max_bytes=10**6)
    assert limit <= time.monotonic() - started < limit + 2
    assert runner._generation == generation
