-- The page index: what the browsing pages read, kept beside the graph so that no page scans it.
-- Derived data only: every row comes from the store's quads (service/pageindex/derive.py) and
-- `kg index --rebuild` makes it again from the store.

PRAGMA journal_mode = WAL;

CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;

-- Every IRI the index holds, once; the other tables hold its id. Rows are a fraction of their
-- size with IRIs in them (at 100k reports most of an ingest's cost was writing the pages its
-- rows dirtied), and ids are given in order, so a new report's, event's or entity's rows go at
-- the end of the tables keyed by it, not all over them. Ids are never reused.
CREATE TABLE IF NOT EXISTS term (
    id  INTEGER PRIMARY KEY,
    iri TEXT NOT NULL UNIQUE
);

-- Entities with a page: their kind (an IRI segment: event, organisation, person, post, place,
-- venue, report, theme), names, the body a post belongs to, and how many reports name them.
CREATE TABLE IF NOT EXISTS entity (
    id       INTEGER PRIMARY KEY,    -- its term
    kind     TEXT NOT NULL,
    label    TEXT NOT NULL,          -- the Polish (or untagged) preferred label
    label_en TEXT,
    sort_key TEXT NOT NULL,          -- the label folded (lower case, no diacritics): list order
    post_in  INTEGER,                -- a post's organisation (a term)
    reports  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS entity_list ON entity (kind, sort_key, id) WHERE reports > 0;
CREATE INDEX IF NOT EXISTS entity_posts ON entity (post_in) WHERE post_in IS NOT NULL;

-- Search: each folded word of each label, with the label's length (shortest names first).
CREATE TABLE IF NOT EXISTS word (
    word TEXT NOT NULL,
    len  INTEGER NOT NULL,
    id   INTEGER NOT NULL,           -- the entity
    PRIMARY KEY (word, len, id)
) WITHOUT ROWID;

-- Search: each pair of distinct folded words of each label, the lesser first (a < b), so that a
-- search of common words reads the names holding two of them, not every name holding either.
CREATE TABLE IF NOT EXISTS word_pair (
    a    TEXT NOT NULL,
    b    TEXT NOT NULL,
    len  INTEGER NOT NULL,
    id   INTEGER NOT NULL,
    PRIMARY KEY (a, b, len, id)
) WITHOUT ROWID;

-- What each report states, row by row, so that replacing or removing a report is exact. Every
-- column named for an entity, event, report, role or value holds a term id.
CREATE TABLE IF NOT EXISTS report (
    id     INTEGER PRIMARY KEY,      -- its term
    title  TEXT,
    issued TEXT,
    stamp  TEXT                      -- its kg:ingested value: how sync tells changed reports
);

CREATE TABLE IF NOT EXISTS mention (
    entity INTEGER NOT NULL,
    issued TEXT NOT NULL,            -- the report's date, so an entity's reports page by date
    report INTEGER NOT NULL,
    PRIMARY KEY (entity, issued, report)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS mention_by_report ON mention (report);

CREATE TABLE IF NOT EXISTS event_fact (
    event  INTEGER NOT NULL,
    report INTEGER NOT NULL,
    start  TEXT,
    "end"  TEXT,
    parent INTEGER,
    PRIMARY KEY (event, report)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS event_fact_by_report ON event_fact (report);

-- An event's themes, locations, organisers and patrons as one report states them.
CREATE TABLE IF NOT EXISTS event_link (
    event  INTEGER NOT NULL,
    facet  TEXT NOT NULL,            -- theme, location, organiser, patron
    value  INTEGER NOT NULL,
    report INTEGER NOT NULL,
    PRIMARY KEY (event, facet, value, report)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS event_link_by_report ON event_link (report);

-- Who took part in which event in which role, grouped as pages show them (organised, patronised,
-- partnered, attended). `via`: the post through which a person was patron, or through which a
-- body took part (a body's rows include its posts'). Pages read one (entity, group) by date.
CREATE TABLE IF NOT EXISTS participation (
    entity INTEGER NOT NULL,
    grp    TEXT NOT NULL,
    start  TEXT NOT NULL,            -- the event's start ('' unknown)
    event  INTEGER NOT NULL,
    role   INTEGER NOT NULL,
    via    INTEGER NOT NULL,         -- 0 when none
    report INTEGER NOT NULL,
    PRIMARY KEY (entity, grp, start, event, role, via, report)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS participation_by_report ON participation (report);

-- Aggregates, recomputed for the events and entities each change touches.
CREATE TABLE IF NOT EXISTS event (
    id     INTEGER PRIMARY KEY,      -- its term
    label  TEXT NOT NULL,
    start  TEXT,
    "end"  TEXT,
    places TEXT NOT NULL DEFAULT '',
    top    INTEGER NOT NULL          -- 1 unless part of another event
);
CREATE INDEX IF NOT EXISTS event_order ON event (top, start DESC, label, id);

-- The facet values of each top-level event (year, month, theme, place, voivodeship, organiser,
-- patron), and how many events hold each value. A value is text (a year, a month, a
-- voivodeship) or a term id (the others): the column has no type, so each keeps its own.
CREATE TABLE IF NOT EXISTS event_facet (
    facet TEXT NOT NULL,
    value      NOT NULL,
    event INTEGER NOT NULL,
    PRIMARY KEY (facet, value, event)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS event_facet_by_event ON event_facet (event);

CREATE TABLE IF NOT EXISTS facet_count (
    facet TEXT NOT NULL,
    value      NOT NULL,
    n     INTEGER NOT NULL,
    PRIMARY KEY (facet, value)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS facet_order ON facet_count (facet, n DESC, value);

CREATE TABLE IF NOT EXISTS kind_count (kind TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;

-- The gazetteer's voivodeship of each locality slug (for the voivodeship facet).
CREATE TABLE IF NOT EXISTS place_region (slug TEXT PRIMARY KEY, voivodeship TEXT NOT NULL) WITHOUT ROWID;
