"""Resolution rules shared by the timeline sweep and the point lookup.

At any instant the winner is: the covering override with the highest ``seq`` (ties: later in
``Roster.overrides``); else the covering rotation with the highest ``layer`` (ties: earlier in
``Roster.rotations``); else a gap.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .model import Override, Rotation, Shift, Source


@dataclass(frozen=True, slots=True)
class Claim:
    """Who a source puts on duty, with the rank that decides between sources (higher wins)."""

    rank: tuple[int, int, int]
    participant: str | None
    source: Source
    source_id: str | None
    layer: int | None

    @property
    def key(self) -> tuple[str | None, Source, str | None]:
        """What identifies a segment: neighbours with equal keys are merged."""
        return (self.participant, self.source, self.source_id)

    def shift(self, start: datetime, end: datetime) -> Shift:
        return Shift(start, end, self.participant, self.source, self.source_id, self.layer)


GAP = Claim((-1, 0, 0), None, "gap", None, None)


def override_claim(index: int, override: Override) -> Claim:
    return Claim((1, override.seq, index), override.participant, "override", override.id, None)


def rotation_claim(index: int, rotation: Rotation, participant: str) -> Claim:
    return Claim((0, rotation.layer, -index), participant, "rotation", rotation.id, rotation.layer)
