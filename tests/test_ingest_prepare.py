"""Preparing reports in a worker process gives what preparing them here gives, and a worker
that dies loses no report."""
from __future__ import annotations

import json
import multiprocessing
import shutil
import tempfile
from pathlib import Path

import pytest
from pyoxigraph import RdfFormat, parse

from service.ingest import find_sources
from service.ingest_prepare import prepared
from service.mapping import block_digest
from support import BASE, DEMO_RECORDS

KG_INGESTED = "https://w3id.org/konferencje-kg/def#ingested"


def quads_of(report) -> list:
    """A prepared report's quads, parsed back: its graph and the identity blocks it carries."""
    data = report.nquads + b"".join(block.nquads for block in report.identity.values() if block)
    return list(parse(data, format=RdfFormat.N_QUADS))


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
    handover = Path(tempfile.gettempdir())
    folders_before = set(handover.glob("kg-prepared-*"))
    here = list(prepared(sources, base=BASE, workers=0, chunk=7))
    there = list(prepared(sources, base=BASE, workers=1, chunk=7))
    assert set(handover.glob("kg-prepared-*")) == folders_before  # the chunks' files are gone
    assert [p.outcome.source.name for p in there] == [s.name for s in sources]
    assert [(p.outcome.graph, p.outcome.error) for p in there] == [(p.outcome.graph, p.outcome.error) for p in here]
    assert [without_stamps(parse(p.nquads, format=RdfFormat.N_QUADS)) for p in there] == \
        [without_stamps(parse(p.nquads, format=RdfFormat.N_QUADS)) for p in here]
    assert [p.rows and p.rows.participations for p in there] == [p.rows and p.rows.participations for p in here]
    failed = [p.outcome for p in there if not p.outcome.ok]
    assert len(failed) == 3 and all("eventNumber" in o.error for o in failed)
    assert all(any(q.predicate.value == KG_INGESTED for q in quads_of(p)) for p in there if p.outcome.ok)


def test_prepared_reports_hold_what_the_mapping_gives(sources):
    """The bytes a report is loaded from are its mapped quads and its stamp, each in its graph:
    the report's own in its graph, identity statements by entity in the entities graph."""
    from service.ingest import prepare_source
    for report in prepared(sources[:4], base=BASE, workers=0):
        _, mapped = prepare_source(report.outcome.source, base=BASE, validate=False)
        assert without_stamps(quads_of(report)) == without_stamps(mapped)
        own = {q.graph_name.value for q in parse(report.nquads, format=RdfFormat.N_QUADS)}
        assert own == {report.outcome.graph}
        for digest, block in report.identity.items():
            quads = list(parse(block.nquads, format=RdfFormat.N_QUADS))
            assert digest == block_digest(block.nquads) and len({q.subject for q in quads}) == 1
            assert [i.iri for i in block.identities] == [quads[0].subject.value]  # who it is, derived
            assert {q.graph_name.value for q in quads} == {BASE + "/graph/entities"}


def test_a_worker_hands_each_identity_block_over_once(sources):
    """Later reports name a block the worker handed over by its digest; here every report
    carries its blocks whole, and the digests are the same."""
    here = list(prepared(sources, base=BASE, workers=0, chunk=7))
    there = list(prepared(sources, base=BASE, workers=1, chunk=7))
    handed_over = set()
    for mine, theirs in zip(here, there):
        assert mine.identity.keys() == theirs.identity.keys()
        assert all(block is not None for block in mine.identity.values())
        for digest, block in theirs.identity.items():
            assert (block is None) == (digest in handed_over)
            handed_over.add(digest)
    assert sum(block is None for p in there for block in p.identity.values()) > len(sources)


def test_a_worker_killed_midway_loses_no_report(sources, caplog):
    outcomes = []
    for report in prepared(sources, base=BASE, workers=1, chunk=4):
        outcomes.append(report.outcome)
        if len(outcomes) == 1:
            for child in multiprocessing.active_children():
                child.kill()
    assert [o.source.name for o in outcomes] == [s.name for s in sources]
    assert sum(1 for o in outcomes if o.ok) == len(sources) - 3
    assert "preparing the rest in this process" in caplog.text  # the kill did land
