"""The offline gazetteer: localities with voivodeship and coordinates (data/gazetteer/*.tsv),
and an outline of Poland for drawing a map without tiles."""
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


#: Poland's border, roughly (lon, lat), clockwise from Świnoujście: enough to place the dots.
POLAND_OUTLINE = [
    (14.2, 53.9), (15.0, 54.05), (16.0, 54.26), (16.9, 54.59), (17.55, 54.76), (18.35, 54.83),
    (18.8, 54.6), (18.65, 54.4), (19.6, 54.45), (20.5, 54.37), (21.5, 54.33), (22.8, 54.36),
    (23.5, 53.95), (23.9, 53.2), (23.6, 52.6), (23.2, 52.3), (23.6, 51.6), (24.1, 50.9),
    (24.0, 50.4), (23.5, 50.25), (22.6, 49.5), (22.56, 49.08), (21.6, 49.43), (20.9, 49.3),
    (20.3, 49.4), (19.8, 49.2), (19.4, 49.6), (18.85, 49.52), (18.6, 49.9), (17.9, 50.0),
    (17.6, 50.27), (16.9, 50.4), (16.3, 50.66), (15.0, 51.0), (14.97, 51.1), (14.6, 51.8),
    (14.7, 52.1), (14.13, 52.8), (14.4, 53.3), (14.2, 53.9),
]
