"""Pages for people: home, search, a list per kind of entity."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request

from service.web import get_pages
from service.pageindex import read
from service.web import graphdata
from service.web.labels import current_language

bp = Blueprint("browse", __name__)

MAX_SEARCH_LENGTH = 200


def _page() -> int:
    try:
        page = int(request.args.get("page", "1"))
    except ValueError:
        abort(400, "page must be a whole number")
    if page < 1 or page > 100_000:
        abort(400, "page out of range")
    return page


@bp.route("/")
def home():
    pages = get_pages()
    return render_template("home.html", counts=graphdata.counts(pages), kinds=graphdata.KINDS,
                           latest=graphdata.filtered_events(pages, graphdata.Filters(), current_app.config["BASE"],
                                                           limit=10))


@bp.route("/search")
def search():
    text = request.args.get("q", "")[:MAX_SEARCH_LENGTH]
    results = graphdata.search(get_pages(), text, lang=current_language()) if text.strip() else []
    return render_template("search.html", q=text, results=results)


@bp.route("/list/<kind>")
def entity_list(kind: str):
    if kind not in graphdata.KINDS:
        abort(404, f"no list of {kind!r}")
    if kind == "event":
        from service.web.events import render_event_list
        return render_event_list()
    size = int(current_app.config["PAGE_SIZE"])
    page = _page()
    pages = get_pages()
    # `after` (the previous page's last entity) pages by key; `page` alone by offset
    after = read.cursor(pages, request.args["after"]) if request.args.get("after") else None
    rows = graphdata.entities(pages, graphdata.KINDS[kind], limit=size + 1, after=after,
                              offset=(page - 1) * size, lang=current_language())
    return render_template("list.html", kind=graphdata.KINDS[kind], rows=rows[:size], page=page,
                           has_next=len(rows) > size)
