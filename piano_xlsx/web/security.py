"""Who may use the app: whoever opened the URL with the access token (as Jupyter does), and forms sent only from
the app's own pages.

The token is in the first URL the command prints; the first request carrying it gets an HttpOnly, SameSite=Strict
cookie and is sent on to the same page without the token, so the token is not left in the address bar or the
history. Every other request needs the cookie. Every form carries a CSRF field derived from the token, checked on
every POST, and a request whose Origin is another site is refused.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from urllib.parse import urlencode, urlsplit

from flask import Flask, Response, abort, redirect, request
from werkzeug.wrappers import Response as AnyResponse

COOKIE = "piano_xlsx_token"
CSRF_FIELD = "csrf"


def new_token() -> str:
    return secrets.token_urlsafe(32)


def csrf_value(token: str) -> str:
    return hmac.new(token.encode(), b"csrf", hashlib.sha256).hexdigest()


def install(app: Flask, token: str) -> None:
    csrf = csrf_value(token)

    @app.before_request
    def _guard() -> AnyResponse | None:  # a redirect is werkzeug's response, not Flask's
        given = request.args.get("token")
        if given is not None and hmac.compare_digest(given, token):
            rest = {k: v for k, v in request.args.items() if k != "token"}
            response = redirect(request.path + (f"?{urlencode(rest)}" if rest else ""))
            response.set_cookie(COOKIE, token, httponly=True, samesite="Strict", secure=request.is_secure)
            return response
        if not hmac.compare_digest(request.cookies.get(COOKIE, ""), token):
            abort(403)
        if request.method not in ("GET", "HEAD"):
            origin = request.headers.get("Origin")
            if origin and urlsplit(origin).netloc != request.host:
                abort(400, "richiesta da un'altra origine")
            if not hmac.compare_digest(request.form.get(CSRF_FIELD, ""), csrf):
                abort(400, "modulo scaduto o non inviato da questa applicazione: ricaricare la pagina e riprovare")
        return None

    @app.after_request
    def _headers(response: Response) -> Response:
        # nothing from outside the machine; the audit page carries its own inline style
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; script-src 'self'; "
            "frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"  # no-referrer would make the browser send Origin: null
        response.headers["Cache-Control"] = "no-store"
        return response

    app.jinja_env.globals["csrf_token"] = csrf
