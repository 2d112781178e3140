"""Liaison's name matching: a pure library (no database or web imports).

Names in any script are reduced to comparable Latin parts (:mod:`.normalize`), indexed under script-aware keys
(:mod:`.keys`, :mod:`.index`) and scored by named, versioned algorithms (:mod:`.algorithms`) that explain every
score (:class:`Explanation`): which query form matched which name, and which features added or subtracted.
"""

from liaison.matching.algorithms import (
    ALGORITHMS,
    DEFAULT,
    Algorithm,
    LiaisonNameV1,
    LiaisonNameV2,
    LiaisonNameV3,
    get_algorithm,
)
from liaison.matching.index import Index
from liaison.matching.normalize import NameForm, analyze
from liaison.matching.types import NAME_KINDS, Explanation, Feature, Hit, Name, Query, Record

__all__ = [
    "ALGORITHMS",
    "DEFAULT",
    "NAME_KINDS",
    "Algorithm",
    "Explanation",
    "Feature",
    "Hit",
    "Index",
    "LiaisonNameV1",
    "LiaisonNameV2",
    "LiaisonNameV3",
    "Name",
    "NameForm",
    "Query",
    "Record",
    "analyze",
    "get_algorithm",
]
