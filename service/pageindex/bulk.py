"""A big ingest into an index that holds no report yet: rows staged as they come, put in at the
end, each table in the order of its key.

    build = BulkBuild(index)           # a scratch database beside the index
    build.add(reports, identities)     # per loaded batch: appended, nothing looked up
    build.finish()                     # one transaction of the index; the scratch file removed

Kept up batch by batch, the index costs more per report the bigger it gets: each batch's rows
land on pages all over its B-trees, and each commit writes every page it dirtied (at 100k reports
that was most of the ingest's time). Loading a corpus into an empty index needs none of that:
rows are appended to unindexed tables of a scratch file, then each table of the index is filled
once, sorted, so that every page is written once; the aggregates are counted over the whole.

Until `finish`, pages read the index as it was (without the new reports). If the process dies
before, the index is as it was and the store holds the reports: the next sync reads them back.
The result is the index `PageIndex.apply` would have made, batch after batch
(tests/test_pageindex.py holds the two to the same rows).
"""
from __future__ import annotations

import logging
import os
import sqlite3
import tempfile
import threading
import time
from itertools import groupby
from operator import itemgetter
from typing import Iterable

from service.pageindex.derive import Identity, ReportRows, fold, label_words, word_pairs
from service.pageindex.index import PageIndex, _aggregate_events, _unindex_names, group_of, rows_in

log = logging.getLogger(__name__)

#: The scratch tables: rows appended as they come (no key, no index). An identity is staged with
#: its sort key, words and word pairs (`seq` ties them): the Python work of naming is done while
#: the store loads, and only the last identity of an entity counts at the end.
_STAGE = """
CREATE TABLE identity (seq INTEGER PRIMARY KEY, iri TEXT, kind TEXT, label TEXT, label_en TEXT,
                       sort_key TEXT, post_in TEXT);
CREATE TABLE word (word TEXT, len INTEGER, iri TEXT, seq INTEGER);
CREATE TABLE word_pair (a TEXT, b TEXT, len INTEGER, iri TEXT, seq INTEGER);
CREATE TABLE report (iri TEXT, title TEXT, issued TEXT, stamp TEXT);
CREATE TABLE mention (entity TEXT, issued TEXT, report TEXT);
CREATE TABLE fact (event TEXT, report TEXT, start TEXT, "end" TEXT, parent TEXT);
CREATE TABLE link (event TEXT, facet TEXT, value TEXT, report TEXT);
CREATE TABLE part (who TEXT, grp TEXT, start TEXT, event TEXT, role TEXT, via TEXT, report TEXT);
"""


class BulkBuild:
    def __init__(self, index: PageIndex):
        self.index = index
        self.path = (tempfile.mkstemp(suffix=".bulk.sqlite")[1] if index.path.startswith("file:")
                     else index.path + ".bulk")  # (beside an index in memory: a temporary file)
        self.reports: set[str] = set()
        self._lock = threading.Lock()
        self._done = False
        self._seq = 0
        _remove(self.path)
        self._conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self._conn.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;" + _STAGE)

    def add(self, reports: list[ReportRows], identities: Iterable[Identity]) -> bool:
        """Stage a loaded batch; False (and nothing staged) when it holds a report staged before:
        a report loaded again replaces its rows, which only the index's own way does."""
        with self._lock:
            if self._done or any(r.report in self.reports for r in reports) or len({r.report for r in reports}) < len(reports):
                return False
            self.reports.update(r.report for r in reports)
            conn = self._conn
            conn.execute("BEGIN")
            self._stage_identities(conn, [*identities, *(Identity(r.report, "report", r.label or r.title or r.report)
                                                         for r in reports)])
            conn.executemany("INSERT INTO report VALUES (?, ?, ?, ?)",
                             [(r.report, r.title, r.issued, r.stamp) for r in reports])
            conn.executemany("INSERT INTO mention VALUES (?, ?, ?)",
                             [(e, r.issued or "", r.report) for r in reports for e in r.mentions])
            conn.executemany("INSERT INTO fact VALUES (?, ?, ?, ?, ?)",
                             [(e, r.report, f.get("start"), f.get("end"), f.get("parent"))
                              for r in reports for e, f in r.event_facts.items()])
            conn.executemany("INSERT INTO link VALUES (?, ?, ?, ?)",
                             [(e, facet, value, r.report) for r in reports for e, facet, value in r.event_links])
            conn.executemany("INSERT INTO part VALUES (?, ?, ?, ?, ?, ?, ?)", _participations(reports))
            conn.execute("COMMIT")
            return True

    def _stage_identities(self, conn, identities: list[Identity]) -> None:
        rows, words, pairs = [], [], []
        for x in identities:
            self._seq += 1
            rows.append((self._seq, x.iri, x.kind, x.label, x.label_en, fold(x.label), x.post_in))
            size, named = len(x.label), label_words(x.label)
            words += [(w, size, x.iri, self._seq) for w in named]
            pairs += [(a, b, size, x.iri, self._seq) for a, b in word_pairs(named)]
        conn.executemany("INSERT INTO identity VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
        conn.executemany("INSERT INTO word VALUES (?, ?, ?, ?)", words)
        conn.executemany("INSERT INTO word_pair VALUES (?, ?, ?, ?, ?)", pairs)

    def finish(self) -> int:
        """Put the staged rows into the index in one transaction; the reports put in (once:
        a second call does nothing)."""
        with self._lock:
            if self._done:
                return 0
            self._done = True
            started = time.perf_counter()
            try:
                if self.reports:
                    self._build()
                return len(self.reports)
            finally:
                self._conn.close()
                _remove(self.path)
                log.info("page index: %d reports put in at once in %.1f s", len(self.reports),
                         time.perf_counter() - started)

    def _build(self) -> None:
        self._conn.close()
        with self.index.write_lock:
            own = self.index._own_connection()  # the one transaction() writes through
            own.execute("ATTACH DATABASE ? AS stage", (self.path,))  # (not inside a transaction)
            try:
                with self.index.transaction() as conn:
                    if conn.execute("SELECT 1 FROM main.report LIMIT 1").fetchone():
                        raise RuntimeError("the index gained reports during a bulk build")
                    _put_identities(conn)
                    _put_report_rows(conn)
                    _count(conn)
            finally:
                own.execute("DETACH DATABASE stage")


def _participations(reports: list[ReportRows]) -> list[tuple]:
    """(who, group, start, event, role, via, report) of each participation: as `_insert_reports`
    makes them, but for the rows of a post's body (added at the end, from the final identities)."""
    out = []
    for r in reports:
        starts = r.starts()
        out += [(who, group_of(role), starts.get(event, ""), event, role, via, r.report)
                for who, event, role, via in r.participations]
    return out


def _put_identities(conn) -> None:
    """Each staged entity as the upserts batch after batch would leave it (the last kind and
    label; the last English label and body given), and its names searchable; an entity the index
    had before (a theme) loses the words of a name it no longer has."""
    conn.execute("CREATE TEMP TABLE last_seq AS SELECT MAX(seq) AS seq FROM stage.identity GROUP BY iri")
    rows = conn.execute("SELECT iri, kind, label, label_en, sort_key, post_in FROM stage.identity ORDER BY iri, seq")
    final = []
    for iri, group in groupby(rows, key=itemgetter(0)):
        label_en = post_in = None
        for _, kind, label, en, sort_key, body in group:
            label_en, post_in = en or label_en, body or post_in
        final.append((iri, kind, label, label_en, sort_key, post_in))
    before = dict(rows_in(conn, "SELECT iri, label FROM main.entity WHERE iri IN ({})", [row[0] for row in final]))
    _unindex_names(conn, [(row[0], before[row[0]]) for row in final if before.get(row[0], row[2]) != row[2]])
    conn.executemany(
        """INSERT INTO main.entity (iri, kind, label, label_en, sort_key, post_in) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (iri) DO UPDATE SET kind = excluded.kind, label = excluded.label,
             label_en = COALESCE(excluded.label_en, entity.label_en), sort_key = excluded.sort_key,
             post_in = COALESCE(excluded.post_in, entity.post_in)""", final)
    conn.execute("""INSERT OR IGNORE INTO main.word SELECT word, len, iri FROM stage.word
                    WHERE seq IN (SELECT seq FROM temp.last_seq) ORDER BY 1, 2, 3""")
    conn.execute("""INSERT OR IGNORE INTO main.word_pair SELECT a, b, len, iri FROM stage.word_pair
                    WHERE seq IN (SELECT seq FROM temp.last_seq) ORDER BY 1, 2, 3, 4""")
    conn.execute("DROP TABLE temp.last_seq")


def _put_report_rows(conn) -> None:
    """The reports' rows, each table filled in key order (SQLite sorts)."""
    conn.execute("INSERT INTO main.report SELECT iri, title, issued, stamp FROM stage.report ORDER BY iri")
    conn.execute("INSERT OR IGNORE INTO main.mention SELECT entity, issued, report FROM stage.mention ORDER BY 1, 2, 3")
    # every event a report names has a fact row, even with no date or place
    # (the stated facts first: a named event's empty row is only for an event with none)
    conn.execute("""
INSERT OR IGNORE INTO main.event_fact
SELECT event, report, start, "end", parent FROM (
  SELECT event, report, start, "end", parent, 0 AS stated FROM stage.fact
  UNION ALL SELECT m.entity, m.report, NULL, NULL, NULL, 1 FROM stage.mention m
    JOIN main.entity e ON e.iri = m.entity AND e.kind = 'event')
ORDER BY event, report, stated""")
    conn.execute("INSERT OR IGNORE INTO main.event_link SELECT event, facet, value, report FROM stage.link ORDER BY 1, 2, 3, 4")
    # a post's participations are its body's too (through the post)
    conn.execute("""
INSERT OR IGNORE INTO main.participation
SELECT who, grp, start, event, role, via, report FROM stage.part
UNION ALL SELECT e.post_in, p.grp, p.start, p.event, p.role, p.who, p.report FROM stage.part p
  JOIN main.entity e ON e.iri = p.who AND e.post_in IS NOT NULL WHERE p.via = ''
ORDER BY 1, 2, 3, 4, 5, 6, 7""")


def _count(conn) -> None:
    """The aggregates over the whole: entities' report counts, listed entities per kind, events."""
    conn.execute("""
UPDATE main.entity SET reports = reports + c.n
FROM (SELECT entity, COUNT(*) AS n FROM main.mention GROUP BY entity) AS c WHERE main.entity.iri = c.entity""")
    conn.execute("UPDATE main.entity SET reports = 1 WHERE iri IN (SELECT iri FROM stage.report)")
    conn.execute("DELETE FROM main.kind_count WHERE kind != 'top-event'")
    conn.execute("INSERT INTO main.kind_count SELECT kind, COUNT(*) FROM main.entity WHERE reports > 0 GROUP BY kind")
    _aggregate_events(conn, [e for (e,) in conn.execute("SELECT DISTINCT event FROM main.event_fact")])


def discard_leftover(index: PageIndex) -> None:
    """Remove the scratch file a bulk build killed midway left beside the index."""
    if not index.path.startswith("file:"):
        _remove(index.path + ".bulk")


def _remove(path: str) -> None:
    for name in (path, path + "-journal"):
        try:
            os.remove(name)
        except FileNotFoundError:
            pass
