"""Events for people: the faceted list (`/events`), a timeline (`/timeline`) and a map (`/map`).

All three read the same facet parameters, so a filtered view can be shared as a link and moved
between list, timeline and map. The language switch's cookie is set here too.
"""
from __future__ import annotations

import math
import re
from collections import OrderedDict

from flask import Blueprint, abort, current_app, render_template, request

from service.web import get_pages, get_store
from service.web import graphdata
from service.gazetteer import voivodeships
from service.web.gazetteer import POLAND_OUTLINE
from service.web.labels import LANGUAGES, current_language

bp = Blueprint("events", __name__)

MAX_VALUES = 20
PATTERNS = {
    "year": re.compile(r"^(1[89]|20)\d\d$"),
    "month": re.compile(r"^(1[89]|20)\d\d-(0[1-9]|1[0-2])$"),
    "theme": re.compile(r"^[a-z0-9][a-z0-9-]{0,120}$"),
    "place": re.compile(r"^[a-z0-9][a-z0-9-]{0,200}$"),
    "organiser": re.compile(r"^(organisation|post|person)/[a-z0-9][a-z0-9-]{0,300}$"),
    "patron": re.compile(r"^(organisation|post|person)/[a-z0-9][a-z0-9-]{0,300}$"),
}
KNOWN = set(PATTERNS) | {"voivodeship", "page", "lang"}


def parse_filters() -> graphdata.Filters:
    """The facet filters of the request; 400 with a message for anything malformed."""
    filters = graphdata.Filters()
    for name in request.args:
        if name not in KNOWN:
            abort(400, f"unknown parameter {name!r}; facets are: year, month, theme, place, "
                       f"voivodeship, organiser, patron")
    for name in ("year", "month", "theme", "place", "voivodeship", "organiser", "patron"):
        values = [v.strip() for v in request.args.getlist(name) if v.strip()]
        if len(values) > MAX_VALUES:
            abort(400, f"at most {MAX_VALUES} values of {name!r}")
        for value in values:
            if name == "voivodeship":
                if value not in voivodeships():
                    abort(400, f"unknown voivodeship {value!r}; use one of: {', '.join(voivodeships())}")
            elif not PATTERNS[name].match(value):
                abort(400, f"malformed value of {name!r}: {value[:80]!r}")
        setattr(filters, name, list(dict.fromkeys(values)))
    return filters


def _page() -> int:
    raw = request.args.get("page", "1")
    if not raw.isdigit() or not 1 <= int(raw) <= 100_000:
        abort(400, "page must be a whole number from 1")
    return int(raw)


def _base() -> str:
    return current_app.config["BASE"]


def _chips(filters: graphdata.Filters, facets: dict) -> list[dict]:
    """The chosen filters with their labels, for 'remove' links."""
    labels = {(name, v.key): v.label for name, values in facets.items() for v in values}
    months = current_translation_months()
    chips = []
    for name, value in filters.items():
        label = labels.get((name, value), value)
        if name == "month":
            label = f"{months[int(value[5:]) - 1]} {value[:4]}"
        remaining = [v for v in getattr(filters, name) if v != value]
        chips.append({"facet": name, "value": value, "label": label, "remaining": remaining})
    return chips


def current_translation_months() -> list[str]:
    from service.web.labels import translate
    return translate("months")


def render_event_list():
    filters = parse_filters()
    page = _page()
    size = int(current_app.config["PAGE_SIZE"])
    pages, lang, base = get_pages(), current_language(), _base()
    facets = graphdata.facet_counts(pages, filters, base, lang=lang)
    rows = graphdata.filtered_events(pages, filters, base, limit=size + 1, offset=(page - 1) * size)
    total = graphdata.count_events(pages, filters, base)
    return render_template("events.html", facets=facets, rows=rows[:size], page=page,
                           has_next=len(rows) > size, total=total, filters=filters,
                           chips=_chips(filters, facets), view="list")


@bp.route("/events")
def event_list():
    return render_event_list()


@bp.route("/timeline")
def timeline():
    filters = parse_filters()
    pages, lang, base = get_pages(), current_language(), _base()
    rows = graphdata.filtered_events(pages, filters, base, limit=2000)
    years: "OrderedDict[str, OrderedDict[str, list]]" = OrderedDict()
    undated = []
    for row in sorted(rows, key=lambda r: (r.start or ""), reverse=True):
        if not row.start or len(row.start) < 4:
            undated.append(row)
            continue
        month = row.start[5:7] if len(row.start) >= 7 else ""
        years.setdefault(row.start[:4], OrderedDict()).setdefault(month, []).append(row)
    most = max((len(v) for months in years.values() for v in months.values()), default=1)
    facets = graphdata.facet_counts(pages, filters, base, lang=lang)
    return render_template("timeline.html", years=years, undated=undated, most=most,
                           filters=filters, chips=_chips(filters, facets), facets=facets,
                           total=len(rows), view="timeline")


def _projection(points):
    """An equirectangular projection (x scaled by cos of the middle latitude) onto the SVG box."""
    lons = [p[0] for p in POLAND_OUTLINE] + [p.lon for p in points]
    lats = [p[1] for p in POLAND_OUTLINE] + [p.lat for p in points]
    west, east, south, north = min(lons) - 0.4, max(lons) + 0.4, min(lats) - 0.3, max(lats) + 0.3
    k = math.cos(math.radians((north + south) / 2))
    width = 640.0
    scale = width / ((east - west) * k)
    height = (north - south) * scale

    def project(lon, lat):
        return round((lon - west) * k * scale, 1), round((north - lat) * scale, 1)
    return project, width, round(height, 1)


@bp.route("/map")
def event_map():
    filters = parse_filters()
    pages, lang, base = get_pages(), current_language(), _base()
    places = graphdata.event_places(pages, get_store(), filters, base, lang=lang)
    located = [p for p in places if p.lat is not None]
    project, width, height = _projection(located)
    outline = " ".join(f"{x},{y}" for x, y in (project(lon, lat) for lon, lat in POLAND_OUTLINE))
    most = max((p.count for p in located), default=1)
    dots = []
    for p in sorted(located, key=lambda p: -p.count):
        x, y = project(p.lon, p.lat)
        radius = round(5 + 9 * math.sqrt(p.count / most), 1)
        dots.append({"place": p, "x": x, "y": y, "r": radius, "size": min(int(radius), 14)})
    facets = graphdata.facet_counts(pages, filters, base, lang=lang)
    return render_template("map.html", dots=dots, outline=outline, width=width, height=height,
                           places=places, unlocated=[p for p in places if p.lat is None],
                           filters=filters, chips=_chips(filters, facets), facets=facets,
                           total=sum(p.count for p in places), view="map")


@bp.after_app_request
def remember_language(response):
    """`?lang=` switches the language and a cookie keeps it for the next pages."""
    lang = request.args.get("lang")
    if lang in LANGUAGES and request.cookies.get("lang") != lang:
        response.set_cookie("lang", lang, max_age=365 * 24 * 3600, samesite="Lax")
    return response
