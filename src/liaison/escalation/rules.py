"""Escalation policies: who is notified at which delay while no one acknowledges a message.

Text form (whitespace around tokens is ignored)::

    on-duty@0s, deputy@5m, desk@10m, secretariat@15m, repeat

Each step is ``TARGET@DELAY``: ``TARGET`` one of :data:`TARGETS`, ``DELAY`` whole units in the order
``h``, ``m``, ``s`` (``90s``, ``5m``, ``1h30m``; at least one part, each unit at most once). Delays are
measured from the send time (or from the start of the round, see below) and must not decrease.

An optional last token repeats the chain: ``repeat`` (unlimited), ``repeat:N`` (at most ``N`` rounds in
all, the first included), ``repeat@GAP`` or ``repeat@GAP:N`` (explicit gap).

Repeat interval (a choice): after round ``r``'s last step, the chain waits a *gap* and starts again,
i.e. round ``r`` runs at ``sent_at + r * period + delay`` with ``period = last_delay + gap``. The gap
defaults to the last step's delay, so the example above re-runs at 30m, 60m, ...: one full sweep of the
chain, then as long again of quiet before the next sweep. A chain whose period would be zero (last delay
0s and no positive gap) is refused: it would fire every round at the same instant. Rounds never
interleave (``period >= last_delay``); with a zero gap a round's first step can tie with the previous
round's last, and ties are ordered by (round, index).

Acknowledgement stops the chain: a step due at or after ``acknowledged_at`` is never due.

All instants must be timezone-aware; results are in UTC (delays are elapsed time, so adding them to a
local wall clock would be an hour off across a DST change).
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from liaison.i18n import _

TARGETS: tuple[str, ...] = ("on-duty", "deputy", "desk", "secretariat")
"""Escalation targets, in the order a chain usually climbs them."""

DEFAULT_RESPONSE_HOURS = 8.0
"""The response clock for urgent requests: 8 hours, as EU law sets for urgent requests for information
directly accessible to the requested authority (Directive (EU) 2023/977, formerly Framework Decision
2006/960/JHA)."""

MAX_DELAY = timedelta(days=7)
"""Longest accepted delay or gap: an escalation step a week away is a typo, not a policy."""

_ZERO = timedelta(0)
_SECOND = timedelta(seconds=1)
_DELAY = re.compile(r"(?:([0-9]+)h)?(?:([0-9]+)m)?(?:([0-9]+)s)?")  # ASCII digits: int() reads them all
MAX_ROUNDS = 1000
"""Most rounds a ``repeat:N`` may ask for (a round count, like a delay, must fit the database and make sense)."""
_REPEAT = re.compile(r"repeat(?:\s*@\s*(?P<gap>[^:]*?))?(?:\s*:\s*(?P<rounds>.*?))?")
_TARGET_LIST = ", ".join(TARGETS)


def _step(n: int) -> str:
    # Translators: where an escalation policy is wrong: its n-th step (1-based), e.g. "step 2: empty step"
    return _("step %(n)s", n=n)


class PolicyError(ValueError):
    """An invalid policy or argument; the message reads ``"<where>: <reason>"``.

    ``where`` is ``"step N"`` (1-based, counting the ``repeat`` token) for a step, ``"policy"`` for the
    policy as a whole, or the name of the offending argument/field. ``where`` and ``reason`` expose the two
    parts so callers can point at the culprit without parsing the message.
    """

    def __init__(self, where: str, reason: str) -> None:
        super().__init__(_("%(field)s: %(reason)s", field=where, reason=reason))
        self.where = where
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Step:
    """Notify ``target`` once ``delay`` has elapsed since the start of the round."""

    target: str
    delay: timedelta


@dataclass(frozen=True, slots=True)
class Policy:
    """A validated escalation chain; see the module doc for the repeat rule.

    ``max_rounds`` (rounds in all, the first included) is only meaningful, and only allowed, with
    ``repeat``; ``None`` means unlimited. ``gap`` is the explicit pause between a round's last step and
    the next round (``None``: the last step's delay). Construction validates, so every ``Policy`` is usable.
    """

    steps: tuple[Step, ...]
    repeat: bool = False
    max_rounds: int | None = None
    gap: timedelta | None = None

    def __post_init__(self) -> None:
        _validate(self)

    @property
    def period(self) -> timedelta | None:
        """Time between the starts of consecutive rounds, or ``None`` when the chain does not repeat."""
        if not self.repeat:
            return None
        last = self.steps[-1].delay
        return last + (last if self.gap is None else self.gap)

    @property
    def text(self) -> str:
        """Canonical text form: ``parse_policy(p.text) == p``."""
        parts = [f"{s.target}@{format_delay(s.delay)}" for s in self.steps]
        if self.repeat:
            token = "repeat"  # noqa: S105 - not a password
            if self.gap is not None:
                token += f"@{format_delay(self.gap)}"
            if self.max_rounds is not None:
                token += f":{self.max_rounds}"
            parts.append(token)
        return ",".join(parts)

    def to_json(self) -> dict[str, Any]:
        """Plain JSON-ready form (delays in whole seconds), for freezing the policy into a message."""
        return {
            "steps": [{"target": s.target, "delay_seconds": _seconds(s.delay)} for s in self.steps],
            "repeat": self.repeat,
            "max_rounds": self.max_rounds,
            "gap_seconds": None if self.gap is None else _seconds(self.gap),
        }

    @classmethod
    def from_json(cls, data: object) -> Policy:
        """Inverse of :meth:`to_json`; strict about keys and types (raises :class:`PolicyError`)."""
        if not isinstance(data, dict):
            raise PolicyError("policy", _("expected an object"))
        _exact_keys("policy", data, {"steps", "repeat", "max_rounds", "gap_seconds"})
        raw_steps = data["steps"]
        if not isinstance(raw_steps, list):
            raise PolicyError("steps", _("expected a list"))
        steps = []
        for n, raw in enumerate(raw_steps, 1):
            if not isinstance(raw, dict):
                raise PolicyError(_step(n), _("expected an object"))
            _exact_keys(_step(n), raw, {"target", "delay_seconds"})
            if not isinstance(raw["target"], str):
                raise PolicyError(_step(n), _("target must be a string"))
            steps.append(Step(raw["target"], _json_seconds(_step(n), raw["delay_seconds"])))
        repeat = data["repeat"]
        if not isinstance(repeat, bool):
            raise PolicyError("repeat", _("expected true or false"))
        max_rounds = data["max_rounds"]
        if max_rounds is not None:
            max_rounds = _json_int("max_rounds", max_rounds)
        gap_seconds = data["gap_seconds"]
        gap = None if gap_seconds is None else _json_seconds("gap_seconds", gap_seconds)
        return cls(tuple(steps), repeat, max_rounds, gap)


@dataclass(frozen=True, slots=True)
class DueStep:
    """One notification the chain calls for: step ``index`` (0-based) of round ``round`` (0-based)."""

    round: int
    index: int
    target: str
    due_at: datetime

    @property
    def key(self) -> str:
        """Stable idempotency key within one message: ``"<round>:<index>"``."""
        return f"{self.round}:{self.index}"


def format_delay(delay: timedelta) -> str:
    """Canonical text of a whole-second delay: ``0s``, ``45s``, ``5m``, ``1h30m``, ``2h0m5s`` is ``2h5s``."""
    total = _seconds(delay)
    if total == 0:
        return "0s"
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    return "".join(f"{v}{u}" for v, u in ((hours, "h"), (minutes, "m"), (seconds, "s")) if v)


def parse_delay(text: str, where: str = "delay") -> timedelta:
    """Parse ``1h30m``-style text (see module doc); errors name ``where``."""
    text = text.strip()
    match = _DELAY.fullmatch(text)
    if not text or match is None or not any(match.groups()):
        raise PolicyError(
            where,
            _("bad delay %(text)r (missing unit: s, m or h)", text=text)
            if text.isdigit()
            else _("bad delay %(text)r (units s, m, h, in that order, e.g. 90s, 5m, 1h30m)", text=text),
        )
    if any(g and len(g) > 9 for g in match.groups()):  # far over MAX_DELAY, and no huge int() to convert
        raise PolicyError(
            where,
            _("delay %(text)r is longer than %(most)s", text=text[:40], most=format_delay(MAX_DELAY)),
        )
    hours, minutes, seconds = (int(g) if g else 0 for g in match.groups())
    total = hours * 3600 + minutes * 60 + seconds
    if total > _seconds(MAX_DELAY):
        raise PolicyError(where, _("delay %(text)r is longer than %(most)s", text=text, most=format_delay(MAX_DELAY)))
    return timedelta(seconds=total)


def parse_policy(text: str) -> Policy:
    """Parse the text form (module doc); raises :class:`PolicyError` naming the step and the problem."""
    if not isinstance(text, str):
        raise PolicyError("policy", _("expected text"))
    if not text.strip():
        raise PolicyError("policy", _("empty (expected e.g. 'on-duty@0s,deputy@5m,repeat')"))
    steps: list[Step] = []
    repeat_at: int | None = None
    repeat = False
    max_rounds: int | None = None
    gap: timedelta | None = None
    for n, raw in enumerate(text.split(","), 1):
        token = raw.strip()
        where = _step(n)
        if not token:
            raise PolicyError(where, _("empty step"))
        repeat_match = _REPEAT.fullmatch(token)
        if repeat_match is not None:
            if repeat_at is not None:
                raise PolicyError(where, _("duplicate 'repeat' (already at step %(repeat_at)s)", repeat_at=repeat_at))
            if not steps:
                raise PolicyError(where, _("'repeat' needs at least one step before it"))
            repeat_at, repeat = n, True
            if repeat_match["gap"] is not None:
                gap = parse_delay(repeat_match["gap"], where)
            if repeat_match["rounds"] is not None:
                rounds = repeat_match["rounds"].strip()
                if not re.fullmatch(r"[0-9]{1,9}", rounds) or not 1 <= int(rounds) <= MAX_ROUNDS:
                    raise PolicyError(
                        where,
                        _(
                            "bad round count %(rounds)r (expected repeat:N with 1 <= N <= %(max_rounds)s)",
                            rounds=rounds[:40],
                            max_rounds=MAX_ROUNDS,
                        ),
                    )
                max_rounds = int(rounds)
            continue
        if repeat_at is not None:
            raise PolicyError(where, _("'repeat' (step %(repeat_at)s) must be the last step", repeat_at=repeat_at))
        target, at, delay_text = token.partition("@")
        target = target.strip()
        if not at:
            raise PolicyError(where, _("expected TARGET@DELAY, got %(token)r", token=token))
        if target not in TARGETS:
            raise PolicyError(where, _("unknown target %(target)r (%(targets)s)", target=target, targets=_TARGET_LIST))
        delay = parse_delay(delay_text, where)
        if steps and delay < steps[-1].delay:
            raise PolicyError(
                where,
                _(
                    "delay %(delay)s is earlier than step %(step)s's %(earlier)s (delays must not decrease)",
                    delay=format_delay(delay),
                    step=n - 1,
                    earlier=format_delay(steps[-1].delay),
                ),
            )
        steps.append(Step(target, delay))
    if repeat and _period(steps[-1].delay, gap) == _ZERO:
        raise PolicyError(
            _step(repeat_at or len(steps) + 1),
            _("'repeat' with zero period (the last step is at 0s; give a gap, e.g. repeat@5m)"),
        )
    return Policy(tuple(steps), repeat, max_rounds, gap)


def due_steps(policy: Policy, sent_at: datetime, now: datetime, acknowledged_at: datetime | None) -> list[DueStep]:
    """Every step due at or before ``now`` and strictly before ``acknowledged_at``, in due order.

    Due order is (due_at, round, index). The result is finite: at most ``max_rounds`` rounds, and an
    unlimited repeat stops at ``now`` (the caller bounds the work by how far ``now`` is from ``sent_at``).
    """
    base = _aware("sent_at", sent_at)
    limit = _aware("now", now)
    ack = None if acknowledged_at is None else _aware("acknowledged_at", acknowledged_at)
    out: list[DueStep] = []
    for due in _walk(policy, base, 0):
        if due.due_at > limit or (ack is not None and due.due_at >= ack):
            break
        out.append(due)
    return out


def next_due(policy: Policy, sent_at: datetime, after: datetime, acknowledged_at: datetime | None) -> DueStep | None:
    """The first step due strictly after ``after`` (and before ``acknowledged_at``), or ``None``.

    ``None`` means the chain is exhausted or stopped by the acknowledgement. Constant time in how far
    ``after`` is from ``sent_at``: it jumps straight to the first round that can still fire.
    """
    base = _aware("sent_at", sent_at)
    point = _aware("after", after)
    ack = None if acknowledged_at is None else _aware("acknowledged_at", acknowledged_at)
    first_round = 0
    period = policy.period
    if period is not None:
        # The first round whose last step is after ``point``: r * period + last > point - base.
        first_round = max(0, (point - base - policy.steps[-1].delay) // period + 1)
    for due in _walk(policy, base, first_round):
        if ack is not None and due.due_at >= ack:
            return None
        if due.due_at > point:
            return due
    return None


def step_after(policy: Policy, sent_at: datetime, step: DueStep) -> DueStep | None:
    """The step that follows ``step`` in the chain (the next index, or the next round's first step), at its
    scheduled time; ``None`` when the chain ends there. Used when a step reached nobody new and the chain
    goes on to the next at once, and to find the next timer past steps already fired early."""
    base = _aware("sent_at", sent_at)
    for due in _walk(policy, base, step.round):
        if (due.round, due.index) > (step.round, step.index):
            return due
    return None


def response_deadline(sent_at: datetime, hours: float = DEFAULT_RESPONSE_HOURS) -> datetime:
    """When the response clock runs out: ``hours`` (default 8) of elapsed time after ``sent_at``, in UTC."""
    start = _aware("sent_at", sent_at)
    if isinstance(hours, bool) or not isinstance(hours, int | float) or not math.isfinite(hours) or hours <= 0:
        raise PolicyError("hours", _("must be a positive number, got %(hours)r", hours=hours))
    return start + timedelta(hours=hours)


def is_overdue(deadline: datetime, now: datetime, answered_at: datetime | None) -> bool:
    """Whether the response clock was missed as of ``now``.

    True once ``now`` is past ``deadline`` unless an answer came at or before the deadline. A late answer
    keeps it True (the clock was missed); an ``answered_at`` later than ``now`` is not yet known and ignored.
    An answer exactly at the deadline is in time.
    """
    end = _aware("deadline", deadline)
    at = _aware("now", now)
    answer = None if answered_at is None else _aware("answered_at", answered_at)
    if at <= end:
        return False
    return answer is None or answer > end or answer > at


# -- internals -----------------------------------------------------------------------------------------


def _walk(policy: Policy, base: datetime, first_round: int) -> Iterator[DueStep]:
    """Yield DueSteps in due order from round ``first_round`` on (endless for an unlimited repeat).

    Rounds never interleave (``period >= last delay``), so round-by-round, step-by-step is due order.
    Stops quietly where instants would leave the datetime range (year 9999): such steps are never due.
    """
    period = policy.period
    if period is None:
        rounds: Iterable[int] = range(first_round, 1)
    elif policy.max_rounds is None:
        rounds = itertools.count(first_round)
    else:
        rounds = range(first_round, policy.max_rounds)
    for r in rounds:
        for i, step in enumerate(policy.steps):
            try:
                due_at = base + (r * period if period is not None else _ZERO) + step.delay
            except OverflowError:
                return
            yield DueStep(r, i, step.target, due_at)


def _period(last: timedelta, gap: timedelta | None) -> timedelta:
    return last + (last if gap is None else gap)


def _validate(policy: Policy) -> None:
    if not isinstance(policy.steps, tuple) or not policy.steps:
        raise PolicyError("steps", _("need at least one step (a tuple of Step)"))
    previous = _ZERO
    for n, step in enumerate(policy.steps, 1):
        where = _step(n)
        if not isinstance(step, Step):
            raise PolicyError(where, _("expected a Step"))
        if step.target not in TARGETS:
            raise PolicyError(
                where, _("unknown target %(target)r (%(targets)s)", target=step.target, targets=_TARGET_LIST)
            )
        _check_delay(where, step.delay)
        if step.delay < previous:
            raise PolicyError(where, _("delays must not decrease"))
        previous = step.delay
    if not isinstance(policy.repeat, bool):
        raise PolicyError("repeat", _("expected a bool"))
    if policy.max_rounds is not None:
        if not policy.repeat:
            raise PolicyError("max_rounds", _("only allowed with repeat"))
        if isinstance(policy.max_rounds, bool) or not isinstance(policy.max_rounds, int) or policy.max_rounds < 1:
            raise PolicyError(
                "max_rounds", _("must be an integer >= 1, got %(max_rounds)r", max_rounds=policy.max_rounds)
            )
    if policy.gap is not None:
        if not policy.repeat:
            raise PolicyError("gap", _("only allowed with repeat"))
        _check_delay("gap", policy.gap)
    if policy.repeat and _period(previous, policy.gap) == _ZERO:
        raise PolicyError("repeat", _("zero period (the last step is at 0s; give a positive gap)"))


def _check_delay(where: str, delay: object) -> None:
    if not isinstance(delay, timedelta) or delay < _ZERO or delay > MAX_DELAY or delay % _SECOND:
        raise PolicyError(
            where,
            _(
                "delay must be a whole number of seconds from 0s to %(most)s, got %(delay)r",
                most=format_delay(MAX_DELAY),
                delay=delay,
            ),
        )


def _seconds(delay: timedelta) -> int:
    return delay // _SECOND


def _json_int(where: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise PolicyError(where, _("expected an integer, got %(value)r", value=value))
    return value


def _json_seconds(where: str, value: object) -> timedelta:
    seconds = _json_int(where, value)
    if not 0 <= seconds <= _seconds(MAX_DELAY):
        raise PolicyError(
            where,
            _(
                "delay must be 0 to %(most)s seconds, got %(seconds)s",
                most=_seconds(MAX_DELAY),
                seconds=seconds,
            ),
        )
    return timedelta(seconds=seconds)


def _exact_keys(where: str, data: dict[Any, Any], expected: set[str]) -> None:
    missing = expected - data.keys()
    extra = data.keys() - expected
    if missing:
        raise PolicyError(where, _("missing %(choices)s", choices=", ".join(sorted(missing))))
    if extra:
        raise PolicyError(where, _("unexpected %(choices)s", choices=", ".join(sorted(map(str, extra)))))


def _aware(name: str, value: object) -> datetime:
    if not isinstance(value, datetime):
        raise PolicyError(name, _("expected a datetime, got %(type)s", type=type(value).__name__))
    if value.tzinfo is None or value.utcoffset() is None:
        raise PolicyError(name, _("must be timezone-aware"))
    return value.astimezone(UTC)
