"""The DCAT-AP catalogue of the dataset: its IRIs, its settings (data/dcat.toml), the facts it
states that must be true to the store, building it, and keeping it in the store.

The dataset is every graph of the store except the catalogue's own, {base}/catalog, which
describes the dataset and is not part of it. The catalogue lives in that graph so that a harvester
reading the SPARQL endpoint (dane.gov.pl sends a CONSTRUCT) finds it; `kg ingest` writes it, and
the web app rewrites it when the store has changed since (service/web/catalog.py). It is valid
DCAT-AP 3.0.1 and 2.1.1 (tests/test_catalog.py checks it with the official shapes).
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Quad, Triple

from service.mapping.vocab import DCAT, DCT, FOAF, RDF, SKOS, XSD, Namespace
from service.store import Store

DCAT_SETTINGS = Path(__file__).resolve().parents[1] / "data" / "dcat.toml"


@lru_cache(maxsize=None)
def settings() -> dict:
    """data/dcat.toml: authority-table IRIs, dataset texts, the distributions."""
    with DCAT_SETTINGS.open("rb") as handle:
        return tomllib.load(handle)


@dataclass(frozen=True)
class Iris:
    """The IRIs of the catalogue's resources for one base."""
    base: str

    @property
    def catalog(self) -> str:
        """The catalogue, and the named graph that holds its description."""
        return f"{self.base}/catalog"

    @property
    def dataset(self) -> str:
        return f"{self.base}/catalog#dataset"

    @property
    def service(self) -> str:
        return f"{self.base}/catalog#sparql-service"

    @property
    def sparql(self) -> str:
        return f"{self.base}/sparql"

    @property
    def void(self) -> str:
        return f"{self.base}/.well-known/void"

    def dump(self, file: str) -> str:
        return f"{self.base}/dumps/{file}"

    def distribution(self, file: str) -> str:
        return f"{self.base}/catalog#dist-{file.replace('.', '-')}"


def data_graph_filter(base: str, var: str = "?g") -> str:
    """A SPARQL FILTER that keeps the dataset's graphs (all but the catalogue's)."""
    return f"FILTER({var} != {NamedNode(Iris(base).catalog)})"


VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
DCATAP = Namespace("http://data.europa.eu/r5r/")


@dataclass
class DatasetFacts:
    """What the catalogue states about the dataset that must be true to the store."""
    issued: Literal
    modified: Literal
    first_event: str | None = None
    last_event: str | None = None


def fingerprint(store: Store, base: str) -> object:
    """Changes whenever a report graph is added, removed or re-ingested (`Store.generation`)."""
    return store.generation()


def _now() -> Literal:
    return Literal(datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z"),
                   datatype=XSD.dateTime)


def dataset_facts(store: Store, base: str) -> DatasetFacts:
    flt = data_graph_filter(base)
    stamps = store.select(f"""PREFIX kg: <https://w3id.org/konferencje-kg/def#>
SELECT (MIN(?t) AS ?first) (MAX(?t) AS ?last) WHERE {{ GRAPH ?g {{ ?g kg:ingested ?t }} {flt} }}""")
    first, last = (stamps[0].get("first"), stamps[0].get("last")) if stamps else (None, None)
    if first is None:  # graphs loaded before ingest stamps existed: the reports' own dates
        issued = store.select(f"""PREFIX dct: <http://purl.org/dc/terms/>
SELECT (MIN(?d) AS ?first) (MAX(?d) AS ?last) WHERE {{ GRAPH ?g {{ ?g dct:issued ?d }} {flt}
  FILTER(DATATYPE(?d) = <http://www.w3.org/2001/XMLSchema#date>) }}""")
        first, last = (issued[0].get("first"), issued[0].get("last")) if issued else (None, None)
    now = _now()
    events = store.select(f"""PREFIX schema: <http://schema.org/>
SELECT (MIN(?d) AS ?first) (MAX(?d) AS ?last) WHERE {{ GRAPH ?g {{ ?e schema:startDate ?d }} {flt}
  FILTER(DATATYPE(?d) = <http://www.w3.org/2001/XMLSchema#date>) }}""")
    facts = DatasetFacts(first or now, last or now)
    if events and events[0].get("first") is not None:
        facts.first_event, facts.last_event = events[0]["first"].value, events[0]["last"].value
    return facts


def catalog_triples(config: dict, facts: DatasetFacts) -> list[Triple]:
    """The catalogue, its dataset, distributions and data service, with the types that DCAT-AP's
    range shapes need for every referenced thing."""
    base = config["BASE"]
    iris = Iris(base)
    conf = settings()
    auth, texts = conf["authority"], conf["dataset"]
    catalog, dataset, service = NamedNode(iris.catalog), NamedNode(iris.dataset), NamedNode(iris.service)
    publisher = NamedNode(config.get("PUBLISHER_URL") or f"{iris.catalog}#publisher")
    contact = NamedNode(f"{iris.catalog}#contact")
    licence = NamedNode(config["LICENSE"])
    language, theme = NamedNode(auth["language"]), NamedNode(auth["theme"])
    access, frequency = NamedNode(auth["access_right"]), NamedNode(auth["frequency"])
    sparql = NamedNode(iris.sparql)
    out: list[Triple] = []

    def add(s, p, o):
        out.append(Triple(s, p, o))

    def texts_of(node, prop, pl: str, en: str | None):
        add(node, prop, Literal(pl, language="pl"))
        if en:
            add(node, prop, Literal(en, language="en"))

    title_pl, title_en = config["TITLE"], config.get("TITLE_EN")
    # the catalogue
    add(catalog, RDF.type, DCAT.Catalog)
    texts_of(catalog, DCT.title, title_pl, title_en)
    texts_of(catalog, DCT.description, "Katalog danych otwartych: " + texts["description_pl"],
             "Open data catalogue: " + texts["description_en"])
    add(catalog, DCT.publisher, publisher)
    add(catalog, DCT.license, licence)
    add(catalog, DCT.language, language)
    add(catalog, DCT.issued, facts.issued)
    add(catalog, DCT.modified, facts.modified)
    add(catalog, DCAT.themeTaxonomy, NamedNode(auth["theme_scheme"]))
    add(catalog, DCAT.dataset, dataset)
    add(catalog, DCAT.service, service)
    # the dataset
    add(dataset, RDF.type, DCAT.Dataset)
    texts_of(dataset, DCT.title, title_pl, title_en)
    texts_of(dataset, DCT.description, texts["description_pl"], texts["description_en"])
    add(dataset, DCT.identifier, Literal(iris.dataset))
    for word in texts["keywords_pl"]:
        add(dataset, DCAT.keyword, Literal(word, language="pl"))
    for word in texts["keywords_en"]:
        add(dataset, DCAT.keyword, Literal(word, language="en"))
    add(dataset, DCAT.theme, theme)
    add(dataset, DCT.language, language)
    add(dataset, DCT.publisher, publisher)
    add(dataset, DCAT.contactPoint, contact)
    add(dataset, DCT.accrualPeriodicity, frequency)
    add(dataset, DCT.accessRights, access)
    add(dataset, DCT.issued, facts.issued)
    add(dataset, DCT.modified, facts.modified)
    add(dataset, NamedNode("http://rdfs.org/ns/void#sparqlEndpoint"), sparql)
    add(dataset, NamedNode("http://www.w3.org/2000/01/rdf-schema#seeAlso"), NamedNode(iris.void))
    if facts.first_event:
        period = NamedNode(f"{iris.catalog}#coverage")
        add(dataset, DCT.temporal, period)
        add(period, RDF.type, DCT.PeriodOfTime)
        add(period, DCAT.startDate, Literal(facts.first_event, datatype=XSD.date))
        add(period, DCAT.endDate, Literal(facts.last_event, datatype=XSD.date))
    # the downloads
    for entry in settings()["distribution"]:
        dist = NamedNode(iris.distribution(entry["file"]))
        url = NamedNode(iris.dump(entry["file"]))
        add(dataset, DCAT.distribution, dist)
        add(dist, RDF.type, DCAT.Distribution)
        texts_of(dist, DCT.title, entry["title_pl"], entry["title_en"])
        texts_of(dist, DCT.description, entry["title_pl"] + f": {iris.dump(entry['file'])}", entry["title_en"])
        add(dist, DCAT.accessURL, url)
        add(dist, DCAT.downloadURL, url)
        add(dist, DCAT.mediaType, NamedNode(entry["media_type"]))
        add(NamedNode(entry["media_type"]), RDF.type, DCT.MediaType)
        add(dist, DCT.format, NamedNode(entry["file_type"]))
        add(NamedNode(entry["file_type"]), RDF.type, DCT.MediaTypeOrExtent)
        add(dist, DCT.license, licence)
        add(dist, DCATAP.availability, NamedNode(auth["availability"]))
        add(dist, DCT.issued, facts.issued)
        add(dist, DCT.modified, facts.modified)
        # No dcat:byteSize: DCAT-AP 3 requires xsd:nonNegativeInteger and 2.1.1 xsd:decimal, and
        # SHACL compares datatype IRIs, so no one literal passes both (docs/open-data.md).
    # the SPARQL endpoint, as a distribution and as a data service
    endpoint_dist = NamedNode(f"{iris.catalog}#dist-sparql")
    add(dataset, DCAT.distribution, endpoint_dist)
    add(endpoint_dist, RDF.type, DCAT.Distribution)
    texts_of(endpoint_dist, DCT.title, "Punkt dostępowy SPARQL", "SPARQL endpoint")
    texts_of(endpoint_dist, DCT.description, "Zapytania SPARQL 1.1 do całego grafu.",
             "SPARQL 1.1 queries over the whole graph.")
    add(endpoint_dist, DCAT.accessURL, sparql)
    add(endpoint_dist, DCAT.accessService, service)
    add(endpoint_dist, DCT.format, NamedNode(auth["sparql_file_type"]))
    add(NamedNode(auth["sparql_file_type"]), RDF.type, DCT.MediaTypeOrExtent)
    add(endpoint_dist, DCT.license, licence)
    add(endpoint_dist, DCATAP.availability, NamedNode(auth["availability"]))
    add(service, RDF.type, DCAT.DataService)
    texts_of(service, DCT.title, "Punkt dostępowy SPARQL – " + title_pl, "SPARQL endpoint – " + (title_en or title_pl))
    texts_of(service, DCT.description,
             "SPARQL 1.1 Protocol (tylko odczyt); opis usługi pod adresem punktu dostępowego.",
             "SPARQL 1.1 Protocol (read-only); the service description is at the endpoint's address.")
    add(service, DCAT.endpointURL, sparql)
    add(service, DCAT.endpointDescription, sparql)
    add(service, DCT.conformsTo, NamedNode(auth["sparql_protocol"]))
    add(NamedNode(auth["sparql_protocol"]), RDF.type, DCT.Standard)
    add(service, DCAT.servesDataset, dataset)
    add(service, DCT.license, licence)
    add(service, DCT.accessRights, access)
    add(service, DCT.publisher, publisher)
    add(service, DCAT.contactPoint, contact)
    add(service, DCAT.theme, theme)
    for word in texts["keywords_pl"]:
        add(service, DCAT.keyword, Literal(word, language="pl"))
    # what they point at, typed as DCAT-AP's range shapes require
    add(publisher, RDF.type, FOAF.Agent)
    add(publisher, FOAF.name, Literal(config["PUBLISHER_NAME"]))
    add(publisher, DCT.type, NamedNode(config.get("PUBLISHER_TYPE") or auth["publisher_type"]))
    add(NamedNode(config.get("PUBLISHER_TYPE") or auth["publisher_type"]), RDF.type, SKOS.Concept)
    add(contact, RDF.type, VCARD.Kind)
    add(contact, VCARD.fn, Literal(config["PUBLISHER_NAME"]))
    add(contact, VCARD.hasEmail, NamedNode(f"mailto:{config['CONTACT_EMAIL']}"))
    add(licence, RDF.type, DCT.LicenseDocument)
    add(licence, DCT.type, NamedNode(auth["licence_type"]))
    add(NamedNode(auth["licence_type"]), RDF.type, SKOS.Concept)
    add(language, RDF.type, DCT.LinguisticSystem)
    add(theme, RDF.type, SKOS.Concept)
    add(theme, SKOS.inScheme, NamedNode(auth["theme_scheme"]))
    add(NamedNode(auth["theme_scheme"]), RDF.type, SKOS.ConceptScheme)
    add(frequency, RDF.type, DCT.Frequency)
    add(access, RDF.type, DCT.RightsStatement)
    add(NamedNode(auth["availability"]), RDF.type, SKOS.Concept)
    for iri, labels in conf.get("labels", {}).items():
        node = NamedNode(iri)
        scheme = Triple(node, RDF.type, SKOS.ConceptScheme) in out
        for lang, text in labels.items():
            add(node, DCT.title if scheme else SKOS.prefLabel, Literal(text, language=lang))
    return out


def stored_catalog(store: Store, base: str) -> set[Triple]:
    graph = NamedNode(Iris(base).catalog)
    return set(store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}"))


def write_catalog(store: Store, config: dict) -> tuple[list[Triple], bool]:
    """Build the catalogue and put it in its graph unless the graph already holds exactly it.

    Returns the triples and whether the store was written."""
    base = config["BASE"]
    triples = catalog_triples(config, dataset_facts(store, base))
    if set(triples) == stored_catalog(store, base):
        return triples, False
    graph = NamedNode(Iris(base).catalog)
    store.replace_graph(graph.value, [Quad(t.subject, t.predicate, t.object, graph) for t in triples])
    return triples, True
