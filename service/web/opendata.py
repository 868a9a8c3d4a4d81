"""What the open-data views share: the catalogue's IRIs, its settings file, the dataset's graphs,
and writing a list of triples in a negotiated RDF format.

The dataset published by /catalog, /.well-known/void and /dumps is every graph of the store except
the catalogue's own graph ({base}/catalog), which describes the dataset and is not part of it.
"""
from __future__ import annotations

import io
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from flask import Response
from pyoxigraph import NamedNode, RdfFormat, serialize

from service.mapping.vocab import PREFIXES
from service.web.formats import Format

DCAT_SETTINGS = Path(__file__).resolve().parents[2] / "data" / "dcat.toml"

#: Prefixes for Turtle output of catalogue, VoID and entity descriptions.
LD_PREFIXES = {
    **PREFIXES,
    "dcatap": "http://data.europa.eu/r5r/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "sd": "http://www.w3.org/ns/sparql-service-description#",
}


@lru_cache(maxsize=None)
def settings() -> dict:
    """data/dcat.toml: authority-table IRIs, dataset texts, the distributions."""
    with DCAT_SETTINGS.open("rb") as handle:
        return tomllib.load(handle)


@dataclass(frozen=True)
class Iris:
    """The IRIs of the catalogue's resources for one base."""
    base: str

    @property
    def catalog(self) -> str:
        """The catalogue, and the named graph that holds its description."""
        return f"{self.base}/catalog"

    @property
    def dataset(self) -> str:
        return f"{self.base}/catalog#dataset"

    @property
    def service(self) -> str:
        return f"{self.base}/catalog#sparql-service"

    @property
    def sparql(self) -> str:
        return f"{self.base}/sparql"

    @property
    def void(self) -> str:
        return f"{self.base}/.well-known/void"

    def dump(self, file: str) -> str:
        return f"{self.base}/dumps/{file}"

    def distribution(self, file: str) -> str:
        return f"{self.base}/catalog#dist-{file.replace('.', '-')}"


def data_graph_filter(base: str, var: str = "?g") -> str:
    """A SPARQL FILTER that keeps the dataset's graphs (all but the catalogue's)."""
    return f"FILTER({var} != {NamedNode(Iris(base).catalog)})"


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
