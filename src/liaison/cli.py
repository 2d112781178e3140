"""The ``liaison`` command. Exit codes: 0 ok, 1 error (not found, invalid, forbidden), 2 usage,
3 nobody on duty (the fallback is printed)."""

from __future__ import annotations

import dataclasses
import json
import os
import sys
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from liaison.cli_bank import register as register_bank
from liaison.cli_directory import directory_app
from liaison.cli_exchange import register as register_exchange
from liaison.cli_merges import register as register_merges
from liaison.cli_screening import register as register_screening
from liaison.errors import InvalidInput, LiaisonError, NotFound
from liaison.settings import DEVELOPMENT_MODE_WARNING, ConfigError, Settings, load_settings
from liaison.timeinput import READINESS_DAYS, ROSTER_DAYS, TOKEN_DAYS

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from liaison.models import User

app = typer.Typer(
    help="Liaison: 24/7 points-of-contact directory for counterterrorism networks.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
demo_app = typer.Typer(help="Demo data.", no_args_is_help=True)
roster_app = typer.Typer(help="Duty rosters.", no_args_is_help=True)
user_app = typer.Typer(help="Users, roles and API tokens.", no_args_is_help=True)
audit_app = typer.Typer(help="The audit log.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(demo_app, name="demo")
app.add_typer(roster_app, name="roster")
app.add_typer(user_app, name="user")
app.add_typer(directory_app, name="directory")
app.add_typer(audit_app, name="audit")

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
AsOpt = Annotated[str | None, typer.Option("--as", help="Act as this user (default: the node operator).")]
AtOpt = Annotated[str | None, typer.Option("--at", help="ISO 8601 instant with offset, 1970-2199 (default: now).")]


def fail(message: str, code: int = 1, suggestions: list[str] | None = None) -> None:
    typer.echo(f"error: {message}", err=True)
    if suggestions:
        typer.echo("did you mean: " + ", ".join(suggestions), err=True)
    raise typer.Exit(code)


def settings() -> Settings:
    try:
        return load_settings()
    except ConfigError as exc:
        fail(f"configuration: {exc}", 1)
        raise AssertionError from exc  # unreachable


def emit(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


@contextmanager
def handled():
    """Map domain errors to a clear message and exit code 1."""
    try:
        yield
    except NotFound as exc:
        fail(exc.detail, 1, exc.suggestions)
    except LiaisonError as exc:
        fail(exc.detail, 1)


class Ctx:
    def __init__(self, s: Settings) -> None:
        from sqlalchemy.pool import NullPool

        from liaison.db import make_engine, make_session_factory

        self.settings = s
        self.engine = make_engine(s.sqlalchemy_url, poolclass=NullPool)  # a command needs no pool
        self.sessions = make_session_factory(self.engine)

    def actor(self, username: str | None):
        """The node operator (audited as such), or the named user with their own rights."""
        from sqlalchemy import select

        from liaison.models import User
        from liaison.principal import Principal
        from liaison.queries.principals import principal_for_user

        name = (username or self.settings.operator_name).lower()
        with self.sessions() as session:
            user = session.scalar(select(User).where(User.username == name))
            if user is not None:
                p = principal_for_user(session, user, "cli", "local")
                # Without --as, the operator's account acts with the node operator's authority.
                return p if username else dataclasses.replace(p, operator=p.is_admin)
        if username:
            fail(f"no user {username!r}")
        return Principal(None, f"{name} (cli)", None, None, frozenset({("admin", None)}), via="cli", ip="local")

    def snapshot(self):
        from liaison.queries.snapshot import build

        with self.sessions() as session:
            return build(session)


def ctx() -> Ctx:
    return Ctx(settings())


@contextmanager
def usage():
    """Map a badly given option (an instant out of range, a date that is not one) to exit 2, a usage error."""
    try:
        yield
    except InvalidInput as exc:
        fail(exc.detail.replace(f"{exc.field}:", f"--{exc.field.replace('_', '-')}:", 1), 2)


def parse_at(value: str | None, option: str = "at") -> datetime:
    """The instant given with ``--at`` (or another option), checked by :func:`liaison.timeinput.instant`."""
    from liaison.models import utcnow
    from liaison.timeinput import instant

    with usage():
        return instant(value, option, default=utcnow)
    raise AssertionError  # unreachable


# -- serving and schema --


@app.command()
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


@app.command("check-config")
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


# -- the answer --


@app.command()
def networks(as_json: JsonOpt = False, as_user: AsOpt = None) -> None:
    """List networks and their member codes."""
    c = ctx()
    actor = c.actor(as_user)
    snap = c.snapshot()
    rows = [
        {"code": n.code, "name": n.name, "members": list(n.members)}
        for n in sorted(snap.networks.values(), key=lambda n: n.code)
        if actor.can_see_network(n.id)
    ]
    if as_json:
        emit(rows)
        return
    for r in rows:
        typer.echo(f"{r['code']:<8} {r['name']}  ({len(r['members'])} members)")
        typer.echo("         " + " ".join(r["members"]))


def _audit_read(c: Ctx, actor: Any, answers: list[Any], network_id: Any) -> None:
    from liaison.actions.audit import audit
    from liaison.db import transaction
    from liaison.queries.duty import read_audit_details

    details = read_audit_details(answers)
    if details:
        with transaction(c.sessions) as session:
            audit(
                session,
                actor=actor,
                action="duty.read",
                target_type="network",
                target_id=str(network_id),
                network_id=network_id,
                details=details,
            )


@app.command("on-duty")
def on_duty(network: str, member: str, at: AtOpt = None, as_json: JsonOpt = False, as_user: AsOpt = None) -> None:
    """Who is on duty for MEMBER on NETWORK now (or --at), how to reach them, and the fallback.

    Exit 3 when nobody is on duty (the fallback is printed).
    """
    from liaison.queries.duty import duty_answer, find_member, find_network

    when = parse_at(at)
    c = ctx()
    actor = c.actor(as_user)
    snap = c.snapshot()
    with handled():
        n = find_network(snap, network, actor)
        m = find_member(snap, n, member)
    answer = duty_answer(snap, n, m, when)
    _audit_read(c, actor, [answer], n.id)
    data = answer.to_json()
    if as_json:
        emit(data)
    else:
        _print_answer(data)
    if answer.contact is None:
        raise typer.Exit(3)


def _print_answer(d: dict[str, Any]) -> None:
    typer.echo(f"{d['network']} / {d['member_name']} ({d['member']}) at {d['at']}")
    c = d["contact"]
    if c:
        typer.echo(f"ON DUTY  {c['name']}  ({c['agency']})")
        typer.echo(f"         local time {c['local_time']} {c['timezone']}; languages {', '.join(c['languages'])}")
        for ch in c["channels"]:
            mark = "verified " + ch["verified_at"][:10] if ch["verified_at"] else "unverified"
            typer.echo(f"         {ch['kind']:<7} {ch['value']}  ({mark})")
        if d["shift"]:
            typer.echo(f"         until {d['shift']['end']} ({d['shift']['source']})")
    else:
        typer.echo(f"NOBODY ON DUTY: {d['message']}")
    for f in d["fallback"]:
        first = f["channels"][0]["value"] if f["channels"] else "-"
        typer.echo(f"fallback {f['role']:<11} {f['name']} ({f['agency']})  {first}")


@app.command()
def board(network: str, at: AtOpt = None, as_json: JsonOpt = False, as_user: AsOpt = None) -> None:
    """The network-wide duty board: every member's contact on duty, with their local time."""
    from liaison.queries.duty import board as board_q
    from liaison.queries.duty import find_network

    when = parse_at(at)
    c = ctx()
    actor = c.actor(as_user)
    snap = c.snapshot()
    with handled():
        n = find_network(snap, network, actor)
    answers = board_q(snap, n, when)
    _audit_read(c, actor, answers, n.id)
    if as_json:
        emit([a.to_json() for a in answers])
        return
    for a in answers:
        d = a.to_json()
        ct = d["contact"]
        who = f"{ct['name']} ({ct['local_time'][11:16]} {ct['timezone']})" if ct else "NOBODY - use fallback"
        phone = next((ch["value"] for ch in (ct or {}).get("channels", []) if ch["kind"] in ("phone", "mobile")), "")
        typer.echo(f"{a.member.code:<9} {who:<55} {phone}")


@app.command()
def readiness(
    network: str,
    days: Annotated[
        int | None,
        typer.Option(
            min=READINESS_DAYS.least,
            max=READINESS_DAYS.most,
            help="Horizon in days (default LIAISON_READINESS_HORIZON_DAYS).",
        ),
    ] = None,
    notify: Annotated[bool, typer.Option("--notify", help="E-mail the digest to the secretariat's 24/7 desk.")] = False,
    as_json: JsonOpt = False,
    as_user: AsOpt = None,
) -> None:
    """Readiness warnings: gaps, unverified channels, stale rosters. Exit 1 when any is critical.

    With --notify the digest is e-mailed to the secretariat's 24/7 desk (LIAISON_SMTP_URL); exit 1 also
    when it could not be delivered to anyone."""
    from liaison.models import utcnow
    from liaison.queries.duty import find_network
    from liaison.queries.readiness import readiness as readiness_q

    c = ctx()
    actor = c.actor(as_user)
    snap = c.snapshot()
    with handled():
        n = find_network(snap, network, actor)
    s = c.settings
    warnings = readiness_q(
        snap,
        n,
        utcnow(),
        horizon_days=days or s.readiness_horizon_days,
        roster_stale_days=s.roster_stale_days,
        channel_stale_days=s.channel_stale_days,
    )
    delivered: list[tuple[str, str | None]] = []
    if notify:
        from liaison.actions.audit import audit
        from liaison.db import transaction
        from liaison.readiness_digest import send_digest

        delivered = send_digest(s, snap, n, warnings, days or s.readiness_horizon_days)
        with transaction(c.sessions) as session:
            audit(
                session,
                actor=actor,
                action="readiness.notify",
                target_type="network",
                target_id=n.id,
                network_id=n.id,
                details={"warnings": len(warnings), "recipients": delivered},
            )
    if as_json:
        data: Any = [w.to_json() for w in warnings]
        emit({"warnings": data, "notified": [{"to": a, "error": e} for a, e in delivered]} if notify else data)
    else:
        for w in warnings:
            typer.echo(f"{w.severity:<8} {w.member:<9} {w.kind:<19} {w.message}")
        typer.echo(f"{len(warnings)} warning(s)")
        for address, error in delivered:
            typer.echo(f"digest to {address}: {'sent' if error is None else 'FAILED: ' + error}")
    if notify and not any(e is None for _a, e in delivered):
        typer.echo(
            "error: the digest reached nobody (no e-mail channel on the secretariat desk, or SMTP down)", err=True
        )
        raise typer.Exit(1)
    if any(w.severity == "critical" for w in warnings):
        raise typer.Exit(1)


@roster_app.command("export")
def roster_export(
    network: str,
    member: str,
    ics: Annotated[bool, typer.Option("--ics", help="iCalendar (the only format).")] = True,
    days: Annotated[int, typer.Option(min=ROSTER_DAYS.least, max=ROSTER_DAYS.most, help="How many days ahead.")] = 90,
    start: Annotated[str | None, typer.Option(help="Start instant, ISO 8601 with offset (default now).")] = None,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="File (default stdout).")] = None,
    as_user: AsOpt = None,
) -> None:
    """The member's roster for the next DAYS days as iCalendar, one event per shift."""
    from liaison.interchange.ical import roster_calendar
    from liaison.queries.duty import find_member, find_network

    begin = parse_at(start, "start")
    c = ctx()
    actor = c.actor(as_user)
    snap = c.snapshot()
    with handled():
        n = find_network(snap, network, actor)
        m = find_member(snap, n, member)
    body = roster_calendar(snap, n, m, snap.designations.get((n.id, m.id)), begin, days)
    if output:
        output.write_bytes(body)
    else:
        sys.stdout.write(body.decode())


@roster_app.command("show")
def roster_show(
    network: str,
    member: str,
    days: Annotated[int, typer.Option(min=ROSTER_DAYS.least, max=ROSTER_DAYS.most, help="Days ahead.")] = 7,
    start: AtOpt = None,
    as_json: JsonOpt = False,
    as_user: AsOpt = None,
) -> None:
    """The member's upcoming shifts (gaps included)."""
    import uuid

    from liaison.queries.duty import find_member, find_network, shifts

    begin = parse_at(start)
    c = ctx()
    actor = c.actor(as_user)
    snap = c.snapshot()
    with handled():
        n = find_network(snap, network, actor)
        m = find_member(snap, n, member)
    d = snap.designations.get((n.id, m.id))
    rows = []
    if d is not None:
        for s in shifts(snap, d, begin, days):
            cp = snap.contacts.get(uuid.UUID(s.participant)) if s.participant else None
            rows.append(
                {
                    "start": s.start.isoformat(),
                    "end": s.end.isoformat(),
                    "source": s.source,
                    "contact": cp.name if cp else None,
                }
            )
    if as_json:
        emit(rows)
        return
    for r in rows:
        typer.echo(f"{r['start']}  {r['end']}  {r['source']:<8} {r['contact'] or 'GAP: nobody on duty'}")


# -- demo --


@demo_app.command("load")
def demo_load(
    if_empty: Annotated[bool, typer.Option("--if-empty", help="Do nothing (exit 0) if data exists.")] = False,
    bench: Annotated[str | None, typer.Option(help="MEMBERS,CONTACTS,DAYS: the benchmark directory instead.")] = None,
    password: Annotated[str | None, typer.Option(help="Password for the demo users (default: printed).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Fill the database with fictional demo data (three networks, about 60 members)."""
    from dataclasses import asdict

    from sqlalchemy import func, select

    from liaison.db import transaction
    from liaison.demo import load_demo
    from liaison.models import Network, utcnow
    from liaison.principal import Principal

    c = ctx()
    with c.sessions() as session:
        if session.scalar(select(func.count()).select_from(Network)):
            if if_empty:
                who = "operator, secretariat.ftf, fr.ftf, jp.ftf, analyst, auditor, ..."
                typer.echo(
                    f"demo data already loaded; log in at {c.settings.base_url}/login as one of {who} "
                    "with the password printed when it was loaded (development: demo-password-"
                    f"{c.settings.node_name.lower()})"
                )
                return
            fail("the database already has networks; use a fresh database")
    s = c.settings
    pw = password or ("demo-password-" + s.node_name.lower() if s.env == "development" else None)
    if pw is None:
        fail("give --password outside development")
    scale = tuple(int(x) for x in bench.split(",")) if bench else None
    boot = Principal(None, "operator (cli)", None, None, frozenset({("admin", None)}), via="cli", ip="local")
    with handled(), transaction(c.sessions) as session:
        summary = load_demo(session, actor=boot, now=utcnow(), password=pw, bench_scale=scale)  # type: ignore[arg-type]
    if as_json:
        emit(asdict(summary))
        return
    typer.echo("demo loaded")
    for line in summary.lines():
        typer.echo("  " + line)
    typer.echo(f"log in at {s.base_url}/login as one of {', '.join(summary.users)} with password {pw!r}")


# -- users and tokens --


@user_app.command("create")
def user_create(
    username: str,
    display_name: Annotated[str, typer.Option(help="Full name.")],
    organisation: Annotated[str, typer.Option(help="Organisation name (created as operator if new).")],
    role: Annotated[list[str] | None, typer.Option(help="role or role:NETWORK; repeatable.")] = None,
    password_file: Annotated[Path | None, typer.Option(help="Read the password from this file.")] = None,
    as_user: AsOpt = None,
) -> None:
    """Create a user (prompts for the password unless --password-file is given)."""
    from sqlalchemy import select

    from liaison.actions import accounts
    from liaison.db import transaction
    from liaison.models import Network, Organisation

    c = ctx()
    actor = c.actor(as_user)
    pw = (
        password_file.read_text().strip()
        if password_file
        else typer.prompt("password", hide_input=True, confirmation_prompt=True)
    )
    with handled(), transaction(c.sessions) as session:
        org = session.scalar(select(Organisation).where(Organisation.name == organisation))
        if org is None:
            org = accounts.create_organisation(session, actor=actor, name=organisation, kind="operator")
        grants = []
        for r in role or []:
            name, _, net = r.partition(":")
            network = session.scalar(select(Network).where(Network.code == net.upper())) if net else None
            if net and network is None:
                raise NotFound(f"no network {net!r}")
            grants.append((name, network))
        accounts.create_user(
            session,
            actor=actor,
            username=username,
            display_name=display_name,
            organisation=org,
            password=pw,
            roles=grants,
        )
    typer.echo(f"user {username} created")


@user_app.command("token")
def user_token(
    username: str,
    name: Annotated[str, typer.Option(help="What the token is for.")] = "cli",
    days: Annotated[int, typer.Option(min=TOKEN_DAYS.least, max=TOKEN_DAYS.most, help="Validity in days.")] = 365,
    as_json: JsonOpt = False,
    as_user: AsOpt = None,
) -> None:
    """Create an API token for USERNAME and print it (shown once)."""
    from liaison.actions import accounts
    from liaison.db import transaction

    c = ctx()
    actor = c.actor(as_user)
    with handled(), transaction(c.sessions) as session:
        user = _user_named(session, username)
        token, plain = accounts.create_api_token(
            session, actor=actor, user=user, name=name, totp_required=c.settings.totp_required, days=days
        )
    if as_json:
        emit({"id": str(token.id), "token": plain})
    else:
        typer.echo(plain)


def _user_named(session: Session, username: str) -> User:
    """The user of that name (any case), or NotFound: the CLI's account commands name users, not ids."""
    from sqlalchemy import select

    from liaison.models import User

    user = session.scalar(select(User).where(User.username == username.lower()))
    if user is None:
        raise NotFound(f"no user {username!r}")
    return user


@user_app.command("unlock")
def user_unlock(username: str, as_user: AsOpt = None) -> None:
    """Lift USERNAME's lockout (after wrong passwords or wrong second-factor codes) and clear both counts."""
    from liaison.actions import accounts
    from liaison.db import transaction

    c = ctx()
    actor = c.actor(as_user)
    with handled(), transaction(c.sessions) as session:
        user = _user_named(session, username)
        accounts.unlock_user(session, actor=actor, user=user)
    typer.echo(f"user {username} unlocked")


# -- audit --


@audit_app.command("export")
def audit_export(
    since: Annotated[str | None, typer.Option(help="ISO 8601 instant with offset: only events from then on.")] = None,
    action: Annotated[str | None, typer.Option(help="Action prefix, e.g. login.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="csv or json.")] = "csv",
    limit: Annotated[int, typer.Option(min=0, help="At most this many events (0: all).")] = 0,
    as_user: AsOpt = None,
) -> None:
    """Export the audit log (newest first)."""
    from liaison.actions.audit import audit
    from liaison.db import transaction
    from liaison.queries import audit as q

    start = parse_at(since, "since") if since else None
    c = ctx()
    actor = c.actor(as_user)
    if not actor.is_auditor:
        fail("exporting the audit log needs the auditor role")
    with c.sessions() as session:
        rows = q.events(session, since=start, action=action, limit=limit or None)
        if fmt == "json":
            for e in rows:
                typer.echo(json.dumps(q.event_json(e), ensure_ascii=False))
        else:
            sys.stdout.write(q.to_csv(rows))
    with transaction(c.sessions) as session:
        audit(session, actor=actor, action="audit.export", details={"since": since, "action": action})


register_exchange(app)  # send, ack, worker; message, exercise, network
register_screening(app)  # screen, screen decide, search, bank show
register_merges(app)  # bank propose-merges, bank merges, bank merge accept|reject|undo
register_bank(app)  # import un-sc|ftm|csv, export ftm|csv, bank reviews

docs_app = typer.Typer(help="Generated documentation.", no_args_is_help=True)
app.add_typer(docs_app, name="docs")


@docs_app.command("cli")
def docs_cli(output: Annotated[Path | None, typer.Option("-o", "--output", help="File (default stdout).")] = None):
    """Write the CLI reference (docs/cli.md) from every command's --help."""
    from liaison.clidocs import render

    text = render(app) + "\n"
    if output:
        output.write_text(text)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    app()
