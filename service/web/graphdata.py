"""The SPARQL behind the pages: counts, lists, search, one entity's description.

Every function takes the store and returns plain Python data for a template.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from pyoxigraph import Literal, NamedNode

from service.mapping import is_entities_graph
from service.mapping.slug import slug
from service.mapping.vocab import PROJECT
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


def counts(store: Store) -> dict[str, int]:
    values = " ".join(f"(<{k.type_iri}> \"{k.key}\")" for k in KINDS.values() if not k.extra)
    rows = store.select(PREFIXES + f"""
SELECT ?kind (COUNT(DISTINCT ?s) AS ?n) WHERE {{ VALUES (?t ?kind) {{ {values} }} ?s a ?t }} GROUP BY ?kind""")
    out = {k: 0 for k in KINDS}
    out.update({row["kind"].value: int(row["n"].value) for row in rows})
    for kind in KINDS.values():
        if kind.extra:
            n = store.select(PREFIXES + f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a <{kind.type_iri}> . {kind.extra} }}")
            out[kind.key] = int(n[0]["n"].value)
    return out


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


def entities(store: Store, kind: Kind, *, limit: int, offset: int = 0, lang: str = "pl") -> list[Row]:
    rows = store.select(PREFIXES + f"""
SELECT ?s (SAMPLE(?l) AS ?label) (COUNT(DISTINCT ?r) AS ?reports) WHERE {{
  ?s a <{kind.type_iri}> ; skos:prefLabel ?l . {kind.extra}
  FILTER(LANG(?l) = "{lang}" || LANG(?l) = "pl" || LANG(?l) = "")
  OPTIONAL {{ ?s dct:isReferencedBy ?r }}
}} GROUP BY ?s ORDER BY LCASE(STR(?label)) LIMIT {int(limit)} OFFSET {int(offset)}""")
    return [Row(_value(r, "s"), _value(r, "label"), _value(r, "reports")) for r in rows]


def fold(text: str) -> str:
    return slug(text)


def search(store: Store, text: str, *, limit: int = 50) -> list[Row]:
    """Entities whose name holds every word of `text`, case and diacritics aside.

    Instance IRIs end in the folded name (their slug), so the match runs on the IRI, with no
    index of its own; the label must hold the words too, so that dates in slugs do not match.
    """
    words = [w for w in fold(text).split("-") if w][:8]
    if not words:
        return []
    iri_filter = " && ".join(f'CONTAINS(LCASE(STR(?s)), "{w}")' for w in words)
    rows = store.select(PREFIXES + f"""
SELECT ?s (SAMPLE(?l) AS ?label) (SAMPLE(?t) AS ?type) WHERE {{
  ?s skos:prefLabel ?l ; a ?t .
  FILTER({iri_filter})
  FILTER(?t IN (schema:Event, org:Organization, person:Person, <http://purl.org/dc/terms/Location>, skos:Concept, foaf:Document))
}} GROUP BY ?s ORDER BY STRLEN(STR(?label)) LIMIT {int(limit) * 3}""")
    out = []
    for r in rows:
        label = _value(r, "label")
        folded = fold(label)
        if all(w in folded for w in words):
            out.append(Row(_value(r, "s"), label, _value(r, "type")))
    return out[:limit]


@dataclass
class Statement:
    predicate: str
    predicate_label: str
    value: object            # NamedNode or Literal
    value_label: str | None
    reports: list[str] = field(default_factory=list)


@dataclass
class Description:
    iri: str
    label: str | None
    types: list[str]
    outgoing: list[Statement]
    incoming: list[Statement]
    reports: list[Row]

    @property
    def exists(self) -> bool:
        return bool(self.outgoing or self.incoming)


def _label_pattern(var: str, out: str, lang: str) -> str:
    return (f'OPTIONAL {{ {var} skos:prefLabel ?{out}_a FILTER(LANG(?{out}_a) = "{lang}") }} '
            f'OPTIONAL {{ {var} skos:prefLabel ?{out}_b FILTER(LANG(?{out}_b) = "pl" || LANG(?{out}_b) = "") }} '
            f'OPTIONAL {{ {var} rdfs:label ?{out}_c FILTER(LANG(?{out}_c) = "{lang}") }} '
            f'BIND(COALESCE(?{out}_a, ?{out}_b, ?{out}_c) AS ?{out})')


def describe(store: Store, iri: str, *, lang: str = "pl", incoming_limit: int = 500) -> Description:
    node = str(NamedNode(iri))
    out_rows = store.select(PREFIXES + f"""
SELECT ?p ?o (SAMPLE(?pl) AS ?plabel) (SAMPLE(?ol) AS ?olabel) (GROUP_CONCAT(DISTINCT STR(?g); SEPARATOR=" ") AS ?graphs) WHERE {{
  GRAPH ?g {{ {node} ?p ?o }}
  OPTIONAL {{ ?p rdfs:label ?pl FILTER(LANG(?pl) = "{lang}") }}
  {_label_pattern("?o", "ol", lang)}
}} GROUP BY ?p ?o""")
    in_rows = store.select(PREFIXES + f"""
SELECT ?s ?p (SAMPLE(?pl) AS ?plabel) (SAMPLE(?sl) AS ?slabel) (GROUP_CONCAT(DISTINCT STR(?g); SEPARATOR=" ") AS ?graphs) WHERE {{
  GRAPH ?g {{ ?s ?p {node} }}
  FILTER(?p != dct:isReferencedBy || ?s != {node})
  OPTIONAL {{ ?p rdfs:label ?pl FILTER(LANG(?pl) = "{lang}") }}
  {_label_pattern("?s", "sl", lang)}
}} GROUP BY ?s ?p LIMIT {int(incoming_limit)}""")

    def statement(row, value_key, label_key):
        # The entities graph holds identity statements (types, names): not a report behind them.
        graphs = [g for g in (_value(row, "graphs") or "").split() if not is_entities_graph(g)]
        return Statement(row["p"].value, _value(row, "plabel") or "", row[value_key],
                         _value(row, label_key), graphs)

    outgoing = [statement(r, "o", "olabel") for r in out_rows]
    incoming = [statement(r, "s", "slabel") for r in in_rows]
    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    types = sorted({s.value.value for s in outgoing if s.predicate == rdf_type})
    label = next((s.value.value for s in outgoing
                  if s.predicate == "http://www.w3.org/2004/02/skos/core#prefLabel"
                  and isinstance(s.value, Literal) and s.value.language in (lang, "pl", None)), None)
    graphs = sorted({g for s in outgoing + incoming for g in s.reports})
    reports = report_rows(store, graphs)
    order = {"http://www.w3.org/1999/02/22-rdf-syntax-ns#type": 0,
             "http://www.w3.org/2004/02/skos/core#prefLabel": 1}
    outgoing.sort(key=lambda s: (order.get(s.predicate, 2), s.predicate_label or s.predicate, s.value_label or s.value.value))
    incoming.sort(key=lambda s: (s.predicate_label or s.predicate, s.value_label or s.value.value))
    return Description(iri, label, types, outgoing, incoming, reports)


def report_rows(store: Store, graphs: list[str]) -> list[Row]:
    if not graphs:
        return []
    values = " ".join(str(NamedNode(g)) for g in graphs)
    rows = store.select(PREFIXES + f"""
SELECT ?r (SAMPLE(?t) AS ?title) (SAMPLE(?d) AS ?date) WHERE {{
  VALUES ?r {{ {values} }} OPTIONAL {{ ?r dct:title ?t }} OPTIONAL {{ ?r dct:issued ?d }}
}} GROUP BY ?r ORDER BY ?date""")
    return [Row(_value(r, "r"), _value(r, "title") or _value(r, "r"), _value(r, "date") or "") for r in rows]


# ---------------------------------------------------------------------------------------------
# Facets, timeline and map over the top-level events
# ---------------------------------------------------------------------------------------------

THEME_NS = f"{PROJECT}theme/"
FACETS = ("year", "theme", "place", "voivodeship", "organiser", "patron")
TOP_EVENT = "?e a schema:Event . FILTER NOT EXISTS { ?e kg:partOf ?parent }"


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


def _iris(values) -> str:
    return " ".join(str(NamedNode(v)) for v in values)


def _literals(values) -> str:
    return ", ".join(str(Literal(v)) for v in values)


def filter_patterns(filters: Filters, base: str) -> str:
    """Graph patterns restricting ?e to events that match `filters` (all lookups by key)."""
    from service.web.gazetteer import places_in
    parts = [TOP_EVENT]
    if filters.year:
        parts.append(f"?e schema:startDate ?f_year . FILTER(SUBSTR(STR(?f_year), 1, 4) IN ({_literals(filters.year)}))")
    if filters.month:
        parts.append(f"?e schema:startDate ?f_month . FILTER(SUBSTR(STR(?f_month), 1, 7) IN ({_literals(filters.month)}))")
    if filters.theme:
        parts.append(f"VALUES ?f_theme {{ {_iris(THEME_NS + t for t in filters.theme)} }} ?e dct:subject ?f_theme .")
    if filters.place:
        parts.append(f"VALUES ?f_place {{ {_iris(f'{base}/id/place/{p}' for p in filters.place)} }} ?e schema:location ?f_place .")
    if filters.voivodeship:
        places = [f"{base}/id/place/{p}" for v in filters.voivodeship for p in places_in(v)]
        parts.append(f"VALUES ?f_voiv {{ {_iris(places)} }} ?e schema:location ?f_voiv .")
    if filters.organiser:
        parts.append(f"VALUES ?f_org {{ {_iris(f'{base}/id/{o}' for o in filters.organiser)} }} ?e schema:organizer ?f_org .")
    if filters.patron:
        parts.append(f"VALUES ?f_pat {{ {_iris(f'{base}/id/{o}' for o in filters.patron)} }} ?e kg:patron ?f_pat .")
    return "\n  ".join(parts)


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


def facet_counts(store: Store, filters: Filters, base: str, *, lang: str = "pl",
                 limit: int = 60) -> dict[str, list[FacetValue]]:
    """For each facet, its values with the number of matching events, counted under every
    other chosen filter (so choosing a value shows what combining it would give)."""
    from service.web.gazetteer import localities, voivodeships
    out: dict[str, list[FacetValue]] = {}
    for facet in FACETS:
        where = filter_patterns(filters.without(facet), base)
        if facet == "year":
            dim, label = "?e schema:startDate ?d . BIND(SUBSTR(STR(?d), 1, 4) AS ?v)", "BIND(?v AS ?l)"
        elif facet == "voivodeship":
            pairs = " ".join(f'({NamedNode(f"{base}/id/place/{s}")} "{loc.voivodeship}")'
                             for s, loc in localities().items() if loc.voivodeship)
            dim, label = f"?e schema:location ?pl . VALUES (?pl ?v) {{ {pairs} }}", "BIND(?v AS ?l)"
        else:
            predicate = {"theme": "dct:subject", "place": "schema:location",
                         "organiser": "schema:organizer", "patron": "kg:patron"}[facet]
            dim = f"?e {predicate} ?v ."
            if facet == "place":
                dim += " FILTER NOT EXISTS { ?v a schema:Place }"
            label = _label_pattern("?v", "l", lang)
        rows = store.select(PREFIXES + f"""
SELECT ?v (COUNT(DISTINCT ?e) AS ?n) (SAMPLE(?l) AS ?label) WHERE {{
  {where}
  {dim}
  {label}
}} GROUP BY ?v ORDER BY DESC(?n) LCASE(STR(?label)) LIMIT {int(limit)}""")
        chosen = set(getattr(filters, facet))
        values = []
        for r in rows:
            raw = _value(r, "v")
            key = raw if facet in ("year", "voivodeship") else _key_of(raw, base, facet)
            if key is None:
                continue
            text = _value(r, "label") or key
            if facet == "voivodeship":
                v = voivodeships().get(key)
                text = (v.pl if lang == "pl" else v.en) if v else key
            values.append(FacetValue(key, text, int(_value(r, "n")), key in chosen))
        if facet == "year":
            values.sort(key=lambda v: v.key, reverse=True)
        out[facet] = values
    return out


def count_events(store: Store, filters: Filters, base: str) -> int:
    rows = store.select(PREFIXES + f"SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{ {filter_patterns(filters, base)} }}")
    return int(rows[0]["n"].value) if rows else 0


def filtered_events(store: Store, filters: Filters, base: str, *, limit: int, offset: int = 0,
                    lang: str = "pl") -> list[EventRow]:
    rows = store.select(PREFIXES + f"""
SELECT ?e (SAMPLE(?l) AS ?label) (MIN(?s) AS ?start) (MAX(?en) AS ?end)
       (GROUP_CONCAT(DISTINCT ?pl; SEPARATOR=", ") AS ?places)
WHERE {{
  {filter_patterns(filters, base)}
  ?e skos:prefLabel ?l .
  OPTIONAL {{ ?e schema:startDate ?s }} OPTIONAL {{ ?e schema:endDate ?en }}
  OPTIONAL {{ ?e schema:location ?p . ?p skos:prefLabel ?pl . FILTER NOT EXISTS {{ ?p a schema:Place }} }}
}} GROUP BY ?e ORDER BY DESC(STR(?start)) ?label LIMIT {int(limit)} OFFSET {int(offset)}""")
    return [EventRow(_value(r, "e"), _value(r, "label"), _value(r, "start"), _value(r, "end"),
                     _value(r, "places") or "") for r in rows]


@dataclass
class PlacePoint:
    key: str
    iri: str
    label: str
    count: int
    lat: float | None
    lon: float | None
    voivodeship: str = ""


def event_places(store: Store, filters: Filters, base: str, *, lang: str = "pl") -> list[PlacePoint]:
    """Localities of the matching events, with counts and coordinates (the graph's, else the
    gazetteer's)."""
    from service.web.gazetteer import localities
    rows = store.select(PREFIXES + f"""
SELECT ?p (COUNT(DISTINCT ?e) AS ?n) (SAMPLE(?l) AS ?label) (SAMPLE(?la) AS ?lat) (SAMPLE(?lo) AS ?lon) WHERE {{
  {filter_patterns(filters, base)}
  ?e schema:location ?p . FILTER NOT EXISTS {{ ?p a schema:Place }}
  ?p skos:prefLabel ?l .
  OPTIONAL {{ ?p schema:latitude ?la ; schema:longitude ?lo }}
}} GROUP BY ?p ORDER BY DESC(?n) ?label""")
    gaz = localities()
    out = []
    for r in rows:
        iri = _value(r, "p")
        key = _key_of(iri, base, "place") or iri
        lat, lon = _value(r, "lat"), _value(r, "lon")
        loc = gaz.get(key)
        try:
            lat, lon = (float(lat), float(lon)) if lat is not None and lon is not None else (None, None)
        except ValueError:
            lat = lon = None
        if lat is None and loc:
            lat, lon = loc.lat, loc.lon
        out.append(PlacePoint(key, iri, _value(r, "label"), int(_value(r, "n")), lat, lon,
                              loc.voivodeship if loc else ""))
    return out
