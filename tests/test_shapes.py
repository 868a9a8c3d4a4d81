"""The SHACL shapes: real records conform, broken ones fail with a message that says what is wrong."""
from __future__ import annotations

import copy
import json
import os
import subprocess
from pathlib import Path

import pyoxigraph as ox
import pytest

from service.mapping import map_record, report_iri
from service.validate import Violation, shapes_graph, validate_quads

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared" / "corpus" / "dev"
DEMO_RECORDS = ROOT / "data" / "records"
BASE = "http://kg.test"
KG = "https://w3id.org/konferencje-kg/def#"
XSD = "http://www.w3.org/2001/XMLSchema#"

RECORDS = sorted(DEV.glob("*.json")) + sorted(DEMO_RECORDS.glob("*.json"))

#: Records whose graphs fail today because of a known mapping issue (name → the issue).

MINIMAL = {
    "schema": "report-record/1",
    "report": {"title": "Konferencja", "published": None, "authors": []},
    "event": {"name": "Konferencja o niczym", "kind": "conference"},
    "people": [],
    "organisations": [],
}

FULL = {
    "schema": "report-record/1",
    "report": {"title": "X Forum", "published": "2024-06-28", "authors": ["Jan Kowalski"],
               "source_url": "https://example.org/x"},
    "event": {
        "name": "X Forum Pomocy Społecznej", "kind": "forum", "title": "Razem", "edition": 10,
        "start": "2024-06-13", "end": "2024-06-15", "venue": "Hotel Zakopane",
        "places": ["Zakopane"], "participants": {"count": 110, "qualifier": "more_than"},
        "organisers": ["Stowarzyszenie Razem"], "partners": ["Miasto Zakopane"],
        "patrons": [{"name": "Marszałek Województwa Małopolskiego", "person": "Jan Nowak", "kind": "honorary"},
                    {"name": "Radio Kraków", "person": None, "kind": "media"}],
        "themes": ["ubostwo", "bezdomnosc"],
        "contributions": [{"person": "Anna Lis", "role": "opened"}, {"person": "Jan Nowak", "role": "sent_letter"}],
        "sub_events": [{"name": "Panel o bezdomności", "kind": "debate", "contributions": [
            {"person": "Anna Lis", "role": "moderated"}]}],
    },
    "people": [{"name": "Anna Lis", "honorific": "dr", "posts": [
        {"title": "dyrektor", "organisation": "Miejski Ośrodek Pomocy Społecznej w Zakopanem"}]},
        {"name": "Jan Nowak", "honorific": None, "posts": [{"title": "marszałek", "organisation": "Województwo Małopolskie"}]}],
    "organisations": [{"name": "Miejski Ośrodek Pomocy Społecznej w Zakopanem", "abbreviation": "MOPS", "place": "Zakopane"},
                      {"name": "Stowarzyszenie Razem", "abbreviation": None, "place": None}],
}


def mapped(record: dict, name: str = "test-report") -> tuple[str, list[ox.Quad]]:
    quads = map_record(record, name=name, base=BASE, source_file=name + ".txt")
    return report_iri(BASE, name).value, quads


def node(kind: str, key: str) -> ox.NamedNode:
    return ox.NamedNode(f"{BASE}/id/{kind}/{key}")


def without(quads, predicate: str, subject=None) -> list[ox.Quad]:
    return [q for q in quads if not (q.predicate.value == predicate and (subject is None or q.subject == subject))]


def replace_object(quads, predicate: str, new_object, subject=None) -> list[ox.Quad]:
    return [ox.Quad(q.subject, q.predicate, new_object, q.graph_name)
            if q.predicate.value == predicate and (subject is None or q.subject == subject) else q
            for q in quads]


def the_event(quads) -> ox.NamedNode:
    return next(q.object for q in quads if q.predicate.value == "http://schema.org/about")


def messages(violations: list[Violation]) -> str:
    return "\n".join(str(v) for v in violations)


# --- real records -----------------------------------------------------------------------------

@pytest.mark.parametrize("path", [pytest.param(p, id=p.stem) for p in RECORDS])
def test_every_dev_and_demo_record_conforms(path):
    graph, quads = mapped(json.loads(path.read_text(encoding="utf-8")), path.stem)
    violations = validate_quads(graph, quads)
    assert violations == [], messages(violations)


def test_records_are_there():
    if not DEV.is_dir() and not DEMO_RECORDS.is_dir():
        pytest.skip("no corpus")
    assert RECORDS, "no records to validate"


def test_full_record_conforms():
    graph, quads = mapped(FULL)
    assert validate_quads(graph, quads) == []


def test_a_report_that_states_little_is_valid():
    """No date, place, organiser, theme, people: valid, since shapes require only what every report has."""
    graph, quads = mapped(MINIMAL)
    assert validate_quads(graph, quads) == []
    record = copy.deepcopy(MINIMAL)
    record["event"].update({"start": "2019", "end": "2019-05", "places": [], "organisers": [],
                            "patrons": [], "themes": [], "participants": None, "sub_events": []})
    graph, quads = mapped(record)
    assert validate_quads(graph, quads) == []


# --- broken on purpose ------------------------------------------------------------------------

def test_event_without_a_name():
    graph, quads = mapped(FULL)
    event = the_event(quads)
    broken = without(without(quads, "http://schema.org/name", event),
                     "http://www.w3.org/2004/02/skos/core#prefLabel", event)
    violations = validate_quads(graph, broken)
    text = messages(violations)
    assert "an event must have a name (schema:name)" in text
    assert any(v.focus == event.value and v.path == "http://schema.org/name" for v in violations)
    # the message names the report, the node and the rule
    line = next(str(v) for v in violations if v.path == "http://schema.org/name")
    assert line.startswith("report/test-report: event/")
    assert "[sh:MinCountConstraintComponent]" in line


def test_participation_without_a_participant():
    graph, quads = mapped(FULL)
    part = next(q.subject for q in quads if q.predicate.value == "http://data.europa.eu/m8g/hasParticipant")
    violations = validate_quads(graph, without(quads, "http://data.europa.eu/m8g/hasParticipant", part))
    hits = [v for v in violations if v.focus == part.value]
    assert any("must name its participant (cv:hasParticipant)" in v.message for v in hits), messages(violations)


def test_string_where_a_date_belongs():
    graph, quads = mapped(FULL)
    event = the_event(quads)
    broken = replace_object(quads, "http://schema.org/startDate", ox.Literal("13 czerwca 2024"), event)
    violations = validate_quads(graph, broken)
    v = next(v for v in violations if v.path == "http://schema.org/startDate")
    assert "must be a valid xsd:date, xsd:gYearMonth or xsd:gYear" in v.message
    assert v.value == '"13 czerwca 2024"'


def test_ill_formed_date_literal():
    graph, quads = mapped(FULL)
    broken = replace_object(quads, "http://purl.org/dc/terms/issued",
                            ox.Literal("2024-13-45", datatype=ox.NamedNode(XSD + "date")))
    text = messages(validate_quads(graph, broken))
    assert "dct:issued must be an xsd:date" in text


def test_event_ends_before_it_starts():
    graph, quads = mapped(FULL)
    event = the_event(quads)
    broken = replace_object(quads, "http://schema.org/endDate",
                            ox.Literal("2024-06-01", datatype=ox.NamedNode(XSD + "date")), event)
    assert "the event ends (\"2024-06-01\"^^xsd:date) before it starts" in messages(validate_quads(graph, broken))


@pytest.mark.parametrize("predicate, value, expected", [
    (KG + "eventKind", ox.NamedNode("https://w3id.org/konferencje-kg/kind/party"),
     "kg:eventKind must be a concept of the event kind scheme"),
    ("http://purl.org/dc/terms/subject", ox.NamedNode("https://w3id.org/konferencje-kg/theme/pogoda"),
     "dct:subject must be a theme of the theme scheme"),
    ("http://data.europa.eu/m8g/eventNumber", ox.Literal("dziesiąta"),
     "cv:eventNumber must be a positive xsd:integer"),
    (KG + "participantCount", ox.Literal("-5", datatype=ox.NamedNode(XSD + "integer")),
     "kg:participantCount must be a non-negative xsd:integer"),
    (KG + "participantCountQualifier", ox.Literal("roughly"),
     "kg:participantCountQualifier must be one of"),
    (KG + "motto", ox.Literal("Together", language="en"), "kg:motto must be a non-empty Polish string"),
])
def test_wrong_event_values(predicate, value, expected):
    graph, quads = mapped(FULL)
    event = the_event(quads)
    broken = replace_object(quads, predicate, value, event)
    assert expected in messages(validate_quads(graph, broken))


def test_unknown_role():
    graph, quads = mapped(FULL)
    broken = replace_object(quads, "http://data.europa.eu/m8g/role",
                            ox.NamedNode("https://w3id.org/konferencje-kg/role/juggled"))
    assert "cv:role must be a concept of the role scheme" in messages(validate_quads(graph, broken))


def test_label_in_the_wrong_language():
    graph, quads = mapped(FULL)
    org = node("organisation", "stowarzyszenie-razem")
    broken = replace_object(quads, "http://www.w3.org/2004/02/skos/core#prefLabel",
                            ox.Literal("Stowarzyszenie Razem"), org)
    violations = validate_quads(graph, broken)
    assert any(v.focus == org.value and "Polish string (@pl)" in v.message for v in violations), messages(violations)


def test_patronage_held_by_a_person_is_wrong():
    """A patronage's participant is the body or post; the person goes to kg:patronPerson."""
    graph, quads = mapped(FULL)
    part = next(q.subject for q in quads if q.predicate.value == KG + "patronPerson")
    person = node("person", "anna-lis")
    broken = replace_object(quads, "http://data.europa.eu/m8g/hasParticipant", person, part)
    text = messages(validate_quads(graph, broken))
    assert "must have an organisation or post as participant" in text


def test_patron_person_only_on_patronages():
    graph, quads = mapped(FULL)
    organiser = next(q.subject for q in quads if q.predicate.value == "http://data.europa.eu/m8g/role"
                     and q.object.value.endswith("/organiser"))
    broken = quads + [ox.Quad(organiser, ox.NamedNode(KG + "patronPerson"), node("person", "anna-lis"),
                              ox.NamedNode(graph))]
    assert "kg:patronPerson is only for patronages" in messages(validate_quads(graph, broken))


def test_contribution_by_an_organisation_is_wrong():
    graph, quads = mapped(FULL)
    opened = next(q.subject for q in quads if q.predicate.value == "http://data.europa.eu/m8g/role"
                  and q.object.value.endswith("/opened"))
    broken = replace_object(quads, "http://data.europa.eu/m8g/hasParticipant",
                            node("organisation", "stowarzyszenie-razem"), opened)
    assert "must have a person as participant" in messages(validate_quads(graph, broken))


def test_shortcut_without_its_participation():
    graph, quads = mapped(FULL)
    event = the_event(quads)
    broken = quads + [ox.Quad(event, ox.NamedNode(KG + "patron"), node("organisation", "stowarzyszenie-razem"),
                              ox.NamedNode(graph))]
    assert "kg:patron organisation/stowarzyszenie-razem has no participation with the matching role" \
        in messages(validate_quads(graph, broken))


def test_participation_must_mirror_the_event_link():
    graph, quads = mapped(FULL)
    part = next(q.subject for q in quads if q.predicate.value == KG + "inEvent")
    broken = [q for q in quads if not (q.predicate.value == KG + "participation" and q.object == part)]
    assert "kg:participation and kg:inEvent must mirror each other" in messages(validate_quads(graph, broken))


def test_entity_must_point_back_to_its_report():
    graph, quads = mapped(FULL)
    person = node("person", "anna-lis")
    violations = validate_quads(graph, without(quads, "http://purl.org/dc/terms/isReferencedBy", person))
    assert any(v.focus == person.value and "dct:isReferencedBy" in v.message for v in violations)


def test_statements_outside_the_report_graph():
    graph, quads = mapped(FULL)
    stray = ox.Quad(node("person", "anna-lis"), ox.NamedNode("http://xmlns.com/foaf/0.1/name"),
                    ox.Literal("Anna"), ox.NamedNode(BASE + "/id/report/other"))
    violations = validate_quads(graph, quads + [stray])
    assert any(v.constraint == "kg:OwnGraph" and "another graph" in v.message for v in violations)


def test_missing_report_node():
    graph, quads = mapped(FULL)
    broken = [q for q in quads if q.subject.value != graph]
    text = messages(validate_quads(graph, broken))
    assert "the report node (the graph's own IRI) is missing" in text


def test_source_that_is_not_an_iri_is_only_a_warning():
    graph, quads = mapped(FULL)
    broken = replace_object(quads, "http://purl.org/dc/terms/source", ox.Literal("strona MOPS"))
    assert validate_quads(graph, broken) == []
    warnings = validate_quads(graph, broken, warnings=True)
    assert [w.severity for w in warnings] == ["Warning"]


def test_rdflib_graph_input():
    import rdflib
    graph, quads = mapped(FULL)
    g = rdflib.Graph()
    g.parse(data=ox.serialize([q.triple for q in quads], format=ox.RdfFormat.N_TRIPLES), format="nt")
    assert validate_quads(graph, g) == []


# --- the fast path agrees with a plain pySHACL run ----------------------------------------------

def test_fast_path_matches_plain_pyshacl():
    """validate_quads runs the SPARQL constraints in Oxigraph; pySHACL alone must find the same."""
    import pyshacl
    import rdflib
    from rdflib.namespace import SH

    graph, quads = mapped(FULL)
    event = the_event(quads)
    opened = next(q.subject for q in quads if q.predicate.value == "http://data.europa.eu/m8g/role"
                  and q.object.value.endswith("/opened"))
    broken = replace_object(quads, "http://schema.org/endDate",
                            ox.Literal("2024-06-01", datatype=ox.NamedNode(XSD + "date")), event)
    broken = replace_object(broken, "http://data.europa.eu/m8g/hasParticipant",
                            node("organisation", "stowarzyszenie-razem"), opened)
    broken = without(broken, "http://schema.org/name", event)
    from collections import Counter
    ours = Counter(v.focus for v in validate_quads(graph, broken))

    data = rdflib.Graph()
    data.parse(data=ox.serialize([q.triple for q in broken], format=ox.RdfFormat.N_TRIPLES), format="nt")
    conforms, results, _ = pyshacl.validate(data, shacl_graph=shapes_graph(), inference="none")
    assert not conforms
    theirs = Counter(str(results.value(r, SH.focusNode))
                     for r in results.subjects(rdflib.RDF.type, SH.ValidationResult)
                     if results.value(r, SH.resultSeverity) == SH.Violation)
    assert ours == theirs
    assert sum(ours.values()) >= 4


# --- kg validate --------------------------------------------------------------------------------

def _store_with(directory: Path, graphs: dict[str, list[ox.Quad]]) -> None:
    from service.ontology import load_ontology
    from service.store import open_store
    store = open_store(str(directory))
    load_ontology(store)
    for graph, quads in graphs.items():
        store.replace_graph(graph, quads)
    store.close()


def _kg(*args) -> subprocess.CompletedProcess:
    import sys
    kg = str(Path(sys.executable).with_name("kg"))
    return subprocess.run([kg, *args], capture_output=True, text=True,
                          env={**os.environ, "KG_BASE": BASE}, timeout=120)


def test_kg_validate_passes_a_good_store(tmp_path):
    graph, quads = mapped(FULL)
    _store_with(tmp_path / "store", {graph: quads})
    result = _kg("validate", "--store", str(tmp_path / "store"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 report graph(s) checked" in result.stderr


def test_kg_validate_reports_violations_and_exits_1(tmp_path):
    good_graph, good = mapped(FULL, "good")
    # An event of its own (the store's entities graph holds one name for an event however many
    # reports name it: one report's event without a name must not borrow another's).
    other = copy.deepcopy(FULL)
    other["event"]["name"] = "Inna konferencja o rodzinie"
    bad_graph, bad = mapped(other, "bad")
    bad = without(bad, "http://schema.org/name", the_event(bad))
    _store_with(tmp_path / "store", {good_graph: good, bad_graph: bad})
    result = _kg("validate", "--store", str(tmp_path / "store"))
    assert result.returncode == 1
    assert "report/bad: event/" in result.stdout
    assert "an event must have a name (schema:name)" in result.stdout
    assert "report/good" not in result.stdout
    assert "2 report graph(s) checked" in result.stderr and "1 with 1 violation(s)" in result.stderr


def test_ingest_stamp_is_valid_and_checked():
    graph, quads = mapped(FULL)
    stamp = ox.Quad(ox.NamedNode(graph), ox.NamedNode(KG + "ingested"),
                    ox.Literal("2026-01-02T03:04:05Z", datatype=ox.NamedNode(XSD + "dateTime")), ox.NamedNode(graph))
    assert validate_quads(graph, quads + [stamp]) == []
    bad = ox.Quad(ox.NamedNode(graph), ox.NamedNode(KG + "ingested"), ox.Literal("yesterday"), ox.NamedNode(graph))
    assert "kg:ingested must be one xsd:dateTime" in messages(validate_quads(graph, quads + [bad]))
