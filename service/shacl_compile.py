"""The SHACL shapes (ontology/shapes.ttl) compiled into plain Python checks over one report.

    plan = compile_shapes(shapes_graph())      # raises Unsupported for what is not compiled here
    plan.first_failure(plan.index(triples))    # None: pySHACL would find no violation

The fast check (`service.validate_fast`) must never pass a report that pySHACL rejects; a report
flagged here is re-validated by pySHACL, never rejected on this module's word. So every check
is either exact or errs towards flagging:

- Value nodes are compared as pyoxigraph terms; pySHACL sees rdflib terms, which normalise the
  lexical form of typed literals ("01"^^xsd:integer becomes "1"). Terms equal here are equal
  there, never the reverse; so `sh:maxCount`, `sh:in`, `sh:hasValue` and `sh:equals` can only
  flag more, and `sh:minCount` above 1 counts the literals as one.
- Checks on a literal's value (datatype, length, pattern, ranges) run on the very rdflib term
  pySHACL sees (`service.validate._to_rdflib`), with pySHACL's own rules; plain and
  language-tagged strings take a shortcut with the same outcome.
- `sh:class` and class targets look at rdf:type only; a report that states rdfs:subClassOf
  (which pySHACL would follow) is flagged whole (`ReportIndex.subclass`).
- Inside `sh:or`, member shapes are judged strictly (their severity ignored), which can only
  make an `sh:or` fail more often.

SPARQL constraints (sh:sparql) are not compiled here: they run as SPARQL (`validate_fast`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from functools import lru_cache
from types import MappingProxyType
from typing import Callable

import pyoxigraph as ox
import rdflib
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH, XSD

#: Shape parameters that do not constrain anything (or are handled apart: targets, sh:sparql).
NEUTRAL = frozenset({SH.message, SH.severity, SH.deactivated, SH.name, SH.description, SH.order,
                     SH.group, SH.defaultValue, SH.targetClass, SH.property, SH.sparql, SH.path,
                     SH.flags})
#: Targets this compiler does not follow: a shape with one of them is Unsupported.
OTHER_TARGETS = (SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)

_TYPE = str(RDF.type)
_SUBCLASS = str(RDFS.subClassOf)
_XSD_STRING = ox.NamedNode(str(XSD.string))


class Unsupported(ValueError):
    """The shapes use a construct this compiler does not know: validate with pySHACL instead."""


# --- one report's triples -----------------------------------------------------------------

class ReportIndex:
    """The triples of one report (its graph and its identity quads), indexed for the checks.

    `objects[node][predicate]`: the node's values; `subjects[node][predicate]`: the nodes that
    point to it (for the inverse paths a plan reads); `instances[class]`: the nodes typed so.
    Predicates are IRIs as str (strings hash and compare faster than pyoxigraph terms), and a
    node's entries are found with one hash of the node, not one of a (node, predicate) pair per
    lookup. Only the predicates a plan reads are kept (`Plan.predicates`, `Plan.inverse`), and
    rdf:type. Filled by `add` (the caller's one pass over the quads, `service.validate_fast`).
    """
    __slots__ = ("objects", "subjects", "instances", "subclass")

    def __init__(self) -> None:
        self.objects: dict = {}
        self.subjects: dict = {}
        self.instances: dict = {}
        self.subclass = False

    def types(self, node):
        return self.objects.get(node, _NO_NODE).get(_TYPE, _EMPTY)

    def values(self, focus, predicate: str, inverse: bool):
        return (self.subjects if inverse else self.objects).get(focus, _NO_NODE).get(predicate, _EMPTY)


_EMPTY: frozenset = frozenset()
_NO_NODE = MappingProxyType({})   # the entries of a node absent from the index

# A check: (index, focus, value nodes) → True when pySHACL could report a violation.
Check = Callable[[ReportIndex, object, object], bool]


# --- the compiled shapes ------------------------------------------------------------------

@dataclass
class CompiledShape:
    name: str
    path: tuple | None = None          # (predicate, inverse) for a property shape
    checks: list = field(default_factory=list)
    properties: list = field(default_factory=list)
    deactivated: bool = False

    #: whether a check can fail on no value nodes (sh:minCount, sh:hasValue, sh:equals); if not,
    #: a focus node without the property passes at once (most optional properties are absent)
    on_empty: bool = False

    #: sh:property shapes grouped by path: (predicate, inverse, on_empty, checks), so that each
    #: path is looked up once per focus node (`finish`)
    grouped: tuple = ()

    def finish(self) -> "CompiledShape":
        groups: dict = {}
        for prop in self.properties:
            if prop.deactivated or not prop.checks:
                continue
            on_empty, checks = groups.get(prop.path, (False, ()))
            groups[prop.path] = (on_empty or prop.on_empty, checks + tuple(prop.checks))
        self.grouped = tuple((pred, inverse, on_empty, checks)
                             for (pred, inverse), (on_empty, checks) in groups.items())
        return self

    def fails(self, index: ReportIndex, focus) -> bool:
        if self.deactivated:
            return False
        if self.path:
            values = index.values(focus, *self.path)
            if not values and not self.on_empty:
                return False
        else:
            values = (focus,)
        for check in self.checks:
            if check(index, focus, values):
                return True
        objects = index.objects.get(focus, _NO_NODE)
        for predicate, inverse, on_empty, checks in self.grouped:
            values = (index.subjects.get(focus, _NO_NODE) if inverse else objects).get(predicate, _EMPTY)
            if not values and not on_empty:
                continue
            for check in checks:
                if check(index, focus, values):
                    return True
        return False


@dataclass(frozen=True)
class Plan:
    """The compiled shapes with targets: (target classes, shape) pairs, and what they read."""
    targeted: tuple
    predicates: frozenset
    inverse: frozenset

    def index(self, triples) -> ReportIndex:
        """The index of `triples` (pyoxigraph Triples or Quads, graph names ignored)."""
        index = ReportIndex()
        add = self.adder(index)
        for t in triples:
            add(t.subject, t.predicate.value, t.object)
        return index

    def adder(self, index: ReportIndex):
        """add(subject, predicate IRI, object): puts one triple into `index` if the plan reads it."""
        objects, subjects, instances = index.objects, index.subjects, index.instances
        read, inverse = self.predicates | {_TYPE}, self.inverse

        def add(s, p: str, o) -> None:
            if p in read:
                objects.setdefault(s, {}).setdefault(p, set()).add(o)
                if p == _TYPE:
                    instances.setdefault(o, set()).add(s)
            if p in inverse:
                subjects.setdefault(o, {}).setdefault(p, set()).add(s)
            if p == _SUBCLASS:
                index.subclass = True
        return add

    def first_failure(self, index: ReportIndex) -> str | None:
        """The name of a shape some focus node may fail (None: no violation)."""
        if index.subclass:
            return "rdfs:subClassOf in the report (pySHACL follows it; not compiled)"
        for classes, shape in self.targeted:
            focus_nodes = set()
            for cls in classes:
                focus_nodes |= index.instances.get(cls, _EMPTY)
            for focus in focus_nodes:
                if shape.fails(index, focus):
                    return shape.name
        return None


# --- rdflib terms and pySHACL's value rules ----------------------------------------------

@lru_cache(maxsize=1 << 16)
def _rdf(term):
    """The rdflib term pySHACL sees for a pyoxigraph term (the conversion validate_quads uses)."""
    from service.validate import _to_rdflib
    return _to_rdflib(term)


def _ox(term) -> object:
    """A shapes-graph (rdflib) term as pyoxigraph term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is None:
            return ox.Literal(str(term))
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
    raise Unsupported(f"a blank node as a constraint value ({term})")


_ACTUAL = {XSD.integer: int, XSD.float: float, XSD.decimal: Decimal, XSD.boolean: bool,
           XSD.date: date, XSD.time: time, XSD.dateTime: datetime}


def _datatype_ok(v, rule) -> bool:
    """pySHACL's DatatypeConstraintComponent on one rdflib value node."""
    if not isinstance(v, Literal):
        return False
    if v.datatype == rule:
        if getattr(v, "ill_typed", None) is True:
            return False
        return _actual_ok(v, rule)
    if rule == RDFS.Literal:
        return True
    if rule == RDFS.Datatype and v.datatype:
        return True
    if v.datatype is None and v.language is None and rule == XSD.string:
        return _actual_ok(v, rule)
    if rule == RDF.langString and v.language:
        return _actual_ok(v, rule)
    return False


def _actual_ok(v: Literal, rule) -> bool:
    if rule in (XSD.string, RDF.langString):
        return isinstance(v.value, (str, bytes))
    kind = _ACTUAL.get(rule)
    return True if kind is None else isinstance(v.value, kind)


def _string(term) -> str | None:
    """The string pySHACL's string constraints test (None for a blank node, which fails them)."""
    if isinstance(term, ox.Literal):
        if term.language or term.datatype == _XSD_STRING:
            return term.value
        v = _rdf(term)
        return str(v.value) if v.value is not None and v.datatype in (None, RDF.langString, XSD.string) else str(v)
    if isinstance(term, ox.NamedNode):
        return term.value
    return None


# --- constraint components -----------------------------------------------------------------

def _each(ok: Callable[[object], bool]) -> Check:
    """A check that fails when some value node is not `ok`."""
    def check(index, focus, values) -> bool:
        for v in values:
            if not ok(v):
                return True
        return False
    return check


def _min_count(n: int) -> Check:
    if n <= 1:
        return lambda index, focus, values: len(values) < n
    # rdflib may merge literals that differ here: count them as one at most
    return lambda index, focus, values: (
        sum(1 for v in values if not isinstance(v, ox.Literal))
        + any(isinstance(v, ox.Literal) for v in values)) < n


def _class(cls) -> Check:
    def check(index, focus, values) -> bool:
        for v in values:
            if isinstance(v, ox.Literal) or cls not in index.types(v):
                return True
        return False
    return check


def _datatype(rule: URIRef) -> Check:
    if rule == RDF.langString:
        def ok(v) -> bool:
            if isinstance(v, ox.Literal) and v.language:
                return True
            return _datatype_ok(_rdf(v), rule)
    elif rule == XSD.string:
        def ok(v) -> bool:
            if isinstance(v, ox.Literal) and not v.language and v.datatype == _XSD_STRING:
                return True
            return _datatype_ok(_rdf(v), rule)
    else:
        def ok(v) -> bool:
            return _datatype_ok(_rdf(v), rule)
    return _each(ok)


_KINDS = {
    SH.IRI: (ox.NamedNode,), SH.BlankNode: (ox.BlankNode,), SH.Literal: (ox.Literal,),
    SH.BlankNodeOrIRI: (ox.BlankNode, ox.NamedNode), SH.BlankNodeOrLiteral: (ox.BlankNode, ox.Literal),
    SH.IRIOrLiteral: (ox.NamedNode, ox.Literal),
}


def _node_kind(kind) -> Check:
    if kind not in _KINDS:
        raise Unsupported(f"sh:nodeKind {kind}")
    kinds = _KINDS[kind]
    return _each(lambda v: isinstance(v, kinds))


def _language_in(languages: list) -> Check:
    need = {str(lang).lower() for lang in languages}
    wildcard = "*" in need

    def ok(v) -> bool:
        if not isinstance(v, ox.Literal) or not v.language:
            return False
        lang = v.language.lower()
        return wildcard or lang in need or lang.split("-")[0] in need
    return _each(ok)


def _min_length(n: int) -> Check:
    if n == 0:
        return lambda index, focus, values: False

    def ok(v) -> bool:
        text = _string(v)
        return text is not None and len(text) >= n
    return _each(ok)


def _max_length(n: int) -> Check:
    def ok(v) -> bool:
        text = _string(v)
        return text is not None and len(text) <= n
    return _each(ok)


def _pattern(pattern: str, flags) -> Check:
    re_flags = 0
    if flags is not None:
        text = str(flags).lower()
        re_flags |= re.I if "i" in text else 0
        re_flags |= re.M if "m" in text else 0
    matcher = re.compile(pattern, re_flags)

    def ok(v) -> bool:
        text = _string(v)
        return text is not None and matcher.search(text) is not None
    return _each(ok)


_RANGES = {SH.minInclusive: lambda c: c >= 0, SH.maxInclusive: lambda c: c <= 0,
           SH.minExclusive: lambda c: c > 0, SH.maxExclusive: lambda c: c < 0}


def _range(param, bound: Literal) -> Check:
    """pySHACL's value range components: literals of the same kind (string or not) compared."""
    from pyshacl.rdfutil.compare import compare_literal
    passes = _RANGES[param]
    bound_is_string = isinstance(bound.value, str)

    def ok(term) -> bool:
        if not isinstance(term, ox.Literal):
            return False
        v = _rdf(term)
        if isinstance(v.value, str) != bound_is_string:
            return False
        try:
            return passes(compare_literal(v, bound))
        except (TypeError, NotImplementedError):
            return False
    return _each(ok)


def _in(members: list) -> Check:
    allowed = frozenset(_ox(m) for m in members)
    return _each(lambda v: v in allowed)


def _has_value(value) -> Check:
    wanted = _ox(value)
    return lambda index, focus, values: wanted not in values


def _equals(predicate) -> Check:
    def check(index, focus, values) -> bool:
        return set(values) != index.objects.get(focus, _NO_NODE).get(predicate, _EMPTY)
    return check


def _or(members: list) -> Check:
    def ok_for(index, v) -> bool:
        return any(not member.fails(index, v) for member in members)

    def check(index, focus, values) -> bool:
        for v in values:
            if not ok_for(index, v):
                return True
        return False
    return check


# --- the compiler ------------------------------------------------------------------------------

class _Compiler:
    def __init__(self, graph: rdflib.Graph) -> None:
        self.g = graph
        self.predicates: set = set()
        self.inverse: set = set()

    def one(self, node, param):
        values = list(self.g.objects(node, param))
        if len(values) != 1:
            raise Unsupported(f"{node}: {len(values)} values of {param}")
        return values[0]

    def path(self, node) -> tuple:
        path = self.one(node, SH.path)
        if isinstance(path, URIRef):
            self.predicates.add(str(path))
            return str(path), False
        inverse = list(self.g.objects(path, SH.inversePath))
        if (isinstance(path, BNode) and len(inverse) == 1 and isinstance(inverse[0], URIRef)
                and len(set(self.g.predicate_objects(path))) == 1):
            self.inverse.add(str(inverse[0]))
            return str(inverse[0]), True
        raise Unsupported(f"{node}: sh:path {path} (only a property or sh:inversePath of one)")

    def shape(self, node, *, reporting: bool) -> CompiledShape:
        """A shape; with `reporting`, its own checks only if its results would be sh:Violation
        (validate_quads drops the rest); otherwise strict, as a member of sh:or."""
        g = self.g
        name = str(node)
        params = {p for p in g.predicates(node) if str(p).startswith(str(SH))}
        unknown = params - NEUTRAL - set(self.builders)
        if unknown:
            raise Unsupported(f"{name}: {', '.join(sorted(str(p) for p in unknown))}")
        if any((node, t, None) in g for t in OTHER_TARGETS):
            raise Unsupported(f"{name}: a target other than sh:targetClass")
        if g.value(node, SH.deactivated) == Literal(True):
            return CompiledShape(name, deactivated=True)
        shape = CompiledShape(name)
        if SH.path in params:
            shape.path = self.path(node)
        severity = g.value(node, SH.severity) or SH.Violation
        if not reporting or severity == SH.Violation:
            for param in params & set(self.builders):
                for value in g.objects(node, param):
                    shape.checks.append(self.builders[param](self, node, param, value, shape))
                    shape.on_empty |= param in (SH.minCount, SH.hasValue, SH.equals)
        for prop in g.objects(node, SH.property):
            if shape.path is not None:
                raise Unsupported(f"{name}: sh:property on a property shape")
            if not list(g.objects(prop, SH.path)):
                raise Unsupported(f"{name}: sh:property {prop} has no sh:path")
            shape.properties.append(self.shape(prop, reporting=reporting))
        return shape.finish()

    def _count(self, node, param, value, shape) -> Check:
        if shape.path is None:
            raise Unsupported(f"{node}: {param} on a node shape")
        n = int(value)
        return _min_count(n) if param == SH.minCount else (lambda index, focus, values: len(values) > n)

    def _equals(self, node, param, value, shape) -> Check:
        if not isinstance(value, URIRef):
            raise Unsupported(f"{node}: sh:equals {value}")
        self.predicates.add(str(value))
        return _equals(str(value))

    def _or(self, node, param, value, shape) -> Check:
        return _or([self.shape(m, reporting=False) for m in self.g.items(value)])

    def _list(self, node, value) -> list:
        items = list(self.g.items(value))
        if value != RDF.nil and not items:
            raise Unsupported(f"{node}: {value} is not an RDF list")
        return items

    builders = {
        SH.minCount: _count,
        SH.maxCount: _count,
        SH["class"]: lambda self, node, param, value, shape: _class(_ox(value)),
        SH.datatype: lambda self, node, param, value, shape: _datatype(value),
        SH.nodeKind: lambda self, node, param, value, shape: _node_kind(value),
        SH.languageIn: lambda self, node, param, value, shape: _language_in(self._list(node, value)),
        SH["in"]: lambda self, node, param, value, shape: _in(self._list(node, value)),
        SH.hasValue: lambda self, node, param, value, shape: _has_value(value),
        SH["or"]: _or,
        SH.equals: _equals,
        SH.pattern: lambda self, node, param, value, shape: _pattern(str(value), self.g.value(node, SH.flags)),
        SH.minLength: lambda self, node, param, value, shape: _min_length(int(value)),
        SH.maxLength: lambda self, node, param, value, shape: _max_length(int(value)),
        SH.minInclusive: lambda self, node, param, value, shape: _range(param, value),
        SH.maxInclusive: lambda self, node, param, value, shape: _range(param, value),
        SH.minExclusive: lambda self, node, param, value, shape: _range(param, value),
        SH.maxExclusive: lambda self, node, param, value, shape: _range(param, value),
    }


def compile_shapes(graph: rdflib.Graph) -> Plan:
    """Every shape with targets, compiled; `Unsupported` names the first construct not known.

    The shapes are read the way pySHACL reads them: a shape's targets are its sh:targetClass
    values; shapes without targets are checked only where a targeted shape refers to them.
    """
    if any(graph.triples((None, RDFS.subClassOf, None))):
        raise Unsupported("rdfs:subClassOf in the shapes graph")
    for target in OTHER_TARGETS:
        for node in graph.subjects(target, None):
            raise Unsupported(f"{node}: {target}")
    for kind in (SH.NodeShape, SH.PropertyShape):
        for node in graph.subjects(RDF.type, kind):
            if (node, RDF.type, RDFS.Class) in graph or (node, RDF.type, OWL.Class) in graph:
                raise Unsupported(f"{node}: an implicit class target")
    compiler = _Compiler(graph)
    targeted = []
    for node in sorted(set(graph.subjects(SH.targetClass, None)), key=str):
        classes = tuple(_ox(c) for c in graph.objects(node, SH.targetClass))
        targeted.append((classes, compiler.shape(node, reporting=True)))
    return Plan(tuple(targeted), frozenset(compiler.predicates), frozenset(compiler.inverse))
