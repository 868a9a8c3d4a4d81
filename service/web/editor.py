"""`/editor`: a SPARQL editor for people: highlighting and prefix completion (static/editor.js),
the named queries as examples, results as a table whose IRIs link to entity pages, downloads
in every result format (links to `/sparql`), and a shareable link (`/editor?query=…`)."""
from __future__ import annotations

import io
import json
from urllib.parse import urlencode

from flask import Blueprint, abort, current_app, render_template, request, url_for
from pyoxigraph import BlankNode, Literal, NamedNode, QueryResultsFormat, RdfFormat, parse

from service.mapping.vocab import PREFIXES
from service.named_queries import load_queries
from service.store import QueryTimeout
from service.store.guarded import QueryFailed, Writers
from service.web.federation import FederationRefused, check_federation
from service.web.formats import GRAPH_FORMATS, RESULT_FORMATS

bp = Blueprint("editor", __name__)

MAX_ROWS = 1000

DEFAULT_QUERY = """PREFIX schema: <http://schema.org/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>

SELECT ?event ?name ?start WHERE {
  ?event a schema:Event ;
         skos:prefLabel ?name ;
         schema:startDate ?start .
}
ORDER BY DESC(?start)
LIMIT 20
"""


def _term(binding: dict | None):
    """A pyoxigraph term from a SPARQL JSON results binding."""
    if binding is None:
        return None
    kind, value = binding.get("type"), binding.get("value", "")
    if kind == "uri":
        return NamedNode(value)
    if kind == "bnode":
        return BlankNode(value)
    if binding.get("xml:lang"):
        return Literal(value, language=binding["xml:lang"])
    if binding.get("datatype"):
        return Literal(value, datatype=NamedNode(binding["datatype"]))
    return Literal(value)


def run_guarded(query: str):
    """Run `query` as /sparql does (federation check, the killable runner, its time and size
    limits); the answer's kind and its parsed content."""
    check_federation(query, current_app.config.get("SPARQL_SERVICE_ALLOW"))
    writers = Writers(solutions=QueryResultsFormat.JSON, graph=RdfFormat.N_TRIPLES, not_acceptable={})
    answer = current_app.extensions["kg_query_runner"].run(
        query, writers, timeout=float(current_app.config["SPARQL_TIMEOUT"]),
        max_bytes=int(current_app.config["SPARQL_MAX_RESULT_BYTES"]))
    if answer.kind == "graph":
        return "graph", list(parse(io.BytesIO(answer.body), RdfFormat.N_TRIPLES))
    return answer.kind, json.loads(answer.body.decode("utf-8"))


def _downloads(query: str, kind: str) -> list[dict]:
    formats = GRAPH_FORMATS if kind == "graph" else RESULT_FORMATS
    return [{"name": f.names[0].upper(), "media_type": f.media_type,
             "href": url_for("sparql.endpoint") + "?" + urlencode({"query": query, "format": f.names[0]})}
            for f in formats]


@bp.route("/editor")
def editor():
    examples = load_queries(current_app.config["QUERIES_DIR"])
    example_name = request.args.get("example")
    query = request.args.get("query")
    if example_name is not None:
        found = next((q for q in examples if q.name == example_name), None)
        if found is None:
            abort(404, f"no example query named {example_name[:80]!r}")
        query = found.text
    context = {"examples": examples, "prefixes": PREFIXES, "query": query or DEFAULT_QUERY,
               "ran": False, "error": None, "variables": [], "rows": [], "boolean": None,
               "truncated": False, "downloads": [], "share": None, "kind": None}
    if query is None:
        return render_template("editor.html", **context)
    if not query.strip():
        abort(400, "the query is empty")
    limit = int(current_app.config.get("SPARQL_MAX_QUERY_LENGTH", 20_000))
    if len(query) > limit:
        abort(400, f"the query is longer than {limit} characters")
    context["share"] = url_for("editor.editor", _external=True) + "?" + urlencode({"query": query})
    context["ran"] = True
    try:
        kind, content = run_guarded(query)
    except FederationRefused as error:
        context["error"] = str(error)
        return render_template("editor.html", **context), 403
    except QueryFailed as error:
        context["error"] = str(error)
        return render_template("editor.html", **context), error.status
    except QueryTimeout as error:
        context["error"] = str(error)
        return render_template("editor.html", **context), 503
    if kind == "solutions":
        variables = content.get("head", {}).get("vars", [])
        bindings = content.get("results", {}).get("bindings", [])
        context["truncated"] = len(bindings) > MAX_ROWS
        rows = [[_term(b.get(v)) for v in variables] for b in bindings[:MAX_ROWS]]
        context.update(variables=variables, rows=rows, kind="solutions")
    elif kind == "boolean":
        context.update(boolean=bool(content.get("boolean")), kind="boolean")
    else:
        context["truncated"] = len(content) > MAX_ROWS
        rows = [[t.subject, t.predicate, t.object] for t in content[:MAX_ROWS]]
        context.update(variables=["subject", "predicate", "object"], rows=rows, kind="graph")
    context["downloads"] = _downloads(query, "graph" if context["kind"] == "graph" else "results")
    return render_template("editor.html", **context)
