"""On PostgreSQL a `liaison worker` is woken by `NOTIFY liaison_jobs`, not by its poll: a message sent from another
process reaches the SMTP server at once, and the next escalation step is sent when it falls due, although the
worker polls only every five seconds. When its listening connection is cut, the worker reconnects and is woken
again.

A behaviour test, not a benchmark: with polling alone the mail would arrive about five seconds after it was sent
(the worker had just looked when the message was sent), and the deputy's step up to five seconds late; the
bounds below (two seconds) are far from both, and generous for a loaded machine. Speed is measured in
bench/dispatch.py.
"""

from __future__ import annotations

import time

import psycopg
import pytest
from tests.conftest import BACKEND
from tests.exchange import test_worker_process as processes
from tests.exchange.test_worker_process import CLAIRE, DESK, Node, Proc, wait_for

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(BACKEND != "postgresql", reason="LISTEN/NOTIFY is PostgreSQL's; SQLite wakes in-process"),
]

node = processes.node
POLL = 5.0
"""The worker's polling interval in these tests, listening or not: far longer than the bound on a wake-up."""
AT_ONCE = 2.0
"""Seconds within which a woken worker has the mail at the server (the poll would take about POLL)."""


def slow_polling_worker(node: Node, name: str) -> Proc:
    env = {**node.env, "LIAISON_WORKER_POLL_SECONDS": str(POLL), "LIAISON_WORKER_LISTEN_POLL_SECONDS": str(POLL)}
    w = node.worker(name, env=env)
    w.started()
    time.sleep(1.0)  # it has looked for work on starting: its next poll is about four seconds away now
    return w


def test_a_sent_message_and_its_next_step_wake_a_worker_that_polls_every_five_seconds(node: Node):
    node.set_policy("on-duty@0s,deputy@3s")
    node.add_email("fr_desk", DESK)  # the deputy, "Permanence 24/7"
    w = slow_polling_worker(node, "listening")
    sent = time.time()
    m = node.send()  # from this process: only the database can tell the worker

    (mail,) = wait_for("the on-duty contact's mail", lambda: node.mail.to(CLAIRE), 3 * POLL)
    assert mail.at - sent < AT_ONCE
    (deputy,) = wait_for("the deputy's mail", lambda: node.mail.to(DESK), 3 * POLL)
    due = m.sent_at.timestamp() + 3
    assert due <= deputy.at < due + AT_ONCE  # woken when the step fell due, not at a poll
    assert node.terminate(w) == 0
    assert "listening for wake-ups on liaison_jobs" in w.text()


def test_a_worker_whose_listening_connection_is_cut_reconnects_and_is_woken_again(node: Node):
    w = slow_polling_worker(node, "reconnecting")
    with psycopg.connect(node.url.replace("postgresql+psycopg://", "postgresql://", 1), autocommit=True) as conn:
        cut = conn.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE query = 'LISTEN liaison_jobs' AND datname = current_database()"
        ).fetchone()
    assert cut == (1,)
    wait_for("the listener to reconnect", lambda: w.text().count("listening for wake-ups") == 2, 3 * POLL)
    assert "wake-up listener:" in w.text()  # it said it lost the connection
    time.sleep(1.0)  # the reconnection woke it once; its next poll is about four seconds away
    sent = time.time()
    node.send()
    (mail,) = wait_for("the on-duty contact's mail", lambda: node.mail.to(CLAIRE), 3 * POLL)
    assert mail.at - sent < AT_ONCE
    assert node.terminate(w) == 0
