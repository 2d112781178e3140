"""How a score's features read to people, in their language, rebuilt from what the explanation keeps.

An explanation is a record: stored with the screening hit or merge proposal, exported, defended. Its ``detail``
stays in English, the same bytes in every run whoever ran it. Beside the English, each feature worded here keeps
its wording's key and values (``Feature.wording`` and ``params``), so a page can show it in the reader's language
with :func:`detail`, whenever it is read. The name comparison's own notation (``mohammed~muhammad
(transliteration 0.91); not in query: ali``) is technical, written from the names themselves, and shown as it is.

No web or database imports: the words are looked up in the current language (:mod:`liaison.i18n`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from babel.support import LazyProxy

from liaison.i18n import lazy_gettext

# key -> (the English detail, as stored; the message for the reader). Both name the same fields.
WORDINGS: dict[str, tuple[str, LazyProxy]] = {
    "weak_alias": ("matched a weak alias", lazy_gettext("matched a weak alias")),
    "ignored_parts": ("honorifics/particles: {parts}", lazy_gettext("honorifics/particles: %(parts)s")),
    "birth_date_agrees": ("{date} agrees", lazy_gettext("%(date)s agrees")),
    "birth_year_agrees": ("{given} agrees with {listed}", lazy_gettext("%(given)s agrees with %(listed)s")),
    "birth_year_close": (
        "{given} is within a year of {listed}",
        lazy_gettext("%(given)s is within a year of %(listed)s"),
    ),
    "birth_year_disagrees": (
        "{given} disagrees with {listed} ({gap} years apart)",
        lazy_gettext("%(given)s disagrees with %(listed)s (%(gap)s years apart)"),
    ),
    "nationality_agrees": ("{nationality} agrees", lazy_gettext("%(nationality)s agrees")),
    "nationality_differs": (
        "{nationality} is not among {listed}",
        lazy_gettext("%(nationality)s is not among %(listed)s"),
    ),
    "token_sort_ratio": (
        "rapidfuzz token_sort_ratio of the Latin forms",
        lazy_gettext("rapidfuzz token_sort_ratio of the Latin forms"),
    ),
}

# A feature's name as a label (the results page shows it before the detail).
LABELS: dict[str, LazyProxy] = {
    # Translators: the matching feature "name": how well the names agree
    "name": lazy_gettext("name"),
    "weak_alias": lazy_gettext("weak alias"),
    "ignored_parts": lazy_gettext("ignored parts"),
    "birth_date": lazy_gettext("birth date"),
    "birth_year": lazy_gettext("birth year"),
    "nationality": lazy_gettext("nationality"),
    # Translators: the matching feature "conflict": parts of the names that disagree
    "conflict": lazy_gettext("conflict"),
    "token_sort_ratio": lazy_gettext("token sort ratio"),
}


def english(key: str, **params: str) -> str:
    """The stored English detail of wording ``key``."""
    return WORDINGS[key][0].format(**params)


def detail(feature: Mapping[str, Any]) -> str:
    """A feature (as :meth:`Feature.to_dict` stores it) in the current language; the stored English when it was
    not worded here (the name comparison, explanations stored before wordings existed)."""
    found = WORDINGS.get(str(feature.get("wording") or ""))
    params = feature.get("params")
    if found is None or not isinstance(params, Mapping):
        return str(feature.get("detail", ""))
    try:
        return str(found[1]) % {k: str(v) for k, v in params.items()}
    except (KeyError, TypeError, ValueError):  # a translation naming another field: the record's English
        return str(feature.get("detail", ""))


def label(name: str) -> str:
    """A feature's name as a label in the current language (its code, spaced, when it has none)."""
    found = LABELS.get(name)
    return str(found) if found is not None else name.replace("_", " ")
