"""Handling markings: TLP 2.0 plus handling conditions, and the rules that decide where information may go.

Pure (no database, no web). A marking travels with every message and statement; the exchange and the bank
enforce it in their queries, and federation will carry it to other nodes. TLP 2.0 (FIRST): CLEAR may be shared
freely; GREEN within the community (here: the network); AMBER with the recipient's organisation and its clients
on a need-to-know basis; AMBER+STRICT within the recipient's organisation only; RED with the named recipients
only. Handling conditions narrow it further: originator control (no onward forwarding without the originator's
consent), purpose limitation, and a releasable-to list of members.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from liaison.i18n import _

LEVELS = ("CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED")
_RANK = {level: i for i, level in enumerate(LEVELS)}
_TLP_1_0 = {"WHITE": "CLEAR"}
"""TLP 1.0 names that TLP 2.0 replaced. Refused, naming the TLP 2.0 level: a marking is a handling instruction,
so Liaison records only a label its author wrote, and no reader of TLP 1.0 documents needs the old name."""


class MarkingError(ValueError):
    """An invalid marking; the message names the field."""


@dataclass(frozen=True, slots=True)
class Marking:
    tlp: str = "AMBER"
    originator_control: bool = False
    purpose: str = ""
    releasable_to: tuple[str, ...] = ()  # member codes; empty means no list restriction

    def __post_init__(self) -> None:
        if self.tlp not in _RANK:
            raise MarkingError(
                _("tlp: %(tlp)r is not a TLP 2.0 level (%(choices)s)", tlp=self.tlp, choices=", ".join(LEVELS))
            )
        if any(not re.fullmatch(r"[A-Z][A-Z0-9-]{1,19}", code) for code in self.releasable_to):
            raise MarkingError(_("releasable_to: member codes are upper-case letters, digits or dashes"))
        if len(self.purpose) > 500:
            raise MarkingError(_("purpose: at most 500 characters"))

    @property
    def label(self) -> str:
        """How people see it: ``TLP:AMBER+STRICT, originator control, REL TO FR, DE``."""
        parts = [f"TLP:{self.tlp}"]
        if self.originator_control:
            parts.append("originator control")
        if self.releasable_to:
            parts.append("REL TO " + ", ".join(self.releasable_to))
        if self.purpose:
            parts.append(f"purpose: {self.purpose}")
        return ", ".join(parts)


def parse_tlp(text: str) -> str:
    """``TLP:AMBER+STRICT`` or ``amber+strict`` to the canonical level. ``TLP:WHITE`` (TLP 1.0) is refused with
    a message naming TLP:CLEAR, its TLP 2.0 name."""
    value = text.strip().upper().removeprefix("TLP:").replace(" ", "")
    if value in _TLP_1_0:
        raise MarkingError(
            _(
                "tlp: %(text)r is the TLP 1.0 name; TLP 2.0 calls it TLP:%(level)s: write TLP:%(level)s",
                text=text.strip(),
                level=_TLP_1_0[value],
            )
        )
    if value not in _RANK:
        raise MarkingError(
            _(
                "tlp: %(text)r is not a TLP 2.0 level (%(choices)s)",
                text=text,
                choices=", ".join("TLP:" + x for x in LEVELS),
            )
        )
    return value


def stricter(a: Marking, b: Marking) -> Marking:
    """The marking of something built from both (a reply quoting a message, a merged record): the stricter TLP,
    originator control if either has it, both purposes, and only the members both release to."""
    tlp = a.tlp if _RANK[a.tlp] >= _RANK[b.tlp] else b.tlp
    if a.releasable_to and b.releasable_to:
        rel = tuple(sorted(set(a.releasable_to) & set(b.releasable_to)))
        if not rel:  # nobody may receive it but the named recipients
            tlp = "RED"
    else:
        rel = a.releasable_to or b.releasable_to
    purposes = [p for p in dict.fromkeys((a.purpose, b.purpose)) if p]
    return Marking(tlp, a.originator_control or b.originator_control, "; ".join(purposes), rel)


def exportable(marking: Marking, max_level: str | None) -> bool:
    """May a value with ``marking`` go into an export for an audience cleared up to ``max_level``?

    Without a level the audience is the network: TLP:CLEAR and GREEN values with no handling condition (a
    releasable-to list, originator control or a purpose limitation narrows who may have it or for what, and a
    file does not know who will read it). With a level (asked for by the exporter), every value up to it goes,
    carrying its marking."""
    if max_level is None:
        conditions = marking.releasable_to or marking.originator_control or marking.purpose
        return _RANK[marking.tlp] <= _RANK["GREEN"] and not conditions
    return _RANK[marking.tlp] <= _RANK[max_level]


def export_audience(max_level: str | None) -> str:
    """An export's audience in words, as the exporter and the audit see it. English on purpose: it travels in an
    HTTP header (``X-Liaison-Audience``, Latin-1 only) and the audit, not in a page."""
    if max_level is None:
        return "the network: TLP:CLEAR and TLP:GREEN values without handling conditions"
    return f"cleared up to TLP:{max_level}: every value up to it, each with its marking"


def levels_up_to(level: str) -> tuple[str, ...]:
    """The TLP levels no stricter than ``level``."""
    return LEVELS[: _RANK[level] + 1]


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    reason: str


def may_forward(
    marking: Marking, *, to_member: str | None, same_organisation: bool, within_network: bool, originator_consent: bool
) -> Decision:
    """May a recipient pass the information on? ``to_member`` is the new recipient's member code (None for a
    recipient outside every member, e.g. the public)."""
    if marking.originator_control and not originator_consent:
        return Decision(False, _("originator control: the originator has not consented to onward forwarding"))
    if marking.releasable_to and (to_member is None or to_member not in marking.releasable_to):
        return Decision(False, _("releasable only to %(members)s", members=", ".join(marking.releasable_to)))
    # Each level adds its condition to those of the levels below it, so a stricter level never allows more.
    rank = _RANK[marking.tlp]
    if rank >= _RANK["RED"]:
        return Decision(False, _("TLP:RED is for the named recipients only"))
    if rank >= _RANK["AMBER+STRICT"] and not same_organisation:
        return Decision(False, _("TLP:AMBER+STRICT stays within the recipient's organisation"))
    if rank >= _RANK["AMBER"] and not (same_organisation or originator_consent):
        return Decision(
            False, _("TLP:AMBER goes beyond the recipient's organisation only with the originator's consent")
        )
    if rank >= _RANK["GREEN"] and not (within_network or same_organisation):
        return Decision(False, _("TLP:%(level)s stays within the network", level=marking.tlp))
    return Decision(True, _("TLP:%(level)s allows it", level=marking.tlp))
