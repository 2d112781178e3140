"""Interactive API documentation at ``/docs``: Swagger UI served from this node, under the site's own CSP.

FastAPI's built-in page loads Swagger UI from a CDN and starts it with an inline script; our
Content-Security-Policy (``script-src 'self'``, no inline script) blocks both, so that page never worked.
Here the two files Swagger UI needs come from the copy the ``fastapi-offline`` package ships (Swagger UI 5,
which reads OpenAPI 3.1; only its files are used) and are served by the app, and a same-origin script
(``static/api-docs.js``) starts it. Nothing is fetched from another origin.
"""

from __future__ import annotations

from importlib.resources import files

from fastapi import FastAPI
from fastapi.responses import FileResponse, HTMLResponse

from liaison.errors import NotFound
from liaison.i18n import _

ASSETS_PREFIX = "/static/swagger-ui"
# Only the two files the page loads, not the package's whole folder (ReDoc, which needs inline styles, is not served).
ASSETS = {"swagger-ui-bundle.js": "text/javascript", "swagger-ui.css": "text/css"}

PAGE = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>API · {{title}}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{ASSETS_PREFIX}/swagger-ui.css">
</head>
<body>
<div id="swagger-ui" data-openapi-url="{{openapi_url}}"></div>
<script src="{ASSETS_PREFIX}/swagger-ui-bundle.js"></script>
<script src="/static/api-docs.js"></script>
</body>
</html>
"""


def register(app: FastAPI, openapi_url: str = "/openapi.json") -> None:
    """Add ``GET /docs`` and its two assets to ``app`` (before any ``/static`` mount, which would shadow them)."""
    from html import escape

    page = PAGE.format(title=escape(app.title), openapi_url=escape(openapi_url))

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(page)

    @app.get(ASSETS_PREFIX + "/{name}", include_in_schema=False)
    def asset(name: str) -> FileResponse:
        media_type = ASSETS.get(name)
        if media_type is None:
            raise NotFound(_("no file %(name)r", name=name))
        return FileResponse(str(files("fastapi_offline") / "static" / name), media_type=media_type)
