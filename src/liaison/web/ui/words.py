"""Roles, escalation policies and fallback steps in plain words, in the reader's language.

A secretariat officer at night should read "after 5 minutes without an acknowledgement: the deputy", not
``deputy@5m``, and "runs the FTF secretariat", not ``network_admin``. Pure functions of the role or policy and the
current language (:mod:`liaison.i18n`); no web or database access. Pages that show roles, policies, fallback
chains or escalation steps (the directory's and the exchange's) share them, so the words are the same everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Literal

from liaison import i18n
from liaison.escalation.rules import Policy, PolicyError, parse_policy
from liaison.i18n import _, lazy_gettext, ngettext

# Who an escalation step notifies (the targets of liaison.escalation.rules), as a noun phrase.
TARGET_WORDS = {
    # Translators: who an escalation step notifies.
    "on-duty": lazy_gettext("the contact point on duty"),
    # Translators: who an escalation step notifies.
    "deputy": lazy_gettext("the deputy"),
    # Translators: who an escalation step notifies: the designated agency's desk that answers day and night.
    "desk": lazy_gettext("the agency's 24/7 desk"),
    # Translators: who an escalation step notifies: the network secretariat's desk, the last resort.
    "secretariat": lazy_gettext("the network secretariat's 24/7 desk"),
}

# A fallback chain's steps (liaison.queries.duty.Step.role): who is tried when the one on duty does not answer.
FALLBACK_WORDS = {
    "deputy": lazy_gettext(
        "The deputy, named for this member to stand in when the contact point on duty does not answer."
    ),
    "desk": lazy_gettext("The designated agency's 24/7 desk, staffed day and night."),
    "secretariat": lazy_gettext("The network secretariat's 24/7 desk, the last resort of every chain."),
}

# A role grant (liaison.models.accounts.ROLES): (with a network, on every network).
ROLE_WORDS = {
    "admin": (
        lazy_gettext("Node administrator: manages every network, account and setting on this node"),
        lazy_gettext("Node administrator: manages every network, account and setting on this node"),
    ),
    "network_admin": (
        # Translators: %(network)s is a network's code, e.g. FTF.
        lazy_gettext("Secretariat of %(network)s: admits members, records designations, runs exercises"),
        lazy_gettext("Secretariat of every network: admits members, records designations, runs exercises"),
    ),
    "contact_point": (
        # Translators: %(network)s is a network's code, e.g. FTF.
        lazy_gettext("Contact point on %(network)s: answers for the agency and keeps its roster"),
        lazy_gettext("Contact point: answers for the agency and keeps its roster"),
    ),
    "analyst": (
        lazy_gettext("Analyst on %(network)s: reads and adds to the information bank"),
        lazy_gettext("Analyst: reads and adds to the information bank"),
    ),
    "screening_officer": (
        lazy_gettext("Screening officer on %(network)s: checks lists of names against the information bank"),
        lazy_gettext("Screening officer: checks lists of names against the information bank"),
    ),
    "auditor": (
        lazy_gettext("Auditor of %(network)s: reads the audit log"),
        lazy_gettext("Auditor: reads the audit log of every network"),
    ),
}


# An agency's kind (liaison.models.accounts.AGENCY_KINDS).
AGENCY_KIND_WORDS = {
    "police": lazy_gettext("Police"),
    "prosecutor": lazy_gettext("Prosecutor"),
    "intelligence": lazy_gettext("Intelligence"),
    "victim_support": lazy_gettext("Victim support"),
    "screening_centre": lazy_gettext("Screening centre"),
    "justice_ministry": lazy_gettext("Justice ministry"),
    "interior_ministry": lazy_gettext("Interior ministry"),
    "foreign_ministry": lazy_gettext("Foreign ministry"),
    "international_organisation": lazy_gettext("International organisation"),
    "other": lazy_gettext("Other"),
}


def agency_kind_text(kind: str | None) -> str:
    kind = kind or "other"
    return str(AGENCY_KIND_WORDS.get(kind, kind.replace("_", " ").capitalize()))


def role_text(role: str, network: str | None = None) -> str:
    """A role grant in plain words: ``("network_admin", "FTF")`` -> "Secretariat of FTF: admits members, ...".
    An unknown role (a newer node's) is shown as it is stored rather than hidden."""
    words = ROLE_WORDS.get(role)
    if words is None:
        return role
    scoped, everywhere = words
    if network:
        return str(scoped) % {"network": network}
    return str(everywhere)


def roles_text(grants: Iterable[tuple[str, str | None]]) -> list[str]:
    """Each grant (role, network code or None) in plain words, in a stable order (role, then network)."""
    order = {role: i for i, role in enumerate(ROLE_WORDS)}
    ranked = sorted(set(grants), key=lambda g: (order.get(g[0], len(order)), g[0], g[1] or ""))
    return [role_text(role, network) for role, network in ranked]


def duration_words(delay: timedelta) -> str:
    """'5 minutes', '1 hour and 30 minutes', '2 days' in the current language (CLDR units and plurals)."""
    total = int(delay.total_seconds())
    parts: list[str] = []
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    units: tuple[tuple[int, Literal["days", "hours", "minutes", "seconds"]], ...] = (
        (days, "days"),
        (hours, "hours"),
        (minutes, "minutes"),
        (seconds, "seconds"),
    )
    for amount, name in units:
        if amount:
            parts.append(i18n.unit(amount, name, "long"))
    if not parts:
        return i18n.unit(0, "seconds", "long")
    return i18n.listing(parts)


def target_words(target: str) -> str:
    return str(TARGET_WORDS.get(target, target))


def step_sentence(target: str, delay: timedelta) -> str:
    """One escalation step: "At once: the contact point on duty." / "After 5 minutes without an acknowledgement:
    the deputy." (the delay counts from the send time, or from the start of a repeated round)."""
    if delay <= timedelta(0):
        return _("At once: %(who)s.", who=target_words(target))
    return _(
        "After %(delay)s without an acknowledgement: %(who)s.", delay=duration_words(delay), who=target_words(target)
    )


def policy_sentences(policy: Policy | str) -> list[str]:
    """An escalation policy (or its text form) as ordered plain sentences, one per step, then the repeat rule.
    A policy text that does not parse is returned as a single sentence saying so, with the text."""
    if isinstance(policy, str):
        try:
            policy = parse_policy(policy)
        except PolicyError:
            return [_("This escalation policy cannot be read: %(text)s", text=policy)]
    out = [step_sentence(s.target, s.delay) for s in policy.steps]
    period = policy.period
    if policy.repeat and period is not None:
        if policy.max_rounds is None:
            out.append(
                _(
                    "Then the whole chain starts again every %(period)s until someone acknowledges.",
                    period=duration_words(period),
                )
            )
        else:
            out.append(
                ngettext(
                    "Then the whole chain starts again every %(period)s, %(num)d round in all, until someone "
                    "acknowledges.",
                    "Then the whole chain starts again every %(period)s, %(num)d rounds in all, until someone "
                    "acknowledges.",
                    policy.max_rounds,
                    period=duration_words(period),
                )
            )
    else:
        out.append(_("The chain stops there, acknowledged or not."))
    return out


def fallback_words(role: str) -> str:
    """A fallback chain's step (deputy, desk, secretariat) as a plain sentence."""
    return str(FALLBACK_WORDS.get(role, role))


GLOBALS = {
    "agency_kind_text": agency_kind_text,
    "role_text": role_text,
    "policy_sentences": policy_sentences,
    "fallback_words": fallback_words,
    "step_sentence": step_sentence,
}
