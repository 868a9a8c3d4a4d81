"""What pages ask the page index. Every question is answered from an index in key order, so its
cost grows with the rows a page shows (and with the events a chosen filter keeps), not with the
graph: lists page by (sort key, id), events by (start, label), facets read precomputed counts,
search walks the word (or word-pair) table shortest name first, an entity's appearances and
reports page by date. IRIs go in and come out: the index's term ids stay in here (rows tied in
an order's key come in the order of their ids, that is, the order the index first met them).
"""
from __future__ import annotations

import heapq
from dataclasses import dataclass

from service.pageindex.derive import PAIR_WORD_MIN, fold
from service.pageindex.index import GROUPS, IRI_FACETS, PageIndex, known_terms, rows_in

#: A query word with fewer index entries than this leads a search (its entries are read, the
#: other words probed); when every word has more, their entries are merged instead.
SEARCH_FEW = 256
#: Appearances counted exactly up to this many per role group; more show as "N+" (pages of
#: appearances go on past it: they do not need the count). Counting reads up to this many rows of
#: the index per group, so it bounds what a much-named entity's page costs: 5 pages of 50.
COUNT_CAP = 250
#: Word forms a search word stands for as a prefix ("osrod" → osrodek, osrodka, …).
SEARCH_FORMS = 64
#: When every word is common, two of them lead from the word-pair table if one form of each makes
#: at most this many pairs: each pair is a seek and a range of its own, merged in order.
PAIR_FORMS = 16


@dataclass
class Entry:
    iri: str
    label: str
    kind: str
    reports: int = 0
    sort_key: str = ""


def _label(row_label: str, row_label_en: str | None, lang: str) -> str:
    return row_label_en if lang == "en" and row_label_en else row_label


def _id(conn, iri: str) -> int | None:
    """The term id of an IRI (None: the index does not hold it)."""
    row = conn.execute("SELECT id FROM term WHERE iri = ?", (iri,)).fetchone()
    return row[0] if row else None


def _iris(conn, ids) -> dict[int, str]:
    """The IRI of each of these term ids."""
    return dict(rows_in(conn, "SELECT id, iri FROM term WHERE id IN ({})", list(set(ids))))


def kind_counts(index: PageIndex) -> dict[str, int]:
    return dict(index.connection().execute("SELECT kind, n FROM kind_count"))


def entities(index: PageIndex, kind: str, *, limit: int, after: tuple[str, int] | None = None,
             offset: int = 0, lang: str = "pl") -> list[Entry]:
    """One page of a kind's entities in name order: after a `cursor`, or from an offset."""
    sql = ("SELECT t.iri, e.label, e.label_en, e.reports, e.sort_key FROM entity e CROSS JOIN term t ON t.id = e.id "
           "WHERE e.kind = ? AND e.reports > 0")
    params: list = [kind]
    if after:
        sql += " AND (e.sort_key, e.id) > (?, ?)"
        params += list(after)
    sql += " ORDER BY e.sort_key, e.id LIMIT ? OFFSET ?"
    rows = index.connection().execute(sql, [*params, int(limit), 0 if after else int(offset)])
    return [Entry(iri, _label(label, en, lang), kind, reports, key) for iri, label, en, reports, key in rows]


def labels(index: PageIndex, iris, lang: str = "pl") -> dict[str, str]:
    rows = rows_in(index.connection(), "SELECT t.iri, e.label, e.label_en FROM term t CROSS JOIN entity e "
                   "ON e.id = t.id WHERE t.iri IN ({})", list(dict.fromkeys(iris)))
    return {iri: _label(label, en, lang) for iri, label, en in rows}


def posts_in(index: PageIndex, posts) -> dict[str, str | None]:
    """The body each of these posts is in (None: none), for the posts the index holds."""
    rows = rows_in(index.connection(), "SELECT t.iri, b.iri FROM term t CROSS JOIN entity e ON e.id = t.id "
                   "LEFT JOIN term b ON b.id = e.post_in WHERE t.iri IN ({})", list(dict.fromkeys(posts)))
    return dict(rows)


def cursor(index: PageIndex, iri: str) -> tuple[str, int] | None:
    """The (sort key, id) a list page ending with `iri` continues after."""
    row = index.connection().execute("SELECT e.sort_key, e.id FROM term t CROSS JOIN entity e ON e.id = t.id "
                                     "WHERE t.iri = ?", (iri,)).fetchone()
    return tuple(row) if row else None


def search(index: PageIndex, text: str, *, limit: int = 50, lang: str = "pl") -> list[Entry]:
    """Entities with a word of their name starting with each word of `text` (case and diacritics
    aside; a word of one or two letters must be a whole word), shortest names first."""
    words = list(dict.fromkeys(fold(text).split()))[:8]
    if not words:
        return []
    conn = index.connection()
    forms = {w: _forms(conn, w) for w in words}
    if not all(forms.values()):
        return []
    sql, params = _matching_names(conn, words, forms)
    found = [entity for _len, entity in conn.execute(sql, [*params, int(limit) * 2])]
    entries: list[Entry] = []
    start = 0
    while start < len(found) and len(entries) < limit:  # names of entities a report names, `limit` at a time
        part = found[start:start + int(limit)]
        start += len(part)
        rows = {r[0]: r for r in conn.execute(
            "SELECT e.id, t.iri, e.label, e.label_en, e.kind, e.reports FROM entity e CROSS JOIN term t ON t.id = e.id "
            f"WHERE e.reports > 0 AND e.id IN ({_marks(part)})", part)}
        entries += [Entry(rows[e][1], _label(rows[e][2], rows[e][3], lang), rows[e][4], rows[e][5])
                    for e in part if e in rows]
    return entries[:limit]


def _matching_names(conn, words: list[str], forms: dict[str, list[str]]) -> tuple[str, list]:
    """SQL (its last parameter the LIMIT) for the (label length, entity) of the names holding a form
    of every word, in that order, so that what is read does not grow with the index:

    One word: its entries in the word table. Several: if one of them has few entries (under
    SEARCH_FEW), those are read and each other word is a key probe on the same (label length,
    entity). If every word is common, two of them lead from the word-pair table (the names holding
    both: far fewer than either word's) and the others are probed; when every two words make too
    many form pairs (short prefixes), the words' entries are merged in (label length, entity) order
    (SQLite's merge INTERSECT), which reads each list once, where probing would seek once per entry
    and finding the rarest word would mean counting them all."""
    counted = {w: _entries(conn, forms[w], SEARCH_FEW) for w in words} if len(words) > 1 else {}
    order = sorted(words, key=lambda w: (counted.get(w, 0), words.index(w)))
    if len(words) == 1 or counted[order[0]] < SEARCH_FEW:  # the rarest word leads, the others are probed
        probes, params = _probes("w0", order[1:], forms)
        return (f"SELECT DISTINCT w0.len, w0.id FROM word w0 WHERE w0.word IN ({_marks(forms[order[0]])})"
                f"{probes} ORDER BY w0.len, w0.id LIMIT ?"), [*forms[order[0]], *params]
    pair = _lead_pair(order, forms)
    if pair:
        return _pair_led(pair, [w for w in order if w not in pair], forms)
    sql = " INTERSECT ".join(f"SELECT len, id FROM word WHERE word IN ({_marks(forms[w])})" for w in order)
    return sql + " ORDER BY 1, 2 LIMIT ?", [f for w in order for f in forms[w]]


def _lead_pair(order: list[str], forms: dict[str, list[str]]) -> tuple[str, str] | None:
    """The two words making the fewest form pairs (at most PAIR_FORMS), preferring two with no
    form in common (a form both stand for is read from the word table: every name holding it).
    Words shorter than PAIR_WORD_MIN have no pairs."""
    paired = [w for w in order if len(w) >= PAIR_WORD_MIN]
    pairs = [(a, b) for i, a in enumerate(paired) for b in paired[i + 1:]
             if len(forms[a]) * len(forms[b]) <= PAIR_FORMS]
    return min(pairs, key=lambda p: (bool(set(forms[p[0]]) & set(forms[p[1]])), len(forms[p[0]]) * len(forms[p[1]])),
               default=None)


def _pair_led(pair: tuple[str, str], others: list[str], forms: dict[str, list[str]]) -> tuple[str, list]:
    """SQL for the names holding a form of both words of `pair` and of every one of `others`: for
    each two forms, the range of the pair table holding both (of the word table, when the two are
    one form), each in (label length, entity) order, merged (UNION), the others probed."""
    probes, probed = _probes("x", others, forms)
    arms, params = [], []
    for a, b in sorted({tuple(sorted((a, b))) for a in forms[pair[0]] for b in forms[pair[1]]}):
        if a == b:
            arms.append(f"SELECT x.len, x.id FROM word x WHERE x.word = ?{probes}")
            params += [a, *probed]
        else:
            arms.append(f"SELECT x.len, x.id FROM word_pair x WHERE x.a = ? AND x.b = ?{probes}")
            params += [a, b, *probed]
    return " UNION ".join(arms) + " ORDER BY 1, 2 LIMIT ?", params


def _probes(alias: str, words: list[str], forms: dict[str, list[str]]) -> tuple[str, list]:
    """Conditions that the name at `alias` holds a form of each of `words`: a key probe each."""
    sql, params = "", []
    for i, word in enumerate(words, 1):
        sql += (f" AND EXISTS (SELECT 1 FROM word w{i} WHERE w{i}.word IN ({_marks(forms[word])})"
                f" AND w{i}.len = {alias}.len AND w{i}.id = {alias}.id)")
        params += forms[word]
    return sql, params


def _marks(values: list) -> str:
    return ",".join("?" * len(values))


def _forms(conn, word: str) -> list[str]:
    """The indexed words `word` stands for: those it starts (up to SEARCH_FORMS), or itself alone
    when it has one or two letters."""
    if len(word) < 3:
        return [word] if conn.execute("SELECT 1 FROM word WHERE word = ? LIMIT 1", (word,)).fetchone() else []
    forms = []
    row = conn.execute("SELECT word FROM word WHERE word >= ? ORDER BY word LIMIT 1", (word,)).fetchone()
    while row and row[0].startswith(word) and len(forms) < SEARCH_FORMS:
        forms.append(row[0])
        row = conn.execute("SELECT word FROM word WHERE word > ? ORDER BY word LIMIT 1", (row[0],)).fetchone()
    return forms


def _entries(conn, forms: list[str], cap: int) -> int:
    """How many names hold one of these words, counted up to `cap`."""
    return conn.execute(f"SELECT COUNT(*) FROM (SELECT 1 FROM word WHERE word IN ({','.join('?' * len(forms))}) "
                        "LIMIT ?)", [*forms, int(cap)]).fetchone()[0]


# --- events and their facets ------------------------------------------------------------------

def _matching(index: PageIndex, filters: dict[str, list[str]]) -> tuple[str, list]:
    """SQL for the top-level events holding, for each chosen facet, one of its values. The facet
    whose values hold the fewest events (their counts are kept) is read; the others are probed
    by key for each of its events."""
    conn = index.connection()
    chosen = [(facet, _facet_keys(conn, facet, values)) for facet, values in filters.items() if values]
    if not chosen:
        return "SELECT id AS event FROM event WHERE top = 1", []
    if not all(keys for _facet, keys in chosen):  # a facet of none but IRIs the index does not hold
        return "SELECT NULL AS event WHERE 0", []

    def events_holding(item) -> int:
        facet, values = item
        marks = ",".join("?" * len(values))
        return conn.execute(f"SELECT COALESCE(SUM(n), 0) FROM facet_count WHERE facet = ? AND value IN ({marks})",
                            [facet, *values]).fetchone()[0]

    chosen.sort(key=events_holding)
    (facet, values), rest = chosen[0], chosen[1:]
    sql = f"SELECT DISTINCT f0.event FROM event_facet f0 WHERE f0.facet = ? AND f0.value IN ({','.join('?' * len(values))})"
    params = [facet, *values]
    for i, (facet, values) in enumerate(rest, 1):
        sql += (f" AND EXISTS (SELECT 1 FROM event_facet f{i} WHERE f{i}.facet = ? AND "
                f"f{i}.value IN ({','.join('?' * len(values))}) AND f{i}.event = f0.event)")
        params += [facet, *values]
    return sql, params


def _facet_keys(conn, facet: str, values) -> list:
    """The index's keys of a facet's values: term ids for a facet of IRIs (those it holds; an
    IRI it does not hold matches no event), the values themselves for the others."""
    values = list(values)
    if facet not in IRI_FACETS:
        return values
    return list(known_terms(conn, values).values())


def _facet_values(conn, facet: str, rows: list[tuple]) -> list[tuple[str, int]]:
    """(key, n) rows of a facet with its values in place of the index's keys."""
    if facet not in IRI_FACETS:
        return rows
    iris = _iris(conn, [key for key, _ in rows])
    return [(iris[key], n) for key, n in rows]


@dataclass
class EventEntry:
    iri: str
    label: str
    start: str | None
    end: str | None
    places: str


def events(index: PageIndex, filters: dict[str, list[str]], *, limit: int, offset: int = 0) -> list[EventEntry]:
    """Top-level events matching `filters`, latest first."""
    sql = 'SELECT t.iri, e.label, e.start, e."end", e.places FROM event e CROSS JOIN term t ON t.id = e.id WHERE e.top = 1'
    params: list = []
    if any(filters.values()):  # from the matching events (CROSS JOIN keeps that order), then sorted
        matching, params = _matching(index, filters)
        sql = (f'SELECT t.iri, e.label, e.start, e."end", e.places FROM ({matching}) AS m '
               "CROSS JOIN event AS e ON e.id = m.event CROSS JOIN term t ON t.id = e.id WHERE e.top = 1")
    sql += " ORDER BY e.start DESC, e.label, e.id LIMIT ? OFFSET ?"
    return [EventEntry(*row) for row in index.connection().execute(sql, [*params, int(limit), int(offset)])]


def count_events(index: PageIndex, filters: dict[str, list[str]]) -> int:
    if not any(filters.values()):
        row = index.connection().execute("SELECT n FROM kind_count WHERE kind = 'top-event'").fetchone()
        return row[0] if row else 0
    matching, params = _matching(index, filters)
    return index.connection().execute(f"SELECT COUNT(*) FROM ({matching})", params).fetchone()[0]


def facet_values(index: PageIndex, facet: str, filters: dict[str, list[str]], *,
                 limit: int | None = 60) -> list[tuple[str, int]]:
    """(value, events) of one facet, most events first, counted under the other facets' filters."""
    others = {f: v for f, v in filters.items() if f != facet and v}
    cap = "" if limit is None else f" LIMIT {int(limit)}"
    conn = index.connection()
    if not others:
        sql = f"SELECT value, n FROM facet_count WHERE facet = ? ORDER BY n DESC, value{cap}"
        return _facet_values(conn, facet, list(conn.execute(sql, (facet,))))
    matching, params = _matching(index, others)
    sql = (f"SELECT f.value, COUNT(*) AS n FROM ({matching}) AS m CROSS JOIN event_facet AS f "
           f"ON f.event = m.event AND f.facet = ? GROUP BY f.value ORDER BY n DESC, f.value{cap}")
    return _facet_values(conn, facet, list(conn.execute(sql, [*params, facet])))


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
    entity = _id(conn, who)
    if entity is None:
        return []
    per_group = [list(conn.execute(
        "SELECT DISTINCT start, event, role, via FROM participation WHERE entity = ? AND grp = ? "
        "ORDER BY start DESC, event DESC, role DESC, via DESC LIMIT ?", (entity, group, int(limit) + int(offset))))
        for group in groups]
    merged = heapq.merge(*per_group, key=lambda row: row, reverse=True)
    rows = list(merged)[int(offset):int(offset) + int(limit)]
    iris = _iris(conn, [term for row in rows for term in row[1:] if term])
    return [Appearance(iris[event], iris[role], iris[via] if via else "", start) for start, event, role, via in rows]


def count_appearances(index: PageIndex, who: str, *, groups: tuple[str, ...] = GROUPS,
                      cap: int | None = None) -> int:
    """How many appearances (counted up to `cap`, COUNT_CAP by default, a group: a page says
    "250+", not the exact number, for an entity named thousands of times)."""
    cap = COUNT_CAP if cap is None else cap
    conn = index.connection()
    entity = _id(conn, who)
    if entity is None:
        return 0
    return sum(conn.execute(
        "SELECT COUNT(*) FROM (SELECT DISTINCT start, event, role, via FROM participation "
        "WHERE entity = ? AND grp = ? LIMIT ?)", (entity, group, int(cap) + 1)).fetchone()[0] for group in groups)


@dataclass
class ReportEntry:
    iri: str
    title: str
    issued: str


def reports_of(index: PageIndex, entity: str, *, limit: int, offset: int = 0) -> list[ReportEntry]:
    """The reports naming `entity`, latest first."""
    conn = index.connection()
    rows = conn.execute(
        "SELECT t.iri, COALESCE(r.title, t.iri), m.issued FROM term e CROSS JOIN mention m ON m.entity = e.id "
        "CROSS JOIN report r ON r.id = m.report CROSS JOIN term t ON t.id = m.report "
        "WHERE e.iri = ? ORDER BY m.issued DESC, m.report DESC LIMIT ? OFFSET ?", (entity, int(limit), int(offset)))
    return [ReportEntry(*row) for row in rows]


def count_reports(index: PageIndex, entity: str) -> int:
    row = index.connection().execute("SELECT e.reports FROM term t CROSS JOIN entity e ON e.id = t.id "
                                     "WHERE t.iri = ?", (entity,)).fetchone()
    return row[0] if row else 0
