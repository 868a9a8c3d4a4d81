"""`/sparql`: the SPARQL 1.1 Protocol for queries (GET, POST form, POST direct).

The result kind (solutions, boolean, graph) is known only once the query runs, so Accept is
checked against the formats of that kind after evaluation.
"""
from __future__ import annotations

import io

from flask import Blueprint, Response, current_app, request
from pyoxigraph import QueryTriples, RdfFormat, serialize

from service.mapping.vocab import PREFIXES
from service.web import get_store
from service.web.formats import (
    GRAPH_ALIASES, GRAPH_FORMATS, RESULT_ALIASES, RESULT_FORMATS, NotAcceptable, choose,
)
from service.web.service_description import service_description_triples

bp = Blueprint("sparql", __name__)

QUERY_TYPE = "application/sparql-query"
UPDATE_TYPE = "application/sparql-update"
FORM_TYPE = "application/x-www-form-urlencoded"


class ProtocolError(ValueError):
    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def _text_response(message: str, status: int) -> Response:
    return Response(message.rstrip() + "\n", status=status, content_type="text/plain; charset=utf-8")


def read_query() -> str | None:
    """The query text of a protocol request, or None for a bare GET (service description)."""
    if request.method == "GET":
        queries = request.args.getlist("query")
        if request.args.getlist("update"):
            raise ProtocolError("SPARQL Update is not accepted here: this endpoint is read-only", 403)
        if len(queries) > 1:
            raise ProtocolError("give exactly one 'query' parameter")
        return queries[0] if queries else None
    mimetype = request.mimetype
    if mimetype == QUERY_TYPE:
        try:
            return request.get_data(cache=False).decode("utf-8")
        except UnicodeDecodeError as error:
            raise ProtocolError(f"the query must be UTF-8 text ({error.reason})") from error
    if mimetype == FORM_TYPE:
        if request.form.getlist("update"):
            raise ProtocolError("SPARQL Update is not accepted here: this endpoint is read-only", 403)
        queries = request.form.getlist("query")
        if len(queries) != 1:
            raise ProtocolError("a form POST needs exactly one 'query' field")
        return queries[0]
    if mimetype == UPDATE_TYPE:
        raise ProtocolError("SPARQL Update is not accepted here: this endpoint is read-only", 403)
    raise ProtocolError(
        f"unsupported content type {mimetype or '(none)'!r}: POST {QUERY_TYPE} or {FORM_TYPE}", 415)


def render_result(result) -> Response:
    """Serialise a query result in the negotiated format."""
    if isinstance(result, QueryTriples):
        fmt = choose(request, GRAPH_FORMATS, GRAPH_ALIASES)
        buffer = io.BytesIO()
        prefixes = PREFIXES if fmt.writer == RdfFormat.TURTLE else None
        serialize(result, buffer, fmt.writer, **({"prefixes": prefixes} if prefixes else {}))
    else:
        fmt = choose(request, RESULT_FORMATS, RESULT_ALIASES)
        buffer = io.BytesIO()
        result.serialize(buffer, fmt.writer)
    response = Response(buffer.getvalue(), content_type=fmt.content_type)
    response.vary.add("Accept")
    return response


@bp.route("/sparql", methods=["GET", "POST"])
def endpoint():
    try:
        query = read_query()
    except ProtocolError as error:
        return _text_response(str(error), error.status)
    if query is None:
        return service_description()
    if not query.strip():
        return _text_response("the query is empty", 400)
    try:
        result = get_store().query(query)
    except SyntaxError as error:
        return _text_response(f"malformed query: {error}", 400)
    try:
        return render_result(result)
    except NotAcceptable as error:
        return _text_response(str(error), 406)


def service_description() -> Response:
    try:
        fmt = choose(request, GRAPH_FORMATS, GRAPH_ALIASES)
    except NotAcceptable as error:
        return _text_response(str(error), 406)
    buffer = io.BytesIO()
    triples = service_description_triples(current_app.config, get_store())
    serialize(triples, buffer, fmt.writer, **({"prefixes": PREFIXES} if fmt.writer == RdfFormat.TURTLE else {}))
    response = Response(buffer.getvalue(), content_type=fmt.content_type)
    response.vary.add("Accept")
    return response
