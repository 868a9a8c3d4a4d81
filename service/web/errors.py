"""Error pages: HTML for browsers, plain text for clients; a store that is down is a 503."""
from __future__ import annotations

from flask import Flask, render_template, request
from werkzeug.exceptions import HTTPException

from service.store import QueryTimeout, StoreError, StoreUnavailable


def _wants_html() -> bool:
    best = request.accept_mimetypes.best_match(["text/html", "text/plain"])
    return best == "text/html" and not request.path.startswith("/sparql")


def _respond(status: int, title: str, message: str):
    if _wants_html():
        return render_template("error.html", status=status, title=title, message=message), status
    return f"{status} {title}: {message}\n", status, {"Content-Type": "text/plain; charset=utf-8"}


def register(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return _respond(error.code or 500, error.name, error.description or "")

    @app.errorhandler(StoreUnavailable)
    def store_down(error: StoreUnavailable):
        return _respond(503, "Service Unavailable", f"the store is not available now: {error}")

    @app.errorhandler(StoreError)
    def store_failed(error: StoreError):
        return _respond(503, "Service Unavailable", f"the store could not answer: {error}")

    @app.errorhandler(QueryTimeout)
    def timeout(error: QueryTimeout):
        return _respond(503, "Query Timeout", str(error))
