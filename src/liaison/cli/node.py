"""Running the node: ``liaison serve``, ``liaison worker``, ``liaison check-config`` and ``liaison db``."""

from __future__ import annotations

import logging
import os
import signal
import sys
from typing import Annotated, Any

import typer

from liaison.cli.context import Ctx, JsonOpt, emit, fail, lazy_gettext, settings
from liaison.i18n import _, ngettext
from liaison.settings import DEVELOPMENT_MODE_WARNING, ConfigError, load_settings

db_app = typer.Typer(help=lazy_gettext("Database schema."), no_args_is_help=True)

log = logging.getLogger("liaison.worker")

commands = typer.Typer()  # this module's commands; liaison.cli adds them to `liaison`


@commands.command(
    "serve", help=lazy_gettext("Run the web app and the API (and, with --workers, the worker processes).")
)
def serve(
    host: Annotated[str | None, typer.Option(help=lazy_gettext("Bind address (LIAISON_HOST)."))] = None,
    port: Annotated[int | None, typer.Option(help=lazy_gettext("Port (LIAISON_PORT)."))] = None,
    workers: Annotated[
        int,
        typer.Option(
            min=0,
            max=64,
            help=lazy_gettext(
                "Start this many `liaison worker` processes beside the web app and keep them running (restarted "
                "if they die, stopped with it); the embedded worker is then off. 0: the embedded worker, per "
                "LIAISON_EMBEDDED_WORKER. PostgreSQL only: SQLite runs one worker, the embedded one."
            ),
        ),
    ] = 0,
    web_processes: Annotated[
        int, typer.Option(min=1, max=64, help=lazy_gettext("Web server processes (uvicorn's)."))
    ] = 1,
) -> None:
    import uvicorn

    s = settings()
    if workers and s.sqlalchemy_url.startswith("sqlite"):
        fail(
            _(
                "--workers needs PostgreSQL: SQLite has one writer, so it runs one worker, the one embedded in "
                "`liaison serve` (leave --workers out)"
            ),
            2,
        )
    if s.public_secret:
        typer.echo(_("WARNING: %(warning)s", warning=DEVELOPMENT_MODE_WARNING), err=True)
    url = f"http://{host or s.host}:{port or s.port}"
    typer.echo(_("Liaison on %(url)s  (API docs: /docs, schema: /openapi.json)", url=url))
    supervisor = None
    if workers:
        from liaison.escalation.supervisor import Supervisor

        os.environ["LIAISON_EMBEDDED_WORKER"] = "false"  # read by create_app in this process (and its web workers)
        # uvicorn stops on SIGTERM/SIGINT and then raises the signal again for the handler it found: this one
        # lets serve go on to stop its workers (the default would end the process and leave them running).
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda _signum, _frame: None)
        supervisor = Supervisor(workers).start()
        names = ", ".join(c.name for c in supervisor.children)
        typer.echo(
            ngettext(
                "%(num)d worker process(es): %(names)s", "%(num)d worker process(es): %(names)s", workers, names=names
            )
        )
    try:
        uvicorn.run(
            "liaison.app:create_app",
            factory=True,
            host=host or s.host,
            port=port or s.port,
            workers=web_processes,
            log_level=s.log_level,
            proxy_headers=True,
            server_header=False,
        )
    finally:
        if supervisor is not None:
            supervisor.stop()


@commands.command(
    "worker",
    help=lazy_gettext(
        "Run the escalation worker: deliver notifications, fire escalation steps, start exercises.\n"
        "\n"
        "Timers live in the database, so several workers may share them (PostgreSQL: SKIP LOCKED;\n"
        "SQLite: one claim at a time). Stops cleanly on SIGTERM or SIGINT.\n"
        "A killed worker loses nothing: on restart, overdue steps fire at once, and nothing is sent twice.\n"
        "Set LIAISON_EMBEDDED_WORKER=false for `liaison serve` when running this one.\n"
        "Logs what it does on standard error."
    ),
)
def worker(
    once: Annotated[
        bool, typer.Option("--once", help=lazy_gettext("Run what is due until nothing is, then exit."))
    ] = False,
    name: Annotated[
        str | None,
        typer.Option(
            "--name",
            help=lazy_gettext(
                "Worker name (LIAISON_WORKER_NAME; default host:pid). A worker restarted under the same name "
                "takes back the jobs it held at once; another name waits for their lease to run out."
            ),
        ),
    ] = None,
    poll: Annotated[
        float | None,
        typer.Option("--poll", min=0.01, max=60, help=lazy_gettext("Seconds between looks for due timers.")),
    ] = None,
) -> None:
    from liaison.escalation import queue
    from liaison.escalation.worker import default_name, new_worker_for

    s = settings()
    update: dict[str, Any] = {"worker_name": name or s.worker_name or default_name()}
    if poll is not None:
        update["worker_poll_seconds"] = poll
    s = s.model_copy(update=update)
    root = logging.getLogger("liaison")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    previous_level = root.level
    root.addHandler(handler)
    root.setLevel(s.log_level.upper())
    try:
        try:
            w, dispose = new_worker_for(s)
        except ValueError as exc:  # e.g. LIAISON_SMS_TRANSPORT names no loadable class
            fail(str(exc))
        try:
            log.info("worker %s started (poll every %g s)%s", w.name, s.worker_poll_seconds, " once" if once else "")
            if once:
                released = queue.release_claims(w.sessions, w.name)
                if released:
                    log.info("took back %d claims held under this worker's name", released)
                total = 0
                while (ran := w.run_once()) > 0:
                    total += ran
                w.pool.shutdown(wait=True)
                log.info("worker %s: %d job(s) run, nothing more is due", w.name, total)
                return
            previous = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}

            def stop(signum: int, _frame: object) -> None:
                log.info("worker %s: %s received, stopping", w.name, signal.Signals(signum).name)
                w.stop()

            for sig in previous:
                signal.signal(sig, stop)
            try:
                w.run()
            finally:
                for sig, old in previous.items():
                    signal.signal(sig, old)
            log.info("worker %s stopped", w.name)
        finally:
            dispose()
    finally:
        root.removeHandler(handler)
        root.setLevel(previous_level)


@commands.command(
    "check-config",
    help=lazy_gettext(
        "Validate LIAISON_* settings and the database connection; exit 1 on any problem.\n"
        "\n"
        "Outside development mode a missing, public or short LIAISON_SECRET_KEY is a problem; in development mode\n"
        "the public built-in secret is allowed, with a warning."
    ),
)
def check_config(as_json: JsonOpt = False) -> None:
    from sqlalchemy import text

    try:
        s = load_settings()
    except ConfigError as exc:
        if as_json:
            emit({"ok": False, "errors": [f"configuration: {exc}"]})
            raise typer.Exit(1) from exc
        fail(_("configuration: %(error)s", error=exc))
    c = Ctx(s)
    try:
        with c.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - report any connection failure plainly
        if as_json:
            emit({"ok": False, "errors": [f"database: {exc}"]})
            raise typer.Exit(1) from exc
        fail(_("database: %(error)s", error=exc))
    finally:
        c.engine.dispose()
    data = s.model_dump()
    data["secret_key"] = "(public built-in development secret)" if s.public_secret else "(set)"
    warnings = [DEVELOPMENT_MODE_WARNING] if s.public_secret else []
    if as_json:
        emit({**data, "ok": True, "warnings": warnings})
    else:
        for k, v in data.items():
            typer.echo(f"LIAISON_{k.upper()}={v}")
        for warning in warnings:
            typer.echo(_("WARNING: %(warning)s", warning=warning), err=True)
        typer.echo(_("configuration ok for DEVELOPMENT MODE only") if s.public_secret else _("configuration ok"))


@db_app.command(
    "upgrade", help=lazy_gettext("Migrate the database named by LIAISON_DATABASE_URL to the latest schema.")
)
def db_upgrade(revision: Annotated[str, typer.Argument(help=lazy_gettext("Target revision."))] = "head") -> None:
    from liaison import migrate

    s = settings()
    migrate.upgrade(s.sqlalchemy_url, revision)
    typer.echo(_("database at revision %(revision)s", revision=migrate.current(s.sqlalchemy_url)))


@db_app.command("current", help=lazy_gettext("Show the database's schema revision; exit 1 when it is behind the code."))
def db_current(as_json: JsonOpt = False) -> None:
    from liaison import migrate

    s = settings()
    cur, head = migrate.current(s.sqlalchemy_url), migrate.head()
    if as_json:
        emit({"current": cur, "head": head, "up_to_date": cur == head})
    else:
        typer.echo(_("current %(current)s, head %(head)s", current=cur, head=head))
    if cur != head:
        raise typer.Exit(1)
