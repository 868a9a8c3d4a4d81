"""Reading report files: UTF-8, Windows-1250, ISO-8859-2 and HTML; refusing what is not a report."""
from __future__ import annotations

import pytest

from service.extract import ExtractionError, extract_file, read_report

TEXT = ("Konferencja w Łodzi\n\nW dniu 12 marca 2021 r. w Łodzi odbyła się konferencja. "
        "Uczestników powitała Pani Żaneta Ślusarczyk, dyrektor Gminnego Ośrodka Pomocy Społecznej "
        "w Źródłach. Zażółć gęślą jaźń.\n")


@pytest.mark.parametrize("encoding", ["utf-8", "cp1250", "iso8859_2"])
def test_encodings(tmp_path, encoding):
    path = tmp_path / "raport.txt"
    path.write_bytes(TEXT.encode(encoding))
    report = read_report(path)
    assert report.text == TEXT
    assert report.name == "raport"
    record = extract_file(path)
    assert record["event"]["start"] == "2021-03-12"
    assert "Żaneta Ślusarczyk" in {p["name"] for p in record["people"]}


def test_utf8_with_bom(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + TEXT.encode("utf-8"))
    assert read_report(path).text == TEXT


def test_html(tmp_path):
    html = """<!doctype html><html><head><title>Forum seniorów w Radomiu</title>
    <meta property="article:published_time" content="2022-10-05"></head>
    <body><nav><a href="/">Start</a> | <a href="/o-nas">O nas</a></nav>
    <article><h1>Forum seniorów w Radomiu</h1>
    <p>W dniach 3-4 października 2022 r. w Radomiu odbyło się III Forum Rad Seniorów.
    Forum otworzył Pan Wojciech Borkowski, dyrektor Miejskiego Centrum Usług Społecznych w Radomiu.
    W obradach wzięło udział ponad 120 osób z całego regionu, a rozmowy dotyczyły polityki senioralnej
    oraz potrzeb osób starszych w mieście.</p></article>
    <footer>Kontakt: sekretariat</footer></body></html>"""
    path = tmp_path / "forum.html"
    path.write_text(html, encoding="utf-8")
    report = read_report(path)
    assert "Radomiu" in report.text and "Kontakt" not in report.text
    assert report.title == "Forum seniorów w Radomiu"
    record = extract_file(path)
    ev = record["event"]
    assert ev["kind"] == "forum" and ev["edition"] == 3
    assert (ev["start"], ev["end"]) == ("2022-10-03", "2022-10-04")
    assert ev["participants"] == {"count": 120, "qualifier": "more_than"}
    assert {"person": "Wojciech Borkowski", "role": "opened"} in ev["contributions"]


def test_html_fallback_tag_strip(tmp_path):
    path = tmp_path / "tiny.htm"
    path.write_text("<html><body><p>Spotkanie w Gnieźnie.</p></body></html>", encoding="utf-8")
    assert "Gnieźnie" in read_report(path).text


@pytest.mark.parametrize("data, message", [
    (b"", "empty"),
    (b"   \n\n", "empty"),
    (b"\x00\x01\x02\x03binary\x00data" * 20, "binary"),
    (bytes(range(256)) * 4, "binary"),
])
def test_not_a_report(tmp_path, data, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    with pytest.raises(ExtractionError, match=message):
        extract_file(path)


def test_too_large(tmp_path):
    path = tmp_path / "huge.txt"
    path.write_bytes(b"a" * (6 * 1024 * 1024))
    with pytest.raises(ExtractionError, match="too large"):
        read_report(path)


def test_missing_file(tmp_path):
    with pytest.raises(ExtractionError, match="cannot read"):
        read_report(tmp_path / "nope.txt")
