"""Keeping a store's page index in step with it.

    pages = pages_for(store)          # opened once per store, synced, then told of every write

Three ways rows get in: a write through this process's store (the watcher: rows derived from the
quads in hand, nothing re-read); a sync at opening (reports whose ingest stamp differs from the
index's are read back from the store, reports gone from the store are dropped: this is how
writes by other processes, or a missing index file, are caught up); and a full rebuild after a
SPARQL update (which may have changed anything), in one transaction so pages read the old rows
until the new ones are complete.
"""
from __future__ import annotations

import io
import logging
import queue
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from pyoxigraph import NamedNode, Quad, RdfFormat, parse

from service.mapping import is_entities_graph
from service.mapping.vocab import KG, THEME_SCHEME
from service.pageindex.derive import identities, report_rows
from service.pageindex.index import VERSION, PageIndex
from service.store import Store

log = logging.getLogger(__name__)

REPORT_SEGMENT = "/id/report/"
#: Reports read back from the store per index transaction during a sync.
SYNC_CHUNK = 500
#: Loads of at least this many graphs are indexed on a thread of their own (see Keeper.loaded).
BACKGROUND_GRAPHS = 50
#: Loaded batches the indexer thread may hold, and index in one transaction, while the store loads on.
INDEX_BATCHES = 4
#: Seconds between checks that a remote store (which other processes may write) is unchanged.
REMOTE_CHECK_INTERVAL = 30.0
_opening = threading.Lock()


def default_path(location: str) -> str:
    """Beside an embedded store's directory; for a remote store, in the temporary directory
    (it is derived data, rebuilt when missing)."""
    if location == ":memory:":
        return ":memory:"
    if location.startswith(("http://", "https://")):
        parts = urlsplit(location)
        name = f"{parts.hostname}-{parts.port or 80}{parts.path}".replace("/", "_").strip("_")
        return str(Path(tempfile.gettempdir()) / "konferencje-kg" / f"pages-{name}.sqlite")
    return str(Path(location).with_name(Path(location).name + ".pages.sqlite"))


def pages_for(store: Store, path: str | None = None, *, sync: bool = True) -> PageIndex:
    """The store's page index: opened (and brought up to date, unless `sync` is false) on first
    use, then kept in step by watching the store's writes."""
    return keeper_for(store, path, sync=sync).index


def keeper_for(store: Store, path: str | None = None, *, sync: bool = True) -> "Keeper":
    """The keeper of the store's page index (see pages_for)."""
    keeper = getattr(store, "_page_keeper", None)
    if keeper is None:
        with _opening:
            keeper = getattr(store, "_page_keeper", None)
            if keeper is None:
                keeper = Keeper(store, PageIndex.open(path or default_path(store.location)))
                if sync:
                    keeper.sync()
                store.watch(keeper)
                store._page_keeper = keeper
    keeper.check()
    return keeper


def _is_identity_graph(graph: str) -> bool:
    """Graphs whose statements say who entities are (the entities graph, the theme scheme)."""
    return is_entities_graph(graph) or graph == THEME_SCHEME


def is_report_graph(graph: str) -> bool:
    return REPORT_SEGMENT in graph


def wait_for(store: Store) -> None:
    """Until the store's page index (if it has one open) holds every load so far."""
    keeper = getattr(store, "_page_keeper", None)
    if keeper is not None:
        keeper.wait()


class Keeper:
    """Watches one store's writes and applies them to its page index."""

    def __init__(self, store: Store, index: PageIndex):
        self.store, self.index = store, index
        self.remote = store.location.startswith(("http://", "https://"))
        self._checked = time.monotonic()
        self._rebuilding = threading.Lock()
        self._queue: queue.Queue | None = None
        self._written: dict = {}  # iri → the Identity this keeper last wrote

    # --- the watcher ------------------------------------------------------------------------

    def loaded(self, graphs: dict) -> None:
        """Index what was loaded: a big load (an ingest batch) on the indexer thread, so the store
        loads the next batch meanwhile; a small one at once."""
        self._index(len(graphs), self._rows_loaded, graphs)

    def loaded_nquads(self, graphs: dict[str, bytes], shared: bytes, derived: dict,
                      identities: list | None = None) -> None:
        """The same for a load of N-Quads bytes: rows and identities the loader derived are
        taken as they are; what it did not derive is parsed from the bytes (only those bytes are
        kept while the load waits for the indexer)."""
        graphs = {graph: b"" if graph in derived else data for graph, data in graphs.items()}
        self._index(len(graphs), self._rows_nquads, graphs, b"" if identities is not None else shared,
                    derived, identities)

    def _index(self, graphs: int, rows, *args) -> None:
        if graphs >= BACKGROUND_GRAPHS:
            self._indexer().put((rows, args))
        else:
            self._apply(*rows(*args))

    def _rows_loaded(self, graphs: dict) -> tuple[list, list]:
        """The report rows and the Identities of loaded quads."""
        own: dict[str, list] = {}
        identity: list = []
        for graph, quads in graphs.items():
            report = is_report_graph(graph)
            for q in quads:
                name = q.graph_name
                where = name.value if isinstance(name, NamedNode) else graph
                if _is_identity_graph(where):
                    identity.append(q)
                elif report and where == graph:
                    own.setdefault(graph, []).append(q)
        return [report_rows(g, qs) for g, qs in own.items()], list(identities(identity).values())

    def _rows_nquads(self, graphs: dict[str, bytes], shared: bytes, derived: dict,
                     given: list | None = None) -> tuple[list, list]:
        """The same for loaded N-Quads bytes."""
        reports = []
        for graph, data in graphs.items():
            if is_report_graph(graph):
                rows = derived.get(graph)
                if rows is None:
                    node = NamedNode(graph)
                    rows = report_rows(graph, [q for q in parse(data, format=RdfFormat.N_QUADS)
                                               if q.graph_name == node])
                reports.append(rows)
        if given is None:
            given = identities(q for q in parse(shared, format=RdfFormat.N_QUADS)
                               if isinstance(q.graph_name, NamedNode) and _is_identity_graph(q.graph_name.value)).values()
        return reports, list(given)

    def _apply(self, reports: list, found) -> None:
        """`found`: the Identities the written quads give."""
        idents = self._new_identities(found)
        if reports or idents:
            self.index.apply(reports, idents)
            self._written.update(idents)  # only once they are in

    def _new_identities(self, found) -> dict:
        """Those of `found` not already written by this keeper as they are: entities recur in
        batch after batch, and their identity quads with them."""
        if len(self._written) > 2_000_000:
            self._written.clear()
        latest: dict = {}
        for i in found:  # an entity given twice: the last names, and a detail only the first gave
            before = latest.get(i.iri)
            if before is not None and (i.label_en is None or i.post_in is None):
                i = i._replace(label_en=i.label_en or before.label_en, post_in=i.post_in or before.post_in)
            latest[i.iri] = i
        return {iri: i for iri, i in latest.items() if self._written.get(iri) != i}

    def _indexer(self) -> queue.Queue:
        if self._queue is None:
            # the loader waits when the indexer is this many batches behind
            self._queue = queue.Queue(maxsize=INDEX_BATCHES)
            threading.Thread(target=self._index_queued, name="kg-index", daemon=True).start()
        return self._queue

    def _index_queued(self) -> None:
        """Index the loads queued, those waiting together in one transaction: in a big index the
        rows of one batch land on pages all over its B-trees, and a transaction writes each page
        it dirtied once, however many of its rows it took."""
        self.index.writing_in_bulk()
        while True:
            waiting = [self._queue.get()]
            while len(waiting) < INDEX_BATCHES:
                try:
                    waiting.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            try:
                reports: dict[str, object] = {}
                found: list = []
                for rows, args in waiting:
                    more_reports, more_found = rows(*args)
                    reports.update((r.report, r) for r in more_reports)  # a report loaded again: the last
                    found += more_found
                self._apply(list(reports.values()), found)
            except Exception:  # the store has the reports; the next sync brings them in
                log.exception("page index: %d loaded batches were not indexed", len(waiting))
            finally:
                for _ in waiting:
                    self._queue.task_done()

    def wait(self) -> None:
        """Until every load handed to the indexer thread is in the index."""
        if self._queue is not None:
            self._queue.join()

    def closed(self) -> None:
        """The store is closing: finish what the indexer holds, close the index."""
        self.wait()
        self.index.close()

    def deleted(self, graph: str) -> None:
        if is_report_graph(graph):
            self.wait()
            self.index.remove([graph])

    def updated(self) -> None:
        """Anything may have changed: rebuild (in the background when the index is big)."""
        self.wait()
        self.index.set_meta("dirty", "1")
        if len(self.index.stamps()) <= 2_000:
            self.rebuild()
        else:
            threading.Thread(target=self.rebuild, name="kg-reindex", daemon=True).start()

    # --- catching up -----------------------------------------------------------------------

    def check(self) -> None:
        """For a remote store, sync now and then: other processes may write to it."""
        if self.remote and time.monotonic() - self._checked > REMOTE_CHECK_INTERVAL:
            self._checked = time.monotonic()
            threading.Thread(target=self.sync, name="kg-index-sync", daemon=True).start()

    def store_stamps(self) -> dict[str, str]:
        rows = self.store.select(f"SELECT ?g ?t WHERE {{ GRAPH ?g {{ ?g {KG.ingested} ?t }} }}")
        return {r["g"].value: r["t"].value for r in rows if is_report_graph(r["g"].value)}

    def sync(self) -> dict[str, int]:
        """Bring the index up to the store: changed reports read back, gone ones dropped."""
        self.wait()
        with _file_lock(self.index.path):
            return self._sync()

    def _sync(self) -> dict[str, int]:
        if self.index.meta("version") != VERSION or self.index.meta("dirty"):
            return self._rebuild()
        stamps, known = self.store_stamps(), self.index.stamps()
        gone = [g for g in known if g not in stamps]
        changed = [g for g, t in stamps.items() if known.get(g) != t]
        if gone:
            self.index.remove(gone)
        if changed:
            started = time.perf_counter()
            themes = self._themes()
            for i in range(0, len(changed), SYNC_CHUNK):
                chunk = changed[i:i + SYNC_CHUNK]
                reports = [report_rows(g, self._graph_quads(g)) for g in chunk]
                idents = self._identities_of({e for r in reports for e in r.mentions})
                self.index.apply(reports, {**themes, **idents})
            log.info("page index: %d reports read back from the store in %.1f s", len(changed),
                     time.perf_counter() - started)
        return {"changed": len(changed), "removed": len(gone)}

    def rebuild(self) -> dict[str, int]:
        """Every row again from the store, in one transaction (pages read the old rows meanwhile)."""
        with _file_lock(self.index.path):
            return self._rebuild()

    def _rebuild(self) -> dict[str, int]:
        with self._rebuilding:
            self._written.clear()
            started = time.perf_counter()
            graphs = sorted(self.store_stamps())
            idents = {**self._themes(), **identities(self._graph_quads(self._entities_graph()))}
            with self.index.transaction() as conn:
                self.index.clear_rows(conn)
                self.index.apply_rows(conn, [], idents)
                for i in range(0, len(graphs), SYNC_CHUNK):
                    self.index.apply_rows(conn, [report_rows(g, self._graph_quads(g))
                                                 for g in graphs[i:i + SYNC_CHUNK]], {})
                self.index.set_meta("version", VERSION, conn)
            log.info("page index: rebuilt from %d reports in %.1f s", len(graphs), time.perf_counter() - started)
            return {"changed": len(graphs), "removed": 0}

    # --- reading the store --------------------------------------------------------------------

    def _graph_quads(self, graph: str | None):
        """The quads of one graph (an iterator for the embedded store: the entities graph is big)."""
        if graph is None:
            return []
        oxigraph = getattr(self.store, "oxigraph", None)
        if oxigraph is not None:
            return oxigraph.quads_for_pattern(None, None, None, NamedNode(graph))
        buffer = io.BytesIO()
        self.store.dump(buffer, RdfFormat.N_QUADS, graph=graph)
        node = NamedNode(graph)
        return [q if q.graph_name == node else Quad(q.subject, q.predicate, q.object, node)
                for q in parse(buffer.getvalue(), format=RdfFormat.N_QUADS)]

    def _entities_graph(self) -> str | None:
        return next((g for g in self.store.named_graphs() if is_entities_graph(g)), None)

    def _identities_of(self, iris: set[str]) -> dict:
        graph = self._entities_graph()
        if graph is None or not iris:
            return {}
        out, iris = {}, sorted(iris)
        for i in range(0, len(iris), 300):
            values = " ".join(str(NamedNode(x)) for x in iris[i:i + 300])
            rows = self.store.select(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ VALUES ?s {{ {values} }} ?s ?p ?o }} }}")
            out.update(identities(Quad(r["s"], r["p"], r["o"], NamedNode(graph)) for r in rows))
        return out

    def _themes(self) -> dict:
        rows = self.store.select(f"""SELECT ?s ?p ?o WHERE {{ ?s <http://www.w3.org/2004/02/skos/core#inScheme> <{THEME_SCHEME}> ;
          ?p ?o . FILTER(?p IN (<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>, <http://www.w3.org/2004/02/skos/core#prefLabel>,
          <http://www.w3.org/2004/02/skos/core#inScheme>)) }}""")
        return identities(Quad(r["s"], r["p"], r["o"]) for r in rows)


@contextmanager
def _file_lock(path: str):
    """One process at a time syncs or rebuilds an index file (gunicorn workers start together)."""
    if path.startswith("file:") or path == ":memory:":
        yield
        return
    import fcntl
    with open(path + ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
