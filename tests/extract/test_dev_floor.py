"""The dev corpus score must not slip: a floor a little under what the extractor reaches."""
from __future__ import annotations

import json
import subprocess
import sys

from service.extract.evaluate import evaluate_dir

OVERALL_FLOOR = 0.92
KIND_FLOOR = 0.75


def test_dev_f1_floor(dev_dir):
    result = evaluate_dir(dev_dir)
    assert result["overall"]["f1"] >= OVERALL_FLOOR, result["overall"]
    low = {k: round(v["f1"], 3) for k, v in result["kinds"].items() if v["f1"] < KIND_FLOOR}
    assert not low, f"kinds under {KIND_FLOOR}: {low}"


def test_scorer_agrees_with_shared_score_py(dev_dir, tmp_path):
    """Our evaluate.py gives the same overall figure as corpus/score.py on the same records."""
    score_py = dev_dir.parent / "score.py"
    if not score_py.exists():
        import pytest

        pytest.skip("corpus/score.py not found")
    from service.extract import extract_file

    for txt in sorted(dev_dir.glob("*.txt")):
        (tmp_path / f"{txt.stem}.json").write_text(json.dumps(extract_file(txt), ensure_ascii=False),
                                                   encoding="utf-8")
    out = subprocess.run([sys.executable, str(score_py), str(dev_dir), str(tmp_path), "--json"],
                         capture_output=True, text=True, check=True).stdout
    last = out.strip().splitlines()[-1]
    theirs = float(last.split("F1 ")[1].split()[0])
    ours = evaluate_dir(dev_dir)["overall"]["f1"]
    assert abs(theirs - ours) < 0.0015
