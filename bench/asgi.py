"""The benchmark's server app: Liaison, plus a bare ASGI hello-world at /hello served by the same process.

Both endpoints run in one uvicorn process, so the comparison isolates the cost of a duty lookup
(authentication, directory snapshot, roster arithmetic, JSON) from the server's own HTTP overhead.
"""

from __future__ import annotations

from typing import Any

from liaison.app import create_app

HELLO = b'{"hello":"world"}'


def create_bench_app() -> Any:
    liaison = create_app()

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"] == "/hello":
            await send(
                {"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]}
            )
            await send({"type": "http.response.body", "body": HELLO})
            return
        await liaison(scope, receive, send)

    return app
