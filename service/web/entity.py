"""`/id/{kind}/{slug}`: a page for every entity, with its statements, incoming links and reports."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template

from service.web import get_store
from service.web import graphdata
from service.web.labels import current_language

bp = Blueprint("entity", __name__)


@bp.route("/id/<kind>/<path:key>")
def entity_page(kind: str, key: str):
    iri = f"{current_app.config['BASE']}/id/{kind}/{key}"
    try:
        description = graphdata.describe(get_store(), iri, lang=current_language())
    except ValueError:
        abort(404, "not a valid identifier")
    if not description.exists:
        abort(404, f"nothing is known about {iri}")
    return render_template("entity.html", d=description, kind=graphdata.KINDS.get(kind))
