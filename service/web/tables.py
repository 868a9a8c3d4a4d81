"""The CSV tables of the dumps: one SPARQL SELECT per table, columns fixed and documented.

Columns never change order or name (docs/open-data.md lists them); a multi-valued cell joins its
values with " | " in sorted order. Every table is read from the dataset's graphs only.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Iterator

from pyoxigraph import Literal

from service.store import Store
from service.web.graphdata import PREFIXES
from service.web.opendata import data_graph_filter

SEP = " | "


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[str, ...]
    query: str  # `{data}` is replaced by the FILTER that keeps the dataset's graphs

    def sparql(self, base: str) -> str:
        return PREFIXES + self.query.replace("{data}", data_graph_filter(base))


def _joined(var: str, pattern: str, value: str, key: str = "?s") -> str:
    """An OPTIONAL subquery giving `var`: the sorted, " | "-joined values of `value` per `key`."""
    return (f"OPTIONAL {{ SELECT {key} (GROUP_CONCAT(DISTINCT STR({value}); SEPARATOR=\"{SEP}\") AS {var}) "
            f"WHERE {{ {{ SELECT DISTINCT {key} {value} WHERE {{ {pattern} }} ORDER BY STR({value}) }} }} GROUP BY {key} }}")


def _single(var: str, aggregate: str, pattern: str, value: str = "?_v") -> str:
    """An OPTIONAL subquery giving `var`: one value of `value` per ?s, by `aggregate` (SAMPLE, MIN…)."""
    return f"OPTIONAL {{ SELECT ?s ({aggregate}({value}) AS {var}) WHERE {{ {pattern} }} GROUP BY ?s }}"


_LABEL = "skos:prefLabel"
_PL = 'FILTER(LANG(?_l) = "pl" || LANG(?_l) = "")'
_THEME_IDS = '?s dct:subject ?_t . BIND(STRAFTER(STR(?_t), "/theme/") AS ?_v)'
_REPORTS = "?s dct:isReferencedBy ?_r . ?_r a foaf:Document"

EVENTS = Table("events", (
    "iri", "name", "start_date", "end_date", "kind", "edition", "motto", "places", "venues",
    "part_of", "participant_count", "participant_count_qualifier", "themes", "organisers",
    "partners", "patrons", "reports",
), f"""
SELECT ?s ?name ?start ?end ?kind ?edition ?motto ?places ?venues ?part_of ?count ?qualifier
       ?themes ?organisers ?partners ?patrons ?reports WHERE {{
  {{ SELECT DISTINCT ?s WHERE {{ GRAPH ?g {{ ?s a schema:Event }} {{data}} }} }}
  {_single("?name", "SAMPLE", f"?s {_LABEL} ?_l {_PL}", "?_l")}
  {_single("?start", "MIN", "?s schema:startDate ?_d", "STR(?_d)")}
  {_single("?end", "MAX", "?s schema:endDate ?_d", "STR(?_d)")}
  {_single("?kind", "SAMPLE", "?s kg:eventKind ?_k", 'STRAFTER(STR(?_k), "/kind/")')}
  {_single("?edition", "MIN", "?s cv:eventNumber ?_n", "?_n")}
  {_single("?motto", "SAMPLE", "?s kg:motto ?_m", "?_m")}
  {_single("?part_of", "SAMPLE", "?s kg:partOf ?_p", "?_p")}
  {_single("?count", "MAX", "?s kg:participantCount ?_c", "?_c")}
  {_single("?qualifier", "SAMPLE", "?s kg:participantCountQualifier ?_q", "?_q")}
  {_joined("?places", f"?s schema:location ?_o . ?_o {_LABEL} ?_l . FILTER NOT EXISTS {{ ?_o a schema:Place }}", "?_l")}
  {_joined("?venues", f"?s schema:location ?_o . ?_o a schema:Place ; {_LABEL} ?_l .", "?_l")}
  {_joined("?themes", _THEME_IDS, "?_v")}
  {_joined("?organisers", f"?s schema:organizer ?_o . ?_o {_LABEL} ?_l {_PL}", "?_l")}
  {_joined("?partners", f"?s kg:partner ?_o . ?_o {_LABEL} ?_l {_PL}", "?_l")}
  {_joined("?patrons", f"?s kg:patron ?_o . ?_o {_LABEL} ?_l {_PL}", "?_l")}
  {_joined("?reports", _REPORTS, "?_r")}
}} ORDER BY ?s""")

ORGANISATIONS = Table("organisations", (
    "iri", "name", "alt_names", "places", "events_organised", "reports",
), f"""
SELECT ?s ?name ?alt ?places ?organised ?reports WHERE {{
  {{ SELECT DISTINCT ?s WHERE {{ GRAPH ?g {{ ?s a org:Organization }} {{data}} }} }}
  {_single("?name", "SAMPLE", f"?s {_LABEL} ?_l {_PL}", "?_l")}
  {_joined("?alt", "?s skos:altLabel ?_l", "?_l")}
  {_joined("?places", f"?s kg:place ?_p . ?_p {_LABEL} ?_l", "?_l")}
  OPTIONAL {{ SELECT ?s (COUNT(DISTINCT ?_e) AS ?organised) WHERE {{ ?_e schema:organizer ?s }} GROUP BY ?s }}
  {_joined("?reports", _REPORTS, "?_r")}
}} ORDER BY ?s""")

PEOPLE = Table("people", (
    "iri", "name", "given_name", "family_name", "honorific_prefix", "posts", "organisations",
    "reports",
), f"""
SELECT ?s ?name ?given ?family ?honorific ?posts ?orgs ?reports WHERE {{
  {{ SELECT DISTINCT ?s WHERE {{ GRAPH ?g {{ ?s a person:Person }} {{data}} }} }}
  {_single("?name", "SAMPLE", "?s foaf:name ?_l", "?_l")}
  {_single("?given", "SAMPLE", "?s foaf:givenName ?_l", "?_l")}
  {_single("?family", "SAMPLE", "?s foaf:familyName ?_l", "?_l")}
  {_single("?honorific", "SAMPLE", "?s schema:honorificPrefix ?_l", "?_l")}
  {_joined("?posts", f"?s org:holds ?_p . ?_p {_LABEL} ?_l {_PL}", "?_l")}
  {_joined("?orgs", f"?s a person:Person ; org:memberOf|(org:holds/org:postIn) ?_o . ?_o {_LABEL} ?_l {_PL}", "?_l")}
  {_joined("?reports", _REPORTS, "?_r")}
}} ORDER BY ?s""")

PATRONAGES = Table("patronages", (
    "participation", "event", "event_name", "event_start_date", "role", "patron", "patron_name",
    "patron_person", "patron_person_name", "reports",
), f"""
SELECT ?s ?event ?event_name ?start ?role ?patron ?patron_name ?person ?person_name ?reports WHERE {{
  {{ SELECT ?s ?event ?role ?patron (SAMPLE(?_p) AS ?person) (SAMPLE(?_pl) AS ?person_name) WHERE {{
      GRAPH ?g {{ ?s a cv:Participation ; cv:role ?_r ; kg:inEvent ?event ; cv:hasParticipant ?patron }} {{data}}
      FILTER(STRENDS(STR(?_r), "patron"))
      BIND(STRAFTER(STR(?_r), "/role/") AS ?role)
      OPTIONAL {{ ?s kg:patronPerson ?_p OPTIONAL {{ ?_p {_LABEL} ?_pl FILTER(LANG(?_pl) = "pl" || LANG(?_pl) = "") }} }}
  }} GROUP BY ?s ?event ?role ?patron }}
  OPTIONAL {{ SELECT ?event (SAMPLE(?_l) AS ?event_name) WHERE {{ ?event {_LABEL} ?_l {_PL} }} GROUP BY ?event }}
  OPTIONAL {{ SELECT ?event (MIN(STR(?_d)) AS ?start) WHERE {{ ?event schema:startDate ?_d }} GROUP BY ?event }}
  OPTIONAL {{ SELECT ?patron (SAMPLE(?_l) AS ?patron_name) WHERE {{ ?patron {_LABEL} ?_l {_PL} }} GROUP BY ?patron }}
  {_joined("?reports", "GRAPH ?_r { ?s a cv:Participation }", "?_r")}
}} ORDER BY ?event ?role ?s""")

TABLES = {t.name: t for t in (EVENTS, ORGANISATIONS, PEOPLE, PATRONAGES)}


def _cell(term) -> str:
    if term is None:
        return ""
    return term.value if isinstance(term, Literal) else term.value


def rows(store: Store, table: Table, base: str) -> Iterator[list[str]]:
    """The table's rows, as the store's query yields them."""
    result = store.query(table.sparql(base))
    names = [v.value for v in result.variables]
    for solution in result:
        yield [_cell(solution[n]) for n in names]


def csv_chunks(store: Store, table: Table, base: str, *, rows_per_chunk: int = 200) -> Iterator[bytes]:
    """The table as UTF-8 CSV (header first), a few hundred rows per chunk."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(table.columns)
    pending = 1
    for row in rows(store, table, base):
        writer.writerow(row)
        pending += 1
        if pending >= rows_per_chunk:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    yield buffer.getvalue().encode("utf-8")
