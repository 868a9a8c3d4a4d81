"""The fast check (service.validate_fast) against pySHACL: same verdicts on broken variants of
real records, pySHACL's messages for the reports it flags, a fallback when the shapes use what
the compiler does not know, and a batch with one broken report in `kg ingest`."""
from __future__ import annotations

import json
import logging
import re
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.namespace import SH

from support import BASE, DEMO_RECORDS
from service.ingest import ingest
from service.mapping import Mapped, entities_graph, map_record, report_iri
from service.shacl_compile import Unsupported, compile_shapes
from service.store import open_store
from service.validate import _sparql_constraints, shapes_graph, validate_quads
from service.validate_fast import build_check, fast_check, flagged, validate_batch

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
SCHEMA = "http://schema.org/"
KG = "https://w3id.org/konferencje-kg/def#"
CV = "http://data.europa.eu/m8g/"
ORG = "http://www.w3.org/ns/org#"
PERSON = "http://www.w3.org/ns/person#"
FOAF = "http://xmlns.com/foaf/0.1/"
ROLE = "https://w3id.org/konferencje-kg/role/"

RECORDS = sorted(DEMO_RECORDS.glob("*.json"))


def mapped(path: Path) -> tuple[str, list[ox.Quad]]:
    record = json.loads(path.read_text(encoding="utf-8"))
    return report_iri(BASE, path.stem).value, map_record(record, name=path.stem, base=BASE,
                                                         source_file=path.stem + ".txt")


# --- mutations: each breaks (or, for the valid ones, changes without breaking) one thing -------

def nodes(quads, cls: str) -> list:
    return sorted({q.subject for q in quads if q.predicate.value == RDF_TYPE and q.object.value == cls},
                  key=lambda n: n.value)


def values(quads, node, pred: str) -> list:
    return [q.object for q in quads if q.subject == node and q.predicate.value == pred]


def graph_of(quads, node, pred: str, default):
    return next((q.graph_name for q in quads if q.subject == node and q.predicate.value == pred), default)


def drop(cls, pred, *, obj=None):
    """Remove every `pred` of the first `cls` node (only those with object `obj`, if given)."""
    def mutate(graph, quads):
        for node in nodes(quads, cls)[:1]:
            kept = [q for q in quads if not (q.subject == node and q.predicate.value == pred
                                             and (obj is None or q.object.value == obj))]
            if len(kept) < len(quads):
                return kept
    return mutate


def replace(cls, pred, new):
    """Replace the objects of `pred` on the first `cls` node that has one by `new(quads, old)`."""
    def mutate(graph, quads):
        for node in nodes(quads, cls):
            if values(quads, node, pred):
                return [ox.Quad(q.subject, q.predicate, new(quads, q.object), q.graph_name)
                        if q.subject == node and q.predicate.value == pred else q for q in quads]
    return mutate


def add(cls, pred, new, *, need=None):
    """Add `pred new(quads, node)` to the first `cls` node (that has `need`, if given)."""
    def mutate(graph, quads):
        for node in nodes(quads, cls):
            if need and not values(quads, node, need):
                continue
            return [*quads, ox.Quad(node, ox.NamedNode(pred), new(quads, node),
                                    graph_of(quads, node, pred, ox.NamedNode(graph)))]
    return mutate


def lit(text, lang=None, dt=None):
    return lambda quads, old: (ox.Literal(text, language=lang) if lang else
                               ox.Literal(text, datatype=ox.NamedNode(XSD + dt)) if dt else ox.Literal(text))


def iri(value):
    return lambda quads, old: ox.NamedNode(value)


def first_of(cls):
    """The first node of another class (for sh:class, sh:or)."""
    return lambda quads, old: nodes(quads, cls)[0] if nodes(quads, cls) else ox.NamedNode(BASE + "/id/nothing")


def lower_first(quads, old):
    return ox.Literal(old.value[:1].upper() + old.value[1:], language=old.language)


def same_lexical(**kw):
    return lambda quads, old: ox.Literal(old.value, **kw)


def in_another_graph(graph, quads):
    q = quads[0]
    return [*quads, ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode(BASE + "/graph/other"))]


def identity_in_report_graph(graph, quads):
    """Identity quads moved into the report's graph: validate_quads reads both graphs as one."""
    return [ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode(graph)) for q in quads]


def roles_swapped(role_from: str, role_to: str):
    def mutate(graph, quads):
        return replace(CV + "Participation", CV + "role",
                       lambda q, old: ox.NamedNode(ROLE + role_to) if old.value == ROLE + role_from else old)(
            graph, [q for q in quads])
    return mutate


def end_before_start(graph, quads):
    for event in nodes(quads, CV + "PublicEvent"):
        if values(quads, event, SCHEMA + "startDate"):
            kept = [q for q in quads if not (q.subject == event and q.predicate.value == SCHEMA + "endDate")]
            return [*kept, ox.Quad(event, ox.NamedNode(SCHEMA + "endDate"),
                                   ox.Literal("1900-01-01", datatype=ox.NamedNode(XSD + "date")),
                                   ox.NamedNode(graph))]


def patron_person_on_organiser(graph, quads):
    for part in nodes(quads, CV + "Participation"):
        if any(v.value == ROLE + "organiser" for v in values(quads, part, CV + "role")):
            people = nodes(quads, PERSON + "Person")
            if people:
                return [*quads, ox.Quad(part, ox.NamedNode(KG + "patronPerson"), people[0], ox.NamedNode(graph))]


def contribution_by_organisation(graph, quads):
    """A person's contribution whose participant is made an organisation (shortcut kept in step)."""
    orgs = nodes(quads, ORG + "Organization")
    for part in nodes(quads, CV + "Participation"):
        roles = {v.value for v in values(quads, part, CV + "role")}
        if orgs and roles & {ROLE + "spoke", ROLE + "opened", ROLE + "welcomed", ROLE + "presented"}:
            person = values(quads, part, CV + "hasParticipant")[0]
            return [ox.Quad(q.subject, q.predicate, orgs[0], q.graph_name)
                    if (q.subject == part and q.predicate.value == CV + "hasParticipant")
                    or (q.predicate.value == KG + "contributor" and q.object == person) else q
                    for q in quads]


EVENT, REPORT, PART = CV + "PublicEvent", SCHEMA + "Report", CV + "Participation"
PERS, ORGN, POST, PLACE = PERSON + "Person", ORG + "Organization", ORG + "Post", DCT + "Location"

#: (name, the constraint kind it aims at, mutation). A mutation may find nothing to break in a
#: record (then the variant is skipped); the kinds are checked to be covered below.
MUTATIONS = [
    # sh:minCount
    ("event without schema:name", "minCount", drop(EVENT, SCHEMA + "name")),
    ("event without kind", "minCount", drop(EVENT, KG + "eventKind")),
    ("report without schema:about", "minCount", drop(REPORT, SCHEMA + "about")),
    ("person without prefLabel", "minCount", drop(PERS, SKOS + "prefLabel")),
    ("organisation not referenced", "minCount", drop(ORGN, DCT + "isReferencedBy")),
    ("participation without role", "minCount", drop(PART, CV + "role")),
    ("participation without participant", "minCount", drop(PART, CV + "hasParticipant")),
    ("person without foaf:name", "minCount", drop(PERS, FOAF + "name")),
    # sh:maxCount
    ("two prefLabels", "maxCount", add(ORGN, SKOS + "prefLabel", lambda q, n: ox.Literal("Inna nazwa", language="pl"))),
    ("two titles", "maxCount", add(REPORT, DCT + "title", lambda q, n: ox.Literal("Drugi tytuł", language="pl"))),
    ("two kinds", "maxCount", add(EVENT, KG + "eventKind", lambda q, n: ox.NamedNode("https://w3id.org/konferencje-kg/kind/other"))),
    ("two roles", "maxCount", add(PART, CV + "role", lambda q, n: ox.NamedNode(ROLE + "other"))),
    ("two family names", "maxCount", add(PERS, FOAF + "familyName", lambda q, n: ox.Literal("Zapasowa"), need=FOAF + "familyName")),
    # sh:datatype
    ("issued as a string", "datatype", replace(REPORT, DCT + "issued", lit("28 czerwca 2024"))),
    ("issued ill-typed", "datatype", replace(REPORT, DCT + "issued", lit("2024-13-45", dt="date"))),
    ("title without language", "datatype", replace(REPORT, DCT + "title", same_lexical())),
    ("startDate as a string", "datatype", replace(EVENT, SCHEMA + "startDate", lit("13 czerwca 2024"))),
    ("eventNumber as a string", "datatype", replace(EVENT, CV + "eventNumber", lit("10"))),
    ("participantCount as decimal", "datatype", replace(EVENT, KG + "participantCount", lit("110.5", dt="decimal"))),
    ("sourceFile with a language", "datatype", replace(REPORT, KG + "sourceFile", lit("x.txt", lang="pl"))),
    # sh:languageIn
    ("prefLabel in English", "languageIn", replace(PERS, SKOS + "prefLabel", same_lexical(language="en"))),
    ("event name in German", "languageIn", replace(EVENT, SCHEMA + "name", same_lexical(language="de"))),
    ("altLabel in English", "languageIn", add(ORGN, SKOS + "altLabel", lambda q, n: ox.Literal("Office", language="en"))),
    # sh:minLength
    ("empty prefLabel", "minLength", replace(PLACE, SKOS + "prefLabel", lit("", lang="pl"))),
    ("empty foaf:name", "minLength", replace(PERS, FOAF + "name", lit(""))),
    ("empty title", "minLength", replace(REPORT, DCT + "title", lit("", lang="pl"))),
    # sh:pattern
    ("post title capitalised", "pattern", replace(POST, KG + "postTitle", lower_first)),
    # sh:in
    ("unknown event kind", "in", replace(EVENT, KG + "eventKind", iri("https://w3id.org/konferencje-kg/kind/picnic"))),
    ("unknown role", "in", replace(PART, CV + "role", iri(ROLE + "cook"))),
    ("unknown theme", "in", replace(EVENT, DCT + "subject", iri("https://w3id.org/konferencje-kg/theme/nothing"))),
    ("unknown qualifier", "in", replace(EVENT, KG + "participantCountQualifier", lit("roughly"))),
    ("qualifier typed", "in", replace(EVENT, KG + "participantCountQualifier", lambda q, old: ox.Literal(old.value, language="pl"))),
    # sh:nodeKind
    ("creator as an IRI", "nodeKind", add(REPORT, DCT + "creator", lambda q, n: ox.NamedNode(BASE + "/id/person/x"))),
    ("foaf:name as an IRI", "nodeKind", replace(PERS, FOAF + "name", iri(BASE + "/name"))),
    ("honorific as an IRI", "nodeKind", add(PERS, SCHEMA + "honorificPrefix", lambda q, n: ox.NamedNode(BASE + "/dr"))),
    # sh:minInclusive / sh:maxInclusive
    ("edition 0", "minInclusive", replace(EVENT, CV + "eventNumber", lit("0", dt="integer"))),
    ("negative participant count", "minInclusive", replace(EVENT, KG + "participantCount", lit("-5", dt="integer"))),
    ("latitude 91", "maxInclusive", add(PLACE, SCHEMA + "latitude", lambda q, n: ox.Literal("91.5", datatype=ox.NamedNode(XSD + "decimal")))),
    ("longitude -181", "minInclusive", add(PLACE, SCHEMA + "longitude", lambda q, n: ox.Literal("-181", datatype=ox.NamedNode(XSD + "decimal")))),
    # sh:class
    ("about a person", "class", replace(REPORT, SCHEMA + "about", first_of(PERS))),
    ("location a person", "class", replace(EVENT, SCHEMA + "location", first_of(PERS))),
    ("inEvent a literal", "class", replace(PART, KG + "inEvent", lit("wydarzenie"))),
    ("holds an organisation", "class", replace(PERS, ORG + "holds", first_of(ORGN))),
    ("report not a schema:Report", "class", drop(REPORT, RDF_TYPE, obj=SCHEMA + "Report")),
    # sh:hasValue
    ("report not a prov:Entity", "hasValue", drop(REPORT, RDF_TYPE, obj="http://www.w3.org/ns/prov#Entity")),
    ("event not a schema:Event", "hasValue", drop(EVENT, RDF_TYPE, obj=SCHEMA + "Event")),
    ("person not a foaf:Person", "hasValue", drop(PERS, RDF_TYPE, obj=FOAF + "Person")),
    # sh:or
    ("organizer a place", "or", replace(EVENT, SCHEMA + "organizer", first_of(PLACE))),
    ("participant a place", "or", replace(PART, CV + "hasParticipant", first_of(PLACE))),
    ("startDate a dateTime", "or", replace(EVENT, SCHEMA + "startDate", lit("2024-06-13T10:00:00", dt="dateTime"))),
    # sh:equals (with inverse paths)
    ("dct:type missing", "equals", drop(EVENT, DCT + "type")),
    ("inEvent missing", "equals", drop(PART, KG + "inEvent")),
    ("participation link missing", "equals", drop(EVENT, KG + "participation")),
    ("holds without heldBy", "equals", drop(POST, ORG + "heldBy")),
    # SPARQL constraints
    ("ends before it starts", "sparql", end_before_start),
    ("organiser became partner", "sparql", roles_swapped("organiser", "partner")),
    ("patronPerson on an organiser", "sparql", patron_person_on_organiser),
    ("contribution by an organisation", "sparql", contribution_by_organisation),
    # validate_quads' own checks
    ("statement in another graph", "graphs", in_another_graph),
    # valid changes: both must pass
    ("second Polish altLabel", "valid", add(ORGN, SKOS + "altLabel", lambda q, n: ox.Literal("Skrót", language="pl"))),
    ("prefLabel pl-PL", "valid", replace(PERS, SKOS + "prefLabel", same_lexical(language="pl-pl"))),
    ("startDate a gYear", "valid", replace(EVENT, SCHEMA + "startDate", lit("2019", dt="gYear"))),
    ("source as a string (a warning only)", "valid", replace(REPORT, DCT + "source", lit("https://example.org/x"))),
    ("identity quads in the report graph", "valid", identity_in_report_graph),
    ("quads reversed", "valid", lambda graph, quads: list(reversed(quads))),
]


def variants():
    """Every mutation on three records, rotating over the demo records so each is used."""
    out = []
    for i, (name, kind, mutate) in enumerate(MUTATIONS):
        for k in range(3):
            path = RECORDS[(i + k * 5) % len(RECORDS)]
            graph, quads = mapped(path)
            broken = mutate(graph, quads)
            if broken is not None and broken != quads:
                out.append((f"{name} / {path.stem}", kind, graph, broken))
    return out


@pytest.fixture(scope="module")
def judged():
    """(name, kind, graph, quads, pySHACL rejects, fast check flags) per variant."""
    if not RECORDS:
        pytest.skip("no demo records")
    out = []
    for name, kind, graph, quads in variants():
        rejected = bool(validate_quads(graph, quads))
        out.append((name, kind, graph, quads, rejected, graph in flagged({graph: quads})))
    return out


def test_the_demo_records_pass_the_fast_check():
    reports = dict(mapped(p) for p in RECORDS)
    assert len(reports) == len(RECORDS) > 0
    assert flagged(reports) == {}


def test_fast_check_flags_exactly_what_pyshacl_rejects(judged):
    assert len(judged) >= 100
    wrong = [(name, "pySHACL rejects" if rejected else "pySHACL passes")
             for name, kind, graph, quads, rejected, fast in judged if rejected != fast]
    assert wrong == []


def test_every_constraint_kind_of_the_shapes_has_broken_variants(judged):
    """Each constraint parameter shapes.ttl uses is broken by some variant pySHACL rejects; and
    the valid changes are valid, so the comparison above tests both verdicts."""
    shapes = shapes_graph()
    used = {str(p).removeprefix(str(SH)) for p in shapes.predicates() if str(p).startswith(str(SH))}
    constraints = used & {"minCount", "maxCount", "datatype", "languageIn", "minLength", "maxLength",
                          "pattern", "in", "nodeKind", "minInclusive", "maxInclusive", "minExclusive",
                          "maxExclusive", "class", "hasValue", "or", "and", "not", "xone", "equals",
                          "disjoint", "lessThan", "node", "qualifiedValueShape", "closed", "uniqueLang"}
    constraints |= {"sparql"} if "sparql" in used else set()
    rejected_kinds = {kind for name, kind, graph, quads, rejected, fast in judged if rejected}
    assert constraints - rejected_kinds == set()
    valid = [name for name, kind, graph, quads, rejected, fast in judged if kind == "valid"]
    assert len(valid) >= 10
    assert [name for name, kind, graph, quads, rejected, fast in judged if kind == "valid" and rejected] == []


def test_a_batch_is_judged_report_by_report(judged):
    """Broken and valid variants of different records in one batch: each verdict as alone.
    Identity quads of one report do not help another (a person's name dropped in one report
    is still given by the other reports that name the same person)."""
    batch, expected = {}, {}
    for i, path in enumerate(RECORDS):   # every other report broken, the rest valid variants
        graph, quads = mapped(path)
        batch[graph], expected[graph] = quads, False
        for name, kind, g, variant, rejected, fast in judged:
            if g == graph and rejected == (i % 2 == 0) and (rejected or kind == "valid"):
                batch[graph], expected[graph] = variant, rejected
                break
    assert any(expected.values()) and not all(expected.values())
    assert set(flagged(batch)) == {g for g, bad in expected.items() if bad}
    results = validate_batch(batch)
    assert {g for g, found in results.items() if found} == {g for g, bad in expected.items() if bad}
    for graph, found in results.items():
        assert found == validate_quads(graph, batch[graph])


def test_shared_entities_do_not_hide_a_missing_name():
    """Two reports naming the same person: in one the person has lost its names. The other's
    identity quads (same entities graph in the store) must not make it pass."""
    first, second = RECORDS[0], RECORDS[1]
    g1, q1 = mapped(first)
    g2, q2 = mapped(second)
    person = nodes(q1, PERS)[0]
    # the second report names the same person too, with its names
    q2 = [*q2, *[ox.Quad(q.subject, q.predicate, q.object, q.graph_name) for q in q1
                 if q.subject == person and q.graph_name == entities_graph(BASE)],
          ox.Quad(person, ox.NamedNode(DCT + "isReferencedBy"), ox.NamedNode(g2), ox.NamedNode(g2))]
    q1 = [q for q in q1 if not (q.subject == person and q.predicate.value in (SKOS + "prefLabel", FOAF + "name"))]
    assert validate_quads(g1, q1) and not validate_quads(g2, q2)
    assert set(flagged({g1: q1, g2: q2})) == {g1}


# --- the compiler follows shapes.ttl -----------------------------------------------------------

def shapes_with(extra: str) -> rdflib.Graph:
    graph = rdflib.Graph()
    graph.parse(data=Path(shapes_graph_path()).read_text(encoding="utf-8") + extra, format="turtle")
    return graph


def shapes_graph_path() -> str:
    from service.validate import SHAPES_FILE
    return str(SHAPES_FILE)


def test_a_change_to_the_shapes_changes_the_check():
    """A constraint added to shapes.ttl (no code) flags reports that break it."""
    stricter = shapes_with("""
kgsh:ReportShape sh:property [ sh:path dct:title ; sh:minLength 100000 ; sh:message "a long title" ] .
""")
    check = build_check(stricter, _sparql_constraints())
    assert check is not None
    reports = dict(mapped(p) for p in RECORDS)
    assert set(flagged(reports, check)) == set(reports)
    assert flagged(reports, fast_check()) == {}


@pytest.mark.parametrize("extra", [
    "kgsh:ReportShape sh:property [ sh:path dct:title ; sh:uniqueLang true ] .",
    "kgsh:ReportShape sh:node kgsh:EventShape .",
    "kgsh:ReportShape sh:property [ sh:path ( dct:title dct:title ) ; sh:minCount 1 ] .",
    "kgsh:X a sh:NodeShape ; sh:targetNode <http://example.org/x> ; sh:class schema:Report .",
])
def test_an_unknown_construct_sends_every_report_to_pyshacl(extra, caplog):
    shapes = shapes_with(extra)
    with pytest.raises(Unsupported):
        compile_shapes(shapes)
    with caplog.at_level(logging.WARNING, logger="service.validate_fast"):
        check = build_check(shapes, _sparql_constraints())
    assert check is None
    assert any("pySHACL validates every report" in r.getMessage() for r in caplog.records)
    reports = dict(mapped(p) for p in RECORDS[:3])
    assert set(flagged(reports, None)) == set(reports)


def test_the_sparql_constraints_read_only_what_they_name():
    """The batch store gets only the predicates the SPARQL constraints name: each has a
    triple pattern's predicate in the set, and rdf:type is there."""
    check = fast_check()
    assert check.sparql_predicates is not None
    names = {p.value for p in check.sparql_predicates}
    for constraint in _sparql_constraints():
        for prefix, local in re.findall(r"\b(schema|kg|cv):(\w+)", constraint.select):
            if local[0].islower():
                assert any(n.endswith("/" + local) or n.endswith("#" + local) for n in names), local
    assert RDF_TYPE in names
    # and of rdf:type only the classes they ask for (every rdf:type pattern has a class)
    classes = {t.value for t in check.sparql_types}
    asked = {m for c in _sparql_constraints() for m in re.findall(r"rdf:type\s+(\w+:\w+)", c.select)}
    assert asked and len(classes) >= len(asked)
    assert "http://xmlns.com/foaf/0.1/Person" not in classes and "http://purl.org/dc/terms/Location" not in classes


# --- ingest ---------------------------------------------------------------------------------------

def test_a_broken_report_in_a_batch_is_reported_with_pyshacls_message(tmp_path):
    folder = tmp_path / "records"
    folder.mkdir()
    for path in RECORDS:
        shutil.copy(path, folder / path.name)
    broken = json.loads(RECORDS[0].read_text(encoding="utf-8"))
    broken["event"]["edition"] = 0   # a valid record; cv:eventNumber 0 breaks sh:minInclusive 1
    (folder / "zz-broken.json").write_text(json.dumps(broken, ensure_ascii=False), encoding="utf-8")
    store = open_store(str(tmp_path / "store"))
    try:
        outcomes = {o.source.name: o for o in ingest(store, [folder], base=BASE)}
        assert not outcomes["zz-broken"].ok
        graph = report_iri(BASE, "zz-broken").value
        expected = validate_quads(graph, map_record(broken, name="zz-broken", base=BASE,
                                                    source_file="zz-broken.json"))
        assert expected and outcomes["zz-broken"].error == "; ".join(str(v) for v in expected[:5])
        assert "cv:eventNumber must be a positive xsd:integer" in outcomes["zz-broken"].error
        assert graph not in store.named_graphs()
        loaded = [name for name, o in outcomes.items() if o.ok]
        assert len(loaded) == len(RECORDS)
        for name in loaded:
            assert report_iri(BASE, name).value in store.named_graphs()
    finally:
        store.close()


def test_what_the_mapping_gives_is_judged_as_the_same_quads_in_a_list():
    """The check takes a mapped report's graphs as the mapping built them (own quads, identity
    blocks): the verdicts are those of the same quads as a plain list, broken reports too."""
    reports = {}
    for i, path in enumerate(RECORDS):
        record = json.loads(path.read_text(encoding="utf-8"))
        if i % 3 == 0:
            record["event"]["edition"] = 0           # breaks cv:eventNumber's shape
        if i % 3 == 1 and record.get("people"):
            record["people"][0]["name"] = "X"        # still valid: a one-word name
        graph = report_iri(BASE, path.stem).value
        reports[graph] = map_record(record, name=path.stem, base=BASE)
    as_lists = {graph: list(quads) for graph, quads in reports.items()}
    assert all(isinstance(q, Mapped) for q in reports.values())
    verdict = flagged(reports)
    assert verdict == flagged(as_lists)
    assert set(verdict) == {report_iri(BASE, p.stem).value for i, p in enumerate(RECORDS) if i % 3 == 0}
