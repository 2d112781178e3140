"""Testing tools the browser tests load into pages: axe-core (accessibility checks), from the npm registry.

(The libraries the pages themselves use, cytoscape and cytoscape-svg, are plain static files: ``make vendor``
copies them from ``node_modules`` into ``static/vendor/``, served in every environment by the static mount.)

Served at ``/static/vendor/axe.min.js`` only when ``LIAISON_ENV`` is development or test, from the checkout's
``node_modules`` (``make test`` runs ``npm ci``); a production node answers 404, as for any unknown file. The
pages never load it themselves: the tests inject it, so a page's script policy stays ``'self'`` with no CDN.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, Response

from liaison.errors import NotFound
from liaison.i18n import _
from liaison.web.deps import state

router = APIRouter()
CHECKOUT = Path(__file__).resolve().parents[4]  # src/liaison/web/ui -> the checkout's root
AXE = CHECKOUT / "node_modules" / "axe-core" / "axe.min.js"


@router.get("/static/vendor/axe.min.js")
def axe(request: Request) -> Response:
    if state(request).settings.env not in ("development", "test") or not AXE.is_file():
        raise NotFound(_("no such file"))
    return FileResponse(AXE, media_type="text/javascript", headers={"cache-control": "no-store"})
