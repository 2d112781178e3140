"""Response models of the link analysis API (documented in the OpenAPI schema): the Graph JSON every graph view
draws, paths, a group's network, cells and the timeline."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from liaison.web.api.exchange_models import ErrorOut


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    text = {
        403: "Refused: link analysis is for analysts and screening officers",
        404: "No such entity, or not one you may see (the two look the same)",
        422: "A filter is wrong (`field` names it), or the graph is too large: narrow it (`graph_too_large`)",
    }
    return {c: {"model": ErrorOut, "description": text[c]} for c in codes}


class EntityRef(BaseModel):
    id: str
    caption: str
    schema_: str = Field(alias="schema", description="Person, Organization, Address, Event")
    href: str | None = Field(None, description="The entity's page")

    model_config = {"populate_by_name": True}


class GraphNode(EntityRef):
    roles: list[str] = Field(description="focus, leader, broker")
    community: int | None = Field(None, description="The cell (community) number, 0 the largest")
    weight: float = Field(description="0..1, the node's size (eigenvector centrality in a group's network)")


class GraphEdge(BaseModel):
    id: str = Field(description="The relation statement's id")
    source: str
    target: str
    relation: str = Field(description="The relation code, e.g. member_of (source to target)")
    label: str = Field(description="The relation in words, in the reader's language")
    grade: str = Field(description="Admiralty grade, e.g. B2")
    style: str = Field(description="confirmed, probable or doubtful (solid, dashed, dotted)")
    source_citation: str
    observed_on: str | None = Field(None, description="YYYY-MM-DD")
    marking: str = Field(description="The statement's handling marking, e.g. TLP:AMBER")
    amount: str | None = None


class GraphOut(BaseModel):
    nodes: list[GraphNode]
    edges: list[GraphEdge]
    marking: str = Field(description="The strictest marking of the edges shown")


class Filters(BaseModel):
    min_grade: str | None = None
    since: str | None = None
    until: str | None = None


class PathOut(BaseModel):
    nodes: list[GraphNode]
    edges: list[GraphEdge] = Field(description="In path order; each keeps its own direction (source, target)")


class PathsOut(BaseModel):
    a: GraphNode
    b: GraphNode
    filters: Filters
    length: int | None = Field(None, description="Relations on a shortest path (null: no path you may see)")
    paths: list[PathOut] = Field(description="At most 10 shortest paths, best graded first")
    graph: GraphOut
    marking: str


class MemberOut(BaseModel):
    entity: EntityRef
    stated_roles: list[str] = Field(description="member, leader, faction: as the relations state them")
    roles: list[str] = Field(description="leader, broker: as the analysis finds them")
    degree: float
    betweenness: float
    eigenvector: float
    community: int | None


class CommunitySummary(BaseModel):
    count: int
    modularity: float
    sizes: list[int]


class NetworkOut(BaseModel):
    group: EntityRef
    filters: Filters
    members: list[MemberOut]
    leaders: list[str]
    brokers: list[str]
    communities: CommunitySummary
    graph: GraphOut
    marking: str


class CommunityOut(BaseModel):
    community: int
    size: int
    members: list[EntityRef] = Field(description="Its best-tied members (by degree)")


class CommunitiesOut(BaseModel):
    filters: Filters
    entities: int
    relations: int
    modularity: float
    count: int
    communities: list[CommunityOut]


class YearOut(BaseModel):
    year: int
    members: int
    relations: int
    density: float
    top_broker: EntityRef | None


class TimelineOut(BaseModel):
    group: EntityRef
    years: list[YearOut]
    marking: str
