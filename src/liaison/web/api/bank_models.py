"""Request and response models of the bank's search and screening API (documented in the OpenAPI schema)."""

from __future__ import annotations

import uuid
from typing import Any, Literal

from pydantic import BaseModel, Field

from liaison.web.api.common import ApiModel
from liaison.web.api.exchange_models import ErrorOut

Verdict = Literal["true_match", "false_match"]


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    text = {
        403: "Refused: the bank is for analysts and screening officers (deciding: analysts)",
        404: "No such entity, run or hit, or not one you may see (the two look the same)",
        409: "Refused: the import would delist more than LIAISON_IMPORT_MAX_DELISTED_SHARE of the list's active "
        "entries (`mass_delisting`, with the figures); nothing was imported",
        413: "The screening file is over the size or row limit",
        422: "A field's value is wrong; `field` names it (a CSV error names the line)",
    }
    return {c: {"model": ErrorOut, "description": text[c]} for c in codes}


class Explanation(BaseModel):
    """Why the score is what it is: which name matched which, and each feature's weight."""

    model_config = {"extra": "allow"}
    algorithm: str
    query_name: str
    matched_name: str
    matched_kind: str
    features: list[dict[str, Any]]


class SearchHit(BaseModel):
    entity_id: uuid.UUID
    reference: str = Field(description="The list's reference number (e.g. QDi.400) where there is one, else the id")
    schema_: str = Field(alias="schema", description="Person, Organization, Address or Event")
    caption: str = Field(description="The best name you may see")
    status: str = Field(description="active or delisted (a delisted entity is still found)")
    score: float | None = Field(description="0-1; None when listing by filters without a name")
    match: bool | None
    name: str = Field(description="The name that matched")
    explanation: Explanation | None


class SearchOut(BaseModel):
    items: list[SearchHit]


class NameOut(BaseModel):
    name: str
    kind: str | None
    script: str | None
    statement_id: uuid.UUID


class StatementOut(BaseModel):
    id: uuid.UUID
    entity_id: uuid.UUID = Field(description="The entity stated about (a merged one keeps its own)")
    prop: str
    value: str
    name_kind: str | None
    script: str | None
    object_id: uuid.UUID | None
    contributor: str = Field(description="The contributing organisation ('node' for the node itself)")
    source: str
    observed_on: str | None
    grade: str = Field(description="Admiralty grade, e.g. B2")
    reliability: str
    credibility: str
    marking: str = Field(description="The marking label, e.g. 'TLP:AMBER, REL TO FR, DE'")
    tlp: str
    review_date: str | None
    retracted_at: str | None


class OtherEnd(BaseModel):
    id: uuid.UUID
    schema_: str = Field(alias="schema")
    caption: str
    status: str


class RelationOut(BaseModel):
    relation: str
    direction: Literal["out", "in"]
    other: OtherEnd
    statement: StatementOut


class ReferenceOut(BaseModel):
    list: str
    reference: str
    listed_on: str | None
    delisted_on: str | None


class EntityOut(BaseModel):
    id: uuid.UUID
    schema_: str = Field(alias="schema")
    caption: str
    reference: str
    status: str
    data_subject_category: str | None
    legal_basis: str
    review_date: str | None
    contributor: str
    merged_into: uuid.UUID | None = Field(description="Set when this entity was merged into another")
    names: list[NameOut]
    properties: dict[str, list[StatementOut]] = Field(
        description="Statements by property, conflicting ones side by side"
    )
    relations: list[RelationOut]
    references: list[ReferenceOut]
    merged: list[uuid.UUID] = Field(description="Entities merged into this one")


class NodeOut(BaseModel):
    id: uuid.UUID
    schema_: str = Field(alias="schema")
    caption: str
    status: str
    depth: int


class EdgeOut(BaseModel):
    source: uuid.UUID
    target: uuid.UUID
    relation: str
    statement_id: uuid.UUID


class GraphOut(BaseModel):
    nodes: list[NodeOut]
    edges: list[EdgeOut]


class QueryIn(ApiModel):
    id: str = Field(min_length=1, max_length=200)
    name: str = Field(min_length=1, max_length=1000)
    birth_date: str | None = Field(None, max_length=20, description="YYYY, YYYY-MM or YYYY-MM-DD")
    nationality: str | None = Field(None, max_length=100, description="ISO 3166 alpha-2/alpha-3 or a country name")


class ScreeningIn(ApiModel):
    queries: list[QueryIn] = Field(min_length=1)
    top: int = Field(5, ge=1, le=50)
    threshold: float | None = Field(None, ge=0, le=1)
    algorithm: str | None = None


class MatchOut(BaseModel):
    hit_id: uuid.UUID = Field(description="Post a decision to /bank/hits/{hit_id}/decision")
    entity_id: uuid.UUID
    reference: str
    name: str
    score: float
    match: bool
    decision: Verdict | None = Field(description="The remembered decision applied, if any")
    explanation: Explanation


class LineOut(BaseModel):
    query_id: str
    matches: list[MatchOut]


class ScreeningOut(BaseModel):
    id: uuid.UUID
    by: str
    via: str
    filename: str
    algorithm: str
    threshold: float
    top: int
    query_count: int
    match_count: int = Field(description="Names with at least one match")
    created_at: str
    finished_at: str | None
    results: list[LineOut]


class DecisionIn(ApiModel):
    verdict: Verdict
    note: str = Field("", max_length=2000)


class DecisionOut(BaseModel):
    hit_id: uuid.UUID
    entity_id: uuid.UUID
    decision: Verdict
    match: bool
