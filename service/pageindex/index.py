"""The page index: an SQLite file of the rows pages read, kept in step with the graph.

    index = PageIndex.open("var/store.pages.sqlite")   # or ":memory:"
    index.apply([report_rows(...), ...], identities(...))
    index.remove(["…/id/report/x"])

Each report's rows replace its previous rows in one transaction, then the aggregates of the
entities and events it touched are recomputed (report counts, an event's dates and facets, the
events per facet value), so every page is an indexed lookup: no page reads the whole graph.
IRIs go in and come out; inside, every table but `term` holds the term id of an IRI.
"""
from __future__ import annotations

import logging
import sqlite3
import threading
from collections import Counter
from contextlib import contextmanager
from itertools import count
from pathlib import Path
from typing import Iterable

from service.pageindex.derive import Identity, ReportRows, fold, label_words, word_pairs

SCHEMA = (Path(__file__).with_name("schema.sql")).read_text(encoding="utf-8")
#: Changes whenever what the rows mean changes: an index of another version is emptied when
#: opened and rebuilt from the store at the next sync.
VERSION = "4"
#: The facets whose values are IRIs (held as term ids); the others' values are text.
IRI_FACETS = frozenset({"theme", "place", "organiser", "patron"})
#: Page cache of a reading connection and of the writing one, in KiB (SQLite's default is 2 MB:
#: at 100k reports the index is gigabytes, and inserts land all over its B-trees).
READ_CACHE_KB = 32 * 1024
WRITE_CACHE_KB = 1024 * 1024
#: Bytes of the file a connection reads through a memory map (SQLite caps it at its build's
#: limit, 2 GB here): pages come straight from the OS cache, shared by every thread's connection, where the
#: 32 MB page cache of each holds only a sliver of a gigabyte index and a miss is a read() call.
MMAP_BYTES = 16 * 1024 ** 3
#: Pages of write-ahead log after which a bulk writer's commit folds it into the file (SQLite's
#: default is 1,000: after every commit of an ingest batch, which dirties pages all over a big
#: index; folding after several commits copies a page they all dirtied once).
BULK_CHECKPOINT_PAGES = 256 * 1024
_memory_ids = count()
log = logging.getLogger(__name__)


class PageIndex:
    def __init__(self, path: str):
        self.path = path
        self._uri = path == ":memory:"
        if self._uri:  # one in-memory database shared by this object's connections
            self.path = f"file:pageindex-{id(self)}-{next(_memory_ids)}?mode=memory&cache=shared"
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._connections_lock = threading.Lock()
        self._idle: list[sqlite3.Connection] = []  # lent to requests, most recently given back last
        self.write_lock = threading.RLock()
        self._keeper = self.connection()  # keeps an in-memory database alive
        with self.write_lock, self._keeper:
            self._drop_other_version(self._keeper)
            self._keeper.executescript(SCHEMA)
            self._load_regions(self._keeper)

    @classmethod
    def open(cls, path: str | Path) -> "PageIndex":
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        return cls(str(path))

    def connection(self) -> sqlite3.Connection:
        """The connection this thread reads through: one lent to it (`borrow`), else its own."""
        conn = getattr(self._local, "borrowed", None)
        return conn if conn is not None else self._own_connection()

    def _own_connection(self) -> sqlite3.Connection:
        """This thread's own connection (the one it writes through)."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = self._open_connection()
        return conn

    def _open_connection(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, uri=self._uri, timeout=60, isolation_level=None,
                               check_same_thread=False)
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA temp_store = MEMORY")
        conn.execute(f"PRAGMA cache_size = -{READ_CACHE_KB}")
        conn.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
        with self._connections_lock:
            self._connections.append(conn)
        return conn

    def borrow(self) -> None:
        """Until `give_back`, this thread reads through a connection lent from a pool, the one
        given back last: one request after another reads through the same connection and finds
        the index pages it read in that connection's page cache, where a thread's own connection
        would be as cold as the thread is rarely used (a server's threads take requests in turn).
        Each connection is lent to one thread at a time; concurrent requests get others."""
        with self._connections_lock:
            conn = self._idle.pop() if self._idle else None
        self._local.borrowed = conn if conn is not None else self._open_connection()

    def give_back(self) -> None:
        conn = getattr(self._local, "borrowed", None)
        if conn is None:
            return
        self._local.borrowed = None
        if conn.in_transaction:  # a read left open (an unfinished cursor): not for the next one
            conn.rollback()
        with self._connections_lock:
            if conn in self._connections:  # not closed meanwhile
                self._idle.append(conn)

    def close(self) -> None:
        """Close every connection (the last one folds the write-ahead log into the file)."""
        with self._connections_lock:
            connections, self._connections, self._idle = self._connections, [], []
        for conn in connections:
            try:
                conn.close()
            except sqlite3.ProgrammingError:  # made in a thread that is gone: closed already
                pass
        self._local = threading.local()

    # --- meta ---------------------------------------------------------------------------

    def meta(self, key: str) -> str | None:
        row = self.connection().execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str | None, conn: sqlite3.Connection | None = None) -> None:
        if conn is None:
            with self.transaction() as conn:
                return self.set_meta(key, value, conn)
        if value is None:
            conn.execute("DELETE FROM meta WHERE key = ?", (key,))
        else:
            conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def stamps(self) -> dict[str, str]:
        """Each indexed report's ingest stamp."""
        return dict(self.connection().execute(
            "SELECT t.iri, COALESCE(r.stamp, '') FROM report r JOIN term t ON t.id = r.id"))

    def resolved(self, table: str) -> list[tuple]:
        """A table's rows with IRIs in place of term ids (what the index states, whatever ids
        it gave): for comparing two indexes and for reading one by hand."""
        conn = self.connection()
        columns = [c[1] for c in conn.execute(f"PRAGMA table_info({table})")]
        iris = dict(conn.execute("SELECT id, iri FROM term"))
        held = [c in TERM_COLUMNS.get(table, ()) for c in columns]
        facet = columns.index("facet") if table in ("event_facet", "facet_count") else None
        out = []
        for row in conn.execute(f"SELECT * FROM {table}"):
            row = [(iris[v] if v else "") if is_term and v is not None else v for v, is_term in zip(row, held)]
            if facet is not None and row[facet] in IRI_FACETS:
                row[facet + 1] = iris[row[facet + 1]]
            out.append(tuple(row))
        return out

    @staticmethod
    def _drop_other_version(conn) -> None:
        """An index file of another version: its tables go (what they held was derived; the
        next sync rebuilds it), so that this version's can be made."""
        if not conn.execute("SELECT 1 FROM sqlite_schema WHERE name = 'meta'").fetchone():
            return
        version = conn.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
        if version is None or version[0] == VERSION:
            return
        log.info("page index: version %s dropped, to be rebuilt as version %s", version[0], VERSION)
        conn.execute("BEGIN IMMEDIATE")
        for (table,) in list(conn.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")):
            conn.execute(f'DROP TABLE IF EXISTS "{table}"')
        conn.execute("COMMIT")

    @staticmethod
    def _load_regions(conn) -> None:
        from service.gazetteer import localities
        conn.execute("BEGIN")
        conn.execute("DELETE FROM place_region")
        conn.executemany("INSERT INTO place_region VALUES (?, ?)",
                         [(slug, loc.voivodeship) for slug, loc in localities().items() if loc.voivodeship])
        conn.execute("COMMIT")

    # --- writes ---------------------------------------------------------------------------

    @contextmanager
    def transaction(self):
        """This thread's own connection inside one write transaction (one writer at a time)."""
        with self.write_lock:
            conn = self._own_connection()
            if not getattr(self._local, "writer", False):
                conn.execute(f"PRAGMA cache_size = -{WRITE_CACHE_KB}")
                self._local.writer = True
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def writing_in_bulk(self) -> None:
        """This thread writes big batches (an ingest's indexer): its commits fold the log into the
        file only after BULK_CHECKPOINT_PAGES (closing the index folds what is left)."""
        self._own_connection().execute(f"PRAGMA wal_autocheckpoint = {BULK_CHECKPOINT_PAGES}")

    def apply(self, reports: Iterable[ReportRows], identities: dict[str, Identity] | None = None) -> None:
        """Upsert `identities`, replace each report's rows, recompute what they touched: at once."""
        with self.transaction() as conn:
            self.apply_rows(conn, reports, identities)

    def apply_rows(self, conn, reports: Iterable[ReportRows], identities: dict[str, Identity] | None) -> None:
        reports = list(reports)
        identities = list((identities or {}).values())
        ids = _term_ids(conn, _iris_of(reports, identities))
        self._upsert_identities(conn, ids, identities)
        self._upsert_identities(conn, ids, [Identity(r.report, "report", r.label or r.title or r.report)
                                           for r in reports])
        known = self._known_reports(conn, [ids[r.report] for r in reports])
        self._change(conn, ids, dropped=[ids[r.report] for r in reports if ids[r.report] in known], added=reports)

    def remove(self, reports: Iterable[str]) -> None:
        """Forget what these reports stated (their entities stay, with fewer reports)."""
        with self.transaction() as conn:
            found = list(known_terms(conn, list(reports)).values())
            self._change(conn, {}, dropped=found, added=[], forgotten=found)

    @staticmethod
    def clear_rows(conn) -> None:
        for table in ("term", "entity", "word", "word_pair", "report", "mention", "event_fact", "event_link",
                      "participation", "event", "event_facet", "facet_count", "kind_count", "meta"):
            conn.execute(f"DELETE FROM {table}")

    @staticmethod
    def _known_reports(conn, reports: list[int]) -> set[int]:
        return {r for (r,) in rows_in(conn, "SELECT id FROM report WHERE id IN ({})", reports)}

    @staticmethod
    def _upsert_identities(conn, ids: dict[str, int], identities: list[Identity]) -> None:
        if not identities:
            return
        old = dict(rows_in(conn, "SELECT id, label FROM entity WHERE id IN ({})", [ids[x.iri] for x in identities]))
        conn.executemany(
            """INSERT INTO entity (id, kind, label, label_en, sort_key, post_in) VALUES (?, ?, ?, ?, ?, ?)
               ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, label = excluded.label,
                 label_en = COALESCE(excluded.label_en, entity.label_en), sort_key = excluded.sort_key,
                 post_in = COALESCE(excluded.post_in, entity.post_in)""",
            [(ids[x.iri], x.kind, x.label, x.label_en, fold(x.label), ids[x.post_in] if x.post_in else None)
             for x in identities])
        changed = [(ids[x.iri], x.label) for x in identities if old.get(ids[x.iri]) != x.label]
        _unindex_names(conn, [(i, old[i]) for i, _ in changed if i in old])  # rare: a renamed entity
        _index_names(conn, changed)

    @staticmethod
    def _change(conn, ids: dict[str, int], *, dropped: list[int], added: list[ReportRows],
                forgotten: list[int] = ()) -> None:
        """Drop the rows of `dropped` reports, insert those of `added`, and bring the aggregates
        up by differences: an entity's report count, the entities listed per kind, and the
        events touched (their dates, facets and the counts per facet value). `ids`: the term
        id of every IRI in `added`."""
        delta: Counter = Counter()
        events: set[int] = set()
        for report in dropped:
            delta.subtract(e for (e,) in conn.execute("SELECT entity FROM mention WHERE report = ?", (report,)))
            events.update(e for (e,) in conn.execute("SELECT event FROM event_fact WHERE report = ?", (report,)))
        for rows in added:
            delta.update(ids[e] for e in rows.mentions)
        _fill(conn, "t_entity", set(delta) | {ids[r.report] for r in added} | set(forgotten))
        listed_before = _listed_per_kind(conn)
        for report in dropped:
            for table in ("mention", "event_fact", "event_link", "participation"):
                conn.execute(f"DELETE FROM {table} WHERE report = ?", (report,))
        for report in forgotten:
            conn.execute("DELETE FROM report WHERE id = ?", (report,))
            _forget_entity(conn, report)
        mentioned = list({ids[e] for rows in added for e in rows.mentions})
        named_events = {e for (e,) in rows_in(conn, "SELECT id FROM entity WHERE kind = 'event' AND id IN ({})", mentioned)}
        for rows in added:
            _insert_report(conn, ids, rows, named_events, events)
        conn.executemany("UPDATE entity SET reports = reports + ? WHERE id = ?", [(n, e) for e, n in delta.items() if n])
        conn.executemany("UPDATE entity SET reports = 1 WHERE id = ?", [(ids[r.report],) for r in added])
        listed_after = _listed_per_kind(conn)
        for kind in set(listed_before) | set(listed_after):
            _bump_kind(conn, kind, listed_after.get(kind, 0) - listed_before.get(kind, 0))
        _aggregate_events(conn, events)


#: The columns of each table that hold term ids (event_facet's and facet_count's `value` too,
#: for the facets in IRI_FACETS).
TERM_COLUMNS = {
    "entity": ("id", "post_in"), "word": ("id",), "word_pair": ("id",), "report": ("id",),
    "mention": ("entity", "report"), "event_fact": ("event", "report", "parent"),
    "event_link": ("event", "value", "report"), "participation": ("entity", "event", "role", "via", "report"),
    "event": ("id",), "event_facet": ("event",),
}


def _iris_of(reports: list[ReportRows], identities: list[Identity]) -> set[str]:
    """Every IRI these rows and identities name."""
    iris = {x.iri for x in identities} | {x.post_in for x in identities if x.post_in}
    for rows in reports:
        iris.add(rows.report)
        iris.update(rows.mentions)
        iris.update(rows.event_facts)
        iris.update(f["parent"] for f in rows.event_facts.values() if f.get("parent"))
        for event, _facet, value in rows.event_links:
            iris.add(event)
            iris.add(value)
        for who, event, role, via in rows.participations:
            iris.update((who, event, role))
            if via:
                iris.add(via)
    return iris


def known_terms(conn, iris: list[str]) -> dict[str, int]:
    """The term ids of those of `iris` the index holds."""
    return dict(rows_in(conn, "SELECT iri, id FROM term WHERE iri IN ({})", iris))


def _term_ids(conn, iris: set[str]) -> dict[str, int]:
    """The term id of each of `iris`, new ones given the next ids (in IRI order)."""
    ids = known_terms(conn, list(iris))
    new = sorted(iris.difference(ids))
    if new:
        conn.executemany("INSERT INTO term (iri) VALUES (?)", ((iri,) for iri in new))
        ids.update(known_terms(conn, new))
    return ids


def _fill(conn, table: str, values, select: str | None = None) -> None:
    """A temporary table of term ids (the entities or events a change touches): `values`, and the
    rows of `select`."""
    conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS {table} (id INTEGER PRIMARY KEY)")
    conn.execute(f"DELETE FROM {table}")
    conn.executemany(f"INSERT OR IGNORE INTO {table} VALUES (?)", ((v,) for v in values))
    if select:
        conn.execute(f"INSERT OR IGNORE INTO {table} {select}")


def _listed_per_kind(conn) -> dict[str, int]:
    """How many of the touched entities (t_entity) have a list entry, per kind."""
    return dict(conn.execute("SELECT kind, COUNT(*) FROM entity WHERE id IN (SELECT id FROM t_entity) "
                             "AND reports > 0 GROUP BY kind"))


def _bump_kind(conn, kind: str, n: int) -> None:
    if n:
        conn.execute("INSERT INTO kind_count VALUES (?, ?) ON CONFLICT (kind) DO UPDATE SET n = n + excluded.n",
                     (kind, n))


def _insert_report(conn, ids: dict[str, int], rows: ReportRows, named_events: set[int], events: set[int]) -> None:
    report, issued = ids[rows.report], rows.issued or ""
    conn.execute("INSERT OR REPLACE INTO report VALUES (?, ?, ?, ?)", (report, rows.title, rows.issued, rows.stamp))
    conn.executemany("INSERT OR IGNORE INTO mention VALUES (?, ?, ?)", [(ids[e], issued, report) for e in rows.mentions])
    # every event the report names has a fact row, even with no date or place
    facts = {e: rows.event_facts.get(e, {})
             for e in {e for e in rows.mentions if ids[e] in named_events} | set(rows.event_facts)}
    conn.executemany("INSERT OR REPLACE INTO event_fact VALUES (?, ?, ?, ?, ?)",
                     [(ids[e], report, f.get("start"), f.get("end"), ids[f["parent"]] if f.get("parent") else None)
                      for e, f in facts.items()])
    events.update(ids[e] for e in facts)
    conn.executemany("INSERT OR IGNORE INTO event_link VALUES (?, ?, ?, ?)",
                     [(ids[e], facet, ids[value], report) for e, facet, value in rows.event_links])
    starts = rows.starts()
    bodies = dict(rows_in(conn, "SELECT id, post_in FROM entity WHERE post_in IS NOT NULL AND id IN ({})",
                          list({ids[who] for who, _, _, via in rows.participations if not via})))
    taking_part = [(ids[who], group_of(role), starts.get(event, ""), ids[event], ids[role], ids[via] if via else 0)
                   for who, event, role, via in rows.participations]
    conn.executemany("INSERT OR IGNORE INTO participation VALUES (?, ?, ?, ?, ?, ?, ?)",
                     [(*row, report) for row in taking_part]
                     + [(bodies[who], group, start, event, role, who, report)  # a post's body through it
                        for who, group, start, event, role, via in taking_part if not via and who in bodies])


def _aggregate_events(conn, events: set[int]) -> None:
    """Each touched event's row and facet values again from its facts, and the counts by difference."""
    _fill(conn, "t_event", events)
    top_before = _touched_top_events(conn)
    # the values whose counts go down: only these can fall to zero (`value` has no type: text or a term id)
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS t_facet (facet TEXT, value, PRIMARY KEY (facet, value)) WITHOUT ROWID")
    conn.execute("DELETE FROM t_facet")
    conn.execute("INSERT OR IGNORE INTO t_facet SELECT facet, value FROM event_facet WHERE event IN (SELECT id FROM t_event)")
    _adjust_facet_counts(conn, -1)
    conn.execute("DELETE FROM event_facet WHERE event IN (SELECT id FROM t_event)")
    conn.execute("DELETE FROM event WHERE id IN (SELECT id FROM t_event)")
    conn.execute("""
INSERT INTO event (id, label, start, "end", top)
SELECT f.event, COALESCE(e.label, t.iri), MIN(f.start), MAX(f."end"), MAX(f.parent) IS NULL
FROM event_fact f JOIN term t ON t.id = f.event LEFT JOIN entity e ON e.id = f.event
WHERE f.event IN (SELECT id FROM t_event) GROUP BY f.event""")
    conn.execute("""
UPDATE event SET places = COALESCE((
  SELECT group_concat(label, ', ') FROM (
    SELECT DISTINCT p.label FROM event_link l JOIN entity p ON p.id = l.value AND p.kind = 'place'
    WHERE l.event = event.id AND l.facet = 'location' ORDER BY p.label)), '')
WHERE id IN (SELECT id FROM t_event)""")
    # each branch walks the touched top-level events first (CROSS JOIN keeps that order): joined
    # the other way round, SQLite walks every top-level event of the index for each branch
    _fill(conn, "t_top", [], "SELECT ev.id FROM t_event t CROSS JOIN event ev ON ev.id = t.id WHERE ev.top = 1")
    conn.execute("""
INSERT OR IGNORE INTO event_facet (facet, value, event)
SELECT 'year', substr(f.start, 1, 4), f.event FROM t_top t CROSS JOIN event_fact f ON f.event = t.id
  WHERE length(f.start) >= 4
UNION SELECT 'month', substr(f.start, 1, 7), f.event FROM t_top t CROSS JOIN event_fact f ON f.event = t.id
  WHERE length(f.start) >= 7
UNION SELECT l.facet, l.value, l.event FROM t_top t CROSS JOIN event_link l ON l.event = t.id
  WHERE l.facet IN ('theme', 'organiser', 'patron')
UNION SELECT 'place', l.value, l.event FROM t_top t CROSS JOIN event_link l ON l.event = t.id
  JOIN entity p ON p.id = l.value AND p.kind = 'place'
  WHERE l.facet = 'location'
UNION SELECT 'voivodeship', r.voivodeship, l.event FROM t_top t CROSS JOIN event_link l ON l.event = t.id
  JOIN entity p ON p.id = l.value AND p.kind = 'place' JOIN term pt ON pt.id = l.value
  JOIN place_region r ON r.slug = substr(pt.iri, instr(pt.iri, '/id/place/') + 10)
  WHERE l.facet = 'location'""")
    _adjust_facet_counts(conn, +1)
    conn.execute("DELETE FROM facet_count WHERE (facet, value) IN (SELECT facet, value FROM t_facet) AND n <= 0")
    top_after = _touched_top_events(conn)
    _bump_kind(conn, "top-event", top_after - top_before)


def _touched_top_events(conn) -> int:
    """How many of the touched events (t_event) are top-level, looked up one by one (the
    `event_order` index would walk every top-level event)."""
    return conn.execute("SELECT COUNT(*) FROM t_event t CROSS JOIN event ev ON ev.id = t.id WHERE ev.top = 1").fetchone()[0]


#: role (its local name) → the group a page shows it in; any other role is "attended"
ROLE_GROUPS = {"organiser": "organised", "partner": "partnered", "patron": "patronised",
               "honorary-patron": "patronised", "media-patron": "patronised", "substantive-patron": "patronised"}
GROUPS = ("organised", "patronised", "partnered", "attended")


def group_of(role: str) -> str:
    return ROLE_GROUPS.get(role.rsplit("/", 1)[-1], "attended")


def _forget_entity(conn, entity: int) -> None:
    """Remove an entity's row and its search rows."""
    row = conn.execute("SELECT label FROM entity WHERE id = ?", (entity,)).fetchone()
    if row:
        _unindex_names(conn, [(entity, row[0])])
        conn.execute("DELETE FROM entity WHERE id = ?", (entity,))


def _name_rows(labelled: Iterable[tuple[int, str]]) -> tuple[list[tuple], list[tuple]]:
    """The word-table and word-pair-table rows of these (entity, label)s, each label folded once."""
    words, pairs = [], []
    for entity, label in labelled:
        folded, length = label_words(label), len(label)
        words += [(w, length, entity) for w in folded]
        pairs += [(a, b, length, entity) for a, b in word_pairs(folded)]
    return words, pairs


def _index_names(conn, labelled: list[tuple[int, str]]) -> None:
    """Make these (entity, label)s found by search: their words and their pairs of words."""
    words, pairs = _name_rows(labelled)
    conn.executemany("INSERT OR IGNORE INTO word VALUES (?, ?, ?)", words)
    conn.executemany("INSERT OR IGNORE INTO word_pair VALUES (?, ?, ?, ?)", pairs)


def _unindex_names(conn, labelled: list[tuple[int, str]]) -> None:
    """Take these (entity, label)s out of search: the rows _index_names made, looked up by key."""
    words, pairs = _name_rows(labelled)
    conn.executemany("DELETE FROM word WHERE word = ? AND len = ? AND id = ?", words)
    conn.executemany("DELETE FROM word_pair WHERE a = ? AND b = ? AND len = ? AND id = ?", pairs)


def _adjust_facet_counts(conn, sign: int) -> None:
    """Add (or take away) the touched events' facet values to the per-value counts."""
    conn.execute(f"""
INSERT INTO facet_count (facet, value, n)
SELECT facet, value, {int(sign)} * COUNT(*) FROM event_facet WHERE event IN (SELECT id FROM t_event)
GROUP BY facet, value
ON CONFLICT (facet, value) DO UPDATE SET n = n + excluded.n""")


def rows_in(conn, sql: str, values: list, chunk: int = 500):
    """Rows of `sql` (with one `IN ({})`) over `values`, a chunk at a time."""
    for i in range(0, len(values), chunk):
        part = values[i:i + chunk]
        yield from conn.execute(sql.format(",".join("?" * len(part))), part)
