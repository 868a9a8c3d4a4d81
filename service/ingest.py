"""From report files to named graphs: find inputs, pick record or extraction, map, check, load.

Each report is loaded by one atomic replace of its graph, so a crash (or a kill) mid-ingest
leaves every report either wholly in the store or as it was before.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator

from service.mapping import MappingError, entities_graph, map_record, report_iri
from service.record import RecordError, check_record
from service.store import Store

REPORT_SUFFIXES = {".txt", ".html", ".htm"}
RECORD_SUFFIX = ".json"


@dataclass
class Source:
    """One report to ingest: its name, and the record file or report file it comes from."""
    name: str
    path: Path
    record_path: Path | None  # a (corrected) record; wins over extraction from `path`


@dataclass
class Outcome:
    source: Source
    graph: str | None = None
    quads: int = 0
    error: str | None = None
    origin: str = ""  # "record" or "extracted"

    @property
    def ok(self) -> bool:
        return self.error is None


def _candidates(paths: Iterable[str | Path]) -> Iterator[Path]:
    for path in map(Path, paths):
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file()
                              and p.suffix.lower() in REPORT_SUFFIXES | {RECORD_SUFFIX})
        else:
            yield path


def corrected_record(report: Path) -> Path | None:
    """`…/reports/NAME.txt` → `…/records/NAME.json` when a person has written one."""
    candidate = report.parent.parent / "records" / (report.stem + RECORD_SUFFIX)
    return candidate if candidate.is_file() else None


def find_sources(paths: Iterable[str | Path]) -> list[Source]:
    """Every report named by `paths` (files or folders), once per name, records winning."""
    by_name: dict[str, Source] = {}
    for path in _candidates(paths):
        name = path.stem
        if path.suffix.lower() == RECORD_SUFFIX:
            previous = by_name.get(name)
            by_name[name] = Source(name, previous.path if previous else path, path)
        else:
            previous = by_name.get(name)
            record = previous.record_path if previous else corrected_record(path)
            by_name[name] = Source(name, path, record)
    return list(by_name.values())


def load_record(source: Source) -> tuple[dict, str, str | None]:
    """The record for a source, where it came from ("record" or "extracted"), and the report's
    own text when there is a report file (kept in the graph, so pages can show where facts come from)."""
    from service.extract import extract_text, read_report

    report = read_report(source.path) if source.path.suffix.lower() in REPORT_SUFFIXES else None
    text = report.text if report else None
    if source.record_path is not None:
        try:
            record = json.loads(source.record_path.read_text(encoding="utf-8"))
        except UnicodeDecodeError as error:
            raise RecordError(f"{source.record_path.name} is not UTF-8 text: {error.reason}") from error
        except json.JSONDecodeError as error:
            raise RecordError(f"{source.record_path.name} is not valid JSON: {error}") from error
        return check_record(record), "record", text
    if report is None:
        raise RecordError(f"unsupported file type {source.path.suffix!r} (use .txt, .html or .json)")
    record = extract_text(report.text, published=report.published, title=report.title,
                          source_url=report.source_url)
    return check_record(record), "extracted", text


def ingest_stamp(graph: str):
    """`<report> kg:ingested now` in the report's graph: the catalogue's dates and change checks read it."""
    from datetime import datetime, timezone

    from pyoxigraph import Literal, NamedNode, Quad

    from service.mapping.vocab import KG, XSD
    now = datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")
    return Quad(NamedNode(graph), KG.ingested, Literal(now, datatype=XSD.dateTime), NamedNode(graph))


def violations_error(violations) -> str:
    """The error of a report that fails validation: its first violations, as pySHACL words them."""
    return "; ".join(str(v) for v in violations[:5])


def prepare_source(source: Source, *, base: str, validate: bool = True,
                   stamp: bool = True) -> tuple[Outcome, list]:
    """Read or extract, map and validate one report without loading it: its outcome (with
    `graph` set, or `error`) and its quads, the ingest stamp included (unless not `stamp`:
    then the quads are the mapping's, as validation sees them)."""
    from service.extract.errors import ExtractionError

    outcome = Outcome(source)
    try:
        record, outcome.origin, text = load_record(source)
        quads = map_record(record, name=source.name, base=base, source_file=source.path.name,
                           text=text)
        graph = report_iri(base, source.name).value
        if validate:
            from service.validate import validate_quads
            violations = validate_quads(graph, quads)
            if violations:
                raise RecordError(violations_error(violations))
        outcome.graph, outcome.quads = graph, len(quads)
        return outcome, [*quads, ingest_stamp(graph)] if stamp else quads
    except (OSError, ExtractionError, RecordError, MappingError) as error:
        outcome.error = str(error) or error.__class__.__name__
        return outcome, []


def ingest_source(store: Store, source: Source, *, base: str, validate: bool = True) -> Outcome:
    """Extract or read, map, validate and load one report; errors are caught into the outcome."""
    outcome, quads = prepare_source(source, base=base, validate=validate)
    if outcome.ok:
        try:
            store.replace_graph(outcome.graph, quads)
        except OSError as error:
            outcome.graph, outcome.quads = None, 0
            outcome.error = str(error) or error.__class__.__name__
    return outcome


def ingest(store: Store, paths: Iterable[str | Path], *, base: str, validate: bool = True,
           progress: Callable[[Iterable[Source]], Iterable[Source]] | None = None,
           workers: int | None = None) -> list[Outcome]:
    """Ingest every report under `paths`; a failing report is reported and the rest go in.

    Reports are prepared in `workers` worker processes (None: one when it pays, see
    service.ingest_prepare) and loaded in batches (service.ingest_batch), each report wholly or
    not at all; the store's page index, if open, is up to date when this returns.
    """
    from service.ingest_batch import ingest_batched
    from service.ingest_prepare import worker_count
    from service.ontology import load_ontology
    from service.pageindex.keeper import wait_for

    load_ontology(store)
    sources = find_sources(paths)
    iterator = progress(sources) if progress else sources
    outcomes = ingest_batched(store, iterator, base=base, validate=validate, total=len(sources),
                              workers=worker_count(len(sources)) if workers is None else workers)
    wait_for(store)
    return outcomes


def prune_entities(store: Store, *, base: str) -> int:
    """Remove from the entities graph the identity statements of entities no report references
    any more (no `dct:isReferencedBy` in any graph); the number of quads removed.

    Loading never removes identity quads (other reports may name the same entity), so an
    entity dropped by every report that named it keeps them until this runs. One update, so
    atomic on each backend; but on a remote store run it when no ingest is running: a remote
    load adds a report's identity quads before it PUTs the report's graph, and a prune between
    the two would take them away.
    """
    graph = entities_graph(base)

    def count() -> int:
        rows = store.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}")
        return int(rows[0]["n"].value) if rows else 0

    before = count()
    store.update(f"""DELETE {{ GRAPH {graph} {{ ?s ?p ?o }} }} WHERE {{
  GRAPH {graph} {{ ?s ?p ?o }}
  FILTER NOT EXISTS {{ GRAPH ?g {{ ?s <http://purl.org/dc/terms/isReferencedBy> ?report }} }}
}}""")
    return before - count()
