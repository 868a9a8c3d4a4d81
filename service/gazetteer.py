"""The offline gazetteer: localities with voivodeship and coordinates (data/gazetteer/*.tsv)."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from service.config import PROJECT_ROOT
from service.tsv import read_tsv

GAZETTEER_DIR = PROJECT_ROOT / "data" / "gazetteer"


@dataclass(frozen=True)
class Locality:
    slug: str
    name: str
    voivodeship: str   # key in VOIVODESHIPS, "" abroad
    lat: float
    lon: float


@dataclass(frozen=True)
class Voivodeship:
    key: str
    pl: str
    en: str


@lru_cache(maxsize=None)
def localities() -> dict[str, Locality]:
    return {r["slug"]: Locality(r["slug"], r["name"], r["voivodeship"], float(r["lat"]), float(r["lon"]))
            for r in read_tsv(GAZETTEER_DIR / "places.tsv")}


@lru_cache(maxsize=None)
def voivodeships() -> dict[str, Voivodeship]:
    return {r["key"]: Voivodeship(r["key"], r["pl"], r["en"]) for r in read_tsv(GAZETTEER_DIR / "voivodeships.tsv")}


def places_in(voivodeship: str) -> list[str]:
    return sorted(s for s, loc in localities().items() if loc.voivodeship == voivodeship)
