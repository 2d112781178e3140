"""Urgent-message escalation: policies, due steps, and the response clock.

A pure library (stdlib only). A :class:`Policy` (parsed from ``"on-duty@0s,deputy@5m,desk@10m,repeat"``)
is frozen into a message as JSON; a worker polling due rows calls :func:`due_steps` / :func:`next_due` and
uses :attr:`DueStep.key` as the idempotency key so no step is sent twice. An acknowledgement stops the
chain. See :mod:`.rules` for the grammar and the repeat rule.
"""

from .rules import (
    DEFAULT_RESPONSE_HOURS,
    MAX_DELAY,
    TARGETS,
    DueStep,
    Policy,
    PolicyError,
    Step,
    due_steps,
    format_delay,
    is_overdue,
    next_due,
    parse_delay,
    parse_policy,
    response_deadline,
    step_after,
)

__all__ = [
    "DEFAULT_RESPONSE_HOURS",
    "MAX_DELAY",
    "TARGETS",
    "DueStep",
    "Policy",
    "PolicyError",
    "Step",
    "due_steps",
    "format_delay",
    "is_overdue",
    "next_due",
    "parse_delay",
    "parse_policy",
    "response_deadline",
    "step_after",
]
