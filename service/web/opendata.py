"""What the open-data views share: writing triples in a negotiated RDF format, and (from
service/catalog.py) the catalogue's IRIs and settings and the filter that keeps the dataset's graphs.
"""
from __future__ import annotations

import io

from flask import Response
from pyoxigraph import RdfFormat, serialize

from service.catalog import Iris, data_graph_filter, settings  # noqa: F401 (used by the views)
from service.mapping.vocab import PREFIXES
from service.web.formats import Format

#: Prefixes for Turtle output of catalogue, VoID and entity descriptions.
LD_PREFIXES = {
    **PREFIXES,
    "dcatap": "http://data.europa.eu/r5r/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "sd": "http://www.w3.org/ns/sparql-service-description#",
}


def rdf_response(triples, fmt: Format, *, status: int = 200) -> Response:
    """`triples` written in `fmt` (Turtle with prefixes), with Vary: Accept."""
    buffer = io.BytesIO()
    options = {"prefixes": LD_PREFIXES} if fmt.writer == RdfFormat.TURTLE else {}
    serialize(triples, buffer, fmt.writer, **options)
    response = Response(buffer.getvalue(), status=status, content_type=fmt.content_type)
    response.vary.add("Accept")
    return response


def text_response(message: str, status: int) -> Response:
    return Response(message.rstrip() + "\n", status=status, content_type="text/plain; charset=utf-8")
