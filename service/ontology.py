"""The ontology and the three SKOS schemes: where their files are, loading them, their labels.

Each file goes into its own named graph, named by the ontology or scheme IRI (ontology/README.md).
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

ONTOLOGY_DIR = Path(__file__).resolve().parent.parent / "ontology"
BASE = "https://w3id.org/konferencje-kg/"

ONTOLOGY_IRI = BASE + "def"
THEME_SCHEME = BASE + "theme"
ROLE_SCHEME = BASE + "role"
KIND_SCHEME = BASE + "kind"

#: graph IRI → the Turtle file loaded into it
ONTOLOGY_GRAPHS: dict[str, Path] = {
    ONTOLOGY_IRI: ONTOLOGY_DIR / "konferencje.ttl",
    THEME_SCHEME: ONTOLOGY_DIR / "themes.ttl",
    ROLE_SCHEME: ONTOLOGY_DIR / "roles.ttl",
    KIND_SCHEME: ONTOLOGY_DIR / "kinds.ttl",
    # pl/en display labels of the terms the project reuses from other vocabularies
    BASE + "labels": ONTOLOGY_DIR / "labels.ttl",
}

SCHEMES = {"theme": THEME_SCHEME, "role": ROLE_SCHEME, "kind": KIND_SCHEME}

_SKOS = "http://www.w3.org/2004/02/skos/core#"


@lru_cache(maxsize=None)
def _triples(path: Path) -> tuple[ox.Triple, ...]:
    with path.open("rb") as handle:
        return tuple(ox.parse(handle, format=ox.RdfFormat.TURTLE, base_iri=BASE))


def ontology_quads(graph_iri: str) -> list[ox.Quad]:
    """The quads of one ontology or scheme graph."""
    graph = ox.NamedNode(graph_iri)
    return [ox.Quad(t.subject, t.predicate, t.object, graph) for t in _triples(ONTOLOGY_GRAPHS[graph_iri])]


def load_ontology(store) -> dict[str, int]:
    """Put the ontology and the schemes into `store`, each replacing its graph; quads per graph."""
    counts = {}
    for graph_iri in ONTOLOGY_GRAPHS:
        quads = ontology_quads(graph_iri)
        store.replace_graph(graph_iri, quads)
        counts[graph_iri] = len(quads)
    return counts


@lru_cache(maxsize=None)
def _labels(scheme: str) -> dict[str, dict[str, str]]:
    """concept id (local name) → {language: prefLabel} for one scheme."""
    graph_iri = SCHEMES[scheme]
    prefix = graph_iri + "/"
    labels: dict[str, dict[str, str]] = {}
    for t in _triples(ONTOLOGY_GRAPHS[graph_iri]):
        if (t.predicate.value == _SKOS + "prefLabel" and isinstance(t.subject, ox.NamedNode)
                and t.subject.value.startswith(prefix) and t.object.language):
            labels.setdefault(t.subject.value[len(prefix):], {})[t.object.language] = t.object.value
    return labels


def theme_labels() -> dict[str, dict[str, str]]:
    """Theme id → {"pl": …, "en": …}."""
    return _labels("theme")


def role_labels() -> dict[str, dict[str, str]]:
    """Role id → {"pl": …, "en": …}."""
    return _labels("role")


def kind_labels() -> dict[str, dict[str, str]]:
    """Event kind id → {"pl": …, "en": …}."""
    return _labels("kind")


def label(iri: str, lang: str = "pl") -> str | None:
    """The label of a theme, role or kind IRI, or None if it is not one of theirs."""
    for scheme, scheme_iri in SCHEMES.items():
        if iri.startswith(scheme_iri + "/"):
            labels = _labels(scheme).get(iri[len(scheme_iri) + 1:])
            if labels:
                return labels.get(lang) or labels.get("en") or next(iter(labels.values()))
    return None
