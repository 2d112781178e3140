"""`liaison serve --workers N` starts N `liaison worker` processes beside the web app (PostgreSQL), keeps them
running and stops them with it; SQLite refuses the option (one writer: the embedded worker only).

Real processes: `liaison serve` on a free port, its workers seen in /proc as its children, a message sent over
HTTP delivered to a real SMTP server on loopback, once.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.conftest import BACKEND, free_port
from tests.exchange import test_worker_process as processes
from tests.exchange.test_worker_guarantees import _up
from tests.exchange.test_worker_process import CLAIRE, LEGAL, LIAISON, REPO, Node, message_id_of, wait_for

node = processes.node


def worker_children(pid: int) -> dict[str, int]:
    """The `liaison worker` processes started by the `liaison serve` of process ``pid``: name -> pid."""
    found = {}
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            argv = (d / "cmdline").read_bytes().decode(errors="replace").split("\0")
        except OSError:
            continue  # gone meanwhile
        if "worker" in argv and "--name" in argv and f":serve-{pid}-" in argv[argv.index("--name") + 1]:
            found[argv[argv.index("--name") + 1]] = int(d.name)
    return found


@pytest.fixture
def served(node: Node) -> Iterator[tuple[subprocess.Popen[bytes], int, Path]]:
    """`liaison serve --workers 2` over the test world's database; stopped (and its workers) at the end."""
    port = free_port()
    log = node.tmp / "serve.log"
    env = {**node.env, "LIAISON_LOG_LEVEL": "info"}
    with log.open("wb") as out:
        popen = subprocess.Popen(
            [LIAISON, "serve", "--port", str(port), "--workers", "2"], env=env, cwd=REPO, stdout=out, stderr=out
        )
    try:
        wait_for("the API", lambda: _up(f"http://127.0.0.1:{port}/healthz"), 30)
        yield popen, port, log
    finally:
        if popen.poll() is None:
            popen.kill()
        popen.wait(30)
        for pid in worker_children(popen.pid).values():  # left running when serve could not stop them
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


@pytest.mark.postgres
@pytest.mark.skipif(BACKEND != "postgresql", reason="several worker processes need PostgreSQL")
def test_serve_with_two_workers_delivers_once_restarts_a_dead_worker_and_stops_them_on_sigterm(
    node: Node, served: tuple[subprocess.Popen[bytes], int, Path], databases: Any
):
    popen, port, log = served
    workers = wait_for("two worker processes", lambda: len(w := worker_children(popen.pid)) == 2 and w, 30)
    assert len(set(workers.values())) == 2
    wait_for("both to start", lambda: log.read_text(errors="replace").count(" started (poll") == 2, 30)
    for name in workers:
        assert f"worker {name} started" in log.read_text(errors="replace")

    _world, tokens = databases.extra["world"]
    body = {
        "network": "FTF", "kind": "request", "priority": "flash", "subject": "Travel of a suspect",
        "body": "Flight JL 45 tonight.", "legal_basis": LEGAL, "to": ["FR"],
    }  # fmt: skip
    r = httpx.post(
        f"http://127.0.0.1:{port}/api/v1/messages",
        json=body,
        headers={"Authorization": f"Bearer {tokens['jp.cp']}"},
        timeout=30,
    )
    assert r.status_code == 201, r.text
    mid = uuid.UUID(r.json()["id"])
    wait_for("the mail", lambda: node.mail.to(CLAIRE), 30)
    wait_for("its notification to be sent", lambda: node.email_sent(mid, CLAIRE), 30)
    time.sleep(0.5)  # a second copy would have arrived now
    (n,) = [x for x in node.notifications(mid) if x.channel_kind == "email"]
    assert [m.message_id for m in node.mail.mails] == [message_id_of(n.key)]

    victim, pid = sorted(workers.items())[0]
    os.kill(pid, signal.SIGKILL)
    restarted = wait_for(
        "the dead worker to be started again under its name",
        lambda: (w := worker_children(popen.pid)).get(victim) not in (None, pid) and len(w) == 2 and w,
        30,
    )
    assert restarted.keys() == workers.keys()
    wait_for("it to start", lambda: log.read_text(errors="replace").count(f"worker {victim} started") == 2, 30)

    popen.send_signal(signal.SIGTERM)
    assert popen.wait(60) == 0
    for p in restarted.values():
        wait_for(f"worker {p} to be gone", lambda p=p: not Path(f"/proc/{p}").exists(), 10)
    text = log.read_text(errors="replace")
    assert text.count("SIGTERM received, stopping") == 2 and "exited with -9" in text


def test_serve_refuses_workers_on_sqlite(tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIAISON_")}
    env |= {"LIAISON_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}", "LIAISON_ENV": "development",
            "PYTHONPATH": os.pathsep.join([str(REPO / "src"), str(REPO)])}  # fmt: skip
    r = subprocess.run(
        [LIAISON, "serve", "--port", str(free_port()), "--workers", "2"],
        env=env, cwd=REPO, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert r.returncode == 2
    assert "--workers needs PostgreSQL" in r.stderr and "Liaison on http" not in r.stdout
