"""Who may use the review page: a bearer token off loopback, and a CSRF token on every write."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

TOKEN_COOKIE = "token"
# Paths a health check may reach without the token.
OPEN_PATHS = frozenset({"/healthz"})


class ReviewConfigError(ValueError):
    """The review page would be reachable from the network without a token."""


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name other than localhost may resolve anywhere


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


class TokenGate:
    """Middleware: every request must carry the token as a bearer header or the cookie.

    `?token=` once sets the cookie (a digest of the token, never the token itself) and
    redirects to the same page without the token in the address.
    """

    def __init__(self, token: str) -> None:
        self._token = token
        self._cookie = hmac.new(token.encode(), b"review-cookie", hashlib.sha256).hexdigest()

    async def __call__(
        self, request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        if request.url.path in OPEN_PATHS:
            return await call_next(request)
        supplied = request.query_params.get("token")
        if supplied is not None and _same(supplied, self._token):
            rest = request.url.remove_query_params("token")
            target = rest.path + (f"?{rest.query}" if rest.query else "")
            response = RedirectResponse(target, status_code=303)
            response.set_cookie(
                TOKEN_COOKIE,
                self._cookie,
                httponly=True,
                samesite="strict",
                secure=request.url.scheme == "https",
            )
            return response
        header = request.headers.get("authorization", "")
        scheme, _, bearer = header.partition(" ")
        if scheme.lower() == "bearer" and _same(bearer.strip(), self._token):
            return await call_next(request)
        cookie = request.cookies.get(TOKEN_COOKIE)
        if cookie is not None and _same(cookie, self._cookie):
            return await call_next(request)
        return PlainTextResponse(
            "The review page needs its token: open it once with ?token=… or send "
            "'Authorization: Bearer …' (EXPLAINER_REVIEW_TOKEN).",
            status_code=401,
            headers={"WWW-Authenticate": "Bearer"},
        )


class Csrf:
    """Form tokens: an HMAC of the form's purpose under a per-process secret."""

    def __init__(self, secret: bytes | None = None) -> None:
        self._secret = secret or secrets.token_bytes(32)

    def token(self, purpose: str) -> str:
        return hmac.new(self._secret, purpose.encode(), hashlib.sha256).hexdigest()

    def check(self, purpose: str, supplied: str | None) -> bool:
        return supplied is not None and _same(supplied, self.token(purpose))


def same_origin(request: Request) -> bool:
    """False when the browser says the form came from another site (no Origin header: allowed).

    Browsers send `Origin: null` under a no-referrer policy, so the pages use `same-origin`.
    """
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return origin is None
    return urlsplit(origin).netloc == request.headers.get("host")
