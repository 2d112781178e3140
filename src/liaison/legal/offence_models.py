"""The international offence models: each offence article of an instrument as a set of conduct elements.

A model is a :class:`~liaison.models.legal.Provision` with role ``offence``; :mod:`liaison.legal.seed` loads these
with the instruments. ``elements``: all must be present (an ``exclusion`` element: must be absent);
``any_of``: groups of alternatives, at least one element of each group present (the acts an article lists, the
alternative aims).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Model:
    instrument: str
    article: str  # as cited: "Art. 3"
    slug: str  # the model's code is "<instrument>:<slug>"
    summary: str
    elements: tuple[str, ...]
    any_of: tuple[tuple[str, ...], ...] = ()

    @property
    def code(self) -> str:
        return f"{self.instrument}:{self.slug}"


MODELS: tuple[Model, ...] = (
    Model(
        "eu-2017-541",
        "Art. 3",
        "art-3",
        "Terrorist offences: listed intentional acts which, given their nature or context, may seriously damage "
        "a country or an international organisation, committed with a terrorist aim.",
        ("intentional", "serious_damage"),
        (
            (
                "kill",
                "injure",
                "kidnap",
                "hostage_taking",
                "destroy_property",
                "seize_transport",
                "weapons_explosives",
                "cbrn",
                "release_dangerous",
                "interfere_utilities",
                "system_interference",
                "threaten",
            ),
            ("intimidate_population", "compel_government", "destabilise_structures"),
        ),
    ),
    Model(
        "un-1999-financing",
        "Art. 2",
        "art-2",
        "Providing or collecting funds, by any means, directly or indirectly, unlawfully and wilfully, with the "
        "intention or knowledge that they are to be used to carry out a treaty offence or a terrorist act.",
        ("finance", "intentional", "knowing_terrorist_purpose"),
    ),
)
