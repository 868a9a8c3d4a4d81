"""Every limit of the public endpoint answers with its own status and a readable message."""
from __future__ import annotations

import pytest

from support import BASE

CROSS = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"


@pytest.fixture(scope="module")
def limited(demo_store):
    from service.web import create_app
    app = create_app({"BASE": BASE, "TESTING": True, "SPARQL_TIMEOUT": 5,
                      "SPARQL_MAX_QUERY_LENGTH": 500, "SPARQL_MAX_RESULT_BYTES": 20_000,
                      "MAX_CONTENT_LENGTH": 2_000, "SPARQL_SERVICE_ALLOW": "http://allowed.example/sparql"},
                     store=demo_store)
    return app.test_client()


def text(response) -> str:
    return response.get_data(as_text=True)


def test_an_ordinary_query_is_answered(limited):
    response = limited.get("/sparql", query_string={"query": "SELECT ?s WHERE { ?s a ?t } LIMIT 3"})
    assert response.status_code == 200
    assert len(response.get_json()["results"]["bindings"]) == 3


def test_query_too_long_on_get_is_414(limited):
    response = limited.get("/sparql", query_string={"query": "ASK {}" + " " * 600})
    assert response.status_code == 414
    assert "limit is 500" in text(response)


def test_query_too_long_in_a_form_is_413(limited):
    response = limited.post("/sparql", data={"query": "ASK {}" + " " * 600})
    assert response.status_code == 413
    assert "limit is 500" in text(response)


def test_body_over_the_limit_is_413(limited):
    response = limited.post("/sparql", data="ASK {}" + " " * 5_000,
                            content_type="application/sparql-query")
    assert response.status_code == 413
    assert "2000 bytes" in text(response)


def test_result_over_the_limit_is_refused_with_a_notice(limited):
    response = limited.get("/sparql", query_string={"query": CROSS})
    assert response.status_code == 413
    assert "larger than the limit of 20000 bytes" in text(response)
    small = limited.get("/sparql", query_string={"query": CROSS + " LIMIT 5"})
    assert small.status_code == 200


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { SERVICE <http://evil.example/sparql> { ?s ?p ?o } }",
    "select * where { { optional { sErViCe SiLeNt <http://evil.example/x> { ?s ?p ?o } } } }",
    "PREFIX e: <http://evil.example/> SELECT * WHERE { SERVICE e:sparql { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE ?endpoint { ?s ?p ?o } VALUES ?endpoint { <http://allowed.example/sparql> } }",
    "SELECT * WHERE { ?s ?p \"#\" . SERVICE <http://evil.example/sparql> { ?s ?p ?o } }",
    "BASE <http://evil.example/> SELECT * WHERE { SERVICE <sparql> { ?s ?p ?o } }",
])
def test_service_is_refused_unless_allow_listed(limited, query):
    response = limited.get("/sparql", query_string={"query": query})
    assert response.status_code == 403, text(response)
    assert "SERVICE" in text(response)


@pytest.mark.parametrize("query", [
    "# SERVICE <http://evil.example/sparql>\nASK { ?s ?p ?o }",
    "ASK { ?s ?p \"SERVICE <http://evil.example/sparql> {}\" }",
    "ASK { ?s ?p '''\nSERVICE <http://evil.example/sparql>''' }",
    "PREFIX service: <http://x.example/> ASK { ?s service:x ?o }",
])
def test_service_in_comments_strings_and_names_does_not_count(limited, query):
    response = limited.get("/sparql", query_string={"query": query})
    assert response.status_code == 200, text(response)


def test_an_allow_listed_service_passes_the_check(limited):
    # The endpoint does not exist: the query gets through the check and fails in evaluation,
    # with SILENT it answers empty. Either way it is not refused by the allow-list.
    response = limited.get("/sparql", query_string={
        "query": "SELECT * WHERE { SERVICE SILENT <http://allowed.example/sparql> { ?s ?p ?o } }"})
    assert response.status_code != 403


def test_update_is_refused_without_a_configured_token(limited):
    response = limited.post("/sparql", data="INSERT DATA { <urn:a> <urn:b> <urn:c> }",
                            content_type="application/sparql-update")
    assert response.status_code == 403
    assert "read-only" in text(response)
    assert limited.post("/sparql", data={"update": "CLEAR ALL"}).status_code == 403


def test_update_with_a_token(tmp_path):
    from service.store import open_store
    from service.web import create_app
    store = open_store(str(tmp_path / "store"))
    app = create_app({"BASE": BASE, "TESTING": True, "UPDATE_TOKEN": "s3cret"}, store=store)
    client = app.test_client()
    update = "INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> <urn:c> } }"
    ask = {"query": "ASK { <urn:a> <urn:b> <urn:c> }"}
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic s3cret"}):
        response = client.post("/sparql", data=update, content_type="application/sparql-update",
                               headers=headers)
        assert response.status_code == 401
    assert client.get("/sparql", query_string=ask).get_json()["boolean"] is False
    response = client.post("/sparql", data=update, content_type="application/sparql-update",
                           headers={"Authorization": "Bearer s3cret"})
    assert response.status_code == 204
    # The query workers see the write at once.
    assert client.get("/sparql", query_string=ask).get_json()["boolean"] is True
    bad = client.post("/sparql", data="INSERT NONSENSE", content_type="application/sparql-update",
                      headers={"Authorization": "Bearer s3cret"})
    assert bad.status_code == 400


@pytest.mark.parametrize("request_args, status", [
    ({"method": "GET", "query_string": {"query": "SELEKT * {}"}}, 400),
    ({"method": "GET", "query_string": {"query": "   "}}, 400),
    ({"method": "GET", "query_string": {"query": "ASK {}", "bogus": "1"}}, 400),
    ({"method": "GET", "query_string": {"query": "ASK {}", "default-graph-uri": "urn:x"}}, 400),
    ({"method": "GET", "query_string": [("query", "ASK {}"), ("query", "ASK {}")]}, 400),
    ({"method": "GET", "query_string": {"query": "ASK {}", "format": "pdf"}}, 406),
    ({"method": "GET", "query_string": {"query": "ASK {}"}, "headers": {"Accept": "image/png"}}, 406),
    ({"method": "GET", "query_string": {"update": "CLEAR ALL"}}, 405),
    ({"method": "POST", "data": "ASK {}", "content_type": "text/plain"}, 415),
    ({"method": "POST", "data": b"\xff\xfe", "content_type": "application/sparql-query"}, 400),
    ({"method": "POST", "data": {"query": "ASK {}", "update": "CLEAR ALL"}}, 400),
    ({"method": "PUT", "data": "ASK {}"}, 405),
])
def test_bad_requests_get_a_4xx_with_a_message(limited, request_args, status):
    response = limited.open("/sparql", **request_args)
    assert response.status_code == status, text(response)
    assert len(text(response).strip()) > 10
