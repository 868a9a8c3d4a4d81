"""Preparing reports in a worker process gives what preparing them here gives, and a worker
that dies loses no report."""
from __future__ import annotations

import json
import multiprocessing
import shutil

import pytest

from service.ingest import find_sources
from service.ingest_prepare import prepared
from support import BASE, DEMO_RECORDS

KG_INGESTED = "https://w3id.org/konferencje-kg/def#ingested"


def without_stamps(quads) -> set[str]:
    return {str(q) for q in quads if q.predicate.value != KG_INGESTED}


@pytest.fixture(scope="module")
def sources(tmp_path_factory):
    """Three copies of the demo records, one of them broken in each copy (edition 0 breaks a shape)."""
    folder = tmp_path_factory.mktemp("records")
    for copy in range(3):
        for path in sorted(DEMO_RECORDS.glob("*.json")):
            shutil.copy(path, folder / f"c{copy}-{path.name}")
        broken = json.loads(sorted(DEMO_RECORDS.glob("*.json"))[copy].read_text(encoding="utf-8"))
        broken["event"]["edition"] = 0
        (folder / f"c{copy}-broken.json").write_text(json.dumps(broken, ensure_ascii=False), encoding="utf-8")
    return find_sources([folder])


def test_a_worker_prepares_what_this_process_prepares(sources):
    here = list(prepared(sources, base=BASE, workers=0, chunk=7))
    there = list(prepared(sources, base=BASE, workers=1, chunk=7))
    assert [o.source.name for o, _ in there] == [s.name for s in sources]
    assert [(o.graph, o.error) for o, _ in there] == [(o.graph, o.error) for o, _ in here]
    assert [without_stamps(q) for _, q in there] == [without_stamps(q) for _, q in here]
    failed = [o for o, _ in there if not o.ok]
    assert len(failed) == 3 and all("eventNumber" in o.error for o in failed)
    assert all(any(q.predicate.value == KG_INGESTED for q in quads) for o, quads in there if o.ok)


def test_a_worker_killed_midway_loses_no_report(sources, caplog):
    outcomes = []
    for outcome, quads in prepared(sources, base=BASE, workers=1, chunk=4):
        outcomes.append((outcome, quads))
        if len(outcomes) == 1:
            for child in multiprocessing.active_children():
                child.kill()
    assert [o.source.name for o, _ in outcomes] == [s.name for s in sources]
    assert sum(1 for o, _ in outcomes if o.ok) == len(sources) - 3
    assert "preparing the rest in this process" in caplog.text  # the kill did land
