"""`/sparql`: the SPARQL 1.1 Protocol for queries (GET, POST form, POST direct), made safe to
leave open to the public.

Every query has a time limit that stops the work (`SPARQL_TIMEOUT`, see service/store/guarded.py),
a length limit (`SPARQL_MAX_QUERY_LENGTH`: 414 on GET, 413 on POST) and a result-size limit
(`SPARQL_MAX_RESULT_BYTES`: 413, the result is not sent). SERVICE and LOAD are refused (403)
unless `SPARQL_SERVICE_ALLOW` names the endpoint. SPARQL Update is refused (403) unless
`UPDATE_TOKEN` is set, and then needs `Authorization: Bearer TOKEN` (401 without it).

The result kind (solutions, boolean, graph) is known only once the query runs, so the format for
each kind is negotiated first and the one that applies is used.
"""
from __future__ import annotations

import functools
import hmac
import io

from flask import Blueprint, Flask, Response, current_app, request
from pyoxigraph import RdfFormat, serialize

from service.mapping.vocab import PREFIXES
from service.store import QueryTimeout, StoreError
from service.store.guarded import QueryFailed, Writers, make_runner
from service.web import get_store
from service.web.federation import FederationRefused, check_federation
from service.web.formats import (
    GRAPH_ALIASES, GRAPH_FORMATS, RESULT_ALIASES, RESULT_FORMATS, NotAcceptable, choose,
)
from service.web.service_description import service_description_triples

bp = Blueprint("sparql", __name__)

QUERY_TYPE = "application/sparql-query"
UPDATE_TYPE = "application/sparql-update"
FORM_TYPE = "application/x-www-form-urlencoded"
#: Parameters of the protocol (others are refused, so that typos do not pass silently).
KNOWN_PARAMS = {"query", "update", "default-graph-uri", "named-graph-uri", "using-graph-uri",
                "using-named-graph-uri", "format",
                # sent by common clients (SPARQLWrapper, YASGUI, jQuery); accepted and ignored
                "output", "results", "timeout", "infer", "_"}


class ProtocolError(ValueError):
    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def _text_response(message: str, status: int, headers: dict | None = None) -> Response:
    response = Response(message.rstrip() + "\n", status=status, content_type="text/plain; charset=utf-8")
    response.headers.update(headers or {})
    return response


def _setting(name: str, cast=float):
    return cast(current_app.config[name])


def _check_length(text: str) -> str:
    limit = _setting("SPARQL_MAX_QUERY_LENGTH", int)
    if len(text) > limit:
        status = 414 if request.method == "GET" else 413
        raise ProtocolError(f"the query is {len(text)} characters long; the limit is {limit}", status)
    return text


def _check_params(names) -> None:
    unknown = sorted(set(names) - KNOWN_PARAMS)
    if unknown:
        raise ProtocolError(f"unknown parameter(s): {', '.join(unknown)}; "
                            f"this endpoint takes {', '.join(sorted(KNOWN_PARAMS))}")
    for name in ("default-graph-uri", "named-graph-uri", "using-graph-uri", "using-named-graph-uri"):
        if request.values.getlist(name):
            raise ProtocolError(f"'{name}' is not supported: the default graph is the union of "
                                "all report graphs; use GRAPH in the query instead")


def read_request() -> tuple[str, str | None]:
    """("query" | "update", text) of a protocol request; text None for a bare GET."""
    if request.method == "GET":
        _check_params(request.args.keys())
        queries, updates = request.args.getlist("query"), request.args.getlist("update")
        if updates:
            raise ProtocolError("SPARQL Update must be sent with POST", 405)
        if len(queries) > 1:
            raise ProtocolError("give exactly one 'query' parameter")
        return "query", (_check_length(queries[0]) if queries else None)
    mimetype = request.mimetype
    if mimetype in (QUERY_TYPE, UPDATE_TYPE):
        _check_params(request.args.keys())
        try:
            text = request.get_data(cache=False).decode("utf-8")
        except UnicodeDecodeError as error:
            raise ProtocolError(f"the request body must be UTF-8 text ({error.reason})") from error
        return ("query" if mimetype == QUERY_TYPE else "update"), _check_length(text)
    if mimetype == FORM_TYPE:
        _check_params(list(request.args.keys()) + list(request.form.keys()))
        queries, updates = request.form.getlist("query"), request.form.getlist("update")
        if len(queries) + len(updates) != 1:
            raise ProtocolError("a form POST needs exactly one 'query' or 'update' field")
        return ("query", _check_length(queries[0])) if queries else ("update", _check_length(updates[0]))
    raise ProtocolError(
        f"unsupported content type {mimetype or '(none)'!r}: POST {QUERY_TYPE}, {UPDATE_TYPE} "
        f"or {FORM_TYPE}", 415)


#: Negotiation outcomes by (Accept header, `format` parameter), the only inputs `choose` reads: a
#: client sends the same header with every query, and matching it (werkzeug's Accept parsing,
#: twice) was the costliest step of a fast query's request (≈0.15 ms of ≈0.5 in Flask). Bounded,
#: since headers are the client's to vary; beyond NEGOTIATED_MAX entries it is computed each time.
_negotiated: dict[tuple, tuple[Writers, dict]] = {}
NEGOTIATED_MAX = 256


def negotiate() -> tuple[Writers, dict]:
    """The writer for each result kind, and the Format chosen for each (None if not acceptable).
    Shared between requests: neither may be changed."""
    key = (request.headers.get("Accept"), request.args.get("format") or request.form.get("format"))
    found = _negotiated.get(key)
    if found is None:
        found = _negotiate()
        if len(_negotiated) < NEGOTIATED_MAX:
            _negotiated[key] = found
    return found


def _negotiate() -> tuple[Writers, dict]:
    chosen, refused = {}, {}
    for kind, formats, aliases in (("solutions", RESULT_FORMATS, RESULT_ALIASES),
                                   ("graph", GRAPH_FORMATS, GRAPH_ALIASES)):
        try:
            chosen[kind] = choose(request, formats, aliases)
        except NotAcceptable as error:
            chosen[kind], refused[kind] = None, str(error)
    writers = Writers(
        solutions=chosen["solutions"].writer if chosen["solutions"] else None,
        graph=chosen["graph"].writer if chosen["graph"] else None,
        not_acceptable=refused, graph_prefixes=PREFIXES)
    return writers, chosen


@functools.lru_cache(maxsize=256)
def _federation_refusal(query: str, allowed: str | tuple) -> str | None:
    """Why `query` is refused for calling a remote endpoint, or None; remembered per text, since
    the same queries (named, examples, a client's polling) come again and again."""
    try:
        check_federation(query, allowed)
    except FederationRefused as error:
        return str(error)
    return None


def run_query(query: str) -> Response:
    if not query.strip():
        return _text_response("the query is empty", 400)
    allowed = current_app.config.get("SPARQL_SERVICE_ALLOW")
    refusal = _federation_refusal(query, allowed if isinstance(allowed, str) or allowed is None
                                  else tuple(allowed))
    if refusal:
        return _text_response(refusal, 403)
    writers, chosen = negotiate()
    if not chosen["solutions"] and not chosen["graph"]:
        return _text_response(next(iter(writers.not_acceptable.values())), 406)
    runner = current_app.extensions["kg_query_runner"]
    try:
        answer = runner.run(query, writers, timeout=_setting("SPARQL_TIMEOUT"),
                            max_bytes=_setting("SPARQL_MAX_RESULT_BYTES", int))
    except QueryFailed as error:
        return _text_response(str(error), error.status)
    except QueryTimeout as error:
        return _text_response(str(error), 503, {"Retry-After": "60"})
    fmt = chosen["graph" if answer.kind == "graph" else "solutions"]
    response = Response(answer.body, content_type=fmt.content_type)
    response.vary.add("Accept")
    return response


def run_update(update: str) -> Response:
    token = current_app.config.get("UPDATE_TOKEN")
    if not token:
        return _text_response("SPARQL Update is not accepted here: this endpoint is read-only", 403)
    given = request.headers.get("Authorization", "")
    scheme, _, credential = given.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(credential.strip().encode(), str(token).encode()):
        return _text_response("SPARQL Update needs 'Authorization: Bearer <token>'", 401,
                              {"WWW-Authenticate": 'Bearer realm="sparql-update"'})
    if not update.strip():
        return _text_response("the update is empty", 400)
    try:
        check_federation(update, current_app.config.get("SPARQL_SERVICE_ALLOW"))
    except FederationRefused as error:
        return _text_response(str(error), 403)
    runner = current_app.extensions["kg_query_runner"]
    try:
        get_store().update(update)
    except SyntaxError as error:
        return _text_response(f"malformed update: {error}", 400)
    except (OSError, StoreError) as error:
        return _text_response(f"the update failed: {error}", 400)
    finally:
        runner.invalidate()
    return Response(status=204)


@bp.route("/sparql", methods=["GET", "POST"])
def endpoint():
    try:
        operation, text = read_request()
    except ProtocolError as error:
        return _text_response(str(error), error.status)
    if text is None:
        return service_description()
    return run_query(text) if operation == "query" else run_update(text)


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


def register(app: Flask) -> None:
    """Start the query runner while the app is being built (for an embedded store this forks
    the zygote, which must happen before the server starts its threads)."""
    runner = make_runner(app.extensions["kg_store"])
    app.extensions["kg_query_runner"] = runner
