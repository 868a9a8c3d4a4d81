"""How entity pages read what they show, held against the store and the templates: vocabulary
labels kept between requests (and forgotten at a write), labels chosen from the store as the
SPARQL label pattern chooses them, terms and links written by Python as the macros write them,
and the JSON-LD's affiliation names read from the page index."""
from __future__ import annotations

import pytest
from flask import render_template_string
from pyoxigraph import BlankNode, Literal, NamedNode

from support import BASE

SKOS = "http://www.w3.org/2004/02/skos/core#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD_INT = NamedNode("http://www.w3.org/2001/XMLSchema#integer")


@pytest.fixture()
def store(tmp_path):
    from service.store import open_store
    store = open_store(str(tmp_path / "store"))
    yield store
    store.close()


def test_vocabulary_labels_are_kept_until_the_store_is_written(store):
    """A property's label is read from the store once, then kept; every write forgets what was
    kept, so a changed label shows on the next page. Instance IRIs are always asked for."""
    from service.web import graphdata
    prop, plain, entity = "http://example.org/p", "http://example.org/unlabelled", f"{BASE}/id/thing/x"
    store.update(f"""INSERT DATA {{ GRAPH <{BASE}/graph/vocab> {{
      <{prop}> <{SKOS}prefLabel> "stara"@pl . <{entity}> <{SKOS}prefLabel> "rzecz"@pl }} }}""")
    asked = []
    select = store.select

    def counting(query, **kwargs):
        asked.append(query)
        return select(query, **kwargs)
    store.select = counting
    assert graphdata.names(store, None, [prop, plain, entity], base=BASE) == {prop: "stara", entity: "rzecz"}
    assert graphdata.names(store, None, [prop, plain, entity], base=BASE) == {prop: "stara", entity: "rzecz"}
    assert len(asked) == 2 and prop not in asked[1] and plain not in asked[1] and entity in asked[1]
    assert graphdata.names(store, None, [prop], base=BASE) == {prop: "stara"} and len(asked) == 2

    store.update(f"""DELETE DATA {{ GRAPH <{BASE}/graph/vocab> {{ <{prop}> <{SKOS}prefLabel> "stara"@pl }} }};
      INSERT DATA {{ GRAPH <{BASE}/graph/vocab> {{ <{prop}> <{SKOS}prefLabel> "nowa"@pl .
      <{plain}> <{RDFS}label> "teraz"@pl }} }}""")
    assert graphdata.names(store, None, [prop, plain], base=BASE) == {prop: "nowa", plain: "teraz"}
    # without a base nothing is kept
    assert graphdata.names(store, None, [prop], base=None) == {prop: "nowa"} and prop in asked[-1]


def test_labels_from_the_store_are_those_of_the_label_pattern(store):
    """`_store_labels` reads labels and chooses among them in Python; the choice is the one the
    SPARQL pattern of the other queries makes (prefLabel in the language, else in Polish or
    without one, else rdfs:label in the language), for every mix of labels, in both languages."""
    from service.web.graphdata import PREFIXES, _label_pattern, _store_labels
    kinds = {"pen": f'<{SKOS}prefLabel> "a-en"@en', "ppl": f'<{SKOS}prefLabel> "a-pl"@pl',
             "pplain": f'<{SKOS}prefLabel> "a-plain"', "pde": f'<{SKOS}prefLabel> "a-de"@de',
             "ren": f'<{RDFS}label> "r-en"@en', "rpl": f'<{RDFS}label> "r-pl"@pl', "rplain": f'<{RDFS}label> "r-plain"'}
    names = list(kinds)
    triples, iris = [], []
    for mask in range(1, 2 ** len(names)):
        chosen = [n for i, n in enumerate(names) if mask >> i & 1]
        if "ppl" in chosen and "pplain" in chosen:  # two labels of one rank: either may be shown
            continue
        iri = f"http://example.org/t/{'-'.join(chosen)}"
        iris.append(iri)
        triples += [f"<{iri}> {kinds[n]} ." for n in chosen]
    iris.append("http://example.org/t/none")
    store.update(f"INSERT DATA {{ GRAPH <{BASE}/graph/vocab> {{ {' '.join(triples)} }} }}")
    values = " ".join(f"<{i}>" for i in iris)
    for lang in ("pl", "en"):
        expected = {r["x"].value: r["l"].value for r in store.select(PREFIXES + f"""SELECT ?x ?l WHERE {{
          VALUES ?x {{ {values} }} {_label_pattern("?x", "l", lang)} FILTER(BOUND(?l)) }}""")}
        assert _store_labels(store, iris, lang) == expected, lang
        assert len(expected) > 50


TERMS = [NamedNode(f"{BASE}/id/person/jan-kowalski"), NamedNode("https://w3id.org/konferencje-kg/def#patron"),
         NamedNode("http://example.org/a?b=1&c='2'"), NamedNode("HTTPS://EXAMPLE.ORG/x"),
         NamedNode("javascript:alert(1)"), NamedNode("urn:isbn:123"),
         NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel"),
         Literal("a < b & \"c\""), Literal("Ośrodek", language="pl"), Literal("5", datatype=XSD_INT), BlankNode("b1")]


def test_terms_and_links_are_written_as_the_macros_write_them(app):
    """term_html and link_html (Python, used where a page shows hundreds) give the HTML of the
    `term` and `link` macros, escaping included, for local, external and unsafe IRIs, literals
    and blank nodes, with and without labels."""
    from service.web.profiles import Link
    with app.test_request_context("/"):
        for value in TERMS:
            for label in (None, "", "Etykieta <i>&"):
                macro = render_template_string('{% from "_term.html" import term with context %}{{ term(v, l) }}',
                                               v=value, l=label)
                assert render_template_string("{{ term_html(v, l) }}", v=value, l=label) == macro, (value, label)
                if isinstance(value, NamedNode):
                    link = Link(value.value, label)
                    macro = render_template_string('{% import "_profile.html" as p with context %}{{ p.link(l) }}', l=link)
                    assert render_template_string("{{ link_html(l) }}", l=link) == macro, (value, label)


def test_affiliation_names_read_from_the_index_are_the_graphs(demo_store):
    """The schema.org JSON-LD of every person names their bodies as the store's Polish labels do."""
    from service.pageindex import pages_for, read
    from service.web.schema_org import person
    pages = pages_for(demo_store)
    people = read.entities(pages, "person", limit=1000)
    with_bodies = 0
    for entry in people:
        from_index = person(demo_store, entry.iri, pages)
        assert from_index == person(demo_store, entry.iri), entry.iri
        with_bodies += bool(from_index.get("affiliation"))
    assert with_bodies >= 5


def test_statements_are_the_same_with_or_without_their_graphs(demo_store):
    """An entity that reports name is described without asking which graphs state each statement
    (its reports come from the page index); the statements and their order are those of the
    query that asks (as for an entity no report names)."""
    from service.pageindex import pages_for, read
    from service.web import graphdata
    pages = pages_for(demo_store)
    compared = 0
    for kind in ("person", "organisation", "event", "post", "place"):
        for entry in read.entities(pages, kind, limit=15):
            if read.count_reports(pages, entry.iri) > graphdata.REPORTS_SHOWN:
                continue  # its statements are read from its latest reports' graphs only
            without = graphdata.describe(demo_store, entry.iri, pages=pages, base=BASE)
            asking = graphdata.describe(demo_store, entry.iri, pages=None, base=BASE)
            for mine, theirs in ((without.outgoing, asking.outgoing), (without.incoming, asking.incoming)):
                assert [(s.predicate, s.value) for s in mine] == [(s.predicate, s.value) for s in theirs], entry.iri
            assert not any(s.reports for s in without.outgoing + without.incoming)
            compared += 1
    assert compared >= 40


def test_participations_are_named_from_the_store(store):
    """The page index holds no participations, so their names are not looked for there; one the
    store names (none are, as mapped) still shows its name."""
    from service.pageindex import pages_for
    from service.web import graphdata
    participation, person = f"{BASE}/id/participation/e--jan--spoke", f"{BASE}/id/person/jan"
    store.update(f"""INSERT DATA {{ GRAPH <{BASE}/id/report/r1> {{
      <{participation}> <http://data.europa.eu/m8g/hasParticipant> <{person}> }}
      GRAPH <{BASE}/graph/entities> {{ <{person}> a <http://www.w3.org/ns/person#Person> ;
      <{SKOS}prefLabel> "Jan"@pl }} }}""")
    pages = pages_for(store)
    assert graphdata.names(store, pages, [participation, person], base=BASE) == {person: "Jan"}
    store.update(f'INSERT DATA {{ GRAPH <{BASE}/id/report/r1> {{ <{participation}> <{SKOS}prefLabel> "udział"@pl }} }}')
    assert graphdata.names(store, pages, [participation, person], base=BASE) == {person: "Jan", participation: "udział"}


def test_a_persons_posts_and_their_bodies_are_the_graphs(app, demo_store):
    """A person's profile lists the posts the JSON-LD read (read once a request), each with the
    body the page index keeps for it: the rows of the profile's former query, for every person."""
    from service.pageindex import pages_for, read
    from service.web import profiles
    from service.web.graphdata import PREFIXES
    pages = pages_for(demo_store)
    with_posts = 0
    for entry in read.entities(pages, "person", limit=1000):
        former = demo_store.select(PREFIXES + f"""SELECT ?post ?org WHERE {{
          {{ SELECT DISTINCT ?post WHERE {{ <{entry.iri}> org:holds ?post }} LIMIT {profiles.LINKS_SHOWN} }}
          OPTIONAL {{ ?post org:postIn ?org }} }}""")
        with app.test_request_context("/"):
            rows = profiles._posts_and_bodies(entry.iri)
        assert sorted((r["post"].value, r["org"].value if "org" in r else None) for r in rows) == sorted(
            (r["post"].value, r["org"].value if "org" in r else None) for r in former), entry.iri
        with_posts += bool(rows)
    assert with_posts >= 5
