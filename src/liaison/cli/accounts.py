"""``liaison user create|token|unlock``: accounts, roles and API tokens at the command line. The CLI's account
commands name users, not ids."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from liaison.cli.context import AsOpt, JsonOpt, ctx, emit, handled, lazy_gettext
from liaison.errors import NotFound
from liaison.i18n import _
from liaison.timeinput import TOKEN_DAYS

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from liaison.models import User

user_app = typer.Typer(help=lazy_gettext("Users, roles and API tokens."), no_args_is_help=True)


@user_app.command(
    "create", help=lazy_gettext("Create a user (prompts for the password unless --password-file is given).")
)
def user_create(
    username: str,
    display_name: Annotated[str, typer.Option(help=lazy_gettext("Full name."))],
    organisation: Annotated[str, typer.Option(help=lazy_gettext("Organisation name (created as operator if new)."))],
    role: Annotated[list[str] | None, typer.Option(help=lazy_gettext("role or role:NETWORK; repeatable."))] = None,
    password_file: Annotated[Path | None, typer.Option(help=lazy_gettext("Read the password from this file."))] = None,
    as_user: AsOpt = None,
) -> None:
    from sqlalchemy import select

    from liaison.actions import accounts
    from liaison.db import transaction
    from liaison.models import Network, Organisation

    c = ctx()
    actor = c.actor(as_user)
    pw = (
        password_file.read_text().strip()
        if password_file
        else typer.prompt(_("password"), hide_input=True, confirmation_prompt=True)
    )
    with handled(), transaction(c.sessions) as session:
        org = session.scalar(select(Organisation).where(Organisation.name == organisation))
        if org is None:
            org = accounts.create_organisation(session, actor=actor, name=organisation, kind="operator")
        grants = []
        for r in role or []:
            name, _sep, net = r.partition(":")
            network = session.scalar(select(Network).where(Network.code == net.upper())) if net else None
            if net and network is None:
                raise NotFound(_("no network %(code)r", code=net))
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
    typer.echo(_("user %(name)s created", name=username))


@user_app.command("token", help=lazy_gettext("Create an API token for USERNAME and print it (shown once)."))
def user_token(
    username: str,
    name: Annotated[str, typer.Option(help=lazy_gettext("What the token is for."))] = "cli",
    days: Annotated[
        int, typer.Option(min=TOKEN_DAYS.least, max=TOKEN_DAYS.most, help=lazy_gettext("Validity in days."))
    ] = 365,
    as_json: JsonOpt = False,
    as_user: AsOpt = None,
) -> None:
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
        raise NotFound(_("no user %(name)r", name=username))
    return user


@user_app.command(
    "unlock",
    help=lazy_gettext(
        "Lift USERNAME's lockout (after wrong passwords or wrong second-factor codes) and clear both counts."
    ),
)
def user_unlock(username: str, as_user: AsOpt = None) -> None:
    from liaison.actions import accounts
    from liaison.db import transaction

    c = ctx()
    actor = c.actor(as_user)
    with handled(), transaction(c.sessions) as session:
        user = _user_named(session, username)
        accounts.unlock_user(session, actor=actor, user=user)
    typer.echo(_("user %(name)s unlocked", name=username))
