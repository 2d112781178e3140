"""Security headers: the same set on every response, pages, API, the on-duty fast path and early refusals."""

from __future__ import annotations

Headers = list[tuple[bytes, bytes]]

# Everything from this origin only; no inline script or style; no <base> rewriting links; forms post only here.
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)

SECURITY_HEADERS: Headers = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"content-security-policy", CSP.encode()),
]

# A year, subdomains included: browsers then refuse plain HTTP to this host. Sent only by a node whose
# public URL is https:// (browsers ignore it over http, and a development host must stay reachable over http).
HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")

# An API answer may name a person: never stored by a cache.
NO_STORE = (b"cache-control", b"no-store")


def security_headers(base_url: str) -> Headers:
    """The headers every response of a node with this public URL carries."""
    return SECURITY_HEADERS + ([HSTS] if base_url.startswith("https://") else [])


def api_headers(base_url: str) -> Headers:
    """The headers every ``/api/`` response carries: the security headers, and never cached."""
    return [*security_headers(base_url), NO_STORE]
