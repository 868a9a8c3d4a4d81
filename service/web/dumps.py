"""`/dumps/{file}`: the dataset as N-Quads, Turtle and JSON-LD, and the CSV tables, streamed.

Nothing is built in memory: the RDF comes from a SPARQL query whose solutions the store yields
one by one, written by pyoxigraph's serializer in a worker thread into a bounded queue that the
response drains (so a slow client slows the writer, and a client that goes away stops it).
The catalogue's own graph is left out (service/web/opendata.py).
"""
from __future__ import annotations

import io
import queue
import threading
from typing import BinaryIO, Callable, Iterator

from flask import Blueprint, Response, abort, current_app
from pyoxigraph import Quad, RdfFormat, serialize

from service.store import Store
from service.web import get_store
from service.web.opendata import LD_PREFIXES, data_graph_filter, settings
from service.web.tables import TABLES, csv_chunks

bp = Blueprint("dumps", __name__)

CHUNK = 64 * 1024


class _Cancelled(Exception):
    """The reader went away."""


class _QueueSink(io.RawIOBase):
    def __init__(self, chunks: queue.Queue, stop: threading.Event):
        self._chunks, self._stop = chunks, stop

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        chunk = bytes(data)
        while True:
            if self._stop.is_set():
                raise _Cancelled()
            try:
                self._chunks.put(chunk, timeout=0.5)
                return len(chunk)
            except queue.Full:
                continue


_END = object()


def streamed(write: Callable[[BinaryIO], None], *, depth: int = 8) -> Iterator[bytes]:
    """The bytes that `write(output)` writes, as they come, from a worker thread."""
    chunks: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def work():
        try:
            with io.BufferedWriter(_QueueSink(chunks, stop), buffer_size=CHUNK) as output:
                write(output)
        except _Cancelled:
            return
        except Exception as error:  # handed to the reader, which raises it
            chunks.put(error)
            return
        chunks.put(_END)

    thread = threading.Thread(target=work, name="dump-writer", daemon=True)
    thread.start()
    try:
        while True:
            item = chunks.get()
            if item is _END:
                return
            if isinstance(item, Exception):
                raise item
            yield item
    finally:
        stop.set()


def _quads(store: Store, base: str) -> Iterator[Quad]:
    result = store.query(f"SELECT ?s ?p ?o ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {data_graph_filter(base)} }}")
    for row in result:
        yield Quad(row["s"], row["p"], row["o"], row["g"])


def write_rdf(store: Store, base: str, format: RdfFormat, output: BinaryIO) -> None:
    """The dataset in `format`: with its graphs for a dataset format, else their union."""
    prefixes = {"prefixes": LD_PREFIXES} if format in (RdfFormat.TURTLE, RdfFormat.TRIG) else {}
    if format.supports_datasets:
        serialize(_quads(store, base), output, format, **prefixes)
    else:
        # Not a CONSTRUCT: its de-duplication keeps every triple in memory (measured by
        # bench/open_data.py). A triple held by several report graphs may repeat; a graph is a set.
        serialize((q.triple for q in _quads(store, base)), output, format, **prefixes)


#: file extension → (RDF format, media type)
RDF_FILES = {
    "nq": (RdfFormat.N_QUADS, "application/n-quads"),
    "ttl": (RdfFormat.TURTLE, "text/turtle"),
    "jsonld": (RdfFormat.JSON_LD, "application/ld+json"),
}


def dump_files() -> list[dict]:
    """The downloads the catalogue lists (data/dcat.toml), in order."""
    return settings()["distribution"]


def chunks_for(store: Store, base: str, file: str) -> tuple[Iterator[bytes], str]:
    """The content of one download and its media type; KeyError if there is no such file."""
    entry = next((d for d in dump_files() if d["file"] == file), None)
    if entry is None:
        raise KeyError(file)
    stem, _, extension = file.rpartition(".")
    if entry["kind"] == "csv":
        return csv_chunks(store, TABLES[stem], base), "text/csv; charset=utf-8; header=present"
    format, media_type = RDF_FILES[extension]
    return streamed(lambda output: write_rdf(store, base, format, output)), media_type + "; charset=utf-8"


def byte_size(store: Store, base: str, file: str) -> int:
    """How many bytes the download has now (written and counted, not kept)."""
    chunks, _ = chunks_for(store, base, file)
    return sum(len(chunk) for chunk in chunks)


@bp.route("/dumps/")
def index():
    base = current_app.config["BASE"]
    lines = [f"{base}/dumps/{d['file']}\t{d['title_en']}" for d in dump_files()]
    return Response("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@bp.route("/dumps/<file>")
def download(file: str):
    try:
        chunks, content_type = chunks_for(get_store(), current_app.config["BASE"], file)
    except KeyError:
        abort(404, f"no dump named {file!r}; see /dumps/ for the list")
    response = Response(chunks, content_type=content_type, direct_passthrough=True)
    response.headers["Content-Disposition"] = f'attachment; filename="{file}"'
    return response
