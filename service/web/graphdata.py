"""The SPARQL behind the pages: counts, lists, search, one entity's description.

Every function takes the store and returns plain Python data for a template.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from pyoxigraph import Literal, NamedNode

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


def events(store: Store, *, limit: int, offset: int = 0) -> list[EventRow]:
    rows = store.select(PREFIXES + f"""
SELECT ?e (SAMPLE(?l) AS ?label) (MIN(?s) AS ?start) (MAX(?en) AS ?end)
       (GROUP_CONCAT(DISTINCT ?pl; SEPARATOR=", ") AS ?places)
WHERE {{
  ?e a schema:Event ; skos:prefLabel ?l .
  FILTER NOT EXISTS {{ ?e kg:partOf ?parent }}
  OPTIONAL {{ ?e schema:startDate ?s }} OPTIONAL {{ ?e schema:endDate ?en }}
  OPTIONAL {{ ?e schema:location ?p . ?p skos:prefLabel ?pl . FILTER NOT EXISTS {{ ?p a schema:Place }} }}
}} GROUP BY ?e ORDER BY DESC(STR(?start)) ?label LIMIT {int(limit)} OFFSET {int(offset)}""")
    return [EventRow(_value(r, "e"), _value(r, "label"), _value(r, "start"), _value(r, "end"),
                     _value(r, "places") or "") for r in rows]


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
        return Statement(row["p"].value, _value(row, "plabel") or "", row[value_key],
                         _value(row, label_key), (_value(row, "graphs") or "").split())

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
