"""`/editor`: a SPARQL editor for people: highlighting and prefix completion (static/editor.js),
the named queries as examples, results as a table whose IRIs link to entity pages, downloads
in every result format (links to `/sparql`), and a shareable link (`/editor?query=…`)."""
from __future__ import annotations

import re
from urllib.parse import urlencode

from flask import Blueprint, abort, current_app, render_template, request, url_for
from pyoxigraph import QueryBoolean, QuerySolutions

from service.mapping.vocab import PREFIXES
from service.named_queries import load_queries
from service.web import get_store
from service.web.formats import GRAPH_FORMATS, RESULT_FORMATS

bp = Blueprint("editor", __name__)

MAX_ROWS = 1000
MAX_QUERY = 20_000
TIMEOUT_S = 30.0
_SERVICE = re.compile(r"\bSERVICE\b", re.IGNORECASE)
_UPDATE = re.compile(r"^\s*(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b", re.IGNORECASE | re.MULTILINE)

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


def _strip_comments_and_strings(text: str) -> str:
    text = re.sub(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'', '""', text)
    text = re.sub(r"<[^<>\s]*>", "<>", text)
    return re.sub(r"#[^\n]*", "", text)


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
    if len(query) > MAX_QUERY:
        abort(400, f"the query is longer than {MAX_QUERY} characters")
    bare = _strip_comments_and_strings(query)
    if _SERVICE.search(bare):
        abort(400, "SERVICE (federated queries) is not allowed here")
    if _UPDATE.search(bare) and not re.search(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", bare, re.IGNORECASE):
        abort(403, "SPARQL Update is not accepted here: the service is read-only")
    context["share"] = url_for("editor.editor", _external=True) + "?" + urlencode({"query": query})
    try:
        result = get_store().query(query, timeout=TIMEOUT_S)
    except SyntaxError as error:
        context.update(error=str(error), ran=True)
        return render_template("editor.html", **context), 400
    context["ran"] = True
    if isinstance(result, QuerySolutions):
        variables = [v.value for v in result.variables]
        rows = []
        for i, row in enumerate(result):
            if i >= MAX_ROWS:
                context["truncated"] = True
                break
            rows.append([row[v] for v in variables])
        context.update(variables=variables, rows=rows, kind="solutions")
    elif isinstance(result, QueryBoolean):
        context.update(boolean=bool(result), kind="boolean")
    else:
        rows = []
        for i, triple in enumerate(result):
            if i >= MAX_ROWS:
                context["truncated"] = True
                break
            rows.append([triple.subject, triple.predicate, triple.object])
        context.update(variables=["subject", "predicate", "object"], rows=rows, kind="graph")
    context["downloads"] = _downloads(query, "graph" if context["kind"] == "graph" else "results")
    return render_template("editor.html", **context)
