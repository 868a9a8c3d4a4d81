"""`/queries`: the named example queries, each shown with its text and run on request."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template
from pyoxigraph import QueryBoolean, QuerySolutions

from service.named_queries import load_queries
from service.web import get_store

bp = Blueprint("queries", __name__)

MAX_ROWS = 1000


def _queries():
    return load_queries(current_app.config["QUERIES_DIR"])


@bp.route("/queries")
def query_list():
    return render_template("queries.html", queries=_queries())


@bp.route("/queries/<name>")
def query_run(name: str):
    query = next((q for q in _queries() if q.name == name), None)
    if query is None:
        abort(404, f"no query named {name!r}")
    result = get_store().query(query.text)
    if isinstance(result, QuerySolutions):
        variables = [v.value for v in result.variables]
        rows = []
        for i, row in enumerate(result):
            if i >= MAX_ROWS:
                break
            rows.append([row[v] for v in variables])
        return render_template("query.html", query=query, variables=variables, rows=rows,
                               truncated=len(rows) >= MAX_ROWS, boolean=None)
    if isinstance(result, QueryBoolean):
        return render_template("query.html", query=query, variables=[], rows=[], truncated=False,
                               boolean=bool(result))
    rows = []
    for i, triple in enumerate(result):
        if i >= MAX_ROWS:
            break
        rows.append([triple.subject, triple.predicate, triple.object])
    return render_template("query.html", query=query, variables=["subject", "predicate", "object"],
                           rows=rows, truncated=len(rows) >= MAX_ROWS, boolean=None)
