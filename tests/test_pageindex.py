"""The page index (service/pageindex) against the graph it is derived from.

Each figure a page reads from the index is checked against a SPARQL question to the store with
the same meaning, on the demo data; the rows kept in step write by write are checked against a
rebuild from the store; and writes the index did not see (another process, a killed ingest, a
SPARQL update) are caught up.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time

import pytest
from pyoxigraph import NamedNode

from service.ingest import ingest
from service.mapping import map_record
from service.pageindex import pages_for, read
from service.pageindex.derive import fold
from service.store import open_store
from support import BASE, DEMO_RECORDS, DEMO_REPORTS, KG

TABLES = ("entity", "word", "word_pair", "report", "mention", "event_fact", "event_link", "participation",
          "event", "event_facet", "facet_count", "kind_count")
PREFIXES = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#> PREFIX dct: <http://purl.org/dc/terms/>
PREFIX schema: <http://schema.org/> PREFIX kg: <https://w3id.org/konferencje-kg/def#>
PREFIX cv: <http://data.europa.eu/m8g/> PREFIX org: <http://www.w3.org/ns/org#>
PREFIX person: <http://www.w3.org/ns/person#> PREFIX foaf: <http://xmlns.com/foaf/0.1/>
"""
TYPES = {"event": "schema:Event", "organisation": "org:Organization", "person": "person:Person",
         "post": "org:Post", "report": "foaf:Document"}


def rows(pages) -> dict[str, list]:
    """Each table's rows, IRIs in place of term ids (two indexes may give the same IRI other ids)."""
    return {t: sorted(pages.resolved(t)) for t in TABLES}


def select(store, query: str) -> list[dict]:
    return store.select(PREFIXES + query)


@pytest.fixture(scope="module")
def loaded():
    """A store with the demo data ingested while its page index watched."""
    store = open_store(":memory:")
    pages = pages_for(store)
    outcomes = ingest(store, [DEMO_REPORTS], base=BASE, validate=False)
    assert all(o.ok for o in outcomes) and len(outcomes) >= 10
    yield store, pages
    store.close()


def test_kind_counts_are_the_graphs(loaded):
    store, pages = loaded
    counts = read.kind_counts(pages)
    for kind, type_ in TYPES.items():
        reference = "?s dct:isReferencedBy ?r ." if kind != "report" else ""
        n = select(store, f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a {type_} . {reference} }}")[0]["n"].value
        assert counts.get(kind, 0) == int(n) > 0, kind
    top = select(store, "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a schema:Event FILTER NOT EXISTS { ?e kg:partOf ?p } }")
    assert counts["top-event"] == int(top[0]["n"].value)


@pytest.mark.parametrize("kind", ["person", "organisation", "post", "event"])
def test_a_list_pages_by_key_through_every_entity_in_name_order(loaded, kind):
    store, pages = loaded
    expected = sorted(((fold(r["l"].value), r["s"].value) for r in select(store, f"""
SELECT ?s ?l WHERE {{ ?s a {TYPES[kind]} ; skos:prefLabel ?l . ?s dct:isReferencedBy ?r FILTER(LANG(?l) = "pl") }}
GROUP BY ?s ?l""")))
    seen, after = [], None
    while True:
        page = read.entities(pages, kind, limit=7, after=after)
        if not page:
            break
        seen += [(e.sort_key, e.iri) for e in page]
        after = (page[-1].sort_key, page[-1].iri)
    assert seen == expected
    # paging by offset gives the same pages
    assert [(e.sort_key, e.iri) for e in read.entities(pages, kind, limit=7, offset=7)] == expected[7:14]


def test_report_counts_and_latest_reports(loaded):
    store, pages = loaded
    found = select(store, """SELECT ?s (COUNT(DISTINCT ?r) AS ?n) WHERE { ?s a org:Organization ; dct:isReferencedBy ?r }
GROUP BY ?s ORDER BY DESC(?n) LIMIT 5""")
    assert int(found[0]["n"].value) > 1  # the demo data has bodies named by several reports
    for row in found:
        iri = row["s"].value
        assert read.count_reports(pages, iri) == int(row["n"].value)
        reports = read.reports_of(pages, iri, limit=50)
        issued = select(store, f"SELECT ?r WHERE {{ <{iri}> dct:isReferencedBy ?r }}")
        assert {r.iri for r in reports} == {x["r"].value for x in issued}
        assert [r.issued for r in reports] == sorted((r.issued for r in reports), reverse=True)


def test_event_order_and_facet_counts_are_the_graphs(loaded):
    store, pages = loaded
    events = select(store, """SELECT ?e (MIN(?d) AS ?start) WHERE { ?e a schema:Event ; skos:prefLabel ?l .
  FILTER NOT EXISTS { ?e kg:partOf ?p } OPTIONAL { ?e schema:startDate ?d } } GROUP BY ?e""")
    listed = read.events(pages, {}, limit=1000)
    assert {e.iri for e in listed} == {r["e"].value for r in events}
    assert [e.start for e in listed] == sorted((e.start for e in listed), reverse=True)
    predicates = {"theme": "dct:subject", "organiser": "schema:organizer", "patron": "kg:patron"}
    for facet, predicate in predicates.items():
        expected = {r["v"].value: int(r["n"].value) for r in select(store, f"""
SELECT ?v (COUNT(DISTINCT ?e) AS ?n) WHERE {{ ?e a schema:Event ; {predicate} ?v FILTER NOT EXISTS {{ ?e kg:partOf ?p }} }} GROUP BY ?v""")}
        assert dict(read.facet_values(pages, facet, {}, limit=None)) == expected, facet
    # under a filter: the themes of one organiser's events
    organiser, _ = read.facet_values(pages, "organiser", {}, limit=1)[0]
    expected = {r["v"].value: int(r["n"].value) for r in select(store, f"""
SELECT ?v (COUNT(DISTINCT ?e) AS ?n) WHERE {{ ?e a schema:Event ; schema:organizer <{organiser}> ; dct:subject ?v
  FILTER NOT EXISTS {{ ?e kg:partOf ?p }} }} GROUP BY ?v""")}
    assert dict(read.facet_values(pages, "theme", {"organiser": [organiser]}, limit=None)) == expected
    assert read.count_events(pages, {"organiser": [organiser]}) == max(expected.values(), default=0) or expected
    years = dict(read.facet_values(pages, "year", {}, limit=None))
    assert sum(years.values()) >= len([e for e in listed if e.start])
    # a value the index does not hold keeps no event, alone or beside one it holds
    unknown = f"{BASE}/id/organisation/nowhere-known"
    for filters in ({"organiser": [unknown]}, {"organiser": [unknown], "theme": [next(iter(expected))]}):
        assert read.events(pages, filters, limit=10) == [] and read.count_events(pages, filters) == 0
        assert read.facet_values(pages, "year", filters, limit=None) == []
    assert read.count_events(pages, {"organiser": [unknown, organiser]}) == read.count_events(pages, {"organiser": [organiser]})


def test_appearances_are_the_graphs(loaded):
    store, pages = loaded
    people = select(store, "SELECT DISTINCT ?who WHERE { ?p cv:hasParticipant ?who . ?who a person:Person } LIMIT 20")
    assert people
    for row in people:
        who = row["who"].value
        expected = {(r["ev"].value, r["role"].value) for r in select(store, f"""
SELECT DISTINCT ?ev ?role WHERE {{ {{ ?p cv:hasParticipant <{who}> }} UNION {{ ?p kg:patronPerson <{who}> }}
  ?p kg:inEvent ?ev ; cv:role ?role }}""")}
        shown = read.appearances(pages, who, limit=1000)
        assert {(a.event, a.role) for a in shown} == expected
        assert read.count_appearances(pages, who) == len(shown)


def test_search_finds_names_by_word_starts_without_diacritics(loaded):
    _store, pages = loaded
    person = read.entities(pages, "person", limit=1)[0]
    surname = person.label.split()[-1]
    found = read.search(pages, fold(surname)[:4].upper())
    assert person.iri in [e.iri for e in found]
    assert all(fold(surname)[:4] in fold(e.label) for e in found)
    assert [len(e.label) for e in found] == sorted(len(e.label) for e in found)
    # every word must be in the name
    assert read.search(pages, f"{surname} zzzqx") == []
    assert read.search(pages, "ośrodek pomocy") and all(
        "osrodek" in fold(e.label) and "pomocy" in fold(e.label) for e in read.search(pages, "OSRODEK Pomocy"))


@pytest.mark.parametrize("few", [0, 10**9], ids=["merged", "probed"])
def test_search_of_several_words_is_the_graphs_names(loaded, monkeypatch, few):
    """Both ways of matching several words (the rarest word's entries probed for the others, or
    every word's entries merged) give the names that the graph's labels hold, in (length, IRI)
    order, up to the limit."""
    store, pages = loaded
    monkeypatch.setattr(read, "SEARCH_FEW", few)
    labelled = {}
    for r in select(store, """SELECT ?e ?l WHERE { GRAPH ?g { ?e skos:prefLabel ?l }
      FILTER(LANG(?l) = "pl" || LANG(?l) = "") }"""):
        labelled[r["e"].value] = r["l"].value
    listed = {e for e in labelled if read.count_reports(pages, e) > 0}

    def expected(text: str, limit: int) -> list[str]:
        words = fold(text).split()
        hits = [(len(labelled[e]), e) for e in listed
                if all(any(w.startswith(q) if len(q) > 2 else w == q for w in fold(labelled[e]).split())
                       for q in words)]
        return [e for _n, e in sorted(hits)][:limit]

    queries = ["ośrodek pomocy", "pomocy społecznej", "miejski ośrodek pomocy", "konferencja 2019",
               "regionalny ośrodek polityki"]
    person = read.entities(pages, "person", limit=1)[0]
    queries.append(" ".join(reversed(person.label.split())))
    for text in queries:
        for limit in (3, 50):
            assert [e.iri for e in read.search(pages, text, limit=limit)] == expected(text, limit), (text, limit)
    assert any(expected(text, 50) for text in queries)


def test_rows_kept_write_by_write_equal_a_rebuild(tmp_path):
    """Ingest, re-ingest a changed report, delete one: the index equals one rebuilt from the store."""
    store = open_store(":memory:")
    pages = pages_for(store)
    ingest(store, [DEMO_RECORDS], base=BASE, validate=False)
    record_path = sorted(DEMO_RECORDS.glob("*.json"))[0]
    record = json.loads(record_path.read_text(encoding="utf-8"))
    record["organisations"] = record["organisations"][:1]
    changed = tmp_path / record_path.name
    changed.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    ingest(store, [changed], base=BASE, validate=False)
    gone = sorted(store._page_keeper.store_stamps())[-1]
    store.delete_graph(gone)
    kept = rows(pages)
    assert gone not in dict(kept["report"][i][:2] for i in range(len(kept["report"])))
    store._page_keeper.rebuild()
    assert rows(pages) == kept


def test_nquads_loaded_without_their_rows_are_indexed_from_the_bytes():
    """`load_nquads` with no rows derived by the caller: the index reads them from the bytes, and
    equals one rebuilt from the store."""
    from service.ingest import find_sources
    from service.ingest_prepare import prepare_chunk
    store = open_store(":memory:")
    pages = pages_for(store)
    prepared = [p for p in prepare_chunk(find_sources([DEMO_RECORDS]), BASE, False) if p.outcome.ok]
    store.load_nquads({p.outcome.graph: p.nquads for p in prepared},
                      b"".join(block.nquads for p in prepared for block in p.identity.values()))
    kept = rows(pages)
    assert len(kept["report"]) == len(prepared)
    store._page_keeper.rebuild()
    assert rows(pages) == kept


def test_opening_catches_up_with_writes_it_did_not_see(tmp_path):
    """A store written by another process (and an index file deleted) is caught up at opening."""
    directory = tmp_path / "store"
    env = {**os.environ, "KG_BASE": BASE}
    records = sorted(DEMO_RECORDS.glob("*.json"))
    first = tmp_path / "first"
    first.mkdir()
    for path in records[:4]:
        shutil.copy(path, first)
    assert subprocess.run([KG, "ingest", str(first), "--store", str(directory), "--no-validate"], env=env).returncode == 0
    index_file = str(directory) + ".pages.sqlite"
    os.remove(index_file)
    store = open_store(str(directory))
    try:
        pages = pages_for(store)
        assert len(pages.stamps()) == 4
        # a report the index never saw being written (no watcher on this write)
        quads = map_record(json.loads(records[5].read_text(encoding="utf-8")), name=records[5].stem, base=BASE)
        from service.ingest import ingest_stamp
        from service.mapping import report_iri
        graph = report_iri(BASE, records[5].stem).value
        store._watchers = ()
        store.replace_graph(graph, [*quads, ingest_stamp(graph)])
        assert graph not in pages.stamps()
        store._page_keeper.sync()
        assert graph in pages.stamps()
        kept = rows(pages)
        store._page_keeper.rebuild()
        assert rows(pages) == kept
    finally:
        store.close()


def test_a_sparql_update_is_followed_by_a_rebuild(loaded):
    store, pages = loaded
    person = read.entities(pages, "person", limit=1)[0]
    store.update(f"""PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
DELETE {{ GRAPH ?g {{ <{person.iri}> skos:prefLabel ?l }} }} INSERT {{ GRAPH ?g {{ <{person.iri}> skos:prefLabel "Zyta Zzzz"@pl }} }}
WHERE {{ GRAPH ?g {{ <{person.iri}> skos:prefLabel ?l }} }}""")
    assert read.labels(pages, [person.iri])[person.iri] == "Zyta Zzzz"
    assert person.iri in [e.iri for e in read.search(pages, "zzzz")]
    assert not pages.meta("dirty")


def test_a_killed_ingest_leaves_an_index_the_store_agrees_with(tmp_path):
    many = tmp_path / "many"
    many.mkdir()
    for i in range(6):
        for path in DEMO_RECORDS.glob("*.json"):
            shutil.copy(path, many / f"c{i}-{path.name}")
    directory = tmp_path / "store"
    process = subprocess.Popen([KG, "ingest", str(many), "--store", str(directory), "--no-validate"],
                               env={**os.environ, "KG_BASE": BASE}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(2.5)
    process.send_signal(signal.SIGKILL)
    process.wait(30)
    store = open_store(str(directory))
    try:
        pages = pages_for(store)
        stamps = store._page_keeper.store_stamps()
        assert pages.stamps() == stamps
        kept = rows(pages)
        store._page_keeper.rebuild()
        assert rows(pages) == kept
    finally:
        store.close()


def test_the_remote_store_keeps_its_index_in_step(backend, tmp_path):
    pages = pages_for(backend, str(tmp_path / "pages.sqlite"))
    record_path = sorted(DEMO_RECORDS.glob("*.json"))[1]
    ingest(backend, [record_path], base=BASE, validate=False)
    graphs = list(pages.stamps())
    assert len(graphs) == 1
    event = read.events(pages, {}, limit=5)
    assert len(event) == 1
    kept = rows(pages)
    backend._page_keeper.rebuild()
    assert rows(pages) == kept
    backend.delete_graph(graphs[0])
    assert pages.stamps() == {} and read.events(pages, {}, limit=5) == []
    assert NamedNode(graphs[0])  # a valid IRI


def test_a_body_appears_itself_and_through_its_posts_by_group(loaded):
    store, pages = loaded
    bodies = select(store, """SELECT ?org (COUNT(*) AS ?n) WHERE { { ?post org:postIn ?org . ?p cv:hasParticipant ?post }
  UNION { ?org a org:Organization . ?p cv:hasParticipant ?org } } GROUP BY ?org ORDER BY DESC(?n) LIMIT 3""")
    assert bodies
    for row in bodies:
        org = row["org"].value
        expected = {(r["ev"].value, r["role"].value) for r in select(store, f"""
SELECT DISTINCT ?ev ?role WHERE {{ {{ ?p cv:hasParticipant <{org}> }} UNION {{ ?post org:postIn <{org}> . ?p cv:hasParticipant ?post }}
  ?p kg:inEvent ?ev ; cv:role ?role }}""")}
        shown = read.appearances(pages, org, limit=1000)
        assert {(a.event, a.role) for a in shown} == expected
        by_group = [a for group in ("organised", "patronised", "partnered", "attended")
                    for a in read.appearances(pages, org, limit=1000, groups=(group,))]
        assert sorted(map(repr, by_group)) == sorted(map(repr, shown))
        # pages of three, one after another, are the whole list in order
        paged = [a for k in range(0, len(shown), 3) for a in read.appearances(pages, org, limit=3, offset=k)]
        assert paged == shown
        assert [a.start for a in shown] == sorted((a.start for a in shown), reverse=True)


def test_an_index_of_another_version_is_made_again_from_the_store(tmp_path):
    """An index file of an older version (other tables, IRIs in its rows) opened with this code:
    its tables are dropped and the next sync makes the index again, equal to a fresh build."""
    import sqlite3

    from service.pageindex.index import VERSION
    store = open_store(str(tmp_path / "store"))
    pages = pages_for(store)
    ingest(store, [DEMO_RECORDS], base=BASE, validate=False)
    store._page_keeper.rebuild()
    built = rows(pages)
    assert built["word_pair"] and pages.meta("version") == VERSION
    store.close()
    shutil.copytree(tmp_path / "store", tmp_path / "copy")  # a store this process has not opened
    with sqlite3.connect(tmp_path / "copy.pages.sqlite") as conn:  # the shape of version 3
        conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID")
        conn.execute("INSERT INTO meta VALUES ('version', '3')")
        conn.execute("CREATE TABLE entity (iri TEXT PRIMARY KEY, kind TEXT, label TEXT, reports INTEGER) WITHOUT ROWID")
        conn.execute(f"INSERT INTO entity VALUES ('{BASE}/id/person/stale', 'person', 'Stale', 1)")
    store = open_store(str(tmp_path / "copy"))
    try:
        pages = pages_for(store)
        assert pages.meta("version") == VERSION and rows(pages) == built
    finally:
        store.close()


def test_a_post_that_takes_part_counts_for_its_body():
    from service.pageindex import PageIndex
    from service.pageindex.derive import Identity, ReportRows
    pages = PageIndex.open(":memory:")
    body, post, event, report = (f"{BASE}/id/organisation/urzad", f"{BASE}/id/post/wojewoda-urzad",
                                 f"{BASE}/id/event/forum-2020-01-02", f"{BASE}/id/report/r1")
    role = "https://w3id.org/konferencje-kg/role/honorary-patron"
    rows = ReportRows(report, issued="2020-01-03", stamp="t1", mentions={body, post, event},
                      event_facts={event: {"start": "2020-01-02"}}, participations={(post, event, role, "")})
    pages.apply([rows], {body: Identity(body, "organisation", "Urząd"), event: Identity(event, "event", "Forum"),
                         post: Identity(post, "post", "wojewoda – Urząd", post_in=body)})
    shown = read.appearances(pages, body, limit=10, groups=("patronised",))
    assert [(a.event, a.via, a.start) for a in shown] == [(event, post, "2020-01-02")]
    assert read.count_appearances(pages, body) == 1 and read.count_appearances(pages, post) == 1
    pages.remove([report])
    assert read.appearances(pages, body, limit=10) == [] and read.kind_counts(pages).get("organisation", 0) == 0


def test_closing_the_store_leaves_the_index_whole_and_without_its_log(tmp_path):
    from service.pageindex import PageIndex
    store = open_store(str(tmp_path / "store"))
    pages = pages_for(store)
    ingest(store, [DEMO_RECORDS], base=BASE, validate=False)
    expected = rows(pages)
    store.close()
    assert not os.path.exists(pages.path + "-wal") or os.path.getsize(pages.path + "-wal") == 0
    assert rows(PageIndex.open(pages.path)) == expected


def test_loads_waiting_for_the_indexer_are_indexed_together_as_one_by_one(tmp_path, monkeypatch):
    """Batches that queue up while the indexer thread is busy go into the index in one
    transaction; a report loaded again in a later batch counts in its last form, and the index
    equals one rebuilt from the store."""
    import threading
    from service.ingest import find_sources
    from service.ingest_batch import ingest_batched
    from service.pageindex import keeper as keeper_module
    from service.pageindex.index import PageIndex
    monkeypatch.setattr(keeper_module, "BACKGROUND_GRAPHS", 1)  # every load through the indexer thread
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir(), second.mkdir()
    paths = sorted(DEMO_RECORDS.glob("*.json"))
    for path in paths:
        shutil.copy(path, first / path.name)
    record = json.loads(paths[0].read_text(encoding="utf-8"))
    record["organisations"] = record["organisations"][:1]  # the same report again, changed
    (second / paths[0].name).write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")

    release = threading.Event()
    applied: list[int] = []
    apply = PageIndex.apply

    def slow_apply(self, reports, identities=None):
        reports = list(reports)
        applied.append(len(reports))
        release.wait(10)  # the first batch holds the indexer while the next ones queue
        return apply(self, reports, identities)

    monkeypatch.setattr(PageIndex, "apply", slow_apply)
    store = open_store(str(tmp_path / "store"))
    pages = pages_for(store)
    loads: list[int] = []
    load_nquads = store.load_nquads
    monkeypatch.setattr(store, "load_nquads", lambda graphs, *a, **k: (loads.append(len(graphs)), load_nquads(graphs, *a, **k)))
    threading.Timer(1.0, release.set).start()
    outcomes = ingest_batched(store, find_sources([first, second]), base=BASE, batch_quads=500)
    keeper_module.wait_for(store)
    assert all(o.ok for o in outcomes) and len(loads) > 3
    assert len(applied) < len(loads)  # batches that waited were indexed together
    assert sum(applied) == len(paths)  # the report loaded twice counted once, in its last form
    kept = rows(pages)
    store._page_keeper.rebuild()
    assert rows(pages) == kept
    store.close()
