"""Ingest into a real store: one graph per report, re-ingest replaces, failures are named and skipped."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import time

import pytest

from support import DEMO_RECORDS, DEMO_REPORTS, KG
from service.ingest import find_sources, ingest
from service.mapping import entities_graph, report_iri
from service.store import open_store
from service.store.embedded import EmbeddedStore

BASE = "http://kg.test"


@pytest.fixture()
def store(tmp_path):
    store = open_store(str(tmp_path / "store"))
    yield store
    store.close()


def organisers(store, graph: str) -> set[str]:
    rows = store.select(f"""SELECT ?l WHERE {{ GRAPH <{graph}> {{ ?e <http://schema.org/organizer> ?o }}
        ?o <http://www.w3.org/2004/02/skos/core#prefLabel> ?l }}""")
    return {r["l"].value for r in rows}


def copy_record(tmp_path, name: str, new_name: str | None = None):
    folder = tmp_path / "records"
    folder.mkdir(exist_ok=True)
    target = folder / f"{new_name or name}.json"
    shutil.copy(DEMO_RECORDS / f"{name}.json", target)
    return target


def first_record_name() -> str:
    return sorted(DEMO_RECORDS.glob("*.json"))[0].stem


def test_each_report_is_its_own_graph(store):
    outcomes = ingest(store, [DEMO_RECORDS], base=BASE)
    assert outcomes and all(o.ok for o in outcomes), [o.error for o in outcomes if not o.ok]
    graphs = set(store.named_graphs())
    for path in DEMO_RECORDS.glob("*.json"):
        assert report_iri(BASE, path.stem).value in graphs
    # The ontology and schemes are loaded in their own graphs too.
    assert "https://w3id.org/konferencje-kg/def" in graphs
    assert "https://w3id.org/konferencje-kg/theme" in graphs
    # And the entities' identity statements in the one entities graph.
    assert entities_graph(BASE).value in graphs


def test_reingest_replaces_the_graph(store, tmp_path):
    name = first_record_name()
    path = copy_record(tmp_path, name)
    ingest(store, [path], base=BASE)
    graph = report_iri(BASE, name).value
    before = organisers(store, graph)
    assert before
    record = json.loads(path.read_text(encoding="utf-8"))
    record["event"]["organisers"] = ["Gminny Ośrodek Pomocy Społecznej w Testowie"]
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    size_before = len(store) - entity_quads(store)
    entities_before = entity_quads(store)
    [outcome] = ingest(store, [path], base=BASE)
    assert outcome.ok
    assert organisers(store, graph) == {"Gminny Ośrodek Pomocy Społecznej w Testowie"}
    # Nothing of the old version is left, and other graphs are untouched; the entities graph
    # only grew (identity quads are never removed: other reports may name the same entity).
    ingest(store, [copy_record(tmp_path, name)], base=BASE)
    assert organisers(store, graph) == before and len(store) - entity_quads(store) == size_before
    assert entity_quads(store) > entities_before


def entity_quads(store) -> int:
    rows = store.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{entities_graph(BASE).value}> {{ ?s ?p ?o }} }}")
    return int(rows[0]["n"].value)


def test_identity_quads_go_to_the_entities_graph_once(store):
    from service.mapping import map_record
    outcomes = ingest(store, [DEMO_RECORDS], base=BASE)
    assert all(o.ok for o in outcomes)
    entities = entities_graph(BASE)
    stored = {(q.subject, q.predicate, q.object) for q in store.oxigraph.quads_for_pattern(None, None, None, entities)}
    for path in DEMO_RECORDS.glob("*.json"):
        quads = map_record(json.loads(path.read_text(encoding="utf-8")), name=path.stem, base=BASE)
        identity = {(q.subject, q.predicate, q.object) for q in quads if q.graph_name == entities}
        assert identity and identity <= stored
        graph = report_iri(BASE, path.stem)
        # The report graph holds no entity's names: a label is in the union once, not per report.
        assert not store.ask(f"ASK {{ GRAPH {graph} {{ ?s <http://www.w3.org/2004/02/skos/core#prefLabel> ?l "
                             f"FILTER(?s != {graph}) }} }}")


def test_a_broken_file_is_named_and_the_rest_go_in(store, tmp_path):
    good = copy_record(tmp_path, first_record_name())
    bad_json = tmp_path / "records" / "broken.json"
    bad_json.write_text("{ not json", encoding="utf-8")
    bad_record = tmp_path / "records" / "no-event.json"
    bad_record.write_text(json.dumps({"schema": "report-record/1", "report": {}, "people": [],
                                      "organisations": [], "event": {"name": "X", "kind": "party"}}))
    outcomes = {o.source.name: o for o in ingest(store, [tmp_path / "records"], base=BASE)}
    assert outcomes[good.stem].ok
    assert not outcomes["broken"].ok and "JSON" in outcomes["broken"].error
    assert not outcomes["no-event"].ok and "kind" in outcomes["no-event"].error
    assert report_iri(BASE, "broken").value not in store.named_graphs()


def test_corrected_record_wins_over_extraction(tmp_path):
    reports = sorted(DEMO_REPORTS.glob("*.txt"))
    report = reports[0]
    sources = find_sources([report])
    assert sources[0].record_path == DEMO_RECORDS / f"{report.stem}.json"
    # A report with no record beside it is extracted.
    lone = tmp_path / "reports" / report.name
    lone.parent.mkdir()
    shutil.copy(report, lone)
    assert find_sources([lone])[0].record_path is None


def test_folders_give_each_name_once():
    sources = find_sources([DEMO_REPORTS, DEMO_RECORDS])
    names = [s.name for s in sources]
    assert len(names) == len(set(names)) == len(list(DEMO_RECORDS.glob("*.json")))
    assert all(s.record_path is not None for s in sources)


def test_cli_reports_failures_in_its_exit_status(tmp_path):
    copy_record(tmp_path, first_record_name())
    (tmp_path / "records" / "junk.json").write_text("[]", encoding="utf-8")
    env = {**os.environ, "KG_BASE": BASE}
    result = subprocess.run([KG, "ingest", str(tmp_path / "records"), "--store", str(tmp_path / "s")],
                            capture_output=True, text=True, env=env)
    assert result.returncode == 1
    assert "junk.json" in result.stderr and "1 report(s) loaded" in result.stderr
    ok = subprocess.run([KG, "ingest", str(DEMO_RECORDS / f"{first_record_name()}.json"),
                         "--store", str(tmp_path / "s")], capture_output=True, text=True, env=env)
    assert ok.returncode == 0, ok.stderr


def test_extracted_reports_are_ingested(store, tmp_path):
    """A plain report with no record goes through the extractor and lands as a graph."""
    report = tmp_path / "reports" / "krotka-relacja.txt"
    report.parent.mkdir()
    report.write_text(
        "Konferencja o wsparciu rodziny w Kielcach\n\n"
        "W dniach 3-4 października 2019 r. w Kielcach odbyła się konferencja zorganizowana przez "
        "Regionalny Ośrodek Polityki Społecznej w Kielcach. Konferencję otworzyła Anna Zawadzka, "
        "dyrektor Regionalnego Ośrodka Polityki Społecznej w Kielcach.\n", encoding="utf-8")
    [outcome] = ingest(store, [report], base=BASE)
    assert outcome.ok, outcome.error
    assert outcome.origin == "extracted"
    rows = store.select(f"""SELECT ?d WHERE {{ GRAPH <{outcome.graph}> {{ ?e <http://schema.org/startDate> ?d }} }}""")
    assert [r["d"].value for r in rows] == ["2019-10-03"]
    # The report's own text is kept beside the facts, so pages can show where they come from.
    text = store.select(f"SELECT ?t WHERE {{ <{outcome.graph}> <http://schema.org/text> ?t }}")
    assert "Anna Zawadzka" in text[0]["t"].value


def test_a_corrected_record_keeps_its_report_text(store):
    report = sorted(DEMO_REPORTS.glob("*.txt"))[0]
    [outcome] = ingest(store, [report], base=BASE)
    assert outcome.ok and outcome.origin == "record"
    text = store.select(f"SELECT ?t WHERE {{ <{outcome.graph}> <http://schema.org/text> ?t }}")
    first_line = report.read_text(encoding="utf-8").strip().splitlines()[0]
    assert first_line[:40] in text[0]["t"].value


def test_prune_removes_only_entities_no_report_references(store, tmp_path):
    from service.ingest import prune_entities
    name = first_record_name()
    path = copy_record(tmp_path, name)
    other = copy_record(tmp_path, sorted(DEMO_RECORDS.glob("*.json"))[1].stem)
    ingest(store, [path, other], base=BASE)
    assert prune_entities(store, base=BASE) == 0  # every entity is referenced
    record = json.loads(path.read_text(encoding="utf-8"))
    record["event"]["organisers"] = ["Gminny Ośrodek Pomocy Społecznej w Testowie"]
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    ingest(store, [path], base=BASE)
    record["event"]["organisers"] = ["Gminny Ośrodek Pomocy Społecznej w Próbowie"]
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    ingest(store, [path], base=BASE)
    testowo = f"<{BASE}/id/organisation/gminny-osrodek-pomocy-spolecznej-w-testowie>"
    label = f"ASK {{ GRAPH <{entities_graph(BASE).value}> {{ {testowo} ?p ?o }} }}"
    assert store.ask(label)  # kept by loading: no report names it, but loading never removes
    assert prune_entities(store, base=BASE) > 0
    assert not store.ask(label)
    # What the reports name is all still there: each loaded report's identity quads.
    assert organisers(store, report_iri(BASE, name).value) == {"Gminny Ośrodek Pomocy Społecznej w Próbowie"}
    from service.mapping import map_record
    entities = entities_graph(BASE)
    expected = {(q.subject, q.predicate, q.object)
                for p in (path, other)
                for q in map_record(json.loads(p.read_text(encoding="utf-8")), name=p.stem, base=BASE)
                if q.graph_name == entities}
    stored = {(q.subject, q.predicate, q.object) for q in store.oxigraph.quads_for_pattern(None, None, None, entities)}
    assert stored == expected


def dataset(store) -> set[str]:
    """Every quad but the ingest stamps (they carry the time of loading)."""
    return {str(q) for q in store.oxigraph.quads_for_pattern(None, None, None, None)
            if q.predicate.value != "https://w3id.org/konferencje-kg/def#ingested"}


def test_batches_store_what_reports_one_by_one_store(store, tmp_path):
    """Loaded in batches of N-Quads bytes, each identity block once per batch and once per ingest,
    the store holds exactly what loading each report by itself gives."""
    from service.ingest import ingest_source
    from service.ingest_batch import ingest_batched
    outcomes = ingest_batched(store, find_sources([DEMO_RECORDS]), base=BASE, batch_quads=700)
    assert all(o.ok for o in outcomes)
    one_by_one = open_store(str(tmp_path / "one-by-one"))
    for source in find_sources([DEMO_RECORDS]):
        assert ingest_source(one_by_one, source, base=BASE).ok
    assert dataset(store) == dataset(one_by_one)
    one_by_one.close()


class CountingLoads(EmbeddedStore):
    """An embedded store that notes the quads (lines) each batch load hands it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.loads: list[int] = []

    def load_nquads(self, graphs, shared=b"", *, derived=None, identities=None):
        self.loads.append(sum(part.count(b"\n") for part in [*graphs.values(), shared]))
        super().load_nquads(graphs, shared, derived=derived, identities=identities)


@pytest.mark.parametrize("workers", [0, 1])
def test_a_batch_loads_up_to_its_size_counting_each_identity_block_once(tmp_path, workers):
    """A batch is cut by the quads it loads (a block handed over before loads nothing again):
    none goes over the size, and a batch is cut only when the next report would not fit."""
    from service.ingest_batch import FIRST_BATCH_QUADS, ingest_batched
    records = tmp_path / "records"
    records.mkdir()
    for copy in ("a", "b", "c"):  # the later copies name the first's entities: blocks by digest
        for path in sorted(DEMO_RECORDS.glob("*.json")):
            shutil.copy(path, records / f"{copy}-{path.name}")
    store = CountingLoads(tmp_path / "store")
    size = 3000
    outcomes = ingest_batched(store, find_sources([records]), base=BASE, batch_quads=size, workers=workers)
    assert all(o.ok for o in outcomes)
    limits = [min(FIRST_BATCH_QUADS * 2 ** i, size) for i in range(len(store.loads))]  # each twice the last
    assert limits[-1] == size and all(n <= limit for n, limit in zip(store.loads, limits)), store.loads
    largest = max(o.quads for o in outcomes)
    assert all(n > limit - largest for n, limit in zip(store.loads[:-1], limits)), store.loads
    store.close()


def test_the_last_batches_shrink_when_the_number_of_reports_is_known(tmp_path):
    """Batches grow to their size, then near the end take half of what remains, so the last
    load (which nothing overlaps) is small; every report is loaded."""
    from service.ingest_batch import ingest_batched
    records = tmp_path / "records"
    records.mkdir()
    for copy in ("a", "b", "c", "d"):
        for path in sorted(DEMO_RECORDS.glob("*.json")):
            shutil.copy(path, records / f"{copy}-{path.name}")
    sources = find_sources([records])
    size, floor = 3000, 300
    store = CountingLoads(tmp_path / "store")
    outcomes = ingest_batched(store, sources, base=BASE, batch_quads=size, total=len(sources),
                              last_batch_quads=floor)
    assert all(o.ok for o in outcomes)
    loads = store.loads
    peak = loads.index(max(loads))
    assert max(loads) > size * 0.8 and all(n <= size for n in loads), loads
    assert len(loads) > peak + 2 and loads[-1] < size / 4, loads  # shrinking after the biggest
    same = CountingLoads(tmp_path / "unknown")
    assert all(o.ok for o in ingest_batched(same, sources, base=BASE, batch_quads=size))
    assert same.loads[-2] > size * 0.8, same.loads  # total unknown: full batches to the end
    assert dataset(store) == dataset(same)
    store.close()
    same.close()


def test_next_limit_doubles_then_halves_what_remains():
    from service.ingest_batch import next_limit
    assert next_limit(1_000, 900_000, None, 32_000) == 2_000
    assert next_limit(900_000, 900_000, None, 32_000) == 900_000
    assert next_limit(900_000, 900_000, 1_000_000, 32_000) == 500_000
    assert next_limit(500_000, 900_000, 400_000, 32_000) == 200_000
    assert next_limit(200_000, 900_000, 10_000, 32_000) == 32_000
    assert next_limit(1_000, 900_000, 10_000, 32_000) == 2_000  # still growing: never over twice the last


class FirstLoadFails(EmbeddedStore):
    """An embedded store whose first batch load fails as a full disk would, after a pause, so
    that the next batch is already waiting for the loader when it fails."""
    failed = False

    def load_nquads(self, graphs, shared=b"", *, derived=None, identities=None):
        if not self.failed:
            self.failed = True
            time.sleep(0.3)
            raise OSError("No space left on device")
        super().load_nquads(graphs, shared, derived=derived, identities=identities)


@pytest.mark.parametrize("workers", [0, 1])  # 1: later reports name the blocks by digest only
def test_a_failed_batch_leaves_later_reports_their_entities_names(tmp_path, workers):
    """Reports of a batch that failed are named; later reports naming the same entities still
    have those entities' types and names in the store (the failed batch's blocks go again)."""
    from service.ingest_batch import ingest_batched
    records = tmp_path / "records"
    records.mkdir()
    for copy in ("a", "b"):  # the second copy names every entity of the first
        for path in sorted(DEMO_RECORDS.glob("*.json"))[:6]:
            shutil.copy(path, records / f"{copy}-{path.name}")
    store = FirstLoadFails(tmp_path / "store")
    outcomes = ingest_batched(store, find_sources([records]), base=BASE, batch_quads=400, workers=workers)
    failed = [o for o in outcomes if not o.ok]
    assert failed and all("not loaded: No space left on device" in o.error for o in failed)
    assert len(failed) < len(outcomes)
    untyped = store.select(f"""SELECT DISTINCT ?e WHERE {{
        ?e <http://purl.org/dc/terms/isReferencedBy> ?report
        FILTER NOT EXISTS {{ GRAPH <{entities_graph(BASE).value}> {{ ?e a ?type }} }} }}""")
    assert untyped == []
    store.close()
