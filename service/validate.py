"""Check a report's graph against the SHACL shapes (ontology/shapes.ttl) with pySHACL.

    violations = validate_quads(graph_iri, quads)   # [] when the graph conforms

The shapes are parsed once and kept. No inference is run and the ontology is not mixed in: the
mapping writes every type the shapes look for, so RDFS reasoning would only cost time.
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import rdflib
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, SH

from service.mapping.vocab import PREFIXES

ONTOLOGY_DIR = Path(__file__).resolve().parent.parent / "ontology"
SHAPES_FILE = ONTOLOGY_DIR / "shapes.ttl"

SCHEMA_REPORT = URIRef("http://schema.org/Report")

#: namespace → "prefix:" for messages: the project's prefixes, and those of the shapes.
_PREFIXES = {namespace: f"{prefix}:" for prefix, namespace in {
    **PREFIXES, "kgsh": "https://w3id.org/konferencje-kg/shapes#", "sh": "http://www.w3.org/ns/shacl#",
}.items()}


def short(term) -> str:
    """A readable form of a term: prefixed name, `event/slug` for instances, quoted literal."""
    if term is None:
        return ""
    if isinstance(term, Literal):
        text = str(term)
        if term.language:
            return f'"{text}"@{term.language}'
        if term.datatype:
            return f'"{text}"^^{short(URIRef(term.datatype))}'
        return f'"{text}"'
    if isinstance(term, BNode):
        return "_:" + str(term)
    value = str(term)
    for namespace, prefix in _PREFIXES.items():
        if value.startswith(namespace):
            return prefix + value[len(namespace):]
    if "/id/" in value:
        return value.split("/id/", 1)[1]
    return f"<{value}>"


@dataclass(frozen=True)
class Violation:
    """One failed rule: in which report, on which node, for which property, and why."""
    report: str            # the report graph's IRI
    focus: str             # the node that failed (IRI, or _:b for a blank node)
    path: str | None       # the property (or path) checked, as an IRI or a SHACL path text
    constraint: str        # the constraint component, e.g. sh:MinCountConstraintComponent
    message: str
    shape: str | None = None
    value: str | None = None   # the offending value, readable
    severity: str = "Violation"

    def __str__(self) -> str:
        where = short(URIRef(self.focus)) if not self.focus.startswith("_:") else self.focus
        prop = f" {short(URIRef(self.path))}" if self.path and "://" in self.path else (
            f" {self.path}" if self.path else "")
        value = f" (value {self.value})" if self.value else ""
        rule = short(URIRef(self.constraint)) if "://" in self.constraint else self.constraint
        return f"{short(URIRef(self.report))}: {where}{prop}: {self.message}{value} [{rule}]"


# --- shapes, parsed once --------------------------------------------------------------------

_lock = threading.Lock()


@lru_cache(maxsize=1)
def shapes_graph() -> rdflib.Graph:
    graph = rdflib.Graph()
    graph.parse(SHAPES_FILE, format="turtle")
    return graph


@lru_cache(maxsize=1)
def _prepared_shapes():
    """pySHACL's parsed shapes (the core constraints), kept so they are not re-read per report.

    The SPARQL-based constraints are taken out: pySHACL re-parses a constraint's query for every
    focus node, which costs ~30 ms each time; `_sparql_constraints` runs them in Oxigraph instead.
    """
    from pyshacl.shapes_graph import ShapesGraph
    core = rdflib.Graph()
    for triple in shapes_graph():
        if triple[1] != SH.sparql:
            core.add(triple)
    shapes = ShapesGraph(core)
    shapes.shapes  # noqa: B018 (parses every shape now, once)
    return shapes


@dataclass(frozen=True)
class _SparqlConstraint:
    shape: str
    targets: tuple[str, ...]   # target classes of the shape
    query: str                 # a SELECT over every focus node at once (?this bound by the target)
    message: str
    prefixes: str = ""         # the query's PREFIX lines
    select: str = ""           # the constraint's own SELECT (service.validate_fast rewrites it)


@lru_cache(maxsize=1)
def _sparql_constraints() -> tuple[_SparqlConstraint, ...]:
    """The shapes' sh:sparql SELECT constraints, each made into one query over all its targets.

    SHACL pre-binds $this to each focus node; here $this (which SPARQL reads as ?this) is bound
    by joining the constraint's query with the shape's targets, so one query finds every
    violation. Only sh:targetClass targets are supported, which is what shapes.ttl uses.
    """
    graph = shapes_graph()
    found = []
    for shape, constraint in graph.subject_objects(SH.sparql):
        if graph.value(constraint, SH.deactivated) == Literal(True):
            continue
        select = str(graph.value(constraint, SH.select))
        prefixes = []
        for declared in graph.objects(graph.value(constraint, SH.prefixes), SH.declare):
            prefixes.append(f"PREFIX {graph.value(declared, SH.prefix)}: <{graph.value(declared, SH.namespace)}>")
        targets = tuple(sorted(str(c) for c in graph.objects(shape, SH.targetClass)))
        if not targets or list(graph.objects(shape, SH.targetNode)) or list(graph.objects(shape, SH.targetSubjectsOf)):
            raise ValueError(f"{shape}: a SPARQL constraint needs a shape with sh:targetClass targets only")
        target_pattern = " UNION ".join(
            f"{{ ?this <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{c}> }}" for c in targets)
        body = select.strip()
        query = "\n".join(prefixes) + f"\nSELECT * WHERE {{ {{ SELECT DISTINCT ?this WHERE {{ {target_pattern} }} }} {{ {body} }} }}"
        message = graph.value(constraint, SH.message) or graph.value(shape, SH.message) or "does not conform"
        found.append(_SparqlConstraint(str(shape), targets, query, str(message), "\n".join(prefixes), body))
    return tuple(found)


def _run_sparql_constraints(graph_iri: str, triples) -> list[Violation]:
    """Run the SPARQL-based constraints over `triples` (pyoxigraph Triples or Quads) in Oxigraph."""
    import pyoxigraph as ox

    store = ox.Store()
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    violations = []
    for constraint in _sparql_constraints():
        solutions = store.query(constraint.query)
        names = {v.value for v in solutions.variables}
        for row in solutions:
            bound = {name: row[name] for name in names if row[name] is not None}

            def text(match: re.Match) -> str:
                term = bound.get(match.group(1))
                return short(_to_rdflib(term)) if term is not None else match.group(0)

            value, path = bound.get("value"), bound.get("path")
            violations.append(Violation(
                report=graph_iri, focus=_node_text(bound["this"]),
                path=path.value if isinstance(path, ox.NamedNode) else None,
                constraint=str(SH.SPARQLConstraintComponent),
                message=re.sub(r"\{[?$](\w+)\}", text, constraint.message),
                shape=constraint.shape,
                value=short(_to_rdflib(value)) if value is not None else None))
    return violations


def _node_text(term) -> str:
    import pyoxigraph as ox
    return ("_:" + term.value) if isinstance(term, ox.BlankNode) else term.value


# --- conversion -----------------------------------------------------------------------------

def _to_rdflib(term):
    """A pyoxigraph term as an rdflib term."""
    import pyoxigraph as ox
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == "http://www.w3.org/2001/XMLSchema#string":
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    if isinstance(term, ox.DefaultGraph):
        return None
    raise TypeError(f"cannot convert {term!r}")


def _entities_graph_of(graph_iri: str) -> str | None:
    """The entities graph beside a report graph `{base}/id/report/…`: its identity quads go there."""
    if "/id/report/" not in graph_iri:
        return None
    from service.mapping import entities_graph
    return entities_graph(graph_iri.split("/id/report/", 1)[0]).value


def _split(graph_iri: str, data) -> tuple[list, list[Violation]]:
    """The pyoxigraph triples of the report graph in `data` (with the report's identity quads,
    in the entities graph), and a violation per stray graph.

    `data` is an iterable of pyoxigraph Quads (or Triples), an rdflib Graph, or an rdflib Dataset
    (whose graph `graph_iri` is taken).
    """
    import pyoxigraph as ox

    if isinstance(data, rdflib.Graph):
        if isinstance(data, rdflib.Dataset):
            data = data.graph(URIRef(graph_iri))
        text = data.serialize(format="nt", encoding="utf-8")
        return list(ox.parse(text, format=ox.RdfFormat.N_TRIPLES)), []
    triples, others = [], set()
    entities = _entities_graph_of(graph_iri)
    for quad in data:
        g = getattr(quad, "graph_name", None)
        if isinstance(g, (ox.NamedNode, ox.BlankNode)) and g.value not in (graph_iri, entities):
            others.add(g.value)
            continue
        triples.append(quad)
    stray = [Violation(
        report=graph_iri, focus=graph_iri, path=None, constraint="kg:OwnGraph",
        message=f"statements in another graph <{other}>: every statement of a report belongs in its own graph")
        for other in sorted(others)]
    return triples, stray


def to_graph(triples) -> rdflib.Graph:
    """pyoxigraph Triples or Quads as an rdflib Graph (graph names dropped)."""
    graph = rdflib.Graph()
    add = graph.add
    for t in triples:
        add((_to_rdflib(t.subject), _to_rdflib(t.predicate), _to_rdflib(t.object)))
    return graph


# --- validation -----------------------------------------------------------------------------

def _run_pyshacl(data: rdflib.Graph):
    """Run pySHACL with the cached shapes; returns the results graph."""
    from pyshacl import Validator
    from pyshacl.graph_abstraction import DataGraph

    with _lock:  # the cached ShapesGraph is shared state inside pySHACL
        validator = Validator(DataGraph.from_rdflib(data), shacl_graph=shapes_graph(),
                              options={"inference": "none", "inplace": True, "allow_warnings": True})
        validator.shacl_graph = _prepared_shapes()
        conforms, results_graph, _text = validator.run()
    return conforms, results_graph


def _path_text(results: rdflib.Graph, path) -> str | None:
    if path is None:
        return None
    if isinstance(path, URIRef):
        return str(path)
    inverse = results.value(path, SH.inversePath)
    if inverse is not None:
        return f"^{short(inverse)}"
    return "a SHACL path"


def validate_quads(graph_iri: str, data, *, warnings: bool = False) -> list[Violation]:
    """The violations of one report graph (empty when it conforms).

    `graph_iri` names the report (its graph and its report node); `data` is its quads
    (pyoxigraph Quads, as `service.mapping.map_record` returns them: the report's graph and its
    identity quads in the entities graph, checked together) or an rdflib Graph.
    With `warnings`, results of severity sh:Warning are included too.
    """
    triples, violations = _split(graph_iri, data)
    graph = to_graph(triples)
    report = URIRef(graph_iri)
    if (report, RDF.type, SCHEMA_REPORT) not in graph:
        violations.append(Violation(
            report=graph_iri, focus=graph_iri, path=str(RDF.type), constraint="kg:ReportNode",
            message="the report node (the graph's own IRI) is missing or is not a schema:Report"))
    conforms, results = _run_pyshacl(graph)
    found = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        severity = results.value(result, SH.resultSeverity)
        if severity != SH.Violation and not warnings:
            continue
        focus = results.value(result, SH.focusNode)
        message = results.value(result, SH.resultMessage)
        value = results.value(result, SH.value)
        component = results.value(result, SH.sourceConstraintComponent)
        shape = results.value(result, SH.sourceShape)
        found.append(Violation(
            report=graph_iri,
            focus=("_:" + str(focus)) if isinstance(focus, BNode) else str(focus),
            path=_path_text(results, results.value(result, SH.resultPath)),
            constraint=str(component) if component is not None else "",
            message=str(message) if message is not None else "does not conform",
            shape=str(shape) if isinstance(shape, URIRef) else None,
            value=short(value) if value is not None else None,
            severity=short(severity).removeprefix("sh:") if severity is not None else "Violation",
        ))
    found.extend(_run_sparql_constraints(graph_iri, triples))
    found.sort(key=lambda v: (v.focus, v.path or "", v.message))
    return violations + found


def validate_graph(graph_iri: str, graph: rdflib.Graph, **kwargs) -> list[Violation]:
    """The same for an rdflib Graph."""
    return validate_quads(graph_iri, graph, **kwargs)
