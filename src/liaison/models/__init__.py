"""SQLAlchemy 2 typed ORM, one module per aggregate. Importing this package registers every table."""

from liaison.models.accounts import ApiToken, Organisation, RoleGrant, User, WebSession
from liaison.models.analysis import Incident, Transaction
from liaison.models.audit import AuditEvent
from liaison.models.bank import (
    BankChange,
    BankEntity,
    BankImport,
    BankRevision,
    ListReference,
    MergeProposal,
    ScreeningDecision,
    ScreeningHit,
    ScreeningRun,
    Statement,
)
from liaison.models.base import Base, Record, utcnow
from liaison.models.directory import (
    Channel,
    ContactPoint,
    Designation,
    DirectoryRevision,
    Member,
    Membership,
    MembershipRequest,
    Network,
)
from liaison.models.exchange import (
    Addressee,
    Attachment,
    CaseStep,
    EscalationPolicy,
    Exercise,
    Job,
    Message,
    Notification,
)
from liaison.models.rosters import Override, Rotation, RotationParticipant

__all__ = [
    "Incident",
    "Transaction",
    "BankChange",
    "BankEntity",
    "BankImport",
    "BankRevision",
    "ListReference",
    "MergeProposal",
    "ScreeningDecision",
    "ScreeningHit",
    "ScreeningRun",
    "Statement",
    "Addressee",
    "Attachment",
    "CaseStep",
    "EscalationPolicy",
    "Exercise",
    "Job",
    "Message",
    "Notification",
    "ApiToken",
    "AuditEvent",
    "Base",
    "Channel",
    "ContactPoint",
    "Designation",
    "DirectoryRevision",
    "Member",
    "Membership",
    "MembershipRequest",
    "Network",
    "Organisation",
    "Override",
    "Record",
    "RoleGrant",
    "Rotation",
    "RotationParticipant",
    "User",
    "WebSession",
    "utcnow",
]
