"""Request and response models of the exchange API (documented in the OpenAPI schema)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StrictBool

from liaison.actions import exchange as act
from liaison.marking import Marking
from liaison.timeinput import EXERCISE_WINDOW_MINUTES
from liaison.web.api.common import ApiModel

Kind = Literal["request", "threat_notice", "victim_referral", "reachability_test"]
Priority = Literal["flash", "urgent", "routine"]
Step = Literal["received", "victim_contacted", "support_engaged", "transmitted_to_prosecutor", "closed"]


# -- documented answers --


class ErrorOut(BaseModel):
    """The error body (see app.py); a refused forward also says ``to`` and ``reason``."""

    model_config = ConfigDict(extra="allow")
    detail: str = Field(description="What is wrong, for a person to read")
    code: str = Field(description="Machine-readable kind: invalid, not_found, forbidden, conflict, too_large")
    field: str | None = Field(None, description="The field at fault (422)")
    suggestions: list[str] | None = Field(None, description="Close matches (404)")


def _errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    text = {
        403: "Refused: your roles or the marking do not allow it (audited)",
        404: "No such message, or not one you may read (the two look the same)",
        409: "Already done (acknowledged, closed, link used)",
        413: "An attachment is over the size limit",
        422: "A field's value is wrong; `field` names it",
    }
    return {c: {"model": ErrorOut, "description": text[c]} for c in codes}


class AddresseeRef(BaseModel):
    id: uuid.UUID
    member: str | None = Field(description="Member code, when the addressee is a member or one of its contacts")
    label: str
    contact_point_id: uuid.UUID | None = Field(description="Set when a contact point was addressed by name")


class SentOut(BaseModel):
    id: uuid.UUID
    thread_id: uuid.UUID
    parent_id: uuid.UUID | None = Field(None, description="The message replied to")
    forwarded_from_id: uuid.UUID | None = Field(None, description="The message this is a forwarded copy of")
    marking: str = Field(description="The marking label, e.g. 'TLP:AMBER, originator control'")
    addressees: list[AddresseeRef]
    escalation_policy: str | None = Field(description="The policy frozen into the message (None: no escalation)")
    response_due_at: datetime | None = Field(description="A request's response clock")


class NextStep(BaseModel):
    target: str
    round: int
    due_at: datetime


class AddresseeOut(AddresseeRef):
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    acknowledged_via: str | None
    seconds_to_acknowledge: float | None
    escalation: str = Field(description="running, stopped or exhausted (or none)")
    next_escalation: NextStep | None
    answer: str | None = Field(description="will_answer or cannot_answer (the response clock)")
    answer_by: datetime | None
    answered_at: datetime | None
    answer_note: str | None
    response_overdue: bool
    yours: bool = Field(description="Your organisation answers for this addressee")


class MarkingOut(BaseModel):
    tlp: str
    originator_control: bool
    purpose: str | None
    releasable_to: list[str]
    label: str


class SenderOut(BaseModel):
    name: str
    organisation: str | None
    member: str | None


class AttachmentOut(BaseModel):
    id: uuid.UUID
    filename: str
    content_type: str
    size: int
    sha256: str


class NotificationOut(BaseModel):
    id: uuid.UUID
    round: int
    step: int
    target: str
    reason: str
    contact: str | None
    channel: str | None
    address: str | None
    status: str = Field(description="pending, sending, sent, failed or skipped")
    attempts: int
    last_error: str | None
    due_at: datetime | None
    sent_at: datetime | None
    link_used_at: datetime | None


class CaseStepOut(BaseModel):
    step: str
    at: datetime
    by: str
    note: str | None


class ThreadEntry(BaseModel):
    id: uuid.UUID
    subject: str
    sent_at: datetime
    sender: str
    current: bool


class YouOut(BaseModel):
    sender: bool
    addressee: bool
    may_acknowledge: bool
    may_reply: bool
    may_forward: bool
    may_export: bool
    may_close: bool


class MessageOut(BaseModel):
    """A message as the reader may see it, with its delivery and escalation history."""

    id: uuid.UUID
    network: str
    kind: str
    priority: str
    subject: str
    body: str
    legal_basis: str
    marking: MarkingOut
    forward_consent: list[str]
    sender: SenderOut
    sent_at: datetime
    status: str
    closed_at: datetime | None
    outcome: str | None
    response_due_at: datetime | None
    escalation_policy: str | None
    thread_id: uuid.UUID
    parent_id: uuid.UUID | None
    forwarded_from_id: uuid.UUID | None
    case_step: str | None
    exercise_id: uuid.UUID | None
    addressees: list[AddresseeOut]
    attachments: list[AttachmentOut]
    notifications: list[NotificationOut]
    case_steps: list[CaseStepOut]
    thread: list[ThreadEntry] = Field(description="The thread's messages you may read")
    you: YouOut


class InboxAddressee(BaseModel):
    label: str
    acknowledged: bool


class InboxItemOut(BaseModel):
    id: uuid.UUID
    network: str
    kind: str
    priority: str
    subject: str
    tlp: str
    sender: str
    sent_at: datetime
    status: str
    direction: Literal["in", "out"]
    acknowledged: bool | None = Field(description="All your addressees acknowledged (None for outgoing)")
    escalates_at: datetime | None = Field(description="When the next escalation step fires while unacknowledged")
    response_due_at: datetime | None
    response_overdue: bool
    addressees: list[InboxAddressee]
    thread_id: uuid.UUID


class InboxOut(BaseModel):
    at: datetime
    items: list[InboxItemOut]


class Withheld(BaseModel):
    id: uuid.UUID
    reason: str


class ExportOut(BaseModel):
    thread_id: uuid.UUID
    exported_at: datetime
    exported_by: str
    messages: list[MessageOut]
    withheld: list[Withheld] = Field(description="Messages of the thread you read but may not export (TLP:RED)")


class AcknowledgedOut(BaseModel):
    message_id: uuid.UUID
    acknowledged_for: list[str] = Field(description="The addressees acknowledged for")
    acknowledged_at: datetime


class LinkOut(BaseModel):
    message_id: uuid.UUID
    acknowledged_for: str = Field(description="The addressee the link was sent for")
    first: bool = Field(description="False when someone had acknowledged for this addressee already")


class AnswerOut(BaseModel):
    message_id: uuid.UUID
    answer: Literal["will_answer", "cannot_answer"]
    answer_by: datetime | None
    for_: list[str] = Field(alias="for", description="The addressees answered for")


class ConsentOut(BaseModel):
    message_id: uuid.UUID
    forward_consent: list[str] = Field(description="Members the originator consents to forwarding to ('*': any)")


class ClosedOut(BaseModel):
    message_id: uuid.UUID
    status: str
    closed_at: datetime | None
    outcome: str


class CaseStepDone(BaseModel):
    message_id: uuid.UUID
    step: str
    at: datetime
    by: str
    status: str = Field(description="The message's status (the step 'closed' closes it)")


class PolicyStepOut(BaseModel):
    target: str
    delay_seconds: int


class PolicyOut(BaseModel):
    priority: str
    policy: str = Field(examples=["on-duty@0s,deputy@5m,desk@10m,secretariat@15m,repeat"])
    default: bool = Field(description="True when the network has set none and the built-in default applies")
    steps: list[PolicyStepOut]
    repeat: bool


class PoliciesOut(BaseModel):
    network: str
    policies: list[PolicyOut]


class ExerciseOut(BaseModel):
    id: uuid.UUID
    network: str
    scheduled_at: datetime
    started_at: datetime | None
    window_minutes: int
    status: str = Field(description="scheduled, running or cancelled")
    note: str | None
    created_by: str


# -- inputs --


class MarkingIn(ApiModel):
    tlp: str = Field(
        "AMBER",
        max_length=30,
        description="TLP 2.0 level: CLEAR, GREEN, AMBER, AMBER+STRICT or RED ('TLP:AMBER+STRICT' or 'amber' both work)",
        examples=["TLP:AMBER+STRICT", "green"],
    )
    originator_control: StrictBool = Field(False, description="No onward forwarding without the originator's consent")
    purpose: str = Field("", max_length=500, description="Purpose limitation, e.g. 'criminal investigation only'")
    releasable_to: list[str] = Field(
        default_factory=list, max_length=100, description="Member codes it may go to; empty: no list restriction"
    )

    def parsed(self) -> Marking:
        return act.parse_marking(self.tlp, self.originator_control, self.purpose, self.releasable_to)


class AttachmentIn(ApiModel):
    filename: str = Field(min_length=1, max_length=255, examples=["passenger-list.pdf"])
    content_type: str | None = Field(
        None, max_length=200, description="The type you declare; it must agree with the content and the extension"
    )
    content_base64: str = Field(description="The file, base64 encoded (RFC 4648 standard alphabet; line breaks ok)")


class MessageIn(ApiModel):
    network: str = Field(max_length=40, examples=["FTF"])
    kind: Kind
    priority: Priority
    subject: str = Field(max_length=300)
    body: str = Field("", max_length=act.MAX_BODY)
    legal_basis: str = Field(
        "",
        max_length=2000,
        description="Required except for a reachability test",
        examples=["Art. 7 Decision 2005/671/JHA"],
    )
    marking: MarkingIn = Field(default_factory=lambda: MarkingIn.model_validate({}))
    to: list[str] = Field(
        default_factory=list,
        max_length=100,
        description="Members of the network: code (DE), alpha-3 code (DEU) or English name (Germany)",
    )
    to_contacts: list[uuid.UUID] = Field(default_factory=list, max_length=100, description="Contact point ids")
    response_hours: float | None = Field(
        None, gt=0, le=720, description="A request's response clock in hours (default: the node's setting)"
    )
    attachments: list[AttachmentIn] = Field(default_factory=list, max_length=act.MAX_ATTACHMENTS)


class AcknowledgeIn(ApiModel):
    member: str | None = Field(None, max_length=40, description="Acknowledge only for this addressed member")


class AnswerIn(ApiModel):
    will_answer: StrictBool = Field(description="Whether the request will be answered")
    answer_by: AwareDatetime | None = Field(None, description="By when (with a time zone offset)")
    note: str = Field("", max_length=2000)


class ReplyIn(ApiModel):
    body: str = Field(max_length=act.MAX_BODY)
    subject: str = Field("", max_length=300, description="Default: 'Re: ' and the message's subject")
    marking: MarkingIn | None = Field(None, description="Made at least as strict as the message's marking")
    attachments: list[AttachmentIn] = Field(default_factory=list, max_length=act.MAX_ATTACHMENTS)


class ForwardIn(ApiModel):
    to: list[str] = Field(min_length=1, max_length=100, description="Member codes of the network")
    note: str = Field("", max_length=2000, description="Put above the forwarded text")


class ConsentIn(ApiModel):
    members: list[str] = Field(min_length=1, max_length=100, description="Member codes, or '*' for any member")


class CloseIn(ApiModel):
    outcome: str = Field(max_length=2000, examples=["Information provided; suspect detained at arrival"])


class CaseStepIn(ApiModel):
    step: Step
    note: str = Field("", max_length=2000)
    at: AwareDatetime | None = Field(None, description="When it happened (default now); not in the future")


class PolicyIn(ApiModel):
    policy: str = Field(max_length=500, examples=["on-duty@0s,deputy@5m,desk@10m,secretariat@15m,repeat"])


class ExerciseIn(ApiModel):
    at: AwareDatetime = Field(description="When the test is sent to every member's contact on duty")
    window_minutes: int = Field(
        30, ge=EXERCISE_WINDOW_MINUTES.least, le=EXERCISE_WINDOW_MINUTES.most, description="Time allowed to acknowledge"
    )
    note: str = Field("", max_length=2000)
