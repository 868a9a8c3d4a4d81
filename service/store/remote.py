"""A store on a standalone SPARQL server, spoken to only through standards.

Queries and updates go through the SPARQL 1.1 Protocol, a report's graph is replaced
with one Graph Store Protocol PUT (atomic on Oxigraph), and answers are parsed into the same
pyoxigraph objects the embedded store returns, so callers cannot tell the backends apart.

The server must present the union of its named graphs as the default graph, as the embedded store
does (`oxigraph serve --union-default-graph`; GraphDB and Virtuoso do it by default; Fuseki with
`unionDefaultGraph`). Nothing is rewritten here: for an Oxigraph server started without the flag,
the query endpoint can carry it instead: `KG_QUERY_ENDPOINT=http://host:7878/query?union-default-graph`.

Queries and updates go through SPARQLWrapper (SPARQL 1.1 Protocol, POST URL-encoded, so that an
endpoint URL may carry its own parameters such as `?union-default-graph`); the Graph Store
Protocol (PUT and DELETE of a report's graph) and the streamed dump stay plain HTTP through one
urllib3 pool, which SPARQLWrapper does not speak. How SPARQLWrapper is used, and why:

- one SPARQLWrapper object per call: it holds the query, its type and its settings, so it cannot
  be shared between threads; creating one is cheap (a few dictionaries, no connection).
- the store says whether the text is a query or an update (`queryString` and `queryType` are set
  directly): SPARQLWrapper's own guess, a regular expression over the text, warns on text it cannot
  classify, and takes the first of its keywords found anywhere in the text (no word boundaries),
  so a query with, say, `address` or `download` before its form could go out as an update.
- `timeout` is set as an attribute: `setTimeout` rounds down to whole seconds (0.5 s would be no
  timeout at all). It is urllib's socket timeout, so it bounds connecting and each wait for data
  (not a separate, shorter connect timeout as for the Graph Store requests); the deadline for the
  whole answer is kept here, by reading the QueryResult's `response` in chunks and checking the
  clock between them.
- the answer is parsed here into pyoxigraph objects, not with `convert()` (dicts, or an rdflib graph).
- SPARQLWrapper turns 400, 401, 404, 414 and 500 into its own exceptions, which keep the server's
  words only inside their message: they are taken back from there for ours.
- urllib opens a connection per request (no keep-alive) and honours `http_proxy`/`no_proxy`.
  On loopback that costs about 0.5 ms a query against the kept-alive pool used before (an entity
  page, 21 queries: 18 → 29 ms; bench/remote_store.py); over a network, a round trip more
  (and a TLS handshake for https). `setUseKeepAlive()` would need the `keepalive` package and
  installs a process-wide urllib opener, so it is not used.
"""
from __future__ import annotations

import ast
import http.client
import time
import urllib.error
from typing import BinaryIO, Iterable, Iterator
from urllib.parse import urlencode

import urllib3
from SPARQLWrapper import INSERT, POST, SELECT, URLENCODED, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import (
    EndPointInternalError, EndPointNotFound, QueryBadFormed, SPARQLWrapperException, Unauthorized, URITooLong,
)
from urllib3.exceptions import (
    ConnectTimeoutError, HTTPError, NewConnectionError, ProtocolError, ReadTimeoutError,
)
from pyoxigraph import (
    DefaultGraph, NamedNode, Quad, QueryBoolean, QueryResultsFormat, RdfFormat, parse, parse_query_results,
    serialize,
)
from pyoxigraph import Store as OxStore

from service.mapping.vocab import PREFIXES
from service.store.base import QueryTimeout, Store, StoreError, StoreUnavailable, split_quads

QUERY_ACCEPT = ("application/sparql-results+json, application/sparql-results+xml;q=0.9, "
                "application/n-triples, text/turtle;q=0.8, application/rdf+xml;q=0.5")
CHUNK = 1 << 16
# The HTTP status behind each of SPARQLWrapper's exceptions (it raises urllib's HTTPError for others).
WRAPPER_STATUS = ((QueryBadFormed, 400), (Unauthorized, 401), (EndPointNotFound, 404), (URITooLong, 414),
                  (EndPointInternalError, 500))


class RemoteStore(Store):
    def __init__(self, url: str, *, query_endpoint: str | None = None,
                 update_endpoint: str | None = None, gsp_endpoint: str | None = None,
                 timeout: float | str = 30.0, connect_timeout: float | str | None = None,
                 pool_size: int = 16):
        """`url` is the server; the endpoints default to Oxigraph's ({url}/query, /update, /store).

        `timeout` (seconds) bounds each whole query and each wait for an answer; `connect_timeout`
        (default: the smaller of 5 s and `timeout`) bounds opening a connection for a Graph Store
        request or a dump (a query's or an update's connection is bounded by `timeout`).
        """
        self.location = url.rstrip("/")
        self.query_endpoint = query_endpoint or f"{self.location}/query"
        self.update_endpoint = update_endpoint or f"{self.location}/update"
        self.gsp_endpoint = gsp_endpoint or f"{self.location}/store"
        self.timeout = float(timeout)
        self.connect_timeout = float(connect_timeout) if connect_timeout is not None else min(5.0, self.timeout)
        if self.timeout <= 0 or self.connect_timeout <= 0:
            raise StoreError(f"the store timeout must be positive, not {timeout!r}")
        self._http = urllib3.PoolManager(num_pools=4, maxsize=pool_size, retries=False)

    # -- HTTP -----------------------------------------------------------------------------

    def _request(self, method: str, url: str, *, what: str, body: bytes | None = None,
                 headers: dict | None = None, timeout: float | None = None, stream: bool = False,
                 idempotent: bool = True) -> urllib3.BaseHTTPResponse:
        """One Graph Store Protocol exchange; every transport failure becomes a StoreError naming the server.

        A connection the server has closed while idle in the pool shows up as a ProtocolError
        before any answer: idempotent requests are sent once more on a fresh connection.
        """
        read = self.timeout if timeout is None else timeout
        limits = urllib3.Timeout(connect=min(self.connect_timeout, read), read=read)
        for attempt in (1, 2):
            try:
                return self._http.request(method, url, body=body, headers=headers, timeout=limits,
                                          preload_content=not stream, redirect=False)
            except NewConnectionError as error:
                raise StoreUnavailable(
                    f"the SPARQL server at {self.location} is not reachable ({_reason(error)})") from error
            except ConnectTimeoutError as error:
                raise StoreUnavailable(
                    f"the SPARQL server at {self.location} did not accept a connection within "
                    f"{limits.connect_timeout:g} s") from error
            except ReadTimeoutError as error:
                raise StoreUnavailable(
                    f"the SPARQL server at {self.location} did not answer within {read:g} s ({what})") from error
            except ProtocolError as error:
                if idempotent and attempt == 1:
                    continue
                raise StoreUnavailable(
                    f"the SPARQL server at {self.location} dropped the connection ({what}): {_reason(error)}") from error
            except HTTPError as error:
                raise StoreUnavailable(f"the SPARQL server at {self.location} failed ({what}): {error}") from error
        raise AssertionError("unreachable")

    def _check(self, response: urllib3.BaseHTTPResponse, what: str) -> None:
        """Raise for a non-2xx answer to a Graph Store request."""
        if not 200 <= response.status < 300:
            try:
                body = response.data
            except Exception:  # noqa: BLE001 - the body is only decoration for the message
                body = b""
            raise self._refusal(response.status, _message(body), what)

    def _refusal(self, status: int, message: str, what: str, *, syntax: bool = False) -> Exception:
        """The error for a non-2xx answer: 400 on a query or update is the caller's SyntaxError."""
        if status == 400 and syntax:
            return SyntaxError(message or "the server rejected it as malformed")
        if "timeout" in message.lower() or "cancelled" in message.lower() or status == 504:
            return QueryTimeout(f"the SPARQL server at {self.location} stopped the {what}: {message}")
        hint = ""
        if status in (404, 405):
            hint = (" (is the endpoint right? set KG_QUERY_ENDPOINT, KG_UPDATE_ENDPOINT or "
                    "KG_GSP_ENDPOINT for servers that name them differently)")
        kind = "failed" if status >= 500 else "refused"
        return StoreUnavailable(
            f"the SPARQL server at {self.location} {kind} the {what}: HTTP {status} {message}{hint}".rstrip())

    def _sparql(self, endpoint: str, text: str, *, update: bool, timeout: float) -> http.client.HTTPResponse:
        """Send one SPARQL 1.1 Protocol operation through SPARQLWrapper; the unread HTTP response.

        Every failure becomes a StoreError naming the server (QueryTimeout for a query that is not
        answered in time), or a SyntaxError with the server's message for a 400.
        """
        what = "update" if update else "query"
        client = SPARQLWrapper(endpoint)  # its update endpoint is the same: where this call sends
        client.setMethod(POST)
        client.setRequestMethod(URLENCODED)
        client.setOnlyConneg(True)  # no format=/output=/results= parameters, only the Accept header
        client.queryString = text
        client.queryType = INSERT if update else SELECT  # "an update" / "a query": see the module docstring
        client.timeout = timeout  # not setTimeout(), which rounds down to whole seconds
        if not update:
            client.addCustomHttpHeader("Accept", QUERY_ACCEPT)  # every query form, not only SELECT's
        try:
            return client.query().response
        except SPARQLWrapperException as error:
            status = next((code for kind, code in WRAPPER_STATUS if isinstance(error, kind)), 0)
            raise self._refusal(status, _wrapped_message(error), what, syntax=True) from error
        except urllib.error.HTTPError as error:
            raise self._refusal(error.code, _message(error.read()), what, syntax=True) from error
        except urllib.error.URLError as error:  # before the request was sent: connecting
            if isinstance(error.reason, TimeoutError):
                raise StoreUnavailable(
                    f"the SPARQL server at {self.location} did not accept a connection within {timeout:g} s") from error
            raise StoreUnavailable(
                f"the SPARQL server at {self.location} is not reachable ({_reason(error)})") from error
        except TimeoutError as error:  # sent, and no answer in time
            if not update:
                raise QueryTimeout(
                    f"the query took longer than {timeout:g} s on the SPARQL server at {self.location}") from error
            raise StoreUnavailable(
                f"the SPARQL server at {self.location} did not answer within {timeout:g} s (update)") from error
        except (http.client.HTTPException, OSError) as error:
            raise StoreUnavailable(
                f"the SPARQL server at {self.location} dropped the connection ({what}): {_reason(error)}") from error

    # -- Store ----------------------------------------------------------------------------

    def query(self, sparql: str, *, timeout: float | None = None):
        limit = self.timeout if timeout is None else float(timeout)
        deadline = time.monotonic() + limit
        response = self._sparql(self.query_endpoint, sparql, update=False, timeout=limit)
        try:
            body = _read_until(response, deadline, limit, self.location)
        finally:
            response.close()
        return self._parse_result(body, response.headers.get("Content-Type", ""))

    def _parse_result(self, body: bytes, content_type: str):
        try:
            results_format = QueryResultsFormat.from_media_type(content_type) if content_type else None
            if results_format is not None:
                # The parser is lazy: read it through once here, so that a cut or broken answer
                # fails now, as a StoreError, not later in the caller's loop as a SyntaxError.
                result = parse_query_results(body, results_format)
                if isinstance(result, QueryBoolean):
                    return result
                for _ in result:
                    pass
                return parse_query_results(body, results_format)
            graph_format = RdfFormat.from_media_type(content_type) if content_type else None
            if graph_format is not None:
                # pyoxigraph makes QueryTriples only from a query: load the triples into a
                # scratch store and CONSTRUCT them back, so callers get the embedded store's type.
                scratch = OxStore()
                scratch.load(body, graph_format, to_graph=DefaultGraph())
                return scratch.query("CONSTRUCT WHERE { ?s ?p ?o }")
        except SyntaxError as error:
            if b"cancelled" in body[-200:] or b"timeout" in body[-200:].lower():
                # Oxigraph's --timeout-s cuts an answer it has begun and says so at its end.
                raise QueryTimeout(f"the SPARQL server at {self.location} stopped the query at its time limit") from error
            raise StoreError(f"the SPARQL server at {self.location} sent an unreadable answer: {error}") from error
        raise StoreError(
            f"the SPARQL server at {self.location} answered a query with {content_type or 'no content type'!r}, "
            "which is neither SPARQL results nor RDF")

    def update(self, sparql: str) -> None:
        self._update(sparql)
        self._tell("updated")

    def _update(self, sparql: str) -> None:
        self._sparql(self.update_endpoint, sparql, update=True, timeout=self.timeout).close()

    def _graph_url(self, graph: str) -> str:
        separator = "&" if "?" in self.gsp_endpoint else "?"
        return f"{self.gsp_endpoint}{separator}{urlencode({'graph': graph})}"

    def replace_graph(self, graph: str, quads: Iterable[Quad]) -> None:
        # Two requests, in this order:
        # 1. quads in other named graphs (a report's identity quads, for the entities graph) are
        #    added by one SPARQL update `INSERT DATA`. Safe on its own: identity quads are true of
        #    the entity whatever report names it, adding one twice changes nothing, and they are
        #    never removed, so a crash between 1 and 2 leaves at most identity quads of a report
        #    not (yet) loaded, never a loaded report without its identity quads.
        # 2. One Graph Store PUT of the report's graph: Oxigraph 0.5 clears and loads in one
        #    transaction (a body that fails to parse leaves the old graph; readers see the old
        #    graph or the new one: tests/test_remote_store.py checks both). Servers without that
        #    guarantee would need a single "DROP GRAPH ; INSERT DATA" update instead.
        quads = list(quads)
        own, extra = split_quads(graph, quads)
        if extra:
            data = " ".join(f"GRAPH {NamedNode(g)} {{ " + " ".join(
                f"{q.subject} {q.predicate} {q.object} ." for q in qs) + " }" for g, qs in extra.items())
            self._update(f"INSERT DATA {{ {data} }}")
        body = serialize((q.triple for q in own), format=RdfFormat.N_TRIPLES)
        if not body:
            self.delete_graph(graph)
            return
        response = self._request("PUT", self._graph_url(graph), what=f"replacing graph <{graph}>", body=body,
                                 headers={"Content-Type": "application/n-triples"})
        self._check(response, f"replacing of graph <{graph}>")
        self._tell("loaded", {graph: quads})

    def delete_graph(self, graph: str) -> None:
        response = self._request("DELETE", self._graph_url(graph), what=f"deleting graph <{graph}>")
        if response.status != 404:
            self._check(response, f"deleting of graph <{graph}>")
        self._tell("deleted", graph)

    def named_graphs(self) -> list[str]:
        # GRAPH ?g {} binds ?g to every named graph, empty ones too (SPARQL 1.1 §18.6).
        rows = self.select("SELECT DISTINCT ?g WHERE { GRAPH ?g {} }")
        return sorted(row["g"].value for row in rows if isinstance(row.get("g"), NamedNode))

    def __len__(self) -> int:
        """Quads in named graphs (the model keeps nothing in the default graph)."""
        rows = self.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        return int(rows[0]["n"].value) if rows else 0

    def dump(self, output: BinaryIO, format: RdfFormat, *, graph: str | None = None) -> None:
        """Stream the dataset (or one graph) from the server to `output`, chunk by chunk.

        The whole dataset comes from one GET on the store endpoint (N-Quads; Oxigraph and Fuseki
        answer it, in one snapshot); a server that refuses it is read graph by graph instead.
        """
        prefixes = PREFIXES if format in (RdfFormat.TURTLE, RdfFormat.TRIG) else None
        if graph is not None:
            self._stream(self._graph_url(graph), RdfFormat.N_TRIPLES, output, format, prefixes, "dump of one graph")
            return
        response = self._request("GET", self.gsp_endpoint, what="dump", stream=True,
                                 headers={"Accept": "application/n-quads"})
        served = RdfFormat.from_media_type(response.headers.get("Content-Type", "")) if response.status == 200 else None
        if served is not None and served.supports_datasets:
            self._copy(response, served, output, format, prefixes, triples=not format.supports_datasets)
            return
        try:
            if response.status not in (200, 400, 404, 405, 406):
                self._check(response, "dump")
            response.drain_conn()
        finally:
            response.release_conn()
        quads = self._graph_by_graph()
        items = (q.triple for q in quads) if not format.supports_datasets else quads
        self._write(items, output, format, prefixes)

    def _graph_by_graph(self) -> Iterator[Quad]:
        for name in self.named_graphs():
            node = NamedNode(name)
            response = self._request("GET", self._graph_url(name), what="dump", stream=True,
                                     headers={"Accept": "application/n-triples"})
            try:
                self._check(response, "dump")
                served = RdfFormat.from_media_type(response.headers.get("Content-Type", "")) or RdfFormat.N_TRIPLES
                for triple in parse(response, served):
                    yield Quad(triple.subject, triple.predicate, triple.object, node)
            finally:
                response.release_conn()

    def _stream(self, url, accept: RdfFormat, output, format, prefixes, what) -> None:
        response = self._request("GET", url, what=what, stream=True, headers={"Accept": accept.media_type})
        if response.status != 200:
            try:
                self._check(response, what)
            finally:
                response.release_conn()
        served = RdfFormat.from_media_type(response.headers.get("Content-Type", "")) or accept
        self._copy(response, served, output, format, prefixes, triples=False)

    def _copy(self, response, served: RdfFormat, output, format, prefixes, *, triples: bool) -> None:
        """Write the streamed body as it arrives: as bytes when the formats agree, else re-serialised."""
        try:
            if served == format:
                for chunk in response.stream(CHUNK):
                    output.write(chunk)
            else:
                items = parse(response, served)
                if triples:
                    items = (q.triple for q in items)
                self._write(items, output, format, prefixes)
        except (HTTPError, SyntaxError) as error:
            raise StoreUnavailable(f"the dump from the SPARQL server at {self.location} broke off: {error}") from error
        finally:
            response.release_conn()

    def _write(self, items, output, format, prefixes) -> None:
        try:
            serialize(items, output, format, **({"prefixes": prefixes} if prefixes else {}))
        except SyntaxError as error:
            raise StoreUnavailable(f"the dump from the SPARQL server at {self.location} broke off: {error}") from error

    def close(self) -> None:
        self._tell("closed")
        self._http.clear()


def _read_until(response: http.client.HTTPResponse, deadline: float, limit: float, location: str) -> bytes:
    """The whole body, or QueryTimeout once the query's time is up (each read also has a timeout)."""
    chunks = []
    try:
        while chunk := response.read1(CHUNK):
            chunks.append(chunk)
            if time.monotonic() > deadline:
                raise QueryTimeout(f"the query took longer than {limit:g} s on the SPARQL server at {location}")
    except TimeoutError as error:
        raise QueryTimeout(f"the query took longer than {limit:g} s on the SPARQL server at {location}") from error
    except (http.client.HTTPException, OSError) as error:
        raise StoreUnavailable(f"the SPARQL server at {location} broke off its answer: {_reason(error)}") from error
    return b"".join(chunks)


def _message(body: bytes) -> str:
    """The server's own words about an error, short."""
    return " ".join(body.decode("utf-8", "replace").split())[:500]


def _wrapped_message(error: SPARQLWrapperException) -> str:
    """The server's words that SPARQLWrapper read and kept only as a repr at the end of its message."""
    _, found, body = str(error).partition("\n\nResponse:\n")
    try:
        return _message(ast.literal_eval(body)) if found else ""
    except (ValueError, SyntaxError, AttributeError):
        return _message(body.encode())


def _reason(error: Exception) -> str:
    text = str(error)
    for known in ("Connection refused", "Name or service not known", "No route to host",
                  "Connection reset by peer", "Remote end closed connection"):
        if known.lower() in text.lower():
            return known.lower()
    return text
