"""Running the node: ``liaison serve``, ``liaison worker``, ``liaison check-config`` and ``liaison db``."""

from __future__ import annotations

import logging
import os
import signal
import sys
from typing import Annotated, Any

import typer

from liaison.cli.context import Ctx, JsonOpt, emit, fail, settings
from liaison.settings import DEVELOPMENT_MODE_WARNING, ConfigError, load_settings

db_app = typer.Typer(help="Database schema.", no_args_is_help=True)

log = logging.getLogger("liaison.worker")


def serve(
    host: Annotated[str | None, typer.Option(help="Bind address (LIAISON_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (LIAISON_PORT).")] = None,
    workers: Annotated[
        int,
        typer.Option(
            min=0,
            max=64,
            help="Start this many `liaison worker` processes beside the web app and keep them running (restarted "
            "if they die, stopped with it); the embedded worker is then off. 0: the embedded worker, per "
            "LIAISON_EMBEDDED_WORKER. PostgreSQL only: SQLite runs one worker, the embedded one.",
        ),
    ] = 0,
    web_processes: Annotated[int, typer.Option(min=1, max=64, help="Web server processes (uvicorn's).")] = 1,
) -> None:
    """Run the web app and the API (and, with --workers, the worker processes)."""
    import uvicorn

    s = settings()
    if workers and s.sqlalchemy_url.startswith("sqlite"):
        fail(
            "--workers needs PostgreSQL: SQLite has one writer, so it runs one worker, the one embedded in "
            "`liaison serve` (leave --workers out)",
            2,
        )
    if s.public_secret:
        typer.echo(f"WARNING: {DEVELOPMENT_MODE_WARNING}", err=True)
    typer.echo(f"Liaison on http://{host or s.host}:{port or s.port}  (API docs: /docs, schema: /openapi.json)")
    supervisor = None
    if workers:
        import signal

        from liaison.escalation.supervisor import Supervisor

        os.environ["LIAISON_EMBEDDED_WORKER"] = "false"  # read by create_app in this process (and its web workers)
        # uvicorn stops on SIGTERM/SIGINT and then raises the signal again for the handler it found: this one
        # lets serve go on to stop its workers (the default would end the process and leave them running).
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda _signum, _frame: None)
        supervisor = Supervisor(workers).start()
        typer.echo(f"{workers} worker process(es): " + ", ".join(c.name for c in supervisor.children))
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


def worker(
    once: Annotated[bool, typer.Option("--once", help="Run what is due until nothing is, then exit.")] = False,
    name: Annotated[
        str | None,
        typer.Option(
            "--name",
            help="Worker name (LIAISON_WORKER_NAME; default host:pid). A worker restarted under the same name "
            "takes back the jobs it held at once; another name waits for their lease to run out.",
        ),
    ] = None,
    poll: Annotated[
        float | None, typer.Option("--poll", min=0.01, max=60, help="Seconds between looks for due timers.")
    ] = None,
) -> None:
    """Run the escalation worker: deliver notifications, fire escalation steps, start exercises.

    Timers live in the database, so several workers may share them (PostgreSQL: SKIP LOCKED;
    SQLite: one claim at a time). Stops cleanly on SIGTERM or SIGINT.
    A killed worker loses nothing: on restart, overdue steps fire at once, and nothing is sent twice.
    Set LIAISON_EMBEDDED_WORKER=false for `liaison serve` when running this one.
    Logs what it does on standard error."""
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
            raise AssertionError from exc  # unreachable
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


def check_config(as_json: JsonOpt = False) -> None:
    """Validate LIAISON_* settings and the database connection; exit 1 on any problem.

    Outside development mode a missing, public or short LIAISON_SECRET_KEY is a problem; in development mode
    the public built-in secret is allowed, with a warning.
    """
    from sqlalchemy import text

    try:
        s = load_settings()
    except ConfigError as exc:
        if as_json:
            emit({"ok": False, "errors": [f"configuration: {exc}"]})
            raise typer.Exit(1) from exc
        fail(f"configuration: {exc}")
        raise AssertionError from exc  # unreachable
    c = Ctx(s)
    try:
        with c.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - report any connection failure plainly
        if as_json:
            emit({"ok": False, "errors": [f"database: {exc}"]})
            raise typer.Exit(1) from exc
        fail(f"database: {exc}")
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
            typer.echo(f"WARNING: {warning}", err=True)
        typer.echo("configuration ok" + (" for DEVELOPMENT MODE only" if s.public_secret else ""))


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument(help="Target revision.")] = "head") -> None:
    """Migrate the database named by LIAISON_DATABASE_URL to the latest schema."""
    from liaison import migrate

    s = settings()
    migrate.upgrade(s.sqlalchemy_url, revision)
    typer.echo(f"database at revision {migrate.current(s.sqlalchemy_url)}")


@db_app.command("current")
def db_current(as_json: JsonOpt = False) -> None:
    """Show the database's schema revision; exit 1 when it is behind the code."""
    from liaison import migrate

    s = settings()
    cur, head = migrate.current(s.sqlalchemy_url), migrate.head()
    if as_json:
        emit({"current": cur, "head": head, "up_to_date": cur == head})
    else:
        typer.echo(f"current {cur}, head {head}")
    if cur != head:
        raise typer.Exit(1)
