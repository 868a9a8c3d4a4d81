"""The ontology and the schemes: complete, consistent with the mapping and the shapes, served."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib import Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS

from service.mapping import map_record
from service.mapping.vocab import CONTRIBUTION_ROLES, EVENT_KINDS, PATRON_ROLES, kind_node
from service.ontology import (
    KIND_SCHEME, ONTOLOGY_GRAPHS, ONTOLOGY_IRI, ROLE_SCHEME, THEME_SCHEME, kind_labels, label,
    load_ontology, role_labels, theme_labels,
)

ROOT = Path(__file__).resolve().parents[1]
THEMES_TSV = ROOT.parent / "shared" / "corpus" / "themes.tsv"
DEV = ROOT.parent / "shared" / "corpus" / "dev"
KG = "https://w3id.org/konferencje-kg/def#"
BASE = "http://kg.test"


@pytest.fixture(scope="module")
def graphs() -> dict[str, rdflib.Graph]:
    out = {}
    for iri, path in ONTOLOGY_GRAPHS.items():
        g = rdflib.Graph()
        g.parse(path, format="turtle")
        out[iri] = g
    return out


@pytest.fixture(scope="module")
def onto(graphs) -> rdflib.Graph:
    return graphs[ONTOLOGY_IRI]


def langs(graph, node, prop) -> set[str]:
    return {o.language for o in graph.objects(node, prop) if isinstance(o, Literal)}


def test_files_parse_with_both_parsers():
    for path in ONTOLOGY_GRAPHS.values():
        assert len(list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))) > 50
    shapes = ROOT / "ontology" / "shapes.ttl"
    assert len(rdflib.Graph().parse(shapes, format="turtle")) > 100


def test_ontology_header(onto):
    o = URIRef(ONTOLOGY_IRI)
    assert (o, RDF.type, OWL.Ontology) in onto
    assert {"pl", "en"} <= langs(onto, o, RDFS.label)
    assert {"pl", "en"} <= langs(onto, o, URIRef("http://purl.org/dc/terms/description"))


def test_every_own_term_has_labels_and_a_definition(onto):
    own = {s for s in onto.subjects(RDF.type, None) if str(s).startswith(KG)}
    assert len(own) >= 14
    for term in own:
        assert langs(onto, term, RDFS.label) == {"pl", "en"}, term
        assert langs(onto, term, SKOS.definition) == {"pl", "en"}, term
        assert (term, RDFS.isDefinedBy, URIRef(ONTOLOGY_IRI)) in onto, term
        kinds = set(onto.objects(term, RDF.type)) & {OWL.ObjectProperty, OWL.DatatypeProperty, OWL.Class}
        assert len(kinds) == 1, term
        if kinds != {OWL.Class}:
            assert onto.value(term, RDFS.domain) is not None, term
            assert onto.value(term, RDFS.range) is not None, term


def test_every_reused_term_has_labels(onto):
    for term in set(onto.subjects(RDF.type, None)):
        if str(term) == ONTOLOGY_IRI or isinstance(term, rdflib.BNode):  # blank nodes: range expressions
            continue
        assert {"pl", "en"} <= langs(onto, term, RDFS.label), term
        assert onto.value(term, RDFS.isDefinedBy) is not None, term


def test_polish_labels_have_diacritics(onto, graphs):
    assert Literal("miejscowość", lang="pl") in set(onto.objects(URIRef(KG + "place"), RDFS.label))
    themes = graphs[THEME_SCHEME]
    assert Literal("ubóstwo", lang="pl") in set(themes.objects(URIRef(THEME_SCHEME + "/ubostwo"), SKOS.prefLabel))


def test_alignment_axioms(onto):
    sub = lambda p: {str(o) for o in onto.objects(URIRef(KG + p), RDFS.subPropertyOf)}  # noqa: E731
    assert "http://purl.org/dc/terms/type" in sub("eventKind")
    assert "http://schema.org/superEvent" in sub("partOf")
    assert "http://schema.org/contributor" in sub("contributor")
    assert (URIRef(KG + "partOf"), OWL.inverseOf, URIRef("http://data.europa.eu/m8g/subEvent")) in onto
    assert (URIRef(KG + "inEvent"), OWL.inverseOf, URIRef(KG + "participation")) in onto


def _sample_record() -> dict:
    from tests.test_shapes import FULL
    return FULL


def _mapped_terms() -> tuple[set[str], set[str]]:
    """Predicates and classes the mapping writes, over the dev corpus and a full record."""
    records = [_sample_record()] + [json.loads(p.read_text(encoding="utf-8")) for p in sorted(DEV.glob("*.json"))]
    predicates, classes = set(), set()
    for i, record in enumerate(records):
        for q in map_record(record, name=f"r{i}", base=BASE, source_file="r.txt"):
            predicates.add(q.predicate.value)
            if q.predicate.value == str(RDF.type):
                classes.add(q.object.value)
    return predicates, classes


def test_every_term_the_mapping_writes_is_declared(onto):
    predicates, classes = _mapped_terms()
    declared = {str(s) for s in onto.subjects(RDF.type, None)}
    own = {p for p in predicates if p.startswith(KG)}
    assert own <= declared, own - declared
    assert classes <= declared, classes - declared


def test_theme_scheme_matches_themes_tsv(graphs):
    if not THEMES_TSV.is_file():
        pytest.skip("themes.tsv is not here")
    rows = list(csv.DictReader(THEMES_TSV.open(encoding="utf-8"), delimiter="\t"))
    labels = theme_labels()
    assert set(labels) == {r["id"] for r in rows}
    for r in rows:
        assert labels[r["id"]] == {"pl": r["pl"], "en": r["en"]}


def test_themes_ttl_is_what_build_themes_writes():
    if not THEMES_TSV.is_file():
        pytest.skip("themes.tsv is not here")
    import importlib.util
    spec = importlib.util.spec_from_file_location("build_themes", ROOT / "ontology" / "build_themes.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.build(THEMES_TSV) == (ROOT / "ontology" / "themes.ttl").read_text(encoding="utf-8")


def test_themes_map_to_eurovoc(graphs):
    g = graphs[THEME_SCHEME]
    for concept in g.subjects(SKOS.inScheme, URIRef(THEME_SCHEME)):
        matches = [o for p in (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch) for o in g.objects(concept, p)]
        assert matches and all(str(m).startswith("http://eurovoc.europa.eu/") for m in matches), concept


EUROVOC_TSV = ROOT / "ontology" / "eurovoc.tsv"
EUROVOC_DOMAINS = {f"http://eurovoc.europa.eu/{n}" for n in range(100142, 100163)}


def test_theme_descriptor_matches_are_the_eurovoc_tsv(graphs):
    g = graphs[THEME_SCHEME]
    rows = list(csv.DictReader(EUROVOC_TSV.open(encoding="utf-8"), delimiter="\t"))
    concepts = {str(c).rsplit("/", 1)[1] for c in g.subjects(SKOS.inScheme, URIRef(THEME_SCHEME))}
    in_tsv = {(r["theme"], r["relation"], r["eurovoc"]) for r in rows}
    assert len(in_tsv) == len(rows), "duplicate rows in eurovoc.tsv"
    for r in rows:
        assert r["theme"] in concepts, r
        assert r["relation"] in ("exactMatch", "closeMatch"), r
        assert r["label_en"] and r["source"], r
    in_ttl = set()
    for concept in g.subjects(SKOS.inScheme, URIRef(THEME_SCHEME)):
        theme = str(concept).rsplit("/", 1)[1]
        for relation in ("exactMatch", "closeMatch"):
            for target in g.objects(concept, SKOS[relation]):
                # a descriptor IRI, never a domain (those are the broadMatch)
                assert str(target).startswith("http://eurovoc.europa.eu/"), (theme, target)
                assert str(target) not in EUROVOC_DOMAINS, (theme, target)
                in_ttl.add((theme, relation, str(target)))
    assert in_ttl == in_tsv
    # exactMatch is transitive: two themes exactly matching one descriptor would be one theme
    exact = [r["eurovoc"] for r in rows if r["relation"] == "exactMatch"]
    assert len(exact) == len(set(exact))
    for concept in g.subjects(SKOS.inScheme, URIRef(THEME_SCHEME)):
        assert set(g.objects(concept, SKOS.broadMatch)) & {URIRef(d) for d in EUROVOC_DOMAINS}, concept


def test_roles_cover_the_mapping():
    ids = set(role_labels())
    assert set(CONTRIBUTION_ROLES.values()) | set(PATRON_ROLES.values()) | {"organiser", "partner"} <= ids
    for wanted in ("organiser", "partner", "honorary-patron", "media-patron", "substantive-patron", "opened",
                   "welcomed", "spoke", "presented", "moderated", "sent-letter", "awarded", "attended"):
        assert wanted in ids


def test_patron_kinds_are_narrower_than_patron(graphs):
    g = graphs[ROLE_SCHEME]
    patron = URIRef(ROLE_SCHEME + "/patron")
    assert {str(o).rsplit("/", 1)[1] for o in g.objects(patron, SKOS.narrower)} == {
        "honorary-patron", "media-patron", "substantive-patron"}


def test_kinds_cover_the_mapping():
    assert {kind_node(k).value.rsplit("/", 1)[1] for k in EVENT_KINDS} == set(kind_labels())
    assert "study-visit" in kind_labels()


@pytest.mark.parametrize("scheme", [THEME_SCHEME, ROLE_SCHEME, KIND_SCHEME])
def test_scheme_concepts_are_complete(graphs, scheme):
    g = graphs[scheme]
    s = URIRef(scheme)
    assert (s, RDF.type, SKOS.ConceptScheme) in g
    assert langs(g, s, SKOS.prefLabel) == {"pl", "en"}
    concepts = set(g.subjects(SKOS.inScheme, s))
    notations = [str(g.value(c, SKOS.notation)) for c in concepts]
    assert len(set(notations)) == len(concepts), "notations must be unique"
    for c in concepts:
        assert str(c).startswith(scheme + "/")
        assert (c, RDF.type, SKOS.Concept) in g
        assert langs(g, c, SKOS.prefLabel) == {"pl", "en"}, c
        assert len(list(g.objects(c, SKOS.prefLabel))) == 2, c
        if scheme != THEME_SCHEME:
            assert langs(g, c, SKOS.definition) == {"pl", "en"}, c
    tops = set(g.objects(s, SKOS.hasTopConcept))
    assert tops and tops <= concepts


def test_shapes_closed_lists_match_the_schemes(graphs):
    shapes = rdflib.Graph().parse(ROOT / "ontology" / "shapes.ttl", format="turtle")
    lists: dict[str, set[str]] = {}
    for prop_shape in shapes.subjects(SH["in"], None):
        path = str(shapes.value(prop_shape, SH.path))
        members = rdflib.collection.Collection(shapes, shapes.value(prop_shape, SH["in"]))
        lists[path] = {str(m) for m in members}
    for path, scheme in ((KG + "eventKind", KIND_SCHEME), ("http://purl.org/dc/terms/subject", THEME_SCHEME),
                         ("http://data.europa.eu/m8g/role", ROLE_SCHEME)):
        concepts = {str(c) for c in graphs[scheme].subjects(SKOS.inScheme, URIRef(scheme))}
        assert lists[path] == concepts, path


def test_load_ontology_into_a_store():
    from service.store import open_store
    store = open_store(":memory:")
    counts = load_ontology(store)
    counts_again = load_ontology(store)  # replaces, does not duplicate
    assert counts == counts_again
    assert set(store.named_graphs()) == set(ONTOLOGY_GRAPHS)
    assert len(store) == sum(counts.values())
    rows = store.select(f"SELECT ?l WHERE {{ GRAPH <{THEME_SCHEME}> {{ <{THEME_SCHEME}/bezdomnosc> "
                        "<http://www.w3.org/2004/02/skos/core#prefLabel> ?l FILTER(lang(?l) = 'pl') } }")
    assert rows[0]["l"].value == "bezdomność"


def test_label_helpers():
    assert label(ROLE_SCHEME + "/sent-letter") == "przesłał list"
    assert label(ROLE_SCHEME + "/sent-letter", "en") == "sent a letter"
    assert label(KIND_SCHEME + "/study-visit") == "wizyta studyjna"
    assert label("http://example.org/x") is None


# --- served at its namespace --------------------------------------------------------------------

@pytest.fixture(scope="module")
def ontology_client():
    from service.store import open_store
    from service.web import create_app
    store = open_store(":memory:")
    app = create_app({"BASE": BASE, "STORE": ":memory:", "TESTING": True}, store=store)
    return app.test_client()


RDF_TYPES = {"text/turtle": "turtle", "application/rdf+xml": "xml", "application/ld+json": "json-ld",
             "application/n-triples": "nt"}


@pytest.mark.parametrize("media_type", sorted(RDF_TYPES))
def test_def_in_every_rdf_format(ontology_client, media_type):
    response = ontology_client.get("/def", headers={"Accept": media_type})
    assert response.status_code == 200
    assert response.mimetype == media_type
    assert "Accept" in response.headers["Vary"]
    g = rdflib.Graph().parse(data=response.data, format=RDF_TYPES[media_type])
    assert len(g) == len(rdflib.Graph().parse(ONTOLOGY_GRAPHS[ONTOLOGY_IRI], format="turtle"))
    assert (URIRef(ONTOLOGY_IRI), RDF.type, OWL.Ontology) in g


def test_def_for_people(ontology_client):
    response = ontology_client.get("/def", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert 'id="eventKind"' in page and "rodzaj wydarzenia" in page and "event kind" in page
    assert "cv:PublicEvent" in page  # domains shown
    assert "rdfs:subPropertyOf" in page
    assert 'href="/theme"' in page and 'href="/role"' in page and 'href="/kind"' in page
    english = ontology_client.get("/def?lang=en", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "Own properties" in english


def test_format_parameter_and_q_values(ontology_client):
    assert ontology_client.get("/def?format=ttl").mimetype == "text/turtle"
    assert ontology_client.get("/def?format=jsonld").mimetype == "application/ld+json"
    response = ontology_client.get("/def", headers={"Accept": "text/turtle;q=0.5, application/rdf+xml"})
    assert response.mimetype == "application/rdf+xml"


def test_not_acceptable(ontology_client):
    response = ontology_client.get("/def", headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert "Accept" in response.headers["Vary"]
    assert ontology_client.get("/theme?format=docx").status_code == 406


@pytest.mark.parametrize("scheme, concept, pl", [("theme", "bezdomnosc", "bezdomność"),
                                                 ("role", "honorary-patron", "patron honorowy"),
                                                 ("kind", "study-visit", "wizyta studyjna")])
def test_schemes_and_concepts(ontology_client, scheme, concept, pl):
    page = ontology_client.get(f"/{scheme}", headers={"Accept": "text/html"})
    assert page.status_code == 200 and pl in page.get_data(as_text=True)
    whole = rdflib.Graph().parse(data=ontology_client.get(f"/{scheme}?format=ttl").data, format="turtle")
    assert (URIRef(f"https://w3id.org/konferencje-kg/{scheme}"), RDF.type, SKOS.ConceptScheme) in whole
    response = ontology_client.get(f"/{scheme}/{concept}", headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and "Accept" in response.headers["Vary"]
    g = rdflib.Graph().parse(data=response.data, format="turtle")
    iri = URIRef(f"https://w3id.org/konferencje-kg/{scheme}/{concept}")
    assert Literal(pl, lang="pl") in set(g.objects(iri, SKOS.prefLabel))
    assert set(g.subjects()) == {iri}
    html = ontology_client.get(f"/{scheme}/{concept}", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert pl in html


def test_unknown_concept_is_404(ontology_client):
    assert ontology_client.get("/theme/pogoda", headers={"Accept": "text/turtle"}).status_code == 404
