"""The named example queries in `queries/`: a `.rq` file each, title and description in comments.

    # title: Wydarzenia według roku i tematu
    # title_en: Events by year and theme
    # description: …
    # description_en: …
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_FIELD = re.compile(r"^#\s*(title|title_en|description|description_en)\s*:\s*(.*?)\s*$")


@dataclass(frozen=True)
class NamedQuery:
    name: str
    title: str
    title_en: str
    description: str
    description_en: str
    text: str

    def title_in(self, lang: str) -> str:
        return self.title_en if lang == "en" and self.title_en else self.title

    def description_in(self, lang: str) -> str:
        return self.description_en if lang == "en" and self.description_en else self.description


def parse(name: str, text: str) -> NamedQuery:
    fields: dict[str, str] = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        match = _FIELD.match(line)
        if match:
            fields[match.group(1)] = match.group(2)
    return NamedQuery(name, fields.get("title", name), fields.get("title_en", ""),
                      fields.get("description", ""), fields.get("description_en", ""), text)


def load_queries(directory: str | Path) -> list[NamedQuery]:
    folder = Path(directory)
    if not folder.is_dir():
        return []
    return [parse(p.stem, p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.rq"))]
