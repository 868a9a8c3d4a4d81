"""The namespaces the mapping writes (see ontology/README.md)."""
from pyoxigraph import NamedNode


class Namespace:
    """A namespace IRI; attribute or item access gives a NamedNode, `str()` the IRI itself."""

    def __init__(self, iri: str):
        self._iri = iri
        self._terms: dict[str, NamedNode] = {}  # the mapping asks for the same terms all the time

    def __getattr__(self, name: str) -> NamedNode:
        if name.startswith("_"):
            raise AttributeError(name)
        term = self[name]
        setattr(self, name, term)  # the next `NS.name` is a plain attribute, without this call
        return term

    def __getitem__(self, name: str) -> NamedNode:
        term = self._terms.get(name)
        if term is None:
            term = self._terms[name] = NamedNode(self._iri + name)
        return term

    def __str__(self) -> str:
        return self._iri


PROJECT = "https://w3id.org/konferencje-kg/"
KG = Namespace(PROJECT + "def#")
THEME = Namespace(PROJECT + "theme/")
ROLE = Namespace(PROJECT + "role/")
KIND = Namespace(PROJECT + "kind/")

ONTOLOGY_GRAPH = PROJECT + "def"
THEME_SCHEME = PROJECT + "theme"
ROLE_SCHEME = PROJECT + "role"
KIND_SCHEME = PROJECT + "kind"

CV = Namespace("http://data.europa.eu/m8g/")
PERSON = Namespace("http://www.w3.org/ns/person#")
ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("http://schema.org/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
DCT = Namespace("http://purl.org/dc/terms/")
PROV = Namespace("http://www.w3.org/ns/prov#")
LOCN = Namespace("http://www.w3.org/ns/locn#")
RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
OWL = Namespace("http://www.w3.org/2002/07/owl#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
VOID = Namespace("http://rdfs.org/ns/void#")

#: Prefixes offered to SPARQL users and used when serialising.
PREFIXES = {
    "kg": str(KG),
    "theme": str(THEME),
    "role": str(ROLE),
    "kind": str(KIND),
    "cv": str(CV),
    "person": str(PERSON),
    "org": str(ORG),
    "schema": str(SCHEMA),
    "foaf": str(FOAF),
    "skos": str(SKOS),
    "dct": str(DCT),
    "prov": str(PROV),
    "locn": str(LOCN),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
    "owl": str(OWL),
    "dcat": str(DCAT),
    "void": str(VOID),
}

#: Record roles (ANNOTATION.md) to role concept slugs.
CONTRIBUTION_ROLES = {
    "opened": "opened", "welcomed": "welcomed", "spoke": "spoke", "presented": "presented",
    "moderated": "moderated", "sent_letter": "sent-letter", "awarded": "awarded",
    "attended": "attended", "other": "other",
}
PATRON_ROLES = {
    "honorary": "honorary-patron", "media": "media-patron",
    "substantive": "substantive-patron", "other": "patron",
}
EVENT_KINDS = {
    "conference", "forum", "congress", "convention", "seminar", "meeting", "training",
    "study_visit", "debate", "session", "gala", "other",
}


def kind_node(kind: str) -> NamedNode:
    return KIND[kind.replace("_", "-")]
