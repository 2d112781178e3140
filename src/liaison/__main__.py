"""``python -m liaison``: the ``liaison`` command, with this interpreter (how ``liaison serve --workers`` starts its
worker processes, whichever way Liaison was installed)."""

from liaison.cli import app

app(prog_name="liaison")
