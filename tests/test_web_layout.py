"""Thin routers, held by reading the source: no module under ``liaison/web`` writes an audit row itself. It
calls an action (``actions/evidence.py`` for audited reads and refusals), so every audit row is written by an
action, in one place per kind of event."""

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


def test_no_router_writes_an_audit_row_itself() -> None:
    found = {
        str(path.relative_to(WEB)): offences(path.read_text(encoding="utf-8")) for path in sorted(WEB.rglob("*.py"))
    }
    assert {k: v for k, v in found.items() if v} == {}
