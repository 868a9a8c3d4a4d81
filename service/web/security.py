"""Security headers on every response, and a clear 413 for a request body over the limit.

The pages use no inline script or style attribute and load nothing from other hosts, so the
Content-Security-Policy can be strict: only this origin, no inline script, no framing. Report
texts are untrusted; Jinja escapes them (autoescape), and this policy is the second fence.
"""
from __future__ import annotations

import hmac

from flask import Flask, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def has_write_token() -> bool:
    """True when writes are enabled (`UPDATE_TOKEN`) and the request carries the token as
    `Authorization: Bearer …`. For any view that writes over HTTP."""
    token = current_app.config.get("UPDATE_TOKEN")
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return bool(token) and scheme.lower() == "bearer" and hmac.compare_digest(
        given.strip().encode(), str(token).encode())


def register(app: Flask) -> None:
    @app.after_request
    def security_headers(response):
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(error):
        limit = app.config.get("MAX_CONTENT_LENGTH")
        return (f"413 Content Too Large: the request body is larger than the limit of {limit} bytes\n",
                413, {"Content-Type": "text/plain; charset=utf-8"})
