"""Record → RDF: the model of ontology/README.md, deterministic, linking across reports."""
from __future__ import annotations

import copy
import json

import pytest
from pyoxigraph import Literal, Store

from service.mapping import IDENTITY_PREDICATES, entities_graph, map_record, report_iri, slug
from service.mapping.vocab import CV, DCT, KG, ORG, RDF, ROLE, SCHEMA, SKOS, THEME, XSD

BASE = "http://kg.test"


def record(**event) -> dict:
    ev = {"name": "III Konferencja Powiatowa", "kind": "conference", "title": "Rodzina w centrum",
          "edition": 3, "start": "2019-05-14", "end": "2019-05-15", "venue": "Dom Kultury w Nowym Targu",
          "places": ["Nowy Targ"], "participants": {"count": 140, "qualifier": "about"},
          "organisers": ["Powiatowe Centrum Pomocy Rodzinie w Nowym Targu"],
          "partners": ["Stowarzyszenie „Razem dla Rodziny”"],
          "patrons": [{"name": "Marszałek Województwa Małopolskiego", "person": "Jan Nowak", "kind": "honorary"},
                      {"name": "Radio Kraków", "person": None, "kind": "media"}],
          "themes": ["wsparcie-rodziny"],
          "contributions": [{"person": "Ewa Kowalska", "role": "opened"},
                            {"person": "Ewa Kowalska", "role": "spoke"}],
          "sub_events": [{"name": "panel dyskusyjny o pieczy", "kind": "debate", "places": [],
                          "contributions": [{"person": "Adam Wiśniewski", "role": "moderated"}]}]}
    ev.update(event)
    return {"schema": "report-record/1",
            "report": {"title": "Relacja", "published": "2019-05-20", "authors": ["Redakcja"],
                       "source_url": "https://pcpr.example/relacja"},
            "event": ev,
            "people": [{"name": "Ewa Kowalska", "honorific": "dr",
                        "posts": [{"title": "dyrektor", "organisation": "Powiatowe Centrum Pomocy Rodzinie w Nowym Targu"}]},
                       {"name": "Adam Wiśniewski", "honorific": None,
                        "posts": [{"title": None, "organisation": "Radio Kraków"}]}],
            "organisations": [{"name": "Powiatowe Centrum Pomocy Rodzinie w Nowym Targu",
                               "abbreviation": "PCPR", "place": "Nowy Targ"}]}


def store_of(quads) -> Store:
    store = Store()
    store.extend(quads)
    return store


def ask(store: Store, pattern: str) -> bool:
    prefixes = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in {
        "kg": str(KG), "cv": str(CV), "schema": str(SCHEMA), "org": str(ORG), "skos": str(SKOS),
        "dct": str(DCT), "role": str(ROLE), "xsd": str(XSD)}.items())
    return bool(store.query(prefixes + f"ASK {{ {pattern} }}", use_default_graph_as_union=True))


def test_slug_folds_case_diacritics_and_quotes():
    assert slug("Miejski Ośrodek Pomocy Społecznej w Suwałkach") == "miejski-osrodek-pomocy-spolecznej-w-suwalkach"
    assert slug("Stowarzyszenie „RAZEM”") == slug('stowarzyszenie "Razem"')
    assert slug("Łódź") == "lodz"
    long_name = "Bardzo " * 40 + "długa nazwa"
    assert len(slug(long_name)) <= 130 and slug(long_name) != slug(long_name + " inna")


def test_every_statement_is_in_the_report_graph_or_the_entities_graph():
    """What the report states is in its graph; entities' identity statements (types, names),
    true whatever report names them, are in the one entities graph."""
    quads = map_record(record(), name="nowy-targ-2019", base=BASE)
    graph = report_iri(BASE, "nowy-targ-2019")
    entities = entities_graph(BASE)
    assert graph.value == f"{BASE}/id/report/nowy-targ-2019"
    assert entities.value == f"{BASE}/graph/entities"
    assert quads and all(q.graph_name in (graph, entities) for q in quads)
    in_entities = [q for q in quads if q.graph_name == entities]
    assert in_entities and all(q.predicate in IDENTITY_PREDICATES for q in in_entities)
    # Every entity's types and names are there, not in the report graph ...
    for q in quads:
        if q.graph_name == graph and q.predicate in IDENTITY_PREDICATES:
            # ... but for the report's own node and the participations, which are the report's.
            assert q.subject == graph or "/id/participation/" in q.subject.value, q
    # Provenance stays with the report: every entity it names points back to it from its graph.
    named = {q.subject for q in in_entities}
    referenced = {q.subject for q in quads if q.predicate == DCT.isReferencedBy and q.graph_name == graph}
    assert named == referenced
    assert (graph, RDF.type, SCHEMA.Report) in {(q.subject, q.predicate, q.object) for q in quads if q.graph_name == graph}


def test_identity_statements_are_written_once_whatever_reports_name_the_entity():
    other = record(name="IV Konferencja Powiatowa", start="2020-05-12", end="2020-05-12")
    store = store_of(map_record(record(), name="a", base=BASE) + map_record(other, name="b", base=BASE))
    org = f"<{BASE}/id/organisation/powiatowe-centrum-pomocy-rodzinie-w-nowym-targu>"
    rows = list(store.query(f"SELECT ?l WHERE {{ {org} <{SKOS.prefLabel.value}> ?l }}",
                            use_default_graph_as_union=True))
    assert len(rows) == 1
    rows = list(store.query(f"SELECT ?r WHERE {{ {org} <{DCT.isReferencedBy.value}> ?r }}",
                            use_default_graph_as_union=True))
    assert len(rows) == 2


def test_event_fields_are_typed():
    store = store_of(map_record(record(), name="r", base=BASE))
    event = f"<{BASE}/id/event/iii-konferencja-powiatowa-2019-05-14>"
    assert ask(store, f'{event} a cv:PublicEvent, schema:Event ; schema:startDate "2019-05-14"^^xsd:date ;'
                      f' schema:endDate "2019-05-15"^^xsd:date ; cv:eventNumber 3 ; kg:motto "Rodzina w centrum"@pl ;'
                      f' kg:participantCount 140 ; kg:participantCountQualifier "about" ;'
                      f' dct:subject <{str(THEME)}wsparcie-rodziny> ;'
                      f' kg:eventKind <https://w3id.org/konferencje-kg/kind/conference>')
    assert ask(store, f'{event} schema:location ?p . ?p skos:prefLabel "Nowy Targ"@pl')
    assert ask(store, f'{event} schema:location ?v . ?v a schema:Place ; skos:prefLabel "Dom Kultury w Nowym Targu"@pl')


def test_participations_and_shortcuts():
    store = store_of(map_record(record(), name="r", base=BASE))
    org = f"<{BASE}/id/organisation/powiatowe-centrum-pomocy-rodzinie-w-nowym-targu>"
    assert ask(store, f"?e schema:organizer {org} ; kg:participation ?p . ?p cv:hasParticipant {org} ; cv:role role:organiser")
    assert ask(store, "?e kg:partner ?o . ?o skos:prefLabel ?l FILTER(CONTAINS(?l, 'Razem dla Rodziny'))")
    # A patron that is a post is a post, held by the person the report names.
    assert ask(store, "?e kg:patron ?post . ?post a org:Post ; skos:prefLabel 'Marszałek Województwa Małopolskiego'@pl ;"
                      " org:heldBy ?person . ?person skos:prefLabel 'Jan Nowak'@pl ."
                      " ?p cv:hasParticipant ?post ; cv:role role:honorary-patron ; kg:patronPerson ?person")
    assert ask(store, "?p cv:role role:media-patron ; cv:hasParticipant ?o . ?o a org:Organization ; skos:prefLabel 'Radio Kraków'@pl")
    # One person, two roles: two participations.
    assert len(list(store.query(f"SELECT ?p WHERE {{ ?p <{CV.hasParticipant.value}> <{BASE}/id/person/ewa-kowalska> }}",
                                use_default_graph_as_union=True))) == 2


def test_people_posts_and_membership():
    store = store_of(map_record(record(), name="r", base=BASE))
    person = f"<{BASE}/id/person/ewa-kowalska>"
    assert ask(store, f"{person} org:holds ?post ; <http://schema.org/honorificPrefix> 'dr' ;"
                      f" <http://xmlns.com/foaf/0.1/familyName> 'Kowalska' ."
                      f" ?post kg:postTitle 'dyrektor'@pl ; org:postIn ?o ; org:heldBy {person} ."
                      f" ?o skos:altLabel 'PCPR'@pl")
    assert ask(store, f"<{BASE}/id/person/adam-wisniewski> org:memberOf ?o . ?o skos:prefLabel 'Radio Kraków'@pl")


def test_sub_events_link_both_ways():
    store = store_of(map_record(record(), name="r", base=BASE))
    assert ask(store, "?e cv:subEvent ?s . ?s kg:partOf ?e ; kg:eventKind <https://w3id.org/konferencje-kg/kind/debate> ;"
                      " kg:participation ?p . ?p cv:role role:moderated")


def test_report_provenance():
    store = store_of(map_record(record(), name="r", base=BASE, source_file="r.txt"))
    report = f"<{BASE}/id/report/r>"
    assert ask(store, f"{report} dct:issued '2019-05-20'^^xsd:date ; dct:source <https://pcpr.example/relacja> ;"
                      f" kg:sourceFile 'r.txt' ; <http://schema.org/about> ?e . ?e a schema:Event ; dct:isReferencedBy {report}")


def test_mapping_is_deterministic():
    assert map_record(record(), name="r", base=BASE) == map_record(record(), name="r", base=BASE)


def test_same_names_in_two_reports_are_one_node():
    other = record(name="IV Konferencja Powiatowa", start="2020-05-12", end="2020-05-12")
    store = store_of(map_record(record(), name="a", base=BASE) + map_record(other, name="b", base=BASE))
    rows = list(store.query(
        "SELECT ?o (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?e <http://schema.org/organizer> ?o } } GROUP BY ?o"))
    assert len(rows) == 1 and int(rows[0]["n"].value) == 2


def test_missing_facts_write_nothing_and_bad_values_are_skipped():
    bare = {"schema": "report-record/1", "report": {}, "people": [], "organisations": [],
            "event": {"name": None, "kind": "conference"}}
    quads = map_record(bare, name="bare", base=BASE)
    predicates = {q.predicate for q in quads}
    assert SCHEMA.startDate not in predicates and SCHEMA.organizer not in predicates
    odd = record(start="nie wiadomo")
    assert SCHEMA.startDate not in {q.predicate for q in map_record(odd, name="odd", base=BASE)}


@pytest.mark.parametrize("name", ["seed-suwalki-2016", "seed-zakopane-2024"])
def test_dev_records_map(dev_corpus, name):
    gold = json.loads((dev_corpus / f"{name}.json").read_text(encoding="utf-8"))
    store = store_of(map_record(copy.deepcopy(gold), name=name, base=BASE))
    for organiser in gold["event"]["organisers"]:
        assert ask(store, f"?e schema:organizer ?o . ?o skos:prefLabel {Literal(organiser, language='pl')}")
    for patron in gold["event"]["patrons"]:
        assert ask(store, f"?e kg:patron ?o . ?o skos:prefLabel {Literal(patron['name'], language='pl')}")


def test_the_split_by_graph_holds_every_quad_once():
    """`own` is the report graph's quads, `blocks` the identity statements one subject each; the
    list is both, each quad once (an organisation named with and without its abbreviation has
    two blocks that overlap)."""
    quads = map_record(record(), name="r", base=BASE)
    graph, entities = report_iri(BASE, "r"), entities_graph(BASE)
    assert {q.graph_name for q in quads.own} == {graph}
    assert all({q.subject for q in b.quads} == {b.subject} and {q.graph_name for q in b.quads} == {entities}
               for b in quads.blocks)
    pcpr = [b for b in quads.blocks if b.subject.value.endswith("/organisation/" + slug(
        "Powiatowe Centrum Pomocy Rodzinie w Nowym Targu"))]
    assert len(pcpr) == 2
    assert len(quads) == len(set(quads)) and set(quads) == set(quads.own) | {q for b in quads.blocks for q in b.quads}


def test_the_statements_kept_are_the_quads_taken_apart():
    """The fast check reads the terms the mapping kept, never the quads: they must be the same
    statements, in the same order, for the report's own quads and for every identity block."""
    def apart(quads):
        return [(q.subject, q.predicate, q.object, q.predicate.value) for q in quads]

    quads = map_record(record(), name="r", base=BASE)
    assert quads.statements == apart(quads.own)
    assert all(list(block.statements) == apart(block.quads) for block in quads.blocks)
    assert any(b.subject.value.split("/id/")[1].startswith("event/") for b in quads.blocks)  # events' too


def test_an_entity_gets_the_details_its_own_report_gives():
    """Identity statements are kept built between reports (the memo): a report naming a body
    without its abbreviation or place must not get those another report gave."""
    with_details = map_record(record(), name="a", base=BASE)
    bare = record()
    bare["organisations"] = [{"name": "Powiatowe Centrum Pomocy Rodzinie w Nowym Targu"}]
    without = map_record(bare, name="b", base=BASE)
    assert SKOS.altLabel in {q.predicate for q in with_details}
    assert SKOS.altLabel not in {q.predicate for q in without}
    assert KG.place not in {q.predicate for q in without}
