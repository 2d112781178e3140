"""The values the matching library takes and gives: plain frozen dataclasses, no database or web types.

``audience`` is an opaque integer the bank gives each statement's visibility class. The library never interprets
it; a search given ``audiences`` treats every name, birth date and nationality outside that set as absent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from liaison.matching.wording import english

NAME_KINDS = ("primary", "alias", "code_name", "former_name", "weak_alias")


@dataclass(frozen=True, slots=True)
class Name:
    text: str
    kind: str = "primary"  # primary | alias | code_name | former_name | weak_alias
    audience: int = 0


@dataclass(frozen=True, slots=True)
class Record:
    """One entity as the matcher sees it: its names and the evidence a query can be checked against."""

    id: str
    names: tuple[Name, ...]
    schema: str = "Person"
    reference: str | None = None
    # (partial ISO date "1974", "1974-05-02" or range "1960/1965", audience)
    birth_dates: tuple[tuple[str, int], ...] = ()
    nationalities: tuple[tuple[str, int], ...] = ()  # (ISO 3166 alpha-2, audience)


@dataclass(frozen=True, slots=True)
class Query:
    id: str
    name: str
    birth_date: str | None = None
    nationality: str | None = None
    schema: str | None = None


@dataclass(frozen=True, slots=True)
class Feature:
    """One reason the score moved: ``weight`` is what it added (positive) or took away (negative)."""

    name: str
    weight: float
    detail: str  # English, the record (see liaison.matching.wording)
    wording: str = ""  # the key of its wording, for a reader in another language; "" for the name comparison
    params: tuple[tuple[str, str], ...] = ()

    @classmethod
    def worded(cls, name: str, weight: float, wording: str, **params: str) -> Feature:
        return cls(name, weight, english(wording, **params), wording, tuple(params.items()))

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "weight": round(self.weight, 4), "detail": self.detail}
        if self.wording:
            out["wording"], out["params"] = self.wording, dict(self.params)
        return out


@dataclass(frozen=True, slots=True)
class Explanation:
    algorithm: str
    query_name: str
    matched_name: str
    matched_kind: str
    features: tuple[Feature, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {
            "algorithm": self.algorithm,
            "query_name": self.query_name,
            "matched_name": self.matched_name,
            "matched_kind": self.matched_kind,
            "features": [f.to_dict() for f in self.features],
        }

    def summary(self) -> str:
        """One line for a results table: the name pair, then each feature with its sign."""
        parts = ", ".join(f"{f.name} {f.weight:+.2f}" for f in self.features)
        return f"{self.query_name!r} ~ {self.matched_name!r} ({self.matched_kind}): {parts}"


@dataclass(frozen=True, slots=True)
class Hit:
    record_id: str
    reference: str | None
    name: str
    score: float
    match: bool
    explanation: Explanation

    def to_dict(self) -> dict[str, Any]:
        return {
            "entity_id": self.record_id,
            "reference": self.reference if self.reference is not None else self.record_id,
            "name": self.name,
            "score": round(self.score, 4),
            "match": self.match,
            "explanation": self.explanation.to_dict(),
        }
