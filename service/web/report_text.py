"""A report's own text, from the graph (`schema:text`, written at ingest) or else its file, with
the names of the entities the report mentions marked: each name matches in any inflected form
by word stems ("Leszek Lewoc" finds "Leszka Lewoca"), so a reader sees where a fact came from."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from pyoxigraph import NamedNode

from service.config import PROJECT_ROOT
from service.web import get_store
from service.web.graphdata import PREFIXES, _value

MAX_NAMES = 400


@dataclass
class Segment:
    text: str
    iri: str | None = None
    label: str = ""


def _stem_pattern(name: str) -> str | None:
    words = re.findall(r"\w+|[^\w\s]", name)
    if not words:
        return None
    parts = []
    for word in words:
        if word.isalpha() and len(word) > 4:
            parts.append(re.escape(word[:max(3, len(word) - 2)]) + r"\w*")
        else:
            parts.append(re.escape(word))
    return r"(?<!\w)" + r"\s*".join(parts) + r"(?!\w)"


def _report_file(iri: str) -> Path | None:
    rows = get_store().select(PREFIXES + f"SELECT ?f WHERE {{ {NamedNode(iri)} kg:sourceFile ?f }} LIMIT 1")
    if not rows:
        return None
    name = Path(_value(rows[0], "f")).name
    folder = Path(current_app.config.get("REPORTS_DIR") or PROJECT_ROOT / "data" / "reports")
    path = folder / name
    return path if path.is_file() else None


def report_text(iri: str) -> str | None:
    """The text kept in the graph; for reports ingested before it was kept, the file's."""
    rows = get_store().select(PREFIXES + f"SELECT ?t WHERE {{ {NamedNode(iri)} schema:text ?t }} LIMIT 1")
    if rows:
        return _value(rows[0], "t")
    path = _report_file(iri)
    if path is None:
        return None
    from service.extract import ExtractionError, read_report
    try:
        return read_report(path).text
    except (OSError, ExtractionError):  # an unreadable file is no reason to fail the page
        return None


def highlighted_text(iri: str, lang: str = "pl") -> list[list[Segment]] | None:
    """The report's paragraphs as segments, names linked to their entities; None without text."""
    text = report_text(iri)
    if text is None:
        return None
    rows = get_store().select(PREFIXES + f"""
SELECT DISTINCT ?s ?name WHERE {{
  ?s dct:isReferencedBy {NamedNode(iri)} .
  {{ ?s skos:prefLabel ?name }} UNION {{ ?s skos:altLabel ?name }} UNION {{ ?s foaf:name ?name }}
  FILTER NOT EXISTS {{ ?s a cv:Participation }}
}} LIMIT {MAX_NAMES}""")
    names = sorted({(_value(r, "name"), _value(r, "s")) for r in rows if _value(r, "name")},
                   key=lambda x: -len(x[0]))
    spans: list[tuple[int, int, str, str]] = []
    taken = [False] * len(text)
    for name, entity in names:
        pattern = _stem_pattern(name)
        if not pattern or len(name) < 3:
            continue
        for m in re.finditer(pattern, text):
            if any(taken[m.start():m.end()]):
                continue
            for i in range(m.start(), m.end()):
                taken[i] = True
            spans.append((m.start(), m.end(), entity, name))
    spans.sort()
    paragraphs: list[list[Segment]] = []
    current: list[Segment] = []
    position = 0

    def plain(chunk: str):
        nonlocal current
        pieces = re.split(r"\n\s*\n", chunk)
        for i, piece in enumerate(pieces):
            if i:
                paragraphs.append(current)
                current = []
            if piece:
                current.append(Segment(piece))

    for start, end, entity, name in spans:
        plain(text[position:start])
        current.append(Segment(text[start:end], entity, name))
        position = end
    plain(text[position:])
    if current:
        paragraphs.append(current)
    return [p for p in paragraphs if any(s.text.strip() for s in p)]
