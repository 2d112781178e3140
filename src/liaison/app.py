"""The application factory. Nothing happens at import time; ``create_app(settings)`` builds everything."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import orjson
from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import PlainTextResponse, RedirectResponse
from sqlalchemy import event
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from liaison import __version__, i18n
from liaison.db import make_engine, make_session_factory
from liaison.errors import LiaisonError, NotAuthenticated
from liaison.escalation.worker import Worker
from liaison.i18n import _
from liaison.queries.snapshot import DirectoryCache
from liaison.settings import DEVELOPMENT_MODE_WARNING, Settings, load_settings
from liaison.web import input_errors
from liaison.web.fastpath import OnDutyFastPath
from liaison.web.headers import SECURITY_HEADERS, Headers, api_headers, security_headers
from liaison.web.language import LanguageMiddleware, request_language
from liaison.web.responses import JSONResponse
from liaison.web.state import AppState, ReadAudit

log = logging.getLogger("liaison")


class SecurityHeaders:
    """Pure ASGI middleware (no per-request task overhead) adding security headers to every response."""

    def __init__(self, app: ASGIApp, base_url: str) -> None:
        self.app = app
        self.page_headers = security_headers(base_url)
        self.api_headers = api_headers(base_url)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        extra = self.api_headers if scope["path"].startswith("/api/") else self.page_headers

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        await self.app(scope, receive, send_with_headers)


class LiaisonApp(FastAPI):
    """FastAPI, with the on-duty fast path tried before any framework layer (see liaison.web.fastpath)."""

    fast_path: OnDutyFastPath | None = None
    security_headers: Headers = SECURITY_HEADERS
    default_language: str = i18n.DEFAULT

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and _nul_in_url(scope):
            with i18n.use_locale(request_language(scope, self.default_language)):  # before the language middleware
                detail = _("the URL must not contain NUL characters")
            await _refuse(send, 422, "invalid", detail, self.security_headers)
            return
        if self.fast_path is not None and await self.fast_path.handle(scope, send):
            return
        await super().__call__(scope, receive, send)


def _nul_in_url(scope: Scope) -> bool:
    return (
        "\x00" in scope["path"] or b"%00" in scope.get("query_string", b"") or b"\x00" in scope.get("query_string", b"")
    )


async def _refuse(send: Send, status: int, code: str, detail: str, extra: Headers) -> None:
    body = orjson.dumps({"detail": detail, "code": code})
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers + extra})
    await send({"type": "http.response.body", "body": body})


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or load_settings()
    if settings.public_secret:
        log.warning(DEVELOPMENT_MODE_WARNING)
    engine = make_engine(settings.sqlalchemy_url)
    sessions = make_session_factory(engine)
    cache = DirectoryCache(engine)

    worker: Worker | None = Worker(settings, sessions, cache) if settings.embedded_worker else None

    def after_commit(session: Session) -> None:  # this process sees its own directory writes at once
        if session.info.pop("directory_changed", False):
            cache.mark_dirty()
        if session.info.pop("dispatch", False) and worker is not None:
            worker.wake()  # a message was sent: deliver now rather than at the next poll

    event.listen(sessions, "after_commit", after_commit)
    event.listen(sessions, "after_rollback", lambda session: session.info.pop("directory_changed", None))
    event.listen(sessions, "after_rollback", lambda session: session.info.pop("dispatch", None))
    reads = make_session_factory(engine.execution_options(isolation_level="AUTOCOMMIT"))
    st = AppState(settings, engine, sessions, cache, ReadAudit(sessions), reads, worker=worker)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        st.read_audit.start()
        st.cache.start()
        st.bank_index.start()
        thread = worker.start_thread() if worker is not None else None
        try:
            yield
        finally:
            if worker is not None and thread is not None:
                worker.stop()
                thread.join(timeout=15)
            st.bank_index.stop()
            st.cache.stop()
            st.read_audit.stop()
            engine.dispose()

    app = LiaisonApp(
        title="Liaison",
        version=__version__,
        description="24/7 points-of-contact directory for counterterrorism networks: who is on duty, how to reach them",
        lifespan=lifespan,
        default_response_class=JSONResponse,
        docs_url=None,  # served by liaison.web.api_docs, from this node: FastAPI's page needs a CDN
        redoc_url=None,
    )
    app.state.liaison = st
    app.security_headers = security_headers(settings.base_url)
    app.default_language = settings.default_language

    @app.exception_handler(LiaisonError)
    async def liaison_error(request: Request, exc: LiaisonError) -> JSONResponse:
        if request.url.path.startswith("/api/") or request.url.path in ("/openapi.json",):
            headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, NotAuthenticated) else None
            return JSONResponse(exc.to_dict(), status_code=exc.status, headers=headers)
        from liaison.web.ui.pages import error_page

        return error_page(request, exc)  # type: ignore[return-value]

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        """Framework errors (unknown path, wrong method) in the same shape as ours: JSON for the API, a page
        for people."""
        if 300 <= exc.status_code < 400 and exc.headers and "Location" in exc.headers:
            return RedirectResponse(exc.headers["Location"], status_code=exc.status_code)
        error = LiaisonError(input_errors.framework_detail(exc.detail))
        error.status = exc.status_code
        error.code = "not_found" if exc.status_code == 404 else "http_error"
        if request.url.path.startswith("/api/") or request.url.path == "/openapi.json":
            return JSONResponse(error.to_dict(), status_code=exc.status_code, headers=exc.headers)
        from liaison.web.ui.pages import error_page

        return error_page(request, error)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors: list[dict[str, Any]] = []
        for err in exc.errors():
            loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path")]
            errors.append({"field": ".".join(loc), "message": input_errors.message(err)})
        first = errors[0] if errors else {"field": "", "message": _("invalid input")}
        return JSONResponse(
            {
                "detail": input_errors.field_detail(first["field"], first["message"]),
                "code": "invalid",
                "field": first["field"],
                "errors": errors,
            },
            status_code=422,
        )

    @app.exception_handler(Exception)
    async def internal_error(request: Request, _exc: Exception) -> Response:
        """A bug: the server's log has the traceback (the exception goes on up); the reader gets one line in
        their language, as JSON for the API. This runs outside the language middleware, so it chooses again."""
        with i18n.use_locale(request_language(request.scope, settings.default_language)):
            detail = _("Internal Server Error: the error was logged for the node's operators")
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": detail, "code": "internal_error"}, status_code=500)
        return PlainTextResponse(detail, status_code=500)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, Any]:
        revision = st.cache.get().revision
        return {"status": "ok", "version": __version__, "directory_revision": revision}

    from liaison.web.api import router as api_router
    from liaison.web.ui.pages import router as ui_router

    app.include_router(api_router, prefix="/api/v1")
    app.include_router(ui_router)
    from fastapi.staticfiles import StaticFiles

    from liaison.web import api_docs
    from liaison.web.ui.pages import STATIC_DIR

    api_docs.register(app)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.add_middleware(LanguageMiddleware, default_language=settings.default_language)
    app.add_middleware(SecurityHeaders, base_url=settings.base_url)
    app.fast_path = OnDutyFastPath(st)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


ERROR_SCHEMA: dict[str, Any] = {
    "title": "Error",
    "type": "object",
    "required": ["detail", "code"],
    "properties": {
        "detail": {"type": "string", "description": "What is wrong, for a person to read"},
        "code": {"type": "string", "description": "Machine-readable kind: invalid, not_found, forbidden, ..."},
        "field": {"type": "string", "description": "The field at fault (422)"},
        "suggestions": {"type": "array", "items": {"type": "string"}, "description": "Close matches (404)"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
            },
        },
    },
    "additionalProperties": True,
}


def _openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's schema, with the error body Liaison really sends (422s included) documented, and the links
    from each create to the operations on what it created (liaison.web.api.links)."""
    if app.openapi_schema is None:
        from fastapi.openapi.utils import get_openapi

        schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        schemas = schema.setdefault("components", {}).setdefault("schemas", {})
        schemas["HTTPValidationError"] = ERROR_SCHEMA
        schemas.pop("ValidationError", None)
        from liaison.web.api.links import add_links

        add_links(schema)
        app.openapi_schema = schema
    return app.openapi_schema
