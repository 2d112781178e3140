"""``liaison serve --workers N``: the web process starts N ``liaison worker`` processes and keeps them running.

Why processes rather than threads: delivery is CPU-bound Python (formatting, ORM, SMTP framing) and one process
saturates one core; workers in processes of their own share the PostgreSQL queue (``FOR UPDATE SKIP LOCKED``)
and are woken by ``NOTIFY`` (:mod:`liaison.escalation.wakeup`) like workers on other machines.

Each worker has a stable name, ``host:serve-<pid>-<i>``: a worker that dies is started again under the same
name and takes back its claims at once (:func:`liaison.escalation.queue.release_claims`), instead of waiting for
their lease. A worker that dies again soon after starting (a setting it cannot load) is started again after a
growing pause, so a bad configuration does not spin. On stop (``liaison serve`` got SIGTERM or SIGINT) each worker
gets SIGTERM, finishes what it is sending and exits; one still running after ``grace`` seconds is killed, which
loses nothing (its claims are taken by the next worker, at the latest when their lease runs out).

The workers run in sessions of their own, so a terminal's Ctrl-C reaches ``serve`` only, which stops them in
order. ``serve`` killed with SIGKILL cannot stop them: they keep working until stopped, under names no new
``serve`` reuses.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass

log = logging.getLogger("liaison.supervisor")

STEADY = 10.0
"""A worker that ran this many seconds before dying is started again at once; one that died sooner, after a pause."""
MAX_PAUSE = 30.0


@dataclass
class _Child:
    name: str
    popen: subprocess.Popen[bytes] | None = None
    started: float = 0.0
    pause: float = 0.0
    not_before: float = 0.0
    restarts: int = 0


class Supervisor:
    def __init__(self, count: int, *, env: dict[str, str] | None = None, grace: float = 15.0) -> None:
        prefix = f"{socket.gethostname()}:serve-{os.getpid()}"
        self.children = [_Child(f"{prefix}-{i + 1}") for i in range(count)]
        self.env = env
        self.grace = grace
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> Supervisor:
        for child in self.children:
            self._spawn(child)
        self._thread = threading.Thread(target=self._watch, name="liaison-supervisor", daemon=True)
        self._thread.start()
        return self

    def _spawn(self, child: _Child) -> None:
        cmd = [sys.executable, "-m", "liaison", "worker", "--name", child.name]
        child.popen = subprocess.Popen(cmd, env=self.env, start_new_session=True)  # noqa: S603 - our own command
        child.started = time.monotonic()
        log.info("started worker %s (pid %d)", child.name, child.popen.pid)

    def _watch(self) -> None:
        while not self._stopping.wait(0.5):
            now = time.monotonic()
            for child in self.children:
                if child.popen is None or child.popen.poll() is None:
                    continue
                if child.not_before == 0.0:  # just found dead
                    ran = now - child.started
                    child.pause = 0.0 if ran >= STEADY else min(max(1.0, 2 * child.pause), MAX_PAUSE)
                    child.not_before = now + child.pause
                    log.warning(
                        "worker %s (pid %d) exited with %s after %.0f s; starting it again%s",
                        child.name, child.popen.pid, child.popen.returncode, ran,
                        f" in {child.pause:.0f} s" if child.pause else "",
                    )  # fmt: skip
                if now >= child.not_before and not self._stopping.is_set():
                    child.not_before = 0.0
                    child.restarts += 1
                    self._spawn(child)

    def stop(self) -> None:
        """SIGTERM to every worker, SIGKILL to those still running after the grace period."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join()
        running = [c.popen for c in self.children if c.popen is not None and c.popen.poll() is None]
        for p in running:
            p.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + self.grace
        for p in running:
            try:
                p.wait(max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                log.warning("worker pid %d still running after %.0f s: killed", p.pid, self.grace)
                p.kill()
                p.wait()
