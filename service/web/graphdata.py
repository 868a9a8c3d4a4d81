"""The SPARQL behind the pages: counts, lists, search, one entity's description.

Every function takes the store and returns plain Python data for a template.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field

from pyoxigraph import Literal, NamedNode

from service.mapping import entities_graph, is_entities_graph
from service.mapping.vocab import PROJECT
from service.pageindex import PageIndex, read
from service.store import Store

PREFIXES = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX schema: <http://schema.org/>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX cv: <http://data.europa.eu/m8g/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX person: <http://www.w3.org/ns/person#>
PREFIX kg: <https://w3id.org/konferencje-kg/def#>
"""


@dataclass(frozen=True)
class Kind:
    """A kind of entity that has a list page."""
    key: str          # URL segment and IRI segment
    type_iri: str     # the rdf:type that marks it
    pl: str
    en: str
    extra: str = ""   # extra graph pattern that restricts the list


KINDS = {
    k.key: k for k in (
        Kind("event", "http://schema.org/Event", "Wydarzenia", "Events"),
        Kind("organisation", "http://www.w3.org/ns/org#Organization", "Organizacje", "Organisations"),
        Kind("person", "http://www.w3.org/ns/person#Person", "Osoby", "People"),
        Kind("post", "http://www.w3.org/ns/org#Post", "Stanowiska", "Posts"),
        Kind("place", "http://purl.org/dc/terms/Location", "Miejsca", "Places",
             "FILTER NOT EXISTS { ?s a schema:Place }"),
        Kind("theme", "http://www.w3.org/2004/02/skos/core#Concept", "Tematy", "Themes",
             f"?s skos:inScheme <{PROJECT}theme> ."),
        Kind("report", "http://xmlns.com/foaf/0.1/Document", "Raporty", "Reports"),
    )
}


def _value(row: dict, key: str):
    term = row.get(key)
    if term is None:
        return None
    if isinstance(term, Literal):
        return term.value
    return term.value


#: kind → the type shown beside a search result (a venue is a place too)
TYPE_OF_KIND = {**{k.key: k.type_iri for k in KINDS.values()}, "venue": "http://schema.org/Place"}


def counts(pages: PageIndex) -> dict[str, int]:
    found = read.kind_counts(pages)
    return {k: found.get(k, 0) for k in KINDS}


@dataclass
class EventRow:
    iri: str
    label: str
    start: str | None
    end: str | None
    places: str


@dataclass
class Row:
    iri: str
    label: str
    note: str = ""


def entities(pages: PageIndex, kind: Kind, *, limit: int, offset: int = 0, after: tuple[str, int] | None = None,
             lang: str = "pl") -> list[Row]:
    """A page of the kind's list in name order (with each entity's number of reports); `after`
    is the last row's (sort key, IRI) of the page before."""
    rows = read.entities(pages, kind.key, limit=limit, offset=offset, after=after, lang=lang)
    return [Row(r.iri, r.label, str(r.reports)) for r in rows]


def search(pages: PageIndex, text: str, *, limit: int = 50, lang: str = "pl") -> list[Row]:
    """Entities with a word of their name starting with each word of `text` (service.pageindex.read.search)."""
    return [Row(r.iri, r.label, TYPE_OF_KIND.get(r.kind, "")) for r in read.search(pages, text, limit=limit, lang=lang)]


@dataclass
class Statement:
    predicate: str
    predicate_label: str
    value: object            # NamedNode or Literal
    value_label: str | None
    reports: list[str] = field(default_factory=list)  # the report graphs stating it: only for an
    # entity no report names (`describe`), whose page lists these reports


@dataclass
class Description:
    iri: str
    label: str | None
    types: list[str]
    outgoing: list[Statement]
    incoming: list[Statement]
    reports: list[Row]
    reports_total: int = 0

    @property
    def exists(self) -> bool:
        return bool(self.outgoing or self.incoming)


def _label_pattern(var: str, out: str, lang: str) -> str:
    return (f'OPTIONAL {{ {var} skos:prefLabel ?{out}_a FILTER(LANG(?{out}_a) = "{lang}") }} '
            f'OPTIONAL {{ {var} skos:prefLabel ?{out}_b FILTER(LANG(?{out}_b) = "pl" || LANG(?{out}_b) = "") }} '
            f'OPTIONAL {{ {var} rdfs:label ?{out}_c FILTER(LANG(?{out}_c) = "{lang}") }} '
            f'BIND(COALESCE(?{out}_a, ?{out}_b, ?{out}_c) AS ?{out})')


#: Reports an entity page lists (the latest); statements about it and pointing at it it shows.
REPORTS_SHOWN = 50
OUTGOING_SHOWN = 150
INCOMING_SHOWN = 100


def _store_labels(store: Store, iris: list[str], lang: str) -> dict[str, str]:
    """The label `_label_pattern` gives each of `iris` (a skos:prefLabel in `lang`, else in Polish
    or without a language, else an rdfs:label in `lang`), those that have one. The labels are read
    as they are and chosen here: a language test inside the pattern costs a lookup of every
    label's text, which the page then mostly does not need (most IRIs asked for have none)."""
    values = " ".join(str(NamedNode(i)) for i in iris)
    rows = store.select(PREFIXES + f"""SELECT ?x ?l ?r WHERE {{ VALUES ?x {{ {values} }}
  {{ ?x skos:prefLabel ?l }} UNION {{ ?x rdfs:label ?r }} }}""")
    ranked: dict[str, tuple[int, str]] = {}
    for r in rows:
        term = r.get("l") or r.get("r")
        if not isinstance(term, Literal):
            continue
        language = term.language or ""
        if "l" in r:
            rank = 0 if language == lang else 1 if language in ("pl", "") else None
        else:
            rank = 2 if language == lang else None
        iri = r["x"].value
        if rank is not None and (iri not in ranked or rank < ranked[iri][0]):
            ranked[iri] = (rank, term.value)
    return {iri: label for iri, (_rank, label) in ranked.items()}


#: Vocabulary terms' labels a process keeps per store (beyond this many, it starts again).
VOCABULARY_KEPT = 4096


class _VocabularyLabels:
    """The labels (or None: none) of vocabulary terms (properties, classes, roles: IRIs outside the
    instance namespace) looked up in one store, per language. It watches the store's writes: each
    one empties it (told after the write), and a label read while a write was under way is not
    kept."""

    def __init__(self):
        self.labels: dict[str, dict[str, str | None]] = {}
        self.version = 0
        self._lock = threading.Lock()

    def forget(self, *_args) -> None:
        with self._lock:
            self.version += 1
            self.labels = {}

    loaded = loaded_nquads = deleted = updated = closed = forget

    def keep(self, lang: str, found: dict[str, str | None], version: int) -> None:
        with self._lock:
            if version != self.version:
                return
            kept = self.labels.setdefault(lang, {})
            if len(kept) + len(found) > VOCABULARY_KEPT:
                kept.clear()
            kept.update(found)


_watching = threading.Lock()


def _vocabulary_of(store: Store) -> _VocabularyLabels | None:
    """The store's kept vocabulary labels; None for a remote store (other processes write to it
    unseen)."""
    if store.location.startswith(("http://", "https://")):
        return None
    kept = getattr(store, "_vocabulary_labels", None)
    if kept is None:
        with _watching:
            kept = getattr(store, "_vocabulary_labels", None)
            if kept is None:
                kept = _VocabularyLabels()
                store.watch(kept)
                store._vocabulary_labels = kept
    return kept


def names(store: Store, pages: PageIndex | None, iris, lang: str = "pl", *, base: str | None = None) -> dict[str, str]:
    """Labels of IRIs: entities' and themes' from the page index, the rest (vocabulary terms,
    properties) by one SPARQL lookup of the IRIs the index lacks. With `base`, the labels of IRIs
    outside it (the vocabulary: every entity page names the same few dozen terms) are kept
    between calls while the store is unchanged, so a page asks the store only for its own."""
    iris = list(dict.fromkeys(iris))
    # the index has rows for kinds of entities only (derive.KIND_OF_TYPE): a participation, a
    # hundred of them on a much-named entity's page, is not looked up there
    unindexed = f"{base.rstrip('/')}/id/participation/" if base is not None else None
    indexed = [i for i in iris if not i.startswith(unindexed)] if unindexed else iris
    found = read.labels(pages, indexed, lang) if pages is not None else {}
    missing = [i for i in iris if i not in found]
    vocabulary = _vocabulary_of(store) if base is not None and missing else None
    if vocabulary is not None:
        prefix, version = base.rstrip("/") + "/", vocabulary.version
        kept = vocabulary.labels.get(lang, {})
        asked = [i for i in missing if i.startswith(prefix) or i not in kept]
        found.update((i, kept[i]) for i in missing if i not in asked and kept[i] is not None)
        missing = asked
    if missing:
        found.update(_store_labels(store, missing, lang))
        if vocabulary is not None:
            vocabulary.keep(lang, {i: found.get(i) for i in missing if not i.startswith(prefix)}, version)
    return found


def describe(store: Store, iri: str, *, lang: str = "pl", incoming_limit: int = INCOMING_SHOWN,
             outgoing_limit: int = OUTGOING_SHOWN, pages: PageIndex | None = None,
             base: str | None = None) -> Description:
    """The entity's statements (up to `outgoing_limit` of its own, from its identity and its latest
    reports' graphs; `incoming_limit` pointing at it) and its latest reports (from the page
    index): a much-named entity costs the same."""
    node = str(NamedNode(iri))
    total = read.count_reports(pages, iri) if pages is not None else 0
    latest = read.reports_of(pages, iri, limit=REPORTS_SHOWN) if total else []
    # An entity named by many reports: its statements in its identity graph and in the graphs of
    # the reports shown (one key lookup each), not a scan past every report's dct:isReferencedBy.
    graphs = (f"VALUES ?g {{ {entities_graph(base)} {' '.join(str(NamedNode(r.iri)) for r in latest)} }}"
              if latest and base else "")
    # Which graphs state each statement is needed only to list the reports of an entity no report
    # names (a report itself, a vocabulary term); else the page index lists them, and the graphs'
    # names, each read from the store's string table, are not asked for (the same rows, grouped
    # the same way).
    in_graphs = "" if total else '(GROUP_CONCAT(DISTINCT STR(?g); SEPARATOR=" ") AS ?graphs)'
    out_rows = store.select(PREFIXES + f"""
SELECT ?p ?o {in_graphs} WHERE {{
  {{ SELECT ?p ?o ?g WHERE {{ {graphs} GRAPH ?g {{ {node} ?p ?o }} FILTER(?p != dct:isReferencedBy) }}
     LIMIT {int(outgoing_limit)} }}
}} GROUP BY ?p ?o""")
    in_rows = store.select(PREFIXES + f"""
SELECT ?s ?p {in_graphs} WHERE {{
  {{ SELECT ?s ?p ?g WHERE {{ GRAPH ?g {{ ?s ?p {node} }} FILTER(?p != dct:isReferencedBy || ?s != {node}) }}
    LIMIT {int(incoming_limit)} }}
}} GROUP BY ?s ?p""")
    labels = names(store, pages, [r["p"].value for r in out_rows + in_rows]
                   + [r["o"].value for r in out_rows if isinstance(r["o"], NamedNode)]
                   + [r["s"].value for r in in_rows if isinstance(r["s"], NamedNode)], lang, base=base)

    def statement(row, value_key):
        # The entities graph holds identity statements (types, names): not a report behind them.
        graphs = [g for g in (_value(row, "graphs") or "").split() if not is_entities_graph(g)]
        value = row[value_key]
        return Statement(row["p"].value, labels.get(row["p"].value, ""), value,
                         labels.get(value.value) if isinstance(value, NamedNode) else None, graphs)

    outgoing = [statement(r, "o") for r in out_rows]
    incoming = [statement(r, "s") for r in in_rows]
    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    types = sorted({s.value.value for s in outgoing if s.predicate == rdf_type})
    label = next((s.value.value for s in outgoing
                  if s.predicate == "http://www.w3.org/2004/02/skos/core#prefLabel"
                  and isinstance(s.value, Literal) and s.value.language in (lang, "pl", None)), None)
    if total:
        reports = [Row(r.iri, r.title, r.issued) for r in latest]
    else:  # not named by reports (a report itself, a vocabulary term): the graphs its statements are in
        reports = report_rows(store, sorted({g for s in outgoing + incoming for g in s.reports})[:REPORTS_SHOWN])
        total = len(reports)
    order = {"http://www.w3.org/1999/02/22-rdf-syntax-ns#type": 0,
             "http://www.w3.org/2004/02/skos/core#prefLabel": 1}
    outgoing.sort(key=lambda s: (order.get(s.predicate, 2), s.predicate_label or s.predicate, s.value_label or s.value.value))
    incoming.sort(key=lambda s: (s.predicate_label or s.predicate, s.value_label or s.value.value))
    return Description(iri, label, types, outgoing, incoming, reports, total)


def report_rows(store: Store, graphs: list[str]) -> list[Row]:
    if not graphs:
        return []
    values = " ".join(str(NamedNode(g)) for g in graphs)
    rows = store.select(PREFIXES + f"""
SELECT ?r (SAMPLE(?t) AS ?title) (SAMPLE(?d) AS ?date) WHERE {{
  VALUES ?r {{ {values} }} OPTIONAL {{ ?r dct:title ?t }} OPTIONAL {{ ?r dct:issued ?d }}
}} GROUP BY ?r ORDER BY DESC(?date)""")
    return [Row(_value(r, "r"), _value(r, "title") or _value(r, "r"), _value(r, "date") or "") for r in rows]


# ---------------------------------------------------------------------------------------------
# Facets, timeline and map over the top-level events
# ---------------------------------------------------------------------------------------------

THEME_NS = f"{PROJECT}theme/"
FACETS = ("year", "theme", "place", "voivodeship", "organiser", "patron")


@dataclass
class Filters:
    """Chosen facet values; values of one facet are alternatives (OR), facets combine (AND).

    Values are keys as the URL carries them: a year "2019", a month "2019-06", a theme's local
    name, a place slug, a voivodeship key, an organiser or patron as "kind/slug"."""
    year: list[str] = field(default_factory=list)
    month: list[str] = field(default_factory=list)
    theme: list[str] = field(default_factory=list)
    place: list[str] = field(default_factory=list)
    voivodeship: list[str] = field(default_factory=list)
    organiser: list[str] = field(default_factory=list)
    patron: list[str] = field(default_factory=list)

    def items(self):
        return [(name, value) for name in ("year", "month") + FACETS[1:] for value in getattr(self, name)]

    def as_dict(self) -> dict[str, list[str]]:
        return {k: list(v) for k, v in self.__dict__.items()}

    def without(self, name: str) -> "Filters":
        copy = Filters(**{k: list(v) for k, v in self.__dict__.items()})
        setattr(copy, name, [])
        return copy

    def __bool__(self) -> bool:
        return any(self.__dict__.values())


def filter_values(filters: Filters, base: str) -> dict[str, list[str]]:
    """The chosen facet values as the page index holds them (IRIs for entities and themes)."""
    return {
        "year": filters.year, "month": filters.month, "voivodeship": filters.voivodeship,
        "theme": [THEME_NS + t for t in filters.theme],
        "place": [f"{base}/id/place/{p}" for p in filters.place],
        "organiser": [f"{base}/id/{o}" for o in filters.organiser],
        "patron": [f"{base}/id/{o}" for o in filters.patron],
    }


@dataclass
class FacetValue:
    key: str
    label: str
    count: int
    selected: bool = False


def _key_of(iri: str, base: str, facet: str) -> str | None:
    if facet == "theme":
        return iri[len(THEME_NS):] if iri.startswith(THEME_NS) else None
    prefix = f"{base}/id/"
    if not iri.startswith(prefix):
        return None
    rest = iri[len(prefix):]
    if facet == "place":
        return rest[len("place/"):] if rest.startswith("place/") else None
    return rest


def facet_counts(pages: PageIndex, filters: Filters, base: str, *, lang: str = "pl",
                 limit: int = 60) -> dict[str, list[FacetValue]]:
    """For each facet, its values with the number of matching events, counted under every
    other chosen filter (so choosing a value shows what combining it would give)."""
    from service.gazetteer import voivodeships
    chosen_values = filter_values(filters, base)
    out: dict[str, list[FacetValue]] = {}
    for facet in FACETS:
        found = read.facet_values(pages, facet, chosen_values, limit=limit)
        names = read.labels(pages, [v for v, _ in found], lang) if facet not in ("year", "voivodeship") else {}
        chosen = set(getattr(filters, facet))
        values = []
        for raw, n in found:
            key = raw if facet in ("year", "voivodeship") else _key_of(raw, base, facet)
            if key is None:
                continue
            text = names.get(raw) or key
            if facet == "voivodeship":
                v = voivodeships().get(key)
                text = (v.pl if lang == "pl" else v.en) if v else key
            values.append(FacetValue(key, text, int(n), key in chosen))
        if facet == "year":
            values.sort(key=lambda v: v.key, reverse=True)
        else:
            values.sort(key=lambda v: (-v.count, v.label.lower()))
        out[facet] = values
    return out


def count_events(pages: PageIndex, filters: Filters, base: str) -> int:
    return read.count_events(pages, filter_values(filters, base))


def filtered_events(pages: PageIndex, filters: Filters, base: str, *, limit: int, offset: int = 0) -> list[EventRow]:
    rows = read.events(pages, filter_values(filters, base), limit=limit, offset=offset)
    return [EventRow(r.iri, r.label, r.start, r.end, r.places) for r in rows]


@dataclass
class PlacePoint:
    key: str
    iri: str
    label: str
    count: int
    lat: float | None
    lon: float | None
    voivodeship: str = ""


def event_places(pages: PageIndex, store: Store, filters: Filters, base: str, *, lang: str = "pl") -> list[PlacePoint]:
    """Localities of the matching events, with counts and coordinates (the gazetteer's, else
    the graph's)."""
    from service.gazetteer import localities
    found = read.facet_values(pages, "place", filter_values(filters, base), limit=None)
    names = read.labels(pages, [v for v, _ in found], lang)
    gaz = localities()
    keys = {iri: _key_of(iri, base, "place") or iri for iri, _ in found}
    unknown = [iri for iri in keys if keys[iri] not in gaz]
    coordinates = {}
    if unknown:
        rows = store.select(PREFIXES + f"""SELECT ?p ?la ?lo WHERE {{
  VALUES ?p {{ {" ".join(str(NamedNode(i)) for i in unknown)} }} ?p schema:latitude ?la ; schema:longitude ?lo }}""")
        for r in rows:
            try:
                coordinates[r["p"].value] = (float(r["la"].value), float(r["lo"].value))
            except ValueError:
                pass
    out = []
    for iri, n in found:
        loc = gaz.get(keys[iri])
        lat, lon = (loc.lat, loc.lon) if loc else coordinates.get(iri, (None, None))
        out.append(PlacePoint(keys[iri], iri, names.get(iri, keys[iri]), int(n), lat, lon,
                              loc.voivodeship if loc else ""))
    out.sort(key=lambda p: (-p.count, p.label))
    return out
