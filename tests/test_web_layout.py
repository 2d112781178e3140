"""Thin routers, held by reading the source. No module under ``liaison/web`` writes an audit row itself: it calls
an action (``actions/evidence.py`` for audited reads and refusals), so every audit row is written by an action, in
one place per kind of event. Nor does one touch the ORM: rows are read through ``liaison.queries`` and changed
through ``liaison.actions``, and no page imports an API router as a library.
"""

from __future__ import annotations

import ast
from pathlib import Path

import liaison

WEB = Path(liaison.__file__).parent / "web"


def offences(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            if name == "audit":
                found.append(f"line {node.lineno}: calls audit(...)")
            elif name == "record" and isinstance(func, ast.Attribute):
                owner = func.value
                if (owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")) == "read_audit":
                    found.append(f"line {node.lineno}: calls read_audit.record(...)")
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            names = {a.name for a in node.names}
            if module == "liaison.actions.audit" or (module == "liaison.actions" and "audit" in names):
                found.append(f"line {node.lineno}: imports liaison.actions.audit")
        elif isinstance(node, ast.Import) and any(a.name == "liaison.actions.audit" for a in node.names):
            found.append(f"line {node.lineno}: imports liaison.actions.audit")
    return found


def test_the_reader_finds_direct_and_function_local_audit_writes() -> None:
    assert offences("def f(s):\n    from liaison.actions.audit import audit\n    audit(s, action='x')\n") == [
        "line 2: imports liaison.actions.audit",
        "line 3: calls audit(...)",
    ]
    assert offences("from liaison.actions import audit\naudit.audit(s)\n") == [
        "line 1: imports liaison.actions.audit",
        "line 2: calls audit(...)",
    ]
    assert offences("from liaison.actions import evidence\nevidence.audit_log_read(s, actor=a)\n") == []
    assert offences("st.read_audit.record(actor, 'duty.read', 'network', '', {})\nst.read_audit.flush()\n") == [
        "line 1: calls read_audit.record(...)"
    ]


def test_no_router_writes_an_audit_row_itself() -> None:
    found = {
        str(path.relative_to(WEB)): offences(path.read_text(encoding="utf-8")) for path in sorted(WEB.rglob("*.py"))
    }
    assert {k: v for k, v in found.items() if v} == {}


# -- routers call queries and actions, never the ORM --

SQLALCHEMY_ALLOWED = {
    # Types the web layer names to hold or type a session; none of them builds or runs a statement.
    "sqlalchemy": {"Engine"},
    "sqlalchemy.orm": {"Session", "sessionmaker"},
}
SESSION_CALLS = {"get", "get_one", "scalar", "scalars", "execute", "add", "add_all", "delete", "merge", "query"}
"""What a router would call on a session to read or change rows itself. ``commit`` and ``flush`` are transaction
control around an action's work (the login page keeps a failed attempt's count; an API answer needs the ids an
action assigned), not queries, so they are not listed."""
ALLOWED_ORM_USE: dict[str, set[str]] = {}
"""Modules under ``liaison/web`` still allowed an offence, each with the offence and why. Empty: everything moved."""


def _mapped_names() -> set[str]:
    """The ORM classes ``liaison.models`` exports (its vocabularies and ``utcnow`` are plain values, not the ORM)."""
    from liaison import models
    from liaison.models import Base

    return {n for n, v in vars(models).items() if isinstance(v, type) and issubclass(v, Base)}


def _type_checking_only(tree: ast.Module) -> set[int]:
    """Line numbers of the imports under ``if TYPE_CHECKING:``: annotations, never run."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            for inner in node.body:
                lines.update(range(inner.lineno, (inner.end_lineno or inner.lineno) + 1))
    return lines


def orm_uses(source: str, mapped: set[str]) -> list[str]:
    tree = ast.parse(source)
    annotations_only = _type_checking_only(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.lineno not in annotations_only:
            module = node.module or ""
            names = {a.name for a in node.names}
            if module == "liaison.models" or module.startswith("liaison.models."):
                if orm := sorted(names & (mapped | {"Base", "Record"})):
                    found.append(f"line {node.lineno}: imports ORM classes {', '.join(orm)}")
            elif module == "liaison" and "models" in names:
                found.append(f"line {node.lineno}: imports liaison.models")
            elif module.split(".")[0] == "sqlalchemy":
                if builders := sorted(names - SQLALCHEMY_ALLOWED.get(module, set())):
                    found.append(f"line {node.lineno}: imports {', '.join(builders)} from {module}")
        elif isinstance(node, ast.Import) and node.lineno not in annotations_only:
            for a in node.names:
                if a.name == "liaison.models" or a.name.split(".")[0] == "sqlalchemy":
                    found.append(f"line {node.lineno}: imports {a.name}")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            receiver = node.func.value
            if isinstance(receiver, ast.Name) and receiver.id == "session" and node.func.attr in SESSION_CALLS:
                found.append(f"line {node.lineno}: calls session.{node.func.attr}(...)")
    return sorted(found, key=lambda f: int(f.split(":")[0].removeprefix("line ")))


def test_the_reader_finds_orm_imports_builders_and_session_queries() -> None:
    mapped = _mapped_names()
    assert {"Channel", "Message", "ApiToken", "ScreeningHit"} <= mapped
    source = (
        "from typing import TYPE_CHECKING\n"
        "from sqlalchemy import select, update\n"
        "from sqlalchemy.orm import Session\n"
        "from liaison.models import Channel, utcnow\n"
        "from liaison.models.directory import CHANNEL_KINDS\n"
        "if TYPE_CHECKING:\n"
        "    from liaison.models import Message\n"
        "def f(session):\n"
        "    session.get(Channel, 1)\n"
        "    session.flush()\n"
        "    snap.contacts.get(1)\n"
        "    import sqlalchemy\n"
    )
    assert orm_uses(source, mapped) == [
        "line 2: imports select, update from sqlalchemy",
        "line 4: imports ORM classes Channel",
        "line 9: calls session.get(...)",
        "line 12: imports sqlalchemy",
    ]


def test_routers_call_queries_and_actions_instead_of_the_orm() -> None:
    mapped = _mapped_names()
    found = {
        str(p.relative_to(WEB)): orm_uses(p.read_text(encoding="utf-8"), mapped) for p in sorted(WEB.rglob("*.py"))
    }
    offending = {k: set(v) for k, v in found.items() if v}
    assert offending == ALLOWED_ORM_USE


def test_no_page_or_web_module_imports_an_api_router() -> None:
    """A router module is not a library: pages and the fast path share code through queries, actions or a web
    module that defines no routes (``web/on_duty.py``), so a change to one API route cannot break a page."""
    routers = {
        f"liaison.web.api.{p.stem}"
        for p in (WEB / "api").glob("*.py")
        if "APIRouter(" in p.read_text(encoding="utf-8") and p.stem != "__init__"
    }
    found = {}
    for path in sorted(WEB.rglob("*.py")):
        if path.parent.name == "api" and path.stem == "__init__":
            continue  # the package that mounts the routers
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module in routers:
                found.setdefault(str(path.relative_to(WEB)), []).append(node.module)
    assert found == {}
