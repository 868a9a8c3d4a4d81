"""Report texts are untrusted: markup in names is escaped on every page that shows it, the
JSON-LD in entity pages cannot be closed early, and every response carries security headers."""
from __future__ import annotations

import json
import re
import shutil

import pytest

from support import BASE, DEMO_RECORDS

SCRIPT = "<script>alert(1)</script>"
ATTR = '"onmouseover="alert(2)'
CLOSE = "</script><img src=x onerror=alert(3)>"
EVIL_ORG = f"Ośrodek {SCRIPT} Pomocy"
EVIL_PERSON = f"Jan {ATTR} Kowalski"
EVIL_EVENT = f"konferencja {CLOSE} o bezdomności"
RAW = (SCRIPT, 'onmouseover="alert', "<img src=x", "</script><img")


@pytest.fixture(scope="module")
def evil_client(tmp_path_factory):
    from service.ingest import ingest
    from service.store import open_store
    from service.web import create_app
    records = tmp_path_factory.mktemp("evil-records")
    record = json.loads((DEMO_RECORDS / "2019-suwalki-mops-bezdomnosc.json").read_text(encoding="utf-8"))
    record["event"]["name"] = EVIL_EVENT
    record["event"]["title"] = EVIL_EVENT
    record["event"]["organisers"] = [EVIL_ORG]
    record["event"]["contributions"][0]["person"] = EVIL_PERSON
    (records / "evil-report.json").write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    shutil.copy(DEMO_RECORDS / "2014-lublin-rops-ekonomia-spoleczna.json", records)
    store = open_store(str(tmp_path_factory.mktemp("evil-store") / "store"))
    outcomes = ingest(store, [records], base=BASE, validate=False)
    assert all(o.ok for o in outcomes), [o.error for o in outcomes]
    app = create_app({"BASE": BASE, "TESTING": True}, store=store)
    return app.test_client()


def assert_no_raw_markup(html: str) -> None:
    for raw in RAW:
        assert raw not in html, f"unescaped {raw!r}"
    # Only script elements the page itself puts there: JSON-LD data, or files from 'self'.
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert 'type="application/ld+json"' in tag or re.search(r'src="/', tag), tag


def iri_of(client, name: str) -> str:
    query = ('PREFIX skos: <http://www.w3.org/2004/02/skos/core#> PREFIX foaf: <http://xmlns.com/foaf/0.1/> '
             'SELECT ?s WHERE { { ?s skos:prefLabel ?n } UNION { ?s foaf:name ?n } '
             f'FILTER(CONTAINS(STR(?n), {json.dumps(name)})) }} LIMIT 1')
    rows = client.get("/sparql", query_string={"query": query}).get_json()["results"]["bindings"]
    assert rows, f"nothing named {name!r} in the store"
    return rows[0]["s"]["value"]


def test_names_with_markup_are_stored_as_given(evil_client):
    for name in (SCRIPT, ATTR, CLOSE):
        iri_of(evil_client, name)


@pytest.mark.parametrize("path", ["/", "/list/organisation", "/list/person", "/list/event",
                                  "/search?q=Ośrodek+script+Pomocy", "/search?q=Jan+Kowalski",
                                  "/search?q=konferencja+bezdomności"])
def test_lists_home_and_search_escape_names(evil_client, path):
    response = evil_client.get(path)
    assert response.status_code == 200
    assert_no_raw_markup(response.get_data(as_text=True))


@pytest.mark.parametrize("name", [SCRIPT, ATTR, CLOSE])
def test_entity_pages_escape_names_and_json_ld(evil_client, name):
    iri = iri_of(evil_client, name)
    response = evil_client.get(iri.removeprefix(BASE), headers={"Accept": "text/html"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert_no_raw_markup(html)
    for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S):
        assert "<" not in block
        json.loads(block)  # still valid JSON, whole


def test_every_page_of_every_named_query_escapes(evil_client):
    from service.named_queries import load_queries
    from service.config import DEFAULTS
    for query in load_queries(DEFAULTS["QUERIES_DIR"]):
        response = evil_client.get(f"/queries/{query.name}")
        assert response.status_code == 200, query.name
        assert_no_raw_markup(response.get_data(as_text=True))


@pytest.mark.parametrize("q", ["<script>alert(1)</script>", '"><svg onload=alert(1)>', "' OR 1=1 --",
                               '") } SERVICE <http://x/> { ?s ?p ?o } #', "\\", "%00", "ą" * 500, "{{7*7}}"])
def test_search_input_of_any_kind_is_safe(evil_client, q):
    response = evil_client.get("/search", query_string={"q": q})
    assert response.status_code in (200, 400)
    html = response.get_data(as_text=True)
    assert "<script>alert" not in html and "<svg onload" not in html and "49" not in html.split("<main", 1)[-1][:200]


def test_security_headers_on_pages_and_endpoint(evil_client):
    for path in ("/", "/sparql?query=ASK%7B%7D", "/no-such-page"):
        headers = evil_client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"]


@pytest.mark.parametrize("path", ["/", "/list/event", "/queries", "/search?q=pomoc"])
def test_pages_have_no_inline_script(client, path):
    html = client.get(path).get_data(as_text=True)
    for body in re.findall(r"<script\b(?![^>]*\bsrc=)[^>]*>(.*?)</script>", html, re.S):
        assert not body.strip() or body.strip().startswith("{"), f"inline script on {path}"
    assert not re.search(r"\son[a-z]+\s*=", html), "an inline event handler"


HOSTILE_IRIS = ("javascript:alert(4)", "JavaScript:alert(5)", "data:text/html;base64,PHNjcmlwdD5hbGVydCg2KTwvc2NyaXB0Pg==",
                "vbscript:msgbox(7)")


@pytest.fixture(scope="module")
def hostile_iri_client(tmp_path_factory):
    """The demo report, plus statements whose objects are IRIs of schemes a link must not use."""
    from service.ingest import ingest
    from service.store import open_store
    from service.web import create_app
    records = tmp_path_factory.mktemp("iri-records")
    shutil.copy(DEMO_RECORDS / "2014-lublin-rops-ekonomia-spoleczna.json", records)
    store = open_store(str(tmp_path_factory.mktemp("iri-store") / "store"))
    assert all(o.ok for o in ingest(store, [records], base=BASE, validate=False))
    report = f"{BASE}/id/report/2014-lublin-rops-ekonomia-spoleczna"
    objects = " , ".join(f"<{iri}>" for iri in HOSTILE_IRIS + ("https://example.org/ok", "http://example.org/fine"))
    store.update(f"INSERT DATA {{ GRAPH <{report}> {{ <{report}> <http://purl.org/dc/terms/relation> {objects} }} }}")
    return create_app({"BASE": BASE, "TESTING": True}, store=store).test_client()


def test_only_http_and_local_iris_become_links(hostile_iri_client):
    response = hostile_iri_client.get("/id/report/2014-lublin-rops-ekonomia-spoleczna")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert hrefs
    for href in hrefs:
        assert href.startswith(("/", "#", "http://", "https://", "?")), href
    for iri in HOSTILE_IRIS:  # still shown, as text
        assert re.search(rf'<span class="iri">{re.escape(iri)}</span>', html), iri
    assert 'href="https://example.org/ok"' in html and 'href="http://example.org/fine"' in html
