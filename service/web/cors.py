"""CORS on the open parts (SPARQL, linked data, catalogue, VoID, dumps), so that browser clients
served from elsewhere (YASGUI, Comunica) can read them. Everything there is public and read-only,
so any origin may read it, without credentials; preflight requests are answered here.
"""
from __future__ import annotations

from flask import Flask, Response, request

OPEN_PATHS = ("/sparql", "/id/", "/catalog", "/dumps", "/.well-known/void")
ALLOW_HEADERS = "Accept, Content-Type, Accept-Language"
EXPOSE_HEADERS = "Content-Type, Content-Disposition, Link, Vary"
MAX_AGE = "86400"


def is_open(path: str) -> bool:
    return path.startswith(OPEN_PATHS)


def _methods(path: str) -> str:
    return "GET, POST, OPTIONS" if path.startswith("/sparql") else "GET, HEAD, OPTIONS"


def register(app: Flask) -> None:
    @app.before_request
    def preflight():
        if (request.method == "OPTIONS" and is_open(request.path)
                and "Access-Control-Request-Method" in request.headers):
            response = Response(status=204)
            response.headers["Access-Control-Allow-Methods"] = _methods(request.path)
            response.headers["Access-Control-Allow-Headers"] = ALLOW_HEADERS
            response.headers["Access-Control-Max-Age"] = MAX_AGE
            return response
        return None

    @app.after_request
    def allow_origin(response: Response) -> Response:
        if is_open(request.path):
            response.headers["Access-Control-Allow-Origin"] = "*"
            response.headers["Access-Control-Expose-Headers"] = EXPOSE_HEADERS
        return response
