"""`kg extract` and `kg evaluate`: the extractor from the command line."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Write OUT/NAME.json for each input instead of printing.")
def extract(files, out_dir):
    """Extract report records from report files (.txt or .html)."""
    from service.extract import ExtractionError, extract_file

    failed = 0
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
    for path in files:
        try:
            record = extract_file(path)
        except ExtractionError as exc:
            click.echo(f"{path}: {exc}", err=True)
            failed += 1
            continue
        text = json.dumps(record, ensure_ascii=False, indent=2)
        if out_dir is not None:
            (out_dir / f"{path.stem}.json").write_text(text + "\n", encoding="utf-8")
        else:
            click.echo(text)
    sys.exit(1 if failed else 0)


@click.command()
@click.argument("gold_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.option("--details", is_flag=True, help="List missed and extra facts per report.")
def evaluate(gold_dir, as_json, details):
    """Extract every NAME.txt in GOLD_DIR and score it against NAME.json."""
    from service.extract.evaluate import evaluate_dir, format_value

    result = evaluate_dir(gold_dir)
    if details:
        for d in result["details"]:
            click.echo(f"== {d['report']}")
            for kind, value in d["misses"]:
                click.echo(f"  missed {kind}: {format_value(value)}")
            for kind, value in d["extras"]:
                click.echo(f"  extra  {kind}: {format_value(value)}")
    if as_json:
        out = {k: {"p": v["p"], "r": v["r"], "f1": v["f1"]} for k, v in result["kinds"].items()}
        out["overall"] = {k: result["overall"][k] for k in ("p", "r", "f1")}
        click.echo(json.dumps(out))
        return
    click.echo(f"{'kind':<14} {'P':>6} {'R':>6} {'F1':>6} {'gold':>6}")
    for kind, v in result["kinds"].items():
        click.echo(f"{kind:<14} {v['p']:6.2f} {v['r']:6.2f} {v['f1']:6.2f} {v['gold']:6d}")
    o = result["overall"]
    click.echo(f"extraction F1 {o['f1']:.3f} (P {o['p']:.3f} R {o['r']:.3f}) over {o['gold']} gold facts "
               f"in {result['reports']} reports")
