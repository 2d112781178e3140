"""Directional controls in plain text: a name or a subject cannot turn the text around it backwards.

A user may type the bidirectional *overrides and embeddings* (U+202A LRE, U+202B RLE, U+202C PDF, U+202D LRO,
U+202E RLO) and *isolates* (U+2066 LRI, U+2067 RLI, U+2068 FSI, U+2069 PDI) into any field. Shown as they are,
``invoice\u202egpj.exe`` reads as ``invoiceexe.jpg`` and a subject can reorder the words of the line it sits on
(the "Trojan Source" trick). Where text has no markup to contain them (a page's ``<title>``, mail subjects and
bodies, CSV cells) :func:`visible_bidi` replaces each of these nine characters with a visible escape naming it,
``⟨U+202E⟩``: the reader sees that the name holds a control and which one, where a blank or ``\ufffd`` would
hide what the author tried. Inside pages, user text is also isolated (``<bdi dir="auto">``, the ``isolate``
filter of the templates), so nothing it holds reaches the text around it.

The direction *marks* stay: U+200E LRM, U+200F RLM and U+061C ALM change no character's order by force; they
only settle the direction of neutral characters, and names written in Arabic or Hebrew need them to render
right. Text without any of the nine controls comes back unchanged (the same object).

Stored data keeps what was typed: the JSON API returns it as it is, for systems that handle it themselves.
"""

from __future__ import annotations

import re

OVERRIDES = "\u202a\u202b\u202c\u202d\u202e"  # LRE RLE PDF LRO RLO: embeddings, their end, and the overrides
ISOLATES = "\u2066\u2067\u2068\u2069"  # LRI RLI FSI PDI
BIDI_CONTROLS = frozenset(OVERRIDES + ISOLATES)
MARKS = frozenset("\u200e\u200f\u061c")  # LRM RLM ALM: kept
_CONTROL = re.compile(f"[{OVERRIDES}{ISOLATES}]")


def visible_escape(char: str) -> str:
    """How one directional control is written in plain text: ``⟨U+202E⟩``."""
    return f"\u27e8U+{ord(char):04X}\u27e9"


def visible_bidi(text: str) -> str:
    """``text`` with every directional override, embedding and isolate replaced by its visible escape."""
    if not _CONTROL.search(text):
        return text
    return _CONTROL.sub(lambda m: visible_escape(m.group()), text)


def has_bidi_controls(text: str) -> bool:
    return _CONTROL.search(text) is not None
