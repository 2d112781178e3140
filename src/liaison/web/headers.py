"""Security headers sent with every response."""

SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'",
    ),
]

# The fast-path JSON answer's headers: no sniffing, and never cached (it may name a person).
API_HEADERS = [(b"x-content-type-options", b"nosniff"), (b"cache-control", b"no-store")]
