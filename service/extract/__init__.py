"""Extraction: a Polish conference report (text or HTML) to a report record.

    read_report(path) -> ReportText
    extract_text(text, published=None, title=None, source_url=None) -> dict
    extract_file(path) -> dict

Only ExtractionError (a ValueError) ever comes out, for input that is not a report at all.
"""
from __future__ import annotations

from .errors import ExtractionError
from .reading import ReportText, read_report

__all__ = ["ExtractionError", "ReportText", "read_report", "extract_text", "extract_file"]

MAX_TEXT_CHARS = 2_000_000


def extract_text(text, *, published=None, title=None, source_url=None) -> dict:
    """A report record for `text` (see corpus/ANNOTATION.md)."""
    from .record import build_record, _empty_event

    if isinstance(text, bytes):
        from .reading import decode

        text = decode(text)
    if not isinstance(text, str):
        raise ExtractionError(f"expected text, got {type(text).__name__}")
    if len(text) > MAX_TEXT_CHARS:
        raise ExtractionError(f"text too long ({len(text)} characters, limit {MAX_TEXT_CHARS})")
    if published is not None and not _iso_date(published):
        published = None
    try:
        return build_record(text, published=published, title=title, source_url=source_url)
    except ExtractionError:
        raise
    except RecursionError:
        raise ExtractionError("text too deeply structured to analyse") from None
    except Exception as exc:  # noqa: BLE001 - never a traceback for odd input; an empty record
        record = {
            "schema": "report-record/1",
            "report": {"title": title, "published": published, "authors": [], "source_url": source_url},
            "event": _empty_event(),
            "people": [],
            "organisations": [],
        }
        record["report"]["warning"] = f"extraction failed: {type(exc).__name__}: {exc}"[:300]
        return record


def _iso_date(value) -> bool:
    import re

    return isinstance(value, str) and bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", value))


def extract_file(path) -> dict:
    """read_report + extract_text."""
    report = read_report(path)
    return extract_text(report.text, published=report.published, title=report.title,
                        source_url=report.source_url)
