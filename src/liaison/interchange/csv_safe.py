"""The one CSV writer of every export (audit log, bank, directory), and the reverse step for our importers.

Spreadsheets run a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula: a name such as
``=cmd|' /C calc'!A0`` typed into a login form or a bank record would run on the machine of the auditor or
analyst who opens the export (CSV injection). Following OWASP's advice, :func:`neutralise` puts a single quote
before any cell that starts with one of :data:`TRIGGERS`: ``= + - @``, a tab, a carriage return or a line
feed, and the fullwidth ``＝ ＋ － ＠`` that some spreadsheets read as their ASCII forms. Phone numbers
(``+33 1 40 00 00 00``) are quoted too: a spreadsheet would take them for a sum. The one exception is a plain
negative number (``-12`` or ``-48.85``: a minus sign, digits, at most one decimal point), which cannot call
anything and stays a number for whoever sorts the column.

The rule can be undone without loss. :func:`restore` takes one quote off a cell that is a quote followed by a
trigger or by another quote; :func:`neutralise` therefore also quotes a cell that already starts that way
(``'=x`` becomes ``''=x``), so ``restore(neutralise(s)) == s`` for every string. Our importers (directory CSV,
bank CSV, screening CSV) call :func:`restore` on each cell, so an export read back gives what was exported;
in a hand-written file, ``'=x`` means ``=x`` there as it does in a spreadsheet.

Every cell also goes through :func:`liaison.textsafety.visible_bidi`: a directional override (U+202E) shows
as ``⟨U+202E⟩`` instead of turning the cell around. That is the one change a round trip makes on purpose.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any, Protocol

from liaison.textsafety import visible_bidi

TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
QUOTE = "'"
_NEGATIVE_NUMBER = re.compile(r"-[0-9]+(?:\.[0-9]+)?\Z")


class _Writable(Protocol):
    def write(self, s: str, /) -> Any: ...


def neutralise(value: object) -> str:
    """The cell a spreadsheet will show as text: ``None`` is empty, anything else its ``str``, quoted when it
    starts with a trigger (or already looks quoted), directional controls made visible."""
    text = "" if value is None else visible_bidi(str(value))
    if text.startswith(TRIGGERS) and not _NEGATIVE_NUMBER.match(text):
        return QUOTE + text
    if text.startswith(QUOTE) and text[1:2] and (text[1:].startswith(TRIGGERS) or text[1] == QUOTE):
        return QUOTE + text
    return text


def restore(cell: str) -> str:
    """The value :func:`neutralise` quoted: one leading quote off when a trigger or a quote follows it."""
    if cell.startswith(QUOTE) and cell[1:2] and (cell[1:].startswith(TRIGGERS) or cell[1] == QUOTE):
        return cell[1:]
    return cell


class Writer:
    """``csv.writer`` whose every cell goes through :func:`neutralise` (header included)."""

    def __init__(self, out: _Writable, lineterminator: str = "\r\n") -> None:
        self._out = csv.writer(out, lineterminator=lineterminator)

    def writerow(self, cells: Iterable[object]) -> None:
        self._out.writerow([neutralise(c) for c in cells])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)
