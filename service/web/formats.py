"""Media types and `format` names for query results and RDF, and choosing among them.

Formats are values: each has a media type, short names for the `format` parameter, and the
pyoxigraph format object that writes it.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import Request
from pyoxigraph import QueryResultsFormat, RdfFormat


@dataclass(frozen=True)
class Format:
    media_type: str
    names: tuple[str, ...]
    writer: QueryResultsFormat | RdfFormat
    extension: str

    @property
    def content_type(self) -> str:
        textual = self.media_type.startswith("text/") or self.media_type.endswith(("+json", "+xml", "/json", "/ld+json", "/n-triples", "/n-quads", "/trig"))
        return f"{self.media_type}; charset=utf-8" if textual else self.media_type


RESULT_FORMATS = [
    Format("application/sparql-results+json", ("json", "srj"), QueryResultsFormat.JSON, "srj"),
    Format("application/sparql-results+xml", ("xml", "srx"), QueryResultsFormat.XML, "srx"),
    Format("text/csv", ("csv",), QueryResultsFormat.CSV, "csv"),
    Format("text/tab-separated-values", ("tsv",), QueryResultsFormat.TSV, "tsv"),
]
#: The same results under the generic JSON / XML types many clients send.
RESULT_ALIASES = {"application/json": RESULT_FORMATS[0], "application/xml": RESULT_FORMATS[1],
                  "text/xml": RESULT_FORMATS[1]}

GRAPH_FORMATS = [
    Format("text/turtle", ("turtle", "ttl"), RdfFormat.TURTLE, "ttl"),
    Format("application/n-triples", ("ntriples", "nt"), RdfFormat.N_TRIPLES, "nt"),
    Format("application/rdf+xml", ("rdfxml", "rdf", "xml"), RdfFormat.RDF_XML, "rdf"),
    Format("application/ld+json", ("jsonld", "json"), RdfFormat.JSON_LD, "jsonld"),
]
GRAPH_ALIASES = {"application/x-turtle": GRAPH_FORMATS[0], "text/plain": GRAPH_FORMATS[1],
                 "application/json": GRAPH_FORMATS[3], "application/xml": GRAPH_FORMATS[2],
                 "text/xml": GRAPH_FORMATS[2]}

DATASET_FORMATS = [
    Format("application/n-quads", ("nquads", "nq"), RdfFormat.N_QUADS, "nq"),
    Format("application/trig", ("trig",), RdfFormat.TRIG, "trig"),
]


class NotAcceptable(ValueError):
    """Nothing the client accepts can be produced."""


def choose(request: Request, formats: list[Format], aliases: dict[str, Format] | None = None,
           *, param: str = "format") -> Format:
    """The format named by `?format=`, else the best by `Accept` (q-values, wildcards).

    No Accept header, or only wildcards, gives the first format. NotAcceptable when the client
    names a format or media types none of which fit.
    """
    aliases = aliases or {}
    name = request.args.get(param) or request.form.get(param)
    if name:
        name = name.strip().lower()
        for fmt in formats:
            if name in fmt.names or name == fmt.media_type:
                return fmt
        if name in aliases:
            return aliases[name]
        offered = ", ".join(fmt.names[0] for fmt in formats)
        raise NotAcceptable(f"unknown format {name!r}; this resource offers {offered}")
    if not request.headers.get("Accept"):
        return formats[0]
    by_type = {fmt.media_type: fmt for fmt in formats}
    by_type.update({t: f for t, f in aliases.items() if t not in by_type})
    best = request.accept_mimetypes.best_match(list(by_type), default=None)
    if best is None:
        offered = ", ".join(fmt.media_type for fmt in formats)
        raise NotAcceptable(f"none of the accepted media types can be produced; this resource offers {offered}")
    return by_type[best]
