"""The urgent path's shape, held by reading the source: actions never import the worker (the worker imports
actions to run its jobs, so that would be a cycle, even hidden in a function), and firing a step is plain code
that runs in the caller's transaction, with no loop and no threads."""

from __future__ import annotations

import ast
from pathlib import Path

import liaison

PACKAGE = Path(liaison.__file__).parent


def imported(path: Path, source: str | None = None) -> set[str]:
    """Every module a file of the package imports, at the top or inside a function, relative imports made
    absolute; for ``from a import b`` both ``a`` and ``a.b`` (``b`` may be a module)."""
    package = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)[:-1]
    names: set[str] = set()
    text = source if source is not None else path.read_text(encoding="utf-8")
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package[: len(package) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def modules(folder: str) -> list[Path]:
    return sorted((PACKAGE / folder).rglob("*.py"))


def test_the_import_reader_sees_function_local_and_relative_imports() -> None:
    probe = PACKAGE / "actions" / "probe.py"
    assert "liaison.escalation.worker" in imported(probe, "def f():\n    from ..escalation import worker\n")
    assert "liaison.escalation.worker" in imported(probe, "def f():\n    import liaison.escalation.worker\n")
    assert "liaison.escalation.worker" in imported(probe, "from liaison.escalation.worker import fire_due\n")


def test_no_action_imports_the_worker() -> None:
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(n for n in imported(path) if n.startswith("liaison.escalation.worker"))
        for path in modules("actions")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_firing_and_notice_have_no_loop_threads_or_worker() -> None:
    """No polling: no threads, no sleeping, no endless ``while``; what they do ends with the caller's call."""
    forbidden = ("threading", "concurrent", "asyncio", "multiprocessing", "signal", "time", "sched", "selectors")
    for name in ("firing.py", "notice.py"):
        path = PACKAGE / "escalation" / name
        bad = sorted(
            n for n in imported(path) if n.split(".")[0] in forbidden or n.startswith("liaison.escalation.worker")
        )
        assert bad == [], f"{name} imports {bad}"
        tree = ast.parse(path.read_text(encoding="utf-8"))
        endless = [n.lineno for n in ast.walk(tree) if isinstance(n, ast.While) and isinstance(n.test, ast.Constant)]
        assert endless == [], f"{name} loops forever at line {endless}"
        waits = [
            n.lineno
            for n in ast.walk(tree)
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in ("sleep", "wait")
        ]
        assert waits == [], f"{name} waits at line {waits}"


def test_firing_imports_no_action_that_imports_it() -> None:
    """Firing writes the audit row itself, through ``actions.audit``, which must stay free of escalation."""
    actions = {n for n in imported(PACKAGE / "escalation" / "firing.py") if n.startswith("liaison.actions.")}
    assert actions <= {"liaison.actions.audit", "liaison.actions.audit.audit"}
    assert not [n for n in imported(PACKAGE / "actions" / "audit.py") if n.startswith("liaison.escalation")]


def test_the_worker_keeps_no_firing_or_formatting() -> None:
    tree = ast.parse((PACKAGE / "escalation" / "worker.py").read_text(encoding="utf-8"))
    defined = {n.name for n in tree.body if isinstance(n, ast.FunctionDef | ast.ClassDef)}
    assert not defined & {"resolve", "fire_due", "outgoing", "Target", "_fire", "_note", "_sender_label"}
