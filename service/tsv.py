"""The project's data tables: `#` comment lines, one header line, tab-separated columns."""
from __future__ import annotations

from pathlib import Path


def read_tsv(path: str | Path) -> tuple[dict[str, str], ...]:
    """The rows of a table as dicts keyed by its header; short rows are padded with ""."""
    rows, header = [], None
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = [c.strip() for c in line.split("\t")]
        if header is None:
            header = cells
            continue
        cells += [""] * (len(header) - len(cells))
        rows.append(dict(zip(header, cells)))
    return tuple(rows)
