"""The one place that makes outbound HTTP requests (webhooks), so its safety rules live in one module.

Rules, and why:

- Only ``http`` and ``https``; anything else is a configuration mistake (permanent).
- Unless ``allow_private`` (for a node on a closed government network, set by the operator), the host
  must resolve only to public addresses: a webhook URL typed by a member must not become a way to reach
  the node's own network (SSRF). The request is then sent to the address that was checked, with the
  original ``Host`` header and TLS server name, so a DNS answer that changes between check and connect
  (DNS rebinding) cannot slip through. Proxies from the environment are ignored for the same reason.
- Redirects are not followed: the receiver should fix the URL (permanent failure, so it shows).
- 2xx is success. 408, 429, 5xx, timeouts and connection errors are worth retrying (transient); other
  4xx will not get better by themselves (permanent).
- The response body is never read: a receiver cannot make us download anything.
- Whoever set the URL is shown one text for every failure (:data:`UNREACHABLE`): "connection refused",
  "timed out", a TLS error or an HTTP status would tell them which ports answer on a host the node can reach,
  a port scanner in effect. The detail goes to the server's log and the audit row only.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Mapping
from urllib.parse import urlsplit

import httpx

from liaison.channels import ChannelError

USER_AGENT = "Liaison-Webhook/1"
UNREACHABLE = "the webhook could not be reached or did not answer 2xx"


def is_public(address: str) -> bool:
    """Whether ``address`` (an IP literal) may be the target of a webhook when private ones are refused.

    Refused: private, loopback, link-local, multicast, reserved, unspecified and anything else that is
    not globally routable (such as 100.64.0.0/10), also when wrapped in an IPv4-mapped IPv6 address.
    """
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not (
        ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast or ip.is_reserved or ip.is_unspecified
    )


def _resolve(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise ChannelError(f"cannot resolve {host}: {exc}", permanent=False) from exc
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not addresses:
        raise ChannelError(f"cannot resolve {host}", permanent=False)
    return addresses


def post(
    url: str,
    body: bytes,
    headers: Mapping[str, str],
    *,
    allow_private: bool,
    timeout: float = 10.0,
    client: httpx.Client | None = None,
) -> int:
    """POST ``body`` to ``url``; the status code when it is 2xx, else :class:`ChannelError` whose ``public``
    text is :data:`UNREACHABLE` whatever went wrong."""
    try:
        return _post(url, body, headers, allow_private=allow_private, timeout=timeout, client=client)
    except ChannelError as exc:
        exc.public = UNREACHABLE
        raise


def _post(
    url: str,
    body: bytes,
    headers: Mapping[str, str],
    *,
    allow_private: bool,
    timeout: float,
    client: httpx.Client | None,
) -> int:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise ChannelError(f"refused: {parts.scheme or 'no'} scheme (only http and https)", permanent=True)
    try:
        target = httpx.URL(url)
    except (httpx.InvalidURL, ValueError) as exc:
        raise ChannelError(f"refused: invalid URL ({exc})", permanent=True) from exc
    host = target.raw_host.decode("ascii")  # IDNA-encoded, as DNS and TLS want it
    if not host:
        raise ChannelError("refused: the URL has no host", permanent=True)
    send_headers = httpx.Headers({"content-type": "application/json"})
    send_headers.update(headers)
    send_headers["user-agent"] = USER_AGENT
    extensions: dict[str, str] = {}
    if not allow_private:
        port = target.port or (443 if target.scheme == "https" else 80)
        addresses = _resolve(host, port)
        if not all(is_public(address) for address in addresses):
            raise ChannelError(f"refused: {host} resolves to a private address", permanent=True)
        send_headers["host"] = target.netloc.decode("ascii")
        extensions["sni_hostname"] = host
        target = target.copy_with(host=addresses[0])
    try:
        if client is not None:
            return _send(client, target, body, send_headers, timeout, extensions)
        with httpx.Client(trust_env=False) as own:
            return _send(own, target, body, send_headers, timeout, extensions)
    except httpx.TimeoutException as exc:
        raise ChannelError(f"timed out after {timeout:g} s ({type(exc).__name__})", permanent=False) from exc
    except httpx.UnsupportedProtocol as exc:
        raise ChannelError(f"refused: {exc}", permanent=True) from exc
    except httpx.TransportError as exc:
        raise ChannelError(f"connection failed: {exc or type(exc).__name__}", permanent=False) from exc


def _send(
    client: httpx.Client,
    url: httpx.URL,
    body: bytes,
    headers: httpx.Headers,
    timeout: float,
    extensions: dict[str, str],
) -> int:
    request = client.build_request("POST", url, content=body, headers=headers, timeout=timeout, extensions=extensions)
    response = client.send(request, stream=True, follow_redirects=False)
    response.close()  # the body is not needed, and not reading it bounds what a receiver can make us do
    status = response.status_code
    if 200 <= status < 300:
        return status
    if 300 <= status < 400:
        where = response.headers.get("location", "")[:200]
        raise ChannelError(f"HTTP {status}: redirects are not followed (to {where!r})", permanent=True)
    if status in (408, 429) or status >= 500:
        raise ChannelError(f"HTTP {status}: will retry", permanent=False)
    raise ChannelError(f"HTTP {status}", permanent=True)
