"""The exchange's fixtures (the world, a worker on a fake clock with recording senders) for escalation tests."""

from tests.exchange.conftest import ex  # noqa: F401 - a fixture, found by pytest in this namespace
