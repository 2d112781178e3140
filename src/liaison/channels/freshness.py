"""Whether a channel's verification can still be trusted: the one rule that readiness warnings and exercise reports
share, so the two never disagree about which channels are stale.

A channel is *never verified* when nobody has confirmed a test message on it, and *stale* when its last confirmation
is older than the node's ``channel_stale_days`` (LIAISON_CHANNEL_STALE_DAYS). Pure: no database, no web.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

STALE_DAYS = 180
"""The default age after which a verification is stale (the settings' default, LIAISON_CHANNEL_STALE_DAYS)."""

NEVER_VERIFIED = "never_verified"
STALE = "stale"


@dataclass(frozen=True, slots=True)
class Staleness:
    """What is wrong with a channel's verification: ``kind`` is :data:`NEVER_VERIFIED` or :data:`STALE`."""

    kind: str
    verified_at: datetime | None

    @property
    def never(self) -> bool:
        return self.kind == NEVER_VERIFIED

    def problem(self) -> str:
        """The report's wording (stored in exports and read by scripts: English, not translated)."""
        if self.verified_at is None:
            return "never verified"
        return f"last verified {self.verified_at.date().isoformat()}"


def staleness(verified_at: datetime | None, now: datetime, stale_days: int = STALE_DAYS) -> Staleness | None:
    """``None`` for a channel verified within ``stale_days`` of ``now``; else why it is not to be trusted."""
    if verified_at is None:
        return Staleness(NEVER_VERIFIED, None)
    if now - verified_at > timedelta(days=stale_days):
        return Staleness(STALE, verified_at)
    return None
