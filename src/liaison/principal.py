"""Who is acting: a user with organisation, member and role grants, and what the directory lets them see.

Need to know: a user sees a network's directory when they administer it, when their agency's member belongs
to it, or when they are a node admin or auditor. A contact point edits its own organisation's entries.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Principal:
    user_id: uuid.UUID | None
    username: str
    organisation_id: uuid.UUID | None
    member_id: uuid.UUID | None
    grants: frozenset[tuple[str, uuid.UUID | None]] = field(default_factory=frozenset)
    member_networks: frozenset[uuid.UUID] = field(default_factory=frozenset)
    via: str = "api"
    ip: str = ""
    # The node operator at the local command line: the machine's authority (reads every message), audited as
    # such. Set only by the CLI when no --as is given, whether or not an ``operator`` user account exists.
    operator: bool = False

    def has(self, role: str, network_id: uuid.UUID | None = None) -> bool:
        return (role, None) in self.grants or (network_id is not None and (role, network_id) in self.grants)

    @property
    def is_admin(self) -> bool:
        return ("admin", None) in self.grants

    @property
    def is_auditor(self) -> bool:
        return self.is_admin or any(role == "auditor" for role, _ in self.grants)

    def administers(self, network_id: uuid.UUID) -> bool:
        return self.is_admin or self.has("network_admin", network_id)

    @property
    def administered_networks(self) -> frozenset[uuid.UUID]:
        return frozenset(n for role, n in self.grants if role == "network_admin" and n is not None)

    def sees_all(self) -> bool:
        return self.is_admin or ("auditor", None) in self.grants or ("network_admin", None) in self.grants

    def can_see_network(self, network_id: uuid.UUID) -> bool:
        return (
            self.sees_all()
            or network_id in self.member_networks
            or network_id in self.administered_networks
            or ("auditor", network_id) in self.grants
        )

    def can_edit_organisation(self, organisation_id: uuid.UUID, network_ids: frozenset[uuid.UUID]) -> bool:
        """Own agency's entries (with the contact point role), or any agency on a network one administers."""
        if self.is_admin:
            return True
        if organisation_id == self.organisation_id and any(
            r in ("contact_point", "network_admin") for r, _ in self.grants
        ):
            return True  # a contact point keeps its own agency's entries; a secretariat its own desk
        return any(self.administers(n) for n in network_ids)

    def with_request(self, via: str, ip: str) -> Principal:
        return Principal(
            self.user_id,
            self.username,
            self.organisation_id,
            self.member_id,
            self.grants,
            self.member_networks,
            via,
            ip,
            self.operator,
        )
