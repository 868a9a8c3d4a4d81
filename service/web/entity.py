"""`/id/{kind}/{slug}`: every entity dereferences, by content negotiation.

Browsers get the HTML page (with schema.org JSON-LD in its head); clients asking for Turtle,
N-Triples, RDF/XML or JSON-LD get the entity's RDF (service/web/linked_data.py). `?format=`
overrides Accept; every answer varies on Accept; 406 when nothing the client accepts fits.
"""
from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, abort, current_app, render_template, request

from service.web import get_pages, get_store
from service.web import graphdata
from service.web.formats import GRAPH_ALIASES, GRAPH_FORMATS, Format, NotAcceptable, choose
from service.web.labels import current_language
from service.web.linked_data import entity_triples
from service.web.opendata import rdf_response, text_response
from service.web.schema_org import schema_org, script_json

bp = Blueprint("entity", __name__)

HTML = Format("text/html", ("html",), None, "html")
#: What an entity IRI offers, HTML first (the answer to */* and to no Accept at all).
ENTITY_FORMATS = [HTML, *GRAPH_FORMATS]
ENTITY_ALIASES = {"application/xhtml+xml": HTML, **GRAPH_ALIASES}


def _alternates(path: str) -> str:
    """A Link header naming the other representations."""
    return ", ".join(f'<{quote(path)}?format={fmt.names[0]}>; rel="alternate"; type="{fmt.media_type}"'
                     for fmt in ENTITY_FORMATS)


@bp.route("/id/<kind>/<path:key>")
def entity_page(kind: str, key: str):
    iri = f"{current_app.config['BASE']}/id/{kind}/{key}"
    try:
        fmt = choose(request, ENTITY_FORMATS, ENTITY_ALIASES)
    except NotAcceptable as error:
        response = text_response(str(error), 406)
        response.vary.add("Accept")
        return response
    response = html_page(iri, kind) if fmt is HTML else rdf_view(iri, fmt)
    response.vary.add("Accept")
    response.headers["Link"] = _alternates(request.path)
    return response


def rdf_view(iri: str, fmt: Format):
    try:
        triples = entity_triples(get_store(), iri, current_app.config["BASE"])
    except ValueError:
        abort(404, "not a valid identifier")
    if not triples:
        abort(404, f"nothing is known about {iri}")
    return rdf_response(triples, fmt)


def html_page(iri: str, kind: str):
    store = get_store()
    try:
        description = graphdata.describe(store, iri, lang=current_language(), pages=get_pages(),
                                           base=current_app.config["BASE"])
    except ValueError:
        abort(404, "not a valid identifier")
    if not description.exists:
        abort(404, f"nothing is known about {iri}")
    data = schema_org(store, iri, description.types, get_pages())
    page = render_template("entity.html", d=description, kind=graphdata.KINDS.get(kind),
                           jsonld=script_json(data) if data else None)
    return current_app.make_response(page)
