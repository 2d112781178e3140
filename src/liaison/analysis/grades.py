"""Admiralty grades (source reliability A-F, information credibility 1-6) for analysis: the minimum-grade filter
and the three line styles every picture draws an edge in.

A grade is as good as ``minimum`` when *both* its letters are at least as good: ``B2`` passes a ``C3`` minimum,
``A4`` does not (the information is less credible than asked for, however reliable the source). F and 6 mean
"cannot be judged", the weakest."""

from __future__ import annotations

RELIABILITY = "ABCDEF"
CREDIBILITY = "123456"
STYLES = ("confirmed", "probable", "doubtful")  # solid, dashed, dotted in every picture


def valid(grade: str) -> bool:
    return len(grade) == 2 and grade[0] in RELIABILITY and grade[1] in CREDIBILITY


def parse(text: str) -> str:
    """``b2`` or ``B2`` to ``B2``; ValueError on anything else."""
    grade = text.strip().upper()
    if not valid(grade):
        raise ValueError(f"{text!r} is not an Admiralty grade (A-F then 1-6, as in B2)")
    return grade


def at_least(grade: str, minimum: str | None) -> bool:
    """Is ``grade`` at least as good as ``minimum`` on both scales (no minimum: always)?"""
    if not minimum:
        return True
    return RELIABILITY.index(grade[0]) <= RELIABILITY.index(minimum[0]) and CREDIBILITY.index(
        grade[1]
    ) <= CREDIBILITY.index(minimum[1])


def style(grade: str) -> str:
    """``confirmed`` (A-B and 1-2), ``probable`` (up to C3) or ``doubtful`` (the rest, and the ungradable)."""
    if at_least(grade, "B2"):
        return "confirmed"
    if at_least(grade, "C3"):
        return "probable"
    return "doubtful"
