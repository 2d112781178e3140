"""Outbound webhook HTTP against a real HTTP server on 127.0.0.1 (mocks stop at the network edge)."""

from __future__ import annotations

import socket
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from liaison.channels import ChannelError
from liaison.channels import http as outbound
from liaison.channels.http import USER_AGENT, is_public, post

STATUS_BY_PATH = {
    "/ok": 200,
    "/accepted": 202,
    "/no-content": 204,
    "/redirect": 302,
    "/moved": 301,
    "/bad-request": 400,
    "/missing": 404,
    "/gone": 410,
    "/request-timeout": 408,
    "/busy": 429,
    "/broken": 500,
    "/unavailable": 503,
    "/slow": 200,
}


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, list[str]]
    body: bytes


class Receiver(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.received: list[Received] = []
        self.release = threading.Event()

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.server_address[1]}{path}"

    def paths(self) -> list[str]:
        return [r.path for r in self.received]

    def handle_error(self, request: Any, client_address: Any) -> None:
        # The client closes without reading the response body (by design), which can reset the socket.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class Handler(BaseHTTPRequestHandler):
    server: Receiver
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:  # noqa: N802 - the name http.server calls
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        headers: dict[str, list[str]] = {}
        for name, value in self.headers.items():
            headers.setdefault(name.lower(), []).append(value)
        self.server.received.append(Received(self.path, headers, body))
        if self.path == "/slow":
            self.server.release.wait(5)
        status = STATUS_BY_PATH.get(self.path, 404)
        try:
            self.send_response(status)
            if 300 <= status < 400:
                self.send_header("location", self.server.url("/ok"))
            self.send_header("content-length", "2")
            self.end_headers()
            self.wfile.write(b"{}")
            self.close_connection = True
        except OSError:  # the client gave up (the timeout test)
            pass

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - signature of the base class
        pass


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.release.set()
    server.shutdown()
    server.server_close()
    thread.join(5)


@pytest.fixture(autouse=True)
def forget(receiver: Receiver) -> None:
    receiver.received.clear()


def failure(call: Callable[[], object]) -> ChannelError:
    with pytest.raises(ChannelError) as caught:
        call()
    return caught.value


@pytest.mark.parametrize(("path", "status"), [("/ok", 200), ("/accepted", 202), ("/no-content", 204)])
def test_2xx_returns_the_status(receiver: Receiver, path: str, status: int) -> None:
    assert post(receiver.url(path), b"{}", {}, allow_private=True) == status


@pytest.mark.parametrize(
    ("path", "permanent"),
    [
        ("/bad-request", True),
        ("/missing", True),
        ("/gone", True),
        ("/request-timeout", False),
        ("/busy", False),
        ("/broken", False),
        ("/unavailable", False),
    ],
)
def test_error_statuses(receiver: Receiver, path: str, permanent: bool) -> None:
    error = failure(lambda: post(receiver.url(path), b"{}", {}, allow_private=True))
    assert error.permanent is permanent
    assert str(error).startswith(f"HTTP {STATUS_BY_PATH[path]}")


@pytest.mark.parametrize("path", ["/redirect", "/moved"])
def test_redirects_are_not_followed(receiver: Receiver, path: str) -> None:
    error = failure(lambda: post(receiver.url(path), b"{}", {}, allow_private=True))
    assert error.permanent is True
    assert "redirects are not followed" in str(error)
    assert receiver.paths() == [path]  # the Location (/ok on the same server) was not visited


def test_a_receiver_slower_than_the_timeout_is_transient(receiver: Receiver) -> None:
    error = failure(lambda: post(receiver.url("/slow"), b"{}", {}, allow_private=True, timeout=0.3))
    assert error.permanent is False
    assert "timed out after 0.3 s" in str(error)


def test_connection_refused_is_transient() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    error = failure(lambda: post(f"http://127.0.0.1:{port}/ok", b"{}", {}, allow_private=True, timeout=2))
    assert error.permanent is False
    assert str(error).startswith("connection failed")


def test_the_receiver_gets_the_exact_body_and_headers(receiver: Receiver) -> None:
    body = '{"subject":"Flash: vehicle sighted","émoji":"🚨"}\n'.encode()
    sent = {"webhook-id": "msg_1", "webhook-timestamp": "1795488420", "User-Agent": "spoofed/1"}
    assert post(receiver.url("/ok"), body, sent, allow_private=True) == 200
    [got] = receiver.received
    assert got.body == body
    assert got.headers["content-type"] == ["application/json"]
    assert got.headers["user-agent"] == [USER_AGENT]
    assert got.headers["webhook-id"] == ["msg_1"]
    assert got.headers["webhook-timestamp"] == ["1795488420"]
    assert got.headers["content-length"] == [str(len(body))]


def test_a_given_content_type_replaces_the_default(receiver: Receiver) -> None:
    post(receiver.url("/ok"), b"{}", {"Content-Type": "application/cloudevents+json"}, allow_private=True)
    assert receiver.received[0].headers["content-type"] == ["application/cloudevents+json"]


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]", "127.1"])
def test_loopback_is_refused_unless_private_addresses_are_allowed(receiver: Receiver, host: str) -> None:
    error = failure(lambda: post(receiver.url("/ok", host), b"{}", {}, allow_private=False))
    assert error.permanent is True
    assert str(error) == f"refused: {host.strip('[]')} resolves to a private address"
    assert receiver.received == []


def test_loopback_is_accepted_when_private_addresses_are_allowed(receiver: Receiver) -> None:
    assert post(receiver.url("/ok", "localhost"), b"{}", {}, allow_private=True) == 200


@pytest.mark.parametrize("url", ["ftp://example.org/x", "file:///etc/passwd", "javascript:alert(1)", "", "//x/y"])
def test_other_schemes_are_refused(url: str) -> None:
    error = failure(lambda: post(url, b"{}", {}, allow_private=True))
    assert error.permanent is True
    assert "only http and https" in str(error)


def test_a_url_without_a_host_is_refused() -> None:
    assert failure(lambda: post("http:///path", b"{}", {}, allow_private=False)).permanent is True


def fake_dns(monkeypatch: pytest.MonkeyPatch, answers: dict[str, list[str]]) -> list[str]:
    """Resolve the names in ``answers`` as given (others as usual); returns the log of names asked."""
    real = socket.getaddrinfo
    asked: list[str] = []

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host in answers:
            asked.append(host)
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port)) for ip in answers[host]]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return asked


def test_any_private_address_among_the_answers_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_dns(monkeypatch, {"hooks.example.test": ["93.184.215.14", "10.0.0.7"]})
    error = failure(lambda: post("https://hooks.example.test/in", b"{}", {}, allow_private=False))
    assert (error.permanent, str(error)) == (True, "refused: hooks.example.test resolves to a private address")


def test_a_name_that_does_not_resolve_is_transient(monkeypatch: pytest.MonkeyPatch) -> None:
    def getaddrinfo(*args: Any, **kwargs: Any) -> Any:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    error = failure(lambda: post("https://nowhere.example.test/in", b"{}", {}, allow_private=False))
    assert error.permanent is False
    assert str(error).startswith("cannot resolve nowhere.example.test")


def test_the_request_goes_to_the_checked_address(receiver: Receiver, monkeypatch: pytest.MonkeyPatch) -> None:
    # Pretend 127.0.0.1 is public, so the check passes and the request reaches the local receiver: the
    # name itself resolves nowhere else, so arriving proves the connection used the checked address,
    # with one DNS lookup (a rebinding answer later would not be used) and the original Host header.
    monkeypatch.setattr(outbound, "is_public", lambda address: address == "127.0.0.1")
    asked = fake_dns(monkeypatch, {"hooks.example.test": ["127.0.0.1"]})
    port = receiver.server_address[1]
    assert post(f"http://hooks.example.test:{port}/ok", b"{}", {}, allow_private=False) == 200
    assert asked == ["hooks.example.test"]
    assert receiver.received[0].headers["host"] == [f"hooks.example.test:{port}"]


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.215.14", True),
        ("8.8.8.8", True),
        ("2001:4860:4860::8888", True),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("127.0.0.1", False),
        ("127.8.9.10", False),
        ("169.254.169.254", False),  # cloud metadata
        ("100.64.0.1", False),  # carrier-grade NAT
        ("0.0.0.0", False),  # noqa: S104 - an address under test, not a bind
        ("224.0.0.1", False),
        ("240.0.0.1", False),
        ("255.255.255.255", False),
        ("192.0.2.1", False),
        ("::1", False),
        ("::", False),
        ("fe80::1%eth0", False),
        ("fc00::1", False),
        ("ff02::1", False),
        ("2001:db8::1", False),
        ("::ffff:127.0.0.1", False),
        ("::ffff:10.0.0.1", False),
        ("not an address", False),
    ],
)
def test_is_public(address: str, public: bool) -> None:
    assert is_public(address) is public


def test_a_given_client_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path == "/down":
            raise httpx.ConnectError("connection reset", request=request)
        return httpx.Response(201)

    with httpx.Client(transport=httpx.MockTransport(answer)) as client:
        assert post("https://hooks.example.test/in", b"[]", {}, allow_private=True, client=client) == 201
        error = failure(lambda: post("https://hooks.example.test/down", b"[]", {}, allow_private=True, client=client))
    assert error.permanent is False
    assert seen[0].headers["user-agent"] == USER_AGENT
    assert seen[0].content == b"[]"
