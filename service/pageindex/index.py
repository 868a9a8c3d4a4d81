"""The page index: an SQLite file of the rows pages read, kept in step with the graph.

    index = PageIndex.open("var/store.pages.sqlite")   # or ":memory:"
    index.apply([report_rows(...), ...], identities(...))
    index.remove(["…/id/report/x"])

Each report's rows replace its previous rows in one transaction, then the aggregates of the
entities and events it touched are recomputed (report counts, an event's dates and facets, the
events per facet value), so every page is an indexed lookup: no page reads the whole graph.
"""
from __future__ import annotations

import sqlite3
import threading
from contextlib import contextmanager
from itertools import count
from pathlib import Path
from typing import Iterable

from service.pageindex.derive import Identity, ReportRows, fold, label_words

SCHEMA = (Path(__file__).with_name("schema.sql")).read_text(encoding="utf-8")
#: Changes whenever what the rows mean changes: an index of another version is rebuilt.
VERSION = "1"
_memory_ids = count()


class PageIndex:
    def __init__(self, path: str):
        self.path = path
        self._uri = path == ":memory:"
        if self._uri:  # one in-memory database shared by this object's connections
            self.path = f"file:pageindex-{id(self)}-{next(_memory_ids)}?mode=memory&cache=shared"
        self._local = threading.local()
        self.write_lock = threading.RLock()
        self._keeper = self.connection()  # keeps an in-memory database alive
        with self.write_lock, self._keeper:
            self._keeper.executescript(SCHEMA)
            self._load_regions(self._keeper)

    @classmethod
    def open(cls, path: str | Path) -> "PageIndex":
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        return cls(str(path))

    def connection(self) -> sqlite3.Connection:
        """This thread's connection (sqlite3 connections stay in the thread that made them)."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, uri=self._uri, timeout=60, isolation_level=None,
                                   check_same_thread=False)
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA temp_store = MEMORY")
            self._local.conn = conn
        return conn

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

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
        return dict(self.connection().execute("SELECT iri, COALESCE(stamp, '') FROM report"))

    @staticmethod
    def _load_regions(conn) -> None:
        from service.web.gazetteer import localities
        conn.execute("BEGIN")
        conn.execute("DELETE FROM place_region")
        conn.executemany("INSERT INTO place_region VALUES (?, ?)",
                         [(slug, loc.voivodeship) for slug, loc in localities().items() if loc.voivodeship])
        conn.execute("COMMIT")

    # --- writes ---------------------------------------------------------------------------

    @contextmanager
    def transaction(self):
        """This thread's connection inside one write transaction (one writer at a time)."""
        with self.write_lock:
            conn = self.connection()
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def apply(self, reports: Iterable[ReportRows], identities: dict[str, Identity] | None = None) -> None:
        """Upsert `identities`, replace each report's rows, recompute what they touched: at once."""
        with self.transaction() as conn:
            self.apply_rows(conn, reports, identities)

    def apply_rows(self, conn, reports: Iterable[ReportRows], identities: dict[str, Identity] | None) -> None:
        reports = list(reports)
        entities, events = set(), set()
        self._upsert_identities(conn, (identities or {}).values())
        self._upsert_identities(conn, [Identity(r.report, "report", r.label or r.title or r.report)
                                      for r in reports])
        known = self._known_reports(conn, [r.report for r in reports])
        for rows in reports:
            if rows.report in known:
                self._drop_report(conn, rows.report, entities, events)
            self._insert_report(conn, rows, entities, events)
        self._aggregate(conn, entities, events)

    def remove(self, reports: Iterable[str]) -> None:
        """Forget what these reports stated (their entities stay, with fewer reports)."""
        with self.transaction() as conn:
            entities, events = set(), set()
            for report in reports:
                self._drop_report(conn, report, entities, events)
                conn.execute("DELETE FROM report WHERE iri = ?", (report,))
                entities.add(report)
            self._aggregate(conn, entities, events)

    @staticmethod
    def clear_rows(conn) -> None:
        for table in ("entity", "word", "report", "mention", "event_fact", "event_link",
                      "participation", "event", "event_facet", "facet_count", "kind_count", "meta"):
            conn.execute(f"DELETE FROM {table}")

    @staticmethod
    def _known_reports(conn, reports: list[str]) -> set[str]:
        known = set()
        for i in range(0, len(reports), 500):
            chunk = reports[i:i + 500]
            marks = ",".join("?" * len(chunk))
            known.update(r for (r,) in conn.execute(f"SELECT iri FROM report WHERE iri IN ({marks})", chunk))
        return known

    @staticmethod
    def _upsert_identities(conn, identities: Iterable[Identity]) -> None:
        identities = list(identities)
        if not identities:
            return
        old = {}
        for i in range(0, len(identities), 500):
            chunk = [x.iri for x in identities[i:i + 500]]
            marks = ",".join("?" * len(chunk))
            old.update(conn.execute(f"SELECT iri, label FROM entity WHERE iri IN ({marks})", chunk))
        conn.executemany(
            """INSERT INTO entity (iri, kind, label, label_en, sort_key, post_in) VALUES (?, ?, ?, ?, ?, ?)
               ON CONFLICT (iri) DO UPDATE SET kind = excluded.kind, label = excluded.label,
                 label_en = COALESCE(excluded.label_en, entity.label_en), sort_key = excluded.sort_key,
                 post_in = COALESCE(excluded.post_in, entity.post_in)""",
            [(x.iri, x.kind, x.label, x.label_en, fold(x.label), x.post_in) for x in identities])
        changed = [x for x in identities if old.get(x.iri) != x.label]
        stale = [(x.iri,) for x in changed if x.iri in old]
        if stale:
            conn.executemany("DELETE FROM word WHERE iri = ? ", stale)  # rare: a renamed entity
        conn.executemany("INSERT OR IGNORE INTO word VALUES (?, ?, ?)",
                         [(w, len(x.label), x.iri) for x in changed for w in label_words(x.label)])

    @staticmethod
    def _drop_report(conn, report: str, entities: set, events: set) -> None:
        entities.update(e for (e,) in conn.execute("SELECT entity FROM mention WHERE report = ?", (report,)))
        events.update(e for (e,) in conn.execute("SELECT event FROM event_fact WHERE report = ?", (report,)))
        for table in ("mention", "event_fact", "event_link", "participation"):
            conn.execute(f"DELETE FROM {table} WHERE report = ?", (report,))

    @staticmethod
    def _insert_report(conn, rows: ReportRows, entities: set, events: set) -> None:
        report, issued = rows.report, rows.issued or ""
        conn.execute("INSERT OR REPLACE INTO report VALUES (?, ?, ?, ?)", (report, rows.title, rows.issued, rows.stamp))
        entities.add(report)
        conn.executemany("INSERT OR IGNORE INTO mention VALUES (?, ?, ?)",
                         [(e, issued, report) for e in rows.mentions])
        entities.update(rows.mentions)
        # every event the report names has a fact row, even with no date or place
        named_events = {e for (e,) in _in(conn, "SELECT iri FROM entity WHERE kind = 'event' AND iri IN ({})",
                                          list(rows.mentions))}
        facts = {e: rows.event_facts.get(e, {}) for e in named_events | set(rows.event_facts)}
        conn.executemany("INSERT OR REPLACE INTO event_fact VALUES (?, ?, ?, ?, ?)",
                         [(e, report, f.get("start"), f.get("end"), f.get("parent")) for e, f in facts.items()])
        events.update(facts)
        conn.executemany("INSERT OR IGNORE INTO event_link VALUES (?, ?, ?, ?)",
                         [(e, facet, value, report) for e, facet, value in rows.event_links])
        starts = rows.starts()
        conn.executemany("INSERT OR IGNORE INTO participation VALUES (?, ?, ?, ?, ?, ?)",
                         [(who, starts.get(event, ""), event, role, via, report)
                          for who, event, role, via in rows.participations])

    @staticmethod
    def _aggregate(conn, entities: set, events: set) -> None:
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS t_entity (iri TEXT PRIMARY KEY) WITHOUT ROWID")
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS t_event (iri TEXT PRIMARY KEY) WITHOUT ROWID")
        conn.execute("DELETE FROM t_entity")
        conn.execute("DELETE FROM t_event")
        conn.executemany("INSERT OR IGNORE INTO t_entity VALUES (?)", ((e,) for e in entities))
        conn.executemany("INSERT OR IGNORE INTO t_event VALUES (?)", ((e,) for e in events))
        conn.execute("""UPDATE entity SET reports = (SELECT COUNT(*) FROM mention m WHERE m.entity = entity.iri)
                        WHERE iri IN (SELECT iri FROM t_entity)""")
        conn.execute("""UPDATE entity SET reports = 1 WHERE kind = 'report' AND iri IN (SELECT iri FROM t_entity)
                        AND iri IN (SELECT iri FROM report)""")
        _adjust_facet_counts(conn, -1)
        conn.execute("DELETE FROM event_facet WHERE event IN (SELECT iri FROM t_event)")
        conn.execute("DELETE FROM event WHERE iri IN (SELECT iri FROM t_event)")
        conn.execute("""
INSERT INTO event (iri, label, start, "end", top)
SELECT f.event, COALESCE(e.label, f.event), MIN(f.start), MAX(f."end"), MAX(f.parent) IS NULL
FROM event_fact f LEFT JOIN entity e ON e.iri = f.event
WHERE f.event IN (SELECT iri FROM t_event) GROUP BY f.event""")
        conn.execute("""
UPDATE event SET places = COALESCE((
  SELECT group_concat(label, ', ') FROM (
    SELECT DISTINCT p.label FROM event_link l JOIN entity p ON p.iri = l.value AND p.kind = 'place'
    WHERE l.event = event.iri AND l.facet = 'location' ORDER BY p.label)), '')
WHERE iri IN (SELECT iri FROM t_event)""")
        conn.execute("""
INSERT OR IGNORE INTO event_facet (facet, value, event)
SELECT 'year', substr(f.start, 1, 4), f.event FROM event_fact f JOIN event ev ON ev.iri = f.event AND ev.top
  WHERE f.event IN (SELECT iri FROM t_event) AND length(f.start) >= 4
UNION SELECT 'month', substr(f.start, 1, 7), f.event FROM event_fact f JOIN event ev ON ev.iri = f.event AND ev.top
  WHERE f.event IN (SELECT iri FROM t_event) AND length(f.start) >= 7
UNION SELECT l.facet, l.value, l.event FROM event_link l JOIN event ev ON ev.iri = l.event AND ev.top
  WHERE l.event IN (SELECT iri FROM t_event) AND l.facet IN ('theme', 'organiser', 'patron')
UNION SELECT 'place', l.value, l.event FROM event_link l JOIN event ev ON ev.iri = l.event AND ev.top
  JOIN entity p ON p.iri = l.value AND p.kind = 'place'
  WHERE l.event IN (SELECT iri FROM t_event) AND l.facet = 'location'
UNION SELECT 'voivodeship', r.voivodeship, l.event FROM event_link l JOIN event ev ON ev.iri = l.event AND ev.top
  JOIN entity p ON p.iri = l.value AND p.kind = 'place'
  JOIN place_region r ON r.slug = substr(l.value, instr(l.value, '/id/place/') + 10)
  WHERE l.event IN (SELECT iri FROM t_event) AND l.facet = 'location'""")
        _adjust_facet_counts(conn, +1)
        conn.execute("DELETE FROM facet_count WHERE n <= 0")
        conn.execute("DELETE FROM kind_count")
        conn.execute("INSERT INTO kind_count SELECT kind, COUNT(*) FROM entity WHERE reports > 0 GROUP BY kind")
        conn.execute("INSERT INTO kind_count SELECT 'top-event', COUNT(*) FROM event WHERE top")


def _adjust_facet_counts(conn, sign: int) -> None:
    """Add (or take away) the touched events' facet values to the per-value counts."""
    conn.execute(f"""
INSERT INTO facet_count (facet, value, n)
SELECT facet, value, {int(sign)} * COUNT(*) FROM event_facet WHERE event IN (SELECT iri FROM t_event)
GROUP BY facet, value
ON CONFLICT (facet, value) DO UPDATE SET n = n + excluded.n""")


def _in(conn, sql: str, values: list, chunk: int = 500):
    """Rows of `sql` (with one `IN ({})`) over `values`, a chunk at a time."""
    for i in range(0, len(values), chunk):
        part = values[i:i + chunk]
        yield from conn.execute(sql.format(",".join("?" * len(part))), part)
