"""`kg extract` and `kg evaluate`."""
from __future__ import annotations

import json

from click.testing import CliRunner

from service.cli.extract import evaluate, extract

REPORT = ("Konferencja w Toruniu\n\nW dniu 8 czerwca 2023 r. w Toruniu odbyła się konferencja "
          "pod hasłem „Rodzina w centrum”. Konferencję otworzyła Pani Beata Lis, dyrektor "
          "Miejskiego Ośrodka Pomocy Rodzinie w Toruniu.\n")


def test_extract_one_file_to_stdout(tmp_path):
    path = tmp_path / "torun.txt"
    path.write_text(REPORT, encoding="utf-8")
    result = CliRunner().invoke(extract, [str(path)])
    assert result.exit_code == 0, result.output
    record = json.loads(result.output)
    assert record["event"]["title"] == "Rodzina w centrum"


def test_extract_out_dir_and_failures(tmp_path):
    good = tmp_path / "torun.txt"
    good.write_text(REPORT, encoding="utf-8")
    bad = tmp_path / "pusty.txt"
    bad.write_bytes(b"")
    out = tmp_path / "out"
    result = CliRunner().invoke(extract, [str(bad), str(good), "--out", str(out)])
    assert result.exit_code == 1
    assert "pusty.txt" in result.output and "empty" in result.output
    assert json.loads((out / "torun.json").read_text(encoding="utf-8"))["event"]["start"] == "2023-06-08"


def test_evaluate(tmp_path):
    path = tmp_path / "torun.txt"
    path.write_text(REPORT, encoding="utf-8")
    gold = {"schema": "report-record/1", "report": {}, "event": {
        "name": "konferencja", "kind": "conference", "start": "2023-06-08", "end": "2023-06-08",
        "places": ["Toruń"], "title": "Rodzina w centrum",
        "contributions": [{"person": "Beata Lis", "role": "opened"}]},
        "people": [{"name": "Beata Lis", "posts": [
            {"title": "dyrektor", "organisation": "Miejski Ośrodek Pomocy Rodzinie w Toruniu"}]}],
        "organisations": [{"name": "Miejski Ośrodek Pomocy Rodzinie w Toruniu"}]}
    (tmp_path / "torun.json").write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    result = CliRunner().invoke(evaluate, [str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output.strip().splitlines()[-1])
    assert figures["overall"]["f1"] == 1.0
    result = CliRunner().invoke(evaluate, [str(tmp_path), "--details"])
    assert "extraction F1 1.000" in result.output
