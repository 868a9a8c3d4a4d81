"""Property-based: extraction never raises on arbitrary text (beyond ExtractionError), and the
endpoint answers arbitrary query strings, parameters, content types and Accept headers with
200 or a 4xx, never a 5xx; folding names character by character is folding them whole."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from support import BASE

SPARQL_WORDS = ["SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "WHERE", "{", "}", "?s", "?p", "?o", ".",
                "FILTER", "(", ")", "SERVICE", "<http://x/>", "GRAPH", "OPTIONAL", "UNION", "LIMIT",
                "1", '"a"', "#", "\n", "PREFIX", "ex:", "a", "*", "COUNT", "REGEX", "BIND", "AS",
                "VALUES", "ORDER BY", "GROUP BY", "LOAD", "INSERT DATA", "\\u0053"]
sparqlish = st.lists(st.sampled_from(SPARQL_WORDS), max_size=25).map(" ".join)
texts = st.one_of(st.text(max_size=300), sparqlish)
FORMATS = ["json", "xml", "csv", "tsv", "turtle", "nt", "jsonld", "rdfxml", "pdf", "", "JSON", "\x00"]
ACCEPTS = ["*/*", "text/html", "application/sparql-results+json", "text/csv;q=0.1, text/turtle",
           "image/png", "application/json", ";;;", "text/*;q=abc", ""]
CONTENT_TYPES = ["application/sparql-query", "application/sparql-update",
                 "application/x-www-form-urlencoded", "text/plain", "application/json",
                 "multipart/form-data", "", "application/sparql-query; charset=latin1"]


@pytest.fixture(scope="module")
def endpoint(demo_store):
    from service.web import create_app
    app = create_app({"BASE": BASE, "TESTING": True, "SPARQL_TIMEOUT": 2,
                      "SPARQL_MAX_RESULT_BYTES": 200_000}, store=demo_store)
    return app.test_client()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=texts, params=st.dictionaries(st.sampled_from(["format", "junk", "query", "update", "default-graph-uri", "x"]),
                                           st.text(max_size=20), max_size=3),
       accept=st.sampled_from(ACCEPTS))
def test_get_never_answers_5xx(endpoint, query, params, accept):
    response = endpoint.get("/sparql", query_string={"query": query, **params}, headers={"Accept": accept})
    assert response.status_code < 500 or response.status_code == 503 and "time limit" in response.get_data(as_text=True)
    assert response.status_code in (200, 204) or response.get_data(as_text=True).strip()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.one_of(texts.map(lambda t: t.encode("utf-8")), st.binary(max_size=200)),
       content_type=st.sampled_from(CONTENT_TYPES), accept=st.sampled_from(ACCEPTS),
       fmt=st.sampled_from(FORMATS))
def test_post_never_answers_5xx(endpoint, body, content_type, accept, fmt):
    response = endpoint.post("/sparql", data=body, content_type=content_type,
                             query_string={"format": fmt} if fmt else {}, headers={"Accept": accept})
    assert response.status_code < 500 or response.status_code == 503 and "time limit" in response.get_data(as_text=True)


@settings(max_examples=60, deadline=None)
@given(text=st.one_of(st.text(max_size=2000),
                      st.lists(st.sampled_from(["Konferencja", "w", "Toruniu", "dnia", "12", "maja",
                                                "2019", "r.", "otworzył", "Marszałek", "Województwa",
                                                "Pomorskiego", "Jan", "Kowalski", ",", ".", "—", "„",
                                                "”", "\n\n", "ROPS", "patronat", "honorowy", "<b>"]),
                               max_size=80).map(" ".join)))
def test_extraction_never_raises_on_arbitrary_text(text):
    from service.extract import ExtractionError, extract_text
    try:
        extract_text(text)
    except ExtractionError:
        pass


def _fold_whole_string(text: str) -> str:
    """fold as defined on the whole string (NFKD of the lower-cased text, combining marks dropped)."""
    import re
    import unicodedata

    from service.mapping.slug import _FOLD
    folded = unicodedata.normalize("NFKD", text.translate(_FOLD).lower())
    kept = "".join(c for c in folded if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^a-z0-9]+", " ", kept).split())


@settings(max_examples=2000, deadline=None)
@given(text=st.one_of(st.text(max_size=40),
                      st.text(alphabet="aąćęłńóśźżAĄĆĘŁŃÓŚŹŻΣσİßÆæ „”-.,1 \u0301\u0328", max_size=40)))
def test_fold_per_character_is_fold_of_the_whole_string(text):
    """slug.fold folds character by character from a table: the same words as the whole string."""
    from service.mapping.slug import fold
    assert fold(text) == _fold_whole_string(text)
