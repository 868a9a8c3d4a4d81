"""What pages ask the page index. Every question is answered from an index in key order, so its
cost grows with the rows a page shows (and with the events a chosen filter keeps), not with the
graph: lists page by (sort key, IRI), events by (start, label), facets read precomputed counts,
search walks the word table shortest name first, an entity's appearances and reports page by date.
"""
from __future__ import annotations

import heapq
from dataclasses import dataclass

from service.pageindex.derive import fold
from service.pageindex.index import GROUPS, PageIndex

#: Candidates search looks at before it stops (a query whose words seldom meet stops here).
SEARCH_EXAMINE = 5_000
#: Appearances counted exactly up to this many per role group; more show as "N+".
COUNT_CAP = 1000
#: Word forms a search word stands for as a prefix ("osrod" → osrodek, osrodka, …).
SEARCH_FORMS = 64


@dataclass
class Entry:
    iri: str
    label: str
    kind: str
    reports: int = 0
    sort_key: str = ""


def _label(row_label: str, row_label_en: str | None, lang: str) -> str:
    return row_label_en if lang == "en" and row_label_en else row_label


def kind_counts(index: PageIndex) -> dict[str, int]:
    return dict(index.connection().execute("SELECT kind, n FROM kind_count"))


def entities(index: PageIndex, kind: str, *, limit: int, after: tuple[str, str] | None = None,
             offset: int = 0, lang: str = "pl") -> list[Entry]:
    """One page of a kind's entities in name order: after a (sort key, IRI), or from an offset."""
    sql = "SELECT iri, label, label_en, reports, sort_key FROM entity WHERE kind = ? AND reports > 0"
    params: list = [kind]
    if after:
        sql += " AND (sort_key, iri) > (?, ?)"
        params += list(after)
    sql += " ORDER BY sort_key, iri LIMIT ? OFFSET ?"
    rows = index.connection().execute(sql, [*params, int(limit), 0 if after else int(offset)])
    return [Entry(iri, _label(label, en, lang), kind, reports, key) for iri, label, en, reports, key in rows]


def labels(index: PageIndex, iris, lang: str = "pl") -> dict[str, str]:
    out, iris = {}, list(dict.fromkeys(iris))
    conn = index.connection()
    for i in range(0, len(iris), 500):
        part = iris[i:i + 500]
        rows = conn.execute(f"SELECT iri, label, label_en FROM entity WHERE iri IN ({','.join('?' * len(part))})", part)
        out.update((iri, _label(label, en, lang)) for iri, label, en in rows)
    return out


def search(index: PageIndex, text: str, *, limit: int = 50, lang: str = "pl") -> list[Entry]:
    """Entities whose name holds every word of `text` (case and diacritics aside), shortest names
    first. The longest word leads: names with a word starting with it are read in name-length
    order; the others must appear anywhere in the name."""
    words = fold(text).split()[:8]
    if not words:
        return []
    conn = index.connection()
    lead = max(words, key=len)
    forms = [lead]
    if len(lead) >= 3:
        forms, last = [], lead
        row = conn.execute("SELECT word FROM word WHERE word >= ? ORDER BY word LIMIT 1", (lead,)).fetchone()
        while row and row[0].startswith(lead) and len(forms) < SEARCH_FORMS:
            forms.append(row[0])
            last = row[0]
            row = conn.execute("SELECT word FROM word WHERE word > ? ORDER BY word LIMIT 1", (last,)).fetchone()
    streams = [conn.execute("SELECT len, iri FROM word WHERE word = ? ORDER BY len, iri", (form,)) for form in forms]
    out, seen, examined = [], set(), 0
    for _length, iri in heapq.merge(*streams):
        if iri in seen:
            continue
        seen.add(iri)
        examined += 1
        if examined > SEARCH_EXAMINE:
            break
        row = conn.execute("SELECT label, label_en, kind, reports FROM entity WHERE iri = ?", (iri,)).fetchone()
        if row is None or row[3] == 0:
            continue
        folded = fold(row[0])
        if all(w in folded for w in words):
            out.append(Entry(iri, _label(row[0], row[1], lang), row[2], row[3]))
            if len(out) >= limit:
                break
    return out


# --- events and their facets ------------------------------------------------------------------

def _matching(filters: dict[str, list[str]]) -> tuple[str, list]:
    """SQL for the top-level events holding, for each chosen facet, one of its values."""
    parts, params = [], []
    for facet, values in filters.items():
        if values:
            parts.append(f"SELECT event FROM event_facet WHERE facet = ? AND value IN ({','.join('?' * len(values))})")
            params += [facet, *values]
    if not parts:
        return "SELECT iri FROM event WHERE top", []
    return " INTERSECT ".join(parts), params


@dataclass
class EventEntry:
    iri: str
    label: str
    start: str | None
    end: str | None
    places: str


def events(index: PageIndex, filters: dict[str, list[str]], *, limit: int, offset: int = 0) -> list[EventEntry]:
    """Top-level events matching `filters`, latest first."""
    sql = 'SELECT iri, label, start, "end", places FROM event WHERE top'
    params: list = []
    if any(filters.values()):
        matching, params = _matching(filters)
        sql += f" AND iri IN ({matching})"
    sql += " ORDER BY start DESC, label, iri LIMIT ? OFFSET ?"
    return [EventEntry(*row) for row in index.connection().execute(sql, [*params, int(limit), int(offset)])]


def count_events(index: PageIndex, filters: dict[str, list[str]]) -> int:
    if not any(filters.values()):
        row = index.connection().execute("SELECT n FROM kind_count WHERE kind = 'top-event'").fetchone()
        return row[0] if row else 0
    matching, params = _matching(filters)
    return index.connection().execute(f"SELECT COUNT(*) FROM ({matching})", params).fetchone()[0]


def facet_values(index: PageIndex, facet: str, filters: dict[str, list[str]], *,
                 limit: int | None = 60) -> list[tuple[str, int]]:
    """(value, events) of one facet, most events first, counted under the other facets' filters."""
    others = {f: v for f, v in filters.items() if f != facet and v}
    cap = "" if limit is None else f" LIMIT {int(limit)}"
    if not others:
        sql = f"SELECT value, n FROM facet_count WHERE facet = ? ORDER BY n DESC, value{cap}"
        return list(index.connection().execute(sql, (facet,)))
    matching, params = _matching(others)
    sql = (f"SELECT value, COUNT(*) AS n FROM event_facet WHERE facet = ? AND event IN ({matching}) "
           f"GROUP BY value ORDER BY n DESC, value{cap}")
    return list(index.connection().execute(sql, [facet, *params]))


# --- one entity -------------------------------------------------------------------------------

@dataclass
class Appearance:
    event: str
    role: str
    via: str
    start: str


def appearances(index: PageIndex, who: str, *, limit: int, offset: int = 0,
                groups: tuple[str, ...] = GROUPS) -> list[Appearance]:
    """The events `who` took part in (a body: itself or through its posts), latest first, in
    these role groups: one index range per group, merged."""
    conn = index.connection()
    per_group = [list(conn.execute(
        "SELECT DISTINCT start, event, role, via FROM participation WHERE entity = ? AND grp = ? "
        "ORDER BY start DESC, event DESC, role DESC, via DESC LIMIT ?", (who, group, int(limit) + int(offset))))
        for group in groups]
    merged = heapq.merge(*per_group, key=lambda row: row, reverse=True)
    rows = list(merged)[int(offset):int(offset) + int(limit)]
    return [Appearance(event, role, via, start) for start, event, role, via in rows]


def count_appearances(index: PageIndex, who: str, *, groups: tuple[str, ...] = GROUPS,
                      cap: int = COUNT_CAP) -> int:
    """How many appearances (counted up to `cap` a group: a page says "1000+", not the exact
    number, for an entity named thousands of times)."""
    conn = index.connection()
    return sum(conn.execute(
        "SELECT COUNT(*) FROM (SELECT DISTINCT start, event, role, via FROM participation "
        "WHERE entity = ? AND grp = ? LIMIT ?)", (who, group, int(cap) + 1)).fetchone()[0] for group in groups)


@dataclass
class ReportEntry:
    iri: str
    title: str
    issued: str


def reports_of(index: PageIndex, entity: str, *, limit: int, offset: int = 0) -> list[ReportEntry]:
    """The reports naming `entity`, latest first."""
    rows = index.connection().execute(
        "SELECT m.report, COALESCE(r.title, m.report), m.issued FROM mention m JOIN report r ON r.iri = m.report "
        "WHERE m.entity = ? ORDER BY m.issued DESC, m.report DESC LIMIT ? OFFSET ?", (entity, int(limit), int(offset)))
    return [ReportEntry(*row) for row in rows]


def count_reports(index: PageIndex, entity: str) -> int:
    row = index.connection().execute("SELECT reports FROM entity WHERE iri = ?", (entity,)).fetchone()
    return row[0] if row else 0
