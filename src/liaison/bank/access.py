"""Who sees which statement of the bank: pure rules, mirrored in SQL by :mod:`liaison.queries.bank_access`.

Need to know: only analysts and screening officers (and the node operator at the command line) read the bank.
Among them, a statement is visible to its contributing organisation always, and to others by its marking:

- TLP:CLEAR, GREEN and AMBER: every bank reader on this node (the bank is the community's shared
  information centre, and AMBER's "need to know" is the bank role itself), narrowed by a releasable-to list;
- TLP:AMBER+STRICT and RED: only the contributing organisation and the members named in releasable-to.

An entity exists for a viewer only if at least one of its *name* statements is visible to them: a search,
a screening or a relation never reveals a record whose names the viewer may not see.

The matching index does not know about organisations: each statement falls in an *audience* (its marking's
visibility class), numbered here, and a viewer is given the set of audience numbers they may see.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

BANK_ROLES = ("analyst", "screening_officer")
OPEN_LEVELS = frozenset({"CLEAR", "GREEN", "AMBER"})


@dataclass(frozen=True, slots=True)
class Viewer:
    """A bank reader: their organisation, their member's code, and whether they are the node operator."""

    organisation_id: uuid.UUID | None
    member_code: str | None
    operator: bool = False
    roles: frozenset[str] = field(default_factory=frozenset)

    @property
    def reads_bank(self) -> bool:
        return self.operator or bool(self.roles & set(BANK_ROLES))

    @property
    def analyst(self) -> bool:
        """May contribute, decide hits and merges (a screening officer screens and reads)."""
        return self.operator or "analyst" in self.roles


def statement_visible(
    viewer: Viewer, *, tlp: str, contributor_organisation_id: uuid.UUID | None, releasable_to: tuple[str, ...]
) -> bool:
    if not viewer.reads_bank:
        return False
    if viewer.operator:
        return True
    if contributor_organisation_id is not None and contributor_organisation_id == viewer.organisation_id:
        return True
    named = viewer.member_code is not None and viewer.member_code in releasable_to
    if tlp in OPEN_LEVELS:
        return not releasable_to or named
    return named


AudienceKey = tuple[str, uuid.UUID | None, tuple[str, ...]]


def audience_key(
    tlp: str, contributor_organisation_id: uuid.UUID | None, releasable_to: tuple[str, ...]
) -> AudienceKey:
    """The visibility class of a statement: open levels are one class, strict ones (AMBER+STRICT, RED) another."""
    return ("open" if tlp in OPEN_LEVELS else "strict", contributor_organisation_id, tuple(sorted(releasable_to)))


class Audiences:
    """Numbers the visibility classes met so far (0 is open to every bank reader, unrestricted and uncontributed)."""

    def __init__(self) -> None:
        self._ids: dict[AudienceKey, int] = {("open", None, ()): 0}

    def number(self, tlp: str, contributor_organisation_id: uuid.UUID | None, releasable_to: tuple[str, ...]) -> int:
        key = audience_key(tlp, contributor_organisation_id, releasable_to)
        found = self._ids.get(key)
        if found is None:
            found = self._ids[key] = len(self._ids)
        return found

    def allowed(self, viewer: Viewer) -> frozenset[int]:
        """The audience numbers ``viewer`` may see."""
        return frozenset(
            n
            for (level, org, rel), n in self._ids.items()
            if statement_visible(
                viewer, tlp="AMBER" if level == "open" else "RED", contributor_organisation_id=org, releasable_to=rel
            )
        )
