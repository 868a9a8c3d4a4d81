"""Validation of a batch of reports at ingest speed, with pySHACL's verdicts and messages.

    violations = validate_batch({graph_iri: quads, ...})   # {graph_iri: [Violation, ...]}

pySHACL costs 30-75 ms a report (bench/README.md), which caps ingest far below the store's
loading rate. Here each report is first checked by a fast check built from the same shapes:

1. the core constraints, compiled to Python at start (`service.shacl_compile`), over an index of
   the report's own triples;
2. the shapes' SPARQL constraints (the same queries `validate_quads` runs), once per batch over
   an in-memory Oxigraph store that holds each report in a named graph of its own: its report
   graph and its identity quads, which the real store shares between reports but which are
   judged here, as by `validate_quads`, as part of the report alone;
3. `validate_quads`' own checks: no statement in another graph, a report node typed schema:Report.

A report the fast check flags is then validated by pySHACL (`validate_quads`), whose violations
are the answer, messages and all; a report it passes is accepted. The fast check errs only
towards flagging (`service.shacl_compile`), so a flag pySHACL clears costs time, never a verdict.
If the shapes use a construct the compiler does not know, every report goes to pySHACL (and a
log line says why).
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Mapping, Sequence

import pyoxigraph as ox

from service.mapping import Mapped
from service.mapping.vocab import RDF
from service.shacl_compile import Plan, ReportIndex, Unsupported, compile_shapes
from service.validate import (
    SCHEMA_REPORT, Violation, _entities_graph_of, _sparql_constraints, shapes_graph, validate_quads,
)

log = logging.getLogger(__name__)

_REPORT_CLASS = ox.NamedNode(str(SCHEMA_REPORT))
_TYPE = RDF.type.value
_GRAPH_VAR = "_report_graph"
#: A SHACL SELECT this module can run inside GRAPH ?g: a plain projection and one group pattern.
_SIMPLE_SELECT = re.compile(r"^\s*SELECT\s+(?:DISTINCT\s+)?(?:[?$]\w+\s+)+WHERE\s*\{(.*)\}\s*$",
                            re.DOTALL | re.IGNORECASE)
#: Words that would change what "a row for this report" means inside GRAPH ?g: other graphs,
#: services, subqueries (Oxigraph evaluates a subquery inside GRAPH ?g on every graph, 0.5.x),
#: grouping, limits.
_NOT_INLINED = re.compile(r"\b(GRAPH|SERVICE|FROM|NAMED|SELECT|GROUP|HAVING|LIMIT|OFFSET|VALUES)\b",
                          re.IGNORECASE)


@dataclass(frozen=True)
class FastCheck:
    plan: Plan
    queries: tuple[str, ...]          # one per SPARQL constraint: the report graphs it flags
    sparql_predicates: frozenset | None  # what those queries read (None: every predicate)
    #: the classes those queries ask rdf:type for (None: any): other type quads stay out too
    sparql_types: frozenset | None = None

    @cached_property
    def _predicate_iris(self) -> frozenset | None:
        """`sparql_predicates` as str, as the index has them: a quad's predicate is hashed once."""
        return None if self.sparql_predicates is None else frozenset(p.value for p in self.sparql_predicates)

    def for_sparql(self, p: str, o) -> bool:
        """Whether a statement (predicate IRI `p`) goes to the batch store the SPARQL constraints read."""
        keep, types = self._predicate_iris, self.sparql_types
        return keep is None or (p in keep and (types is None or p != _TYPE or o in types))


def _per_graph_query(constraint) -> str:
    """A constraint's query as one over every report graph: `SELECT DISTINCT ?g` of the graphs
    where it finds a row. The SHACL SELECT is inlined (its group pattern joined with the targets
    inside GRAPH ?g), which finds a row exactly where the query `validate_quads` runs does."""
    match = _SIMPLE_SELECT.match(constraint.select)
    if not match or _NOT_INLINED.search(match.group(1)):
        raise Unsupported(f"{constraint.shape}: a SPARQL constraint other than one plain SELECT")
    targets = " UNION ".join(
        f"{{ ?this <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{c}> }}" for c in constraint.targets)
    query = (f"{constraint.prefixes}\nSELECT DISTINCT ?{_GRAPH_VAR} WHERE {{ GRAPH ?{_GRAPH_VAR} "
             f"{{ {{ {targets} }} {{ {match.group(1)} }} }} }}")
    try:
        ox.Store().query(query)
    except SyntaxError as error:
        raise Unsupported(f"{constraint.shape}: its SPARQL constraint, rewritten, does not parse: {error}")
    return query


def _predicates_read(query: str) -> tuple[frozenset | None, frozenset | None]:
    """Every IRI in `query` (a superset of the predicates it reads), or None when a triple
    pattern has a variable or a path as predicate, or the query cannot be analysed: only
    quads with those predicates need go to the batch store. And the classes of its rdf:type
    patterns, or None when one has a variable object: other type quads cannot match."""
    from rdflib import URIRef
    from rdflib.paths import Path
    from rdflib.plugins.sparql import prepareQuery

    try:
        algebra = prepareQuery(query).algebra
    except Exception:  # noqa: BLE001 (rdflib's parser raises many kinds; then load everything)
        return None, None
    found: set = set()
    types: set | None = set()

    def visit(node, depth: int = 0) -> bool:
        nonlocal types
        if depth > 200 or isinstance(node, Path):
            return False
        if isinstance(node, URIRef):
            found.add(ox.NamedNode(str(node)))
        elif isinstance(node, dict):
            # BGPs hold triples; the parse tree left in NOT EXISTS holds flat lists s p o s p o …
            for triples in dict.get(node, "triples") or ():  # (CompValue.get is not dict.get)
                if len(triples) % 3 or not all(isinstance(p, URIRef) for p in triples[1::3]):
                    return False
                for p, o in zip(triples[1::3], triples[2::3]):
                    if types is not None and str(p) == RDF.type.value:
                        types = types | {ox.NamedNode(str(o))} if isinstance(o, URIRef) else None
            return all(visit(v, depth + 1) for v in dict.values(node))
        elif isinstance(node, (list, tuple, set, frozenset)):
            return all(visit(v, depth + 1) for v in node)
        return True

    if not visit(algebra):
        return None, None
    return frozenset(found), None if types is None else frozenset(types)


def build_check(shapes, sparql_constraints) -> FastCheck | None:
    """The fast check of a shapes graph and its SPARQL constraints (`validate._sparql_constraints`),
    or None when they use a construct not compiled (logged: pySHACL then validates every report)."""
    try:
        plan = compile_shapes(shapes)
        queries, predicates, types = [], set(), set()
        for constraint in sparql_constraints:
            queries.append(_per_graph_query(constraint))
            read, classes = _predicates_read(queries[-1])
            predicates = None if read is None or predicates is None else predicates | read
            types = None if classes is None or types is None else types | classes
    except Unsupported as error:
        log.warning("fast SHACL check off, pySHACL validates every report: %s", error)
        return None
    return FastCheck(plan, tuple(queries), None if predicates is None else frozenset(predicates),
                     None if predicates is None or types is None else frozenset(types))


@lru_cache(maxsize=1)
def fast_check() -> FastCheck | None:
    """The fast check of ontology/shapes.ttl, compiled once."""
    return build_check(shapes_graph(), _sparql_constraints())


_SHAPES = object()


def flagged(reports: Mapping[str, Sequence[ox.Quad]], check=_SHAPES) -> dict[str, str]:
    """The reports the fast check cannot pass, each with why (a superset of those pySHACL
    rejects). `reports`: graph IRI → the report's quads as `map_record` returns them;
    `check`: `fast_check()` unless given (None: every report is flagged)."""
    if check is _SHAPES:
        check = fast_check()
    if check is None:
        return {graph: "no fast check" for graph in reports}
    found: dict[str, str] = {}
    batch: list[ox.Quad] = []
    plan = check.plan
    for graph_iri, quads in reports.items():
        own = ox.NamedNode(graph_iri)
        index = ReportIndex()
        add = plan.adder(index)
        if isinstance(quads, Mapped) and quads.own and quads.own[0].graph_name == own:
            _add_mapped(quads, own, add, check.for_sparql, batch)
        else:
            problem = _add_quads(quads, own, _entities_graph_of(graph_iri), add, check.for_sparql, batch)
            if problem:
                found.setdefault(graph_iri, problem)
        if _REPORT_CLASS not in index.types(own):
            found.setdefault(graph_iri, "no report node typed schema:Report")
        failure = plan.first_failure(index)
        if failure:
            found.setdefault(graph_iri, f"may fail {failure}")
    if check.queries and batch:
        store = ox.Store()
        store.bulk_extend(batch)
        for query in check.queries:
            for row in store.query(query):
                found.setdefault(row[_GRAPH_VAR].value, "may fail a SPARQL constraint")
    return found


def _add_quads(quads, own, entities: str | None, add, for_sparql, batch: list) -> str | None:
    """One pass over a report's quads: graphs checked, the index, the quads for the SPARQL
    constraints (each in the report's graph); a statement in another graph is why it fails."""
    allowed = {entities or "", ""}   # the entities graph, the default graph (value "")
    problem = None
    for quad in quads:
        s, p, o, graph = quad.subject, quad.predicate, quad.object, quad.graph_name
        mine = graph == own
        if not mine and getattr(graph, "value", "") not in allowed:
            problem = problem or f"a statement in another graph {graph}"
            continue
        iri = p.value
        add(s, iri, o)
        if for_sparql(iri, o):
            batch.append(quad if mine else ox.Quad(s, p, o, own))
    return problem


def _add_mapped(mapped: Mapped, own, add, for_sparql, batch: list) -> None:
    """`_add_quads` for what the mapping gave, whose graphs are known: its own quads in the
    report's graph (the first one checked), its identity blocks in the entities graph. The
    mapping keeps every statement's terms (`Mapped.statements`, `IdentityBlock.statements`), so
    no quad is taken apart here, however often its entity recurs."""
    for quad, (s, _, o, p) in zip(mapped.own, mapped.statements):
        add(s, p, o)
        if for_sparql(p, o):
            batch.append(quad)
    for block in mapped.blocks:
        for s, predicate, o, p in block.statements:
            add(s, p, o)
            if for_sparql(p, o):
                batch.append(ox.Quad(s, predicate, o, own))


def validate_batch(reports: Mapping[str, Sequence[ox.Quad]]) -> dict[str, list[Violation]]:
    """The violations of every report (an empty list when it conforms), as `validate_quads`
    gives them; pySHACL runs only on the reports the fast check flags."""
    suspects = flagged(reports)
    return {graph: validate_quads(graph, quads) if graph in suspects else []
            for graph, quads in reports.items()}
