"""The pictures and tables an analysis can put into a briefing, by kind, so the briefing (web, API and CLI) can
bundle any of them without knowing the analyses.

Each analysis registers a builder for its kind (``group-network``, ``funding``, ``trends``, ``forecast``, ``map``,
...) with :func:`register`; a briefing item is ``KIND`` or ``KIND:ARGUMENT`` (``group-network:<entity id>``,
``trends:region``). A builder runs as the viewer, through the same access-filtered queries as the page, and
returns a :class:`Figure` whose marking is the strictest of the rows it drew on; the briefing is marked as the
strictest of its figures.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from liaison.charts import Svg
from liaison.errors import InvalidInput
from liaison.i18n import _
from liaison.marking import Marking
from liaison.principal import Principal


@dataclass(frozen=True, slots=True)
class Table:
    columns: list[str]
    rows: list[list[str]]


@dataclass(frozen=True, slots=True)
class Figure:
    """One picture (SVG), with the table behind it, its marking and notes (model error, synthetic data)."""

    key: str
    title: str
    marking: Marking
    svg: Svg | None = None
    table: Table | None = None
    notes: list[str] = field(default_factory=list)


Builder = Callable[[Session, Principal, str], Figure]


@dataclass(frozen=True, slots=True)
class Kind:
    name: str
    label: Any  # a lazy string: the kind in the reader's language
    builder: Builder
    needs_argument: bool


KINDS: dict[str, Kind] = {}


def register(name: str, label: Any, *, needs_argument: bool = False) -> Callable[[Builder], Builder]:
    def add(fn: Builder) -> Builder:
        KINDS[name] = Kind(name, label, fn, needs_argument)
        return fn

    return add


def build(session: Session, actor: Principal, item: str) -> Figure:
    """The figure for one briefing item (``KIND`` or ``KIND:ARGUMENT``)."""
    load()
    name, _sep, argument = item.partition(":")
    kind = KINDS.get(name)
    if kind is None and not KINDS:
        raise InvalidInput("include", _("unknown picture %(item)s: no pictures are available yet", item=item))
    if kind is None:
        raise InvalidInput(
            "include", _("unknown picture %(item)s: choose from %(kinds)s", item=item, kinds=", ".join(sorted(KINDS)))
        )
    if kind.needs_argument and not argument:
        raise InvalidInput("include", _("picture %(kind)s needs an argument, as in %(kind)s:ID", kind=name))
    return kind.builder(session, actor, argument)


def load() -> None:
    """Import the modules that register figures (each analysis's figures module)."""
    from liaison.queries import analysis_figures  # noqa: F401
