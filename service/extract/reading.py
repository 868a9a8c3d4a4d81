"""Reading a report file: text encodings and HTML.

Plain text comes as UTF-8, Windows-1250 or ISO-8859-2. UTF-8 is tried strictly first; otherwise
the two Polish 8-bit code pages are both decoded and the one giving more Polish letters wins
(they differ on ą ś ź Ą Ś Ź, exactly the letters that tell them apart). charset-normalizer,
restricted to those two, breaks a tie.
"""
from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import ExtractionError

MAX_BYTES = 5 * 1024 * 1024
POLISH = set("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ")
_CANDIDATES = ("cp1250", "iso8859_2")


@dataclass
class ReportText:
    text: str
    title: str | None = None
    published: str | None = None
    source_url: str | None = None
    name: str = ""


def _looks_binary(data: bytes) -> bool:
    if b"\x00" in data[:65536]:
        return True
    sample = data[:65536]
    control = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return control > max(8, len(sample) // 100)


def decode(data: bytes) -> str:
    """Bytes of a report to text; ExtractionError if they are not text."""
    if not data.strip():
        raise ExtractionError("empty file")
    if len(data) > MAX_BYTES:
        raise ExtractionError(f"file too large ({len(data)} bytes, limit {MAX_BYTES})")
    if _looks_binary(data):
        raise ExtractionError("binary data, not a text report")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    scored = []
    for enc in _CANDIDATES:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        polish = sum(1 for ch in text if ch in POLISH)
        odd = sum(1 for ch in text if (0x80 <= ord(ch) < 0xA0) or ch in "¹¿¥¦¼" )
        scored.append((polish - 3 * odd, enc, text))
    if not scored:
        raise ExtractionError("undecodable bytes (not UTF-8, Windows-1250 or ISO-8859-2)")
    scored.sort(key=lambda s: -s[0])
    if len(scored) > 1 and scored[0][0] == scored[1][0]:
        best = _normalizer_choice(data)
        for s in scored:
            if s[1] == best:
                return s[2]
    return scored[0][2]


def _normalizer_choice(data: bytes) -> str | None:
    try:
        from charset_normalizer import from_bytes

        match = from_bytes(data, cp_isolation=list(_CANDIDATES)).best()
        return match.encoding if match else None
    except Exception:  # noqa: BLE001 - a detector failure only loses the tie-break
        return None


_TAG = re.compile(r"<[^>]+>")
_DROP = re.compile(r"<(script|style|noscript|head)\b.*?</\1\s*>", re.S | re.I)
_BLOCK = re.compile(r"</?(p|div|br|li|h[1-6]|tr|section|article|ul|ol|table|header|footer)\b[^>]*>", re.I)
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.S | re.I)


def _strip_tags(markup: str) -> str:
    markup = _DROP.sub(" ", markup)
    markup = _BLOCK.sub("\n", markup)
    text = html_lib.unescape(_TAG.sub(" ", markup))
    return "\n".join(re.sub(r"[ \t]+", " ", line).strip() for line in text.splitlines())


def html_to_report(markup: str) -> ReportText:
    """Main text of an HTML page (trafilatura), with title and date from its metadata."""
    text, title, date, url = None, None, None, None
    try:
        import trafilatura

        text = trafilatura.extract(markup, include_comments=False, include_tables=False,
                                   favor_recall=True)
        meta = trafilatura.extract_metadata(markup)
        if meta is not None:
            title, date, url = meta.title, meta.date, meta.url
    except Exception:  # noqa: BLE001 - fall back to the tag strip below
        text = None
    if not text or not text.strip():
        text = _strip_tags(markup)
    if not title:
        m = _TITLE.search(markup)
        if m:
            title = html_lib.unescape(_TAG.sub("", m.group(1))).strip() or None
    if date and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
        date = None
    if title and text and not text.lstrip().startswith(title[:30]):
        text = title + "\n\n" + text
    return ReportText(text=text, title=title, published=date, source_url=url)


def read_report(path) -> ReportText:
    """A report file (.txt or .html/.htm) as text plus what metadata it carries."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ExtractionError(f"{path.name}: file too large ({size} bytes, limit {MAX_BYTES})")
        data = path.read_bytes()
    except ExtractionError:
        raise
    except OSError as exc:
        raise ExtractionError(f"{path.name}: cannot read ({exc.strerror or exc})") from None
    try:
        text = decode(data)
    except ExtractionError as exc:
        raise ExtractionError(f"{path.name}: {exc}") from None
    if path.suffix.lower() in (".html", ".htm") or re.match(r"\s*(<!doctype html|<html)", text[:200], re.I):
        report = html_to_report(text)
    else:
        report = ReportText(text=text)
    if not report.text.strip():
        raise ExtractionError(f"{path.name}: no text")
    report.name = path.stem
    return report
