"""Who may use the review page: allowed Host names, a bearer token (header or cookie), a CSRF
token and an allowed Origin on every write, and an access log that never holds a query string."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import logging
import secrets
from collections.abc import Awaitable, Callable, Sequence
from typing import Any
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

TOKEN_COOKIE = "token"
MIN_TOKEN_CHARS = 16
# Paths a health check may reach without the token.
OPEN_PATHS = frozenset({"/healthz"})
# The review page's access log (uvicorn's own is turned off: it prints the query string).
access_log = logging.getLogger("bot.review.access")


class ReviewConfigError(ValueError):
    """The review page would be reachable from the network without a token, or with a weak one."""


def check_token(token: str | None) -> None:
    """Refuse a blank token or one shorter than 16 characters (None: no token configured)."""
    if token is None:
        return
    if not token.strip():
        raise ReviewConfigError(
            "EXPLAINER_REVIEW_TOKEN is blank: set a token of at least "
            f'{MIN_TOKEN_CHARS} characters (python -c "import secrets; '
            'print(secrets.token_urlsafe(32))"), or unset it to serve on loopback only'
        )
    if len(token.strip()) < MIN_TOKEN_CHARS:
        raise ReviewConfigError(
            f"EXPLAINER_REVIEW_TOKEN is too short ({len(token.strip())} characters; at least "
            f'{MIN_TOKEN_CHARS}): python -c "import secrets; print(secrets.token_urlsafe(32))"'
        )


def split_host(netloc: str) -> tuple[str, str | None]:
    """`Host`/Origin netloc → (lower-case host name without brackets, port or None)."""
    netloc = netloc.strip().lower()
    if netloc.startswith("["):
        host, _, rest = netloc[1:].partition("]")
        return host, rest[1:] if rest.startswith(":") and rest[1:] else None
    host, sep, port = netloc.rpartition(":")
    if not sep or not (port.isascii() and port.isdigit()) or ":" in host:
        return netloc, None  # no port (or a bare IPv6 address)
    return host, port


def host_allowed(netloc: str, allowed: Sequence[str]) -> bool:
    """Whether a Host (or an Origin's netloc) is on the allowlist.

    An entry `name` allows that name on any port; `name:port` only on that port.
    """
    if not netloc:
        return False
    host, port = split_host(netloc)
    for entry in allowed:
        name, entry_port = split_host(entry)
        if name == host and (entry_port is None or entry_port == port):
            return True
    return False


class HostGate:
    """Middleware: refuse a request whose Host is not allowed (the defence against DNS rebinding:
    a page on another name that resolves to this address sends that name as its Host)."""

    def __init__(self, allowed: Sequence[str]) -> None:
        self.allowed = list(allowed)

    async def __call__(
        self, request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        if host_allowed(request.headers.get("host", ""), self.allowed):
            return await call_next(request)
        return PlainTextResponse(
            "This review page does not answer to that host name. Allowed: "
            f"{', '.join(self.allowed)} (EXPLAINER_REVIEW_ALLOWED_HOSTS).",
            status_code=400,
        )


class AccessLog:
    """ASGI middleware: one access line per request with the path only, never the query string
    (which may hold the one-time `?token=`). Serve with uvicorn's own access log off."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500

        async def sending(message: Any) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            client = scope.get("client")
            where = f"{client[0]}:{client[1]}" if client else "-"
            access_log.info(
                '%s - "%s %s HTTP/%s" %d',  # the path only: never the query string
                where,
                scope.get("method", "-"),
                scope.get("path", "/"),
                scope.get("http_version", "1.1"),
                status,
            )


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


def same_origin(request: Request, allowed: Sequence[str]) -> bool:
    """False when the browser says the form came from a site not on the allowlist.

    The Origin is checked against the allowed hosts, never against the request's own Host
    (which a rebinding page chooses). No Origin header (a non-browser client): allowed.
    Browsers send `Origin: null` under a no-referrer policy, so the pages use `same-origin`.
    """
    origin = request.headers.get("origin")
    if origin is None:
        return True
    if origin == "null":
        return False
    return host_allowed(urlsplit(origin).netloc, allowed)
