"""The IRIs the mapping makes: entities', reports' (which name their graphs), the entities graph."""
from __future__ import annotations

from pyoxigraph import NamedNode

from service.mapping.slug import slug


def entity_iri(base: str, kind: str, key: str) -> NamedNode:
    return NamedNode(f"{base.rstrip('/')}/id/{kind}/{key}")


def entities_graph(base: str) -> NamedNode:
    """The one graph that holds every entity's identity statements (types, names)."""
    return NamedNode(f"{base.rstrip('/')}/graph/entities")


def is_entities_graph(graph: str) -> bool:
    """Whether a graph IRI is an entities graph (of any base)."""
    return graph.endswith("/graph/entities")


def report_iri(base: str, name: str) -> NamedNode:
    """The report's IRI, which is also the name of its graph."""
    return entity_iri(base, "report", slug(name))
