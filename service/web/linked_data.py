"""An entity's RDF for linked-data clients: its own statements, the labels of the nodes it links to
and of those that link to it, and its incoming links, from every report graph (deduplicated).
"""
from __future__ import annotations

from pyoxigraph import NamedNode, Triple

from service.store import Store
from service.web.graphdata import PREFIXES
from service.web.opendata import data_graph_filter

#: The properties that name a node, copied for every node the entity links with.
LABEL_PROPERTIES = ("skos:prefLabel", "rdfs:label")


def entity_triples(store: Store, iri: str, base: str) -> list[Triple]:
    """Every triple about `iri`, linking to it, or labelling a neighbour; [] if nothing is known."""
    node = str(NamedNode(iri))
    labels = ", ".join(LABEL_PROPERTIES)
    flt = data_graph_filter(base)
    result = store.query(PREFIXES + f"""
CONSTRUCT {{ {node} ?p ?o . ?o ?olp ?ol . ?s ?ip {node} . ?s ?slp ?sl . }}
WHERE {{
  {{ GRAPH ?g {{ {node} ?p ?o }} {flt}
     OPTIONAL {{ ?o ?olp ?ol FILTER(?olp IN ({labels})) }} }}
  UNION
  {{ GRAPH ?g {{ ?s ?ip {node} }} {flt}
     OPTIONAL {{ ?s ?slp ?sl FILTER(?slp IN ({labels})) }} }}
}}""")
    seen: set[Triple] = set()
    out = []
    for triple in result:
        if triple not in seen:
            seen.add(triple)
            out.append(triple)
    return out
