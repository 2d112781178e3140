"""The international offence models: each offence article of an instrument as a set of conduct elements.

A model is a :class:`~liaison.models.legal.Provision` with role ``offence`` (an offence article) or
``definition`` (a definition of terrorism that national offences are compared with: UNSCR 1566 para. 3, the Arab,
OIC and African conventions, CETS 196 Art. 1); :mod:`liaison.legal.seed` loads these
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
    # "offence" (an offence article) or "definition" (a definition of terrorism or of "terrorist offence")
    role: str = "offence"

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
    # -- EU Directive 2017/541, Articles 4-12 --
    Model(
        "eu-2017-541",
        "Art. 4",
        "art-4",
        "Offences relating to a terrorist group: directing a terrorist group, or participating in its activities "
        "(supplying information or material resources, funding) knowing that the participation will contribute "
        "to its criminal activities.",
        ("intentional",),
        (("direct_group", "participate_group"),),
    ),
    Model(
        "eu-2017-541",
        "Art. 5",
        "art-5",
        "Public provocation: distributing or otherwise making available to the public, online or offline, a "
        "message with the intent to incite a terrorist offence, where this causes a danger that one may be "
        "committed.",
        ("public_provocation", "intentional", "aim_terrorist_offence"),
    ),
    Model(
        "eu-2017-541",
        "Art. 6",
        "art-6",
        "Recruitment for terrorism: soliciting another person to commit or contribute to a terrorist offence or "
        "to participate in the activities of a terrorist group.",
        ("recruit", "intentional", "aim_terrorist_offence"),
    ),
    Model(
        "eu-2017-541",
        "Art. 7",
        "art-7",
        "Providing training for terrorism: instruction in making or using explosives, weapons, noxious or "
        "hazardous substances, or other methods, knowing that the skills are intended for a terrorist offence.",
        ("provide_training", "intentional", "knowing_terrorist_purpose"),
    ),
    Model(
        "eu-2017-541",
        "Art. 8",
        "art-8",
        "Receiving training for terrorism: receiving instruction in making or using explosives, weapons or other "
        "methods for the purpose of committing or contributing to a terrorist offence.",
        ("receive_training", "intentional", "aim_terrorist_offence"),
    ),
    Model(
        "eu-2017-541",
        "Art. 9",
        "art-9",
        "Travelling for the purpose of terrorism: travelling to a country other than the Member State (or to it) "
        "for the purpose of committing, contributing to or training for a terrorist offence or participating in "
        "a terrorist group.",
        ("travel", "transnational", "intentional", "aim_terrorist_offence"),
    ),
    Model(
        "eu-2017-541",
        "Art. 10",
        "art-10",
        "Organising or otherwise facilitating travel for the purpose of terrorism, knowing that the assistance "
        "is rendered for that purpose.",
        ("facilitate_travel", "intentional", "knowing_terrorist_purpose"),
    ),
    Model(
        "eu-2017-541",
        "Art. 11",
        "art-11",
        "Terrorist financing: providing or collecting funds, by any means, directly or indirectly, with the "
        "intention or knowledge that they are to be used to commit or contribute to a terrorist offence.",
        ("finance", "intentional"),
        (("knowing_terrorist_purpose", "aim_terrorist_offence"),),
    ),
    Model(
        "eu-2017-541",
        "Art. 12",
        "art-12",
        "Other offences related to terrorist activities: aggravated theft, extortion or drawing up or using false "
        "administrative documents, with a view to committing a terrorist offence.",
        ("intentional", "aim_terrorist_offence"),
        (("aggravated_theft", "extortion", "forge_documents"),),
    ),
    # -- Council of Europe Convention on the Prevention of Terrorism (CETS 196) and its Additional Protocol --
    Model(
        "cets-196",
        "Art. 1",
        "art-1",
        "Definition: a terrorist offence is any of the offences within the scope of and as defined in one of the "
        "treaties listed in the Appendix (the universal counter-terrorism instruments).",
        ("intentional",),
        (
            (
                "seize_transport",
                "endanger_aviation",
                "attack_protected_person",
                "hostage_taking",
                "cbrn",
                "endanger_maritime",
                "bombing",
                "finance",
            ),
        ),
        role="definition",
    ),
    Model(
        "cets-196",
        "Art. 5",
        "art-5",
        "Public provocation to commit a terrorist offence: distributing or otherwise making available a message "
        "to the public with the intent to incite a terrorist offence, where this causes a danger that one may be "
        "committed.",
        ("public_provocation", "intentional", "aim_terrorist_offence"),
    ),
    Model(
        "cets-196",
        "Art. 6",
        "art-6",
        "Recruitment for terrorism: soliciting another person to commit or participate in a terrorist offence or "
        "to join an association or group for that purpose.",
        ("recruit", "intentional", "aim_terrorist_offence"),
    ),
    Model(
        "cets-196",
        "Art. 7",
        "art-7",
        "Training for terrorism: providing instruction in making or using explosives, weapons or noxious or "
        "hazardous substances, or other methods, knowing that the skills are intended for a terrorist offence.",
        ("provide_training", "intentional", "knowing_terrorist_purpose"),
    ),
    Model(
        "cets-217",
        "Art. 2",
        "art-2",
        "Participating in an association or group for the purpose of terrorism: participating in its activities "
        "for the purpose of committing or contributing to one or more terrorist offences.",
        ("participate_group", "intentional", "aim_terrorist_offence"),
    ),
    Model(
        "cets-217",
        "Art. 3",
        "art-3",
        "Receiving training for terrorism: receiving instruction, including obtaining knowledge or practical "
        "skills, in making or using explosives, weapons or other methods, for the purpose of a terrorist offence.",
        ("receive_training", "intentional", "aim_terrorist_offence"),
    ),
    Model(
        "cets-217",
        "Art. 4",
        "art-4",
        "Travelling abroad for the purpose of terrorism: travelling to a State other than that of nationality or "
        "residence to commit, contribute to or participate in a terrorist offence, or to provide or receive "
        "training for terrorism.",
        ("travel", "transnational", "intentional", "aim_terrorist_offence"),
    ),
    Model(
        "cets-217",
        "Art. 5",
        "art-5",
        "Funding travelling abroad for the purpose of terrorism: providing or collecting funds enabling any "
        "person to travel abroad for terrorism, knowing that they are intended to finance such travel.",
        ("finance", "intentional", "knowing_terrorist_purpose"),
        (("travel", "facilitate_travel"),),
    ),
    Model(
        "cets-217",
        "Art. 6",
        "art-6",
        "Organising or otherwise facilitating travelling abroad for the purpose of terrorism, knowing that the "
        "assistance is rendered for that purpose.",
        ("facilitate_travel", "intentional", "knowing_terrorist_purpose"),
    ),
    # -- the universal instruments' offence articles --
    Model(
        "un-1970-hague",
        "Art. 1",
        "art-1",
        "Unlawfully, by force or threat or any other form of intimidation, seizing or exercising control of an "
        "aircraft in flight, by a person on board.",
        ("seize_transport", "intentional"),
    ),
    Model(
        "un-1971-montreal",
        "Art. 1",
        "art-1",
        "Unlawfully and intentionally performing an act of violence on board an aircraft in flight, destroying "
        "or damaging an aircraft in service, or placing a device likely to destroy it, if likely to endanger its "
        "safety in flight.",
        ("endanger_aviation", "intentional"),
    ),
    Model(
        "un-1973-protected-persons",
        "Art. 2",
        "art-2",
        "The intentional murder, kidnapping or other attack upon the person or liberty of an internationally "
        "protected person, or a violent attack upon their official premises, private accommodation or means of "
        "transport likely to endanger them.",
        ("attack_protected_person", "intentional"),
    ),
    Model(
        "un-1979-hostages",
        "Art. 1",
        "art-1",
        "Seizing or detaining and threatening to kill, injure or continue to detain a hostage in order to compel "
        "a third party (a State, an international organisation, a person or a group) to do or abstain from doing "
        "any act as a condition for the hostage's release.",
        ("hostage_taking", "intentional"),
    ),
    Model(
        "un-1980-nuclear-material",
        "Art. 7",
        "art-7",
        "Intentionally receiving, possessing, using, transferring or stealing nuclear material without lawful "
        "authority, demanding it by threat or force, or threatening to use it to cause death, injury or damage.",
        ("cbrn", "intentional"),
    ),
    Model(
        "un-1988-sua",
        "Art. 3",
        "art-3",
        "Unlawfully and intentionally seizing or exercising control over a ship by force or threat, or "
        "performing acts of violence, destruction or damage that endanger its safe navigation.",
        ("intentional",),
        (("seize_transport", "endanger_maritime"),),
    ),
    Model(
        "un-1988-fixed-platforms",
        "Art. 2",
        "art-2",
        "Unlawfully and intentionally seizing or exercising control over a fixed platform on the continental "
        "shelf by force or threat, or performing acts of violence or destruction that endanger its safety.",
        ("endanger_maritime", "intentional"),
    ),
    Model(
        "un-1997-bombings",
        "Art. 2",
        "art-2",
        "Unlawfully and intentionally delivering, placing, discharging or detonating an explosive or other "
        "lethal device in, into or against a place of public use, a State or government facility, a public "
        "transportation system or an infrastructure facility, with intent to cause death, serious bodily injury "
        "or extensive destruction.",
        ("bombing", "public_place", "intentional"),
    ),
    Model(
        "un-2005-nuclear-terrorism",
        "Art. 2",
        "art-2",
        "Unlawfully and intentionally possessing radioactive material or making or possessing a device, or using "
        "or damaging a nuclear facility, with intent to cause death, serious bodily injury or substantial damage, "
        "or threatening to do so.",
        ("cbrn", "intentional"),
    ),
    Model(
        "un-2010-beijing-convention",
        "Art. 1",
        "art-1",
        "Unlawfully and intentionally performing acts of violence on board or against civil aircraft or air "
        "navigation facilities, using an aircraft to cause death or serious injury, releasing biological, "
        "chemical or nuclear weapons from an aircraft, or transporting such weapons or material.",
        ("intentional",),
        (("endanger_aviation", "cbrn"),),
    ),
    # -- definitions of terrorism --
    Model(
        "unscr-1566",
        "para. 3",
        "para-3",
        "Criminal acts, including against civilians, committed with the intent to cause death or serious bodily "
        "injury, or taking of hostages, with the purpose to provoke a state of terror, intimidate a population or "
        "compel a government or an international organisation, which are offences under the counter-terrorism "
        "conventions and protocols.",
        ("intentional",),
        (("kill", "injure", "hostage_taking"), ("intimidate_population", "compel_government")),
        role="definition",
    ),
    Model(
        "las-1998",
        "Art. 1(2), Art. 2(a)",
        "art-1-2",
        "Any act or threat of violence, whatever its motives or purposes, in a criminal enterprise seeking to sow "
        "panic among people or endanger their lives, liberty or security, or to damage the environment, public "
        "or private property or national resources; the struggle against foreign occupation and aggression for "
        "liberation and self-determination is not an offence (Art. 2(a)).",
        ("intentional", "self_determination"),
        (
            (
                "kill",
                "injure",
                "kidnap",
                "hostage_taking",
                "threaten",
                "destroy_property",
                "seize_transport",
                "interfere_utilities",
                "release_dangerous",
            ),
            ("intimidate_population", "destabilise_structures"),
        ),
        role="definition",
    ),
    Model(
        "oic-1999",
        "Art. 1(2), Art. 2(a)",
        "art-1-2",
        "Any act or threat of violence, whatever its motives or intentions, in a criminal plan seeking to terrorise "
        "people, endanger their lives, honour, freedoms or security, damage property or national resources, or "
        "threaten the stability, territorial integrity, political unity or sovereignty of States; peoples' "
        "struggle against foreign occupation, aggression, colonialism and hegemony aimed at liberation and "
        "self-determination is not a terrorist crime (Art. 2(a)).",
        ("intentional", "self_determination"),
        (
            (
                "kill",
                "injure",
                "kidnap",
                "hostage_taking",
                "threaten",
                "destroy_property",
                "seize_transport",
                "interfere_utilities",
                "release_dangerous",
            ),
            ("intimidate_population", "destabilise_structures", "compel_government"),
        ),
        role="definition",
    ),
    Model(
        "au-1999",
        "Art. 1(3)",
        "art-1-3",
        "Any act violating a State Party's criminal law which may endanger life, physical integrity or freedom, or "
        "cause damage to property, natural resources or heritage, calculated to intimidate or coerce a government "
        "or the public, disrupt a public service or create a public emergency, or create general insurrection; "
        "peoples' struggle for liberation or self-determination is not a terrorist act (Art. 3(1)).",
        ("intentional", "self_determination"),
        (
            (
                "kill",
                "injure",
                "kidnap",
                "hostage_taking",
                "threaten",
                "destroy_property",
                "interfere_utilities",
                "release_dangerous",
            ),
            ("intimidate_population", "compel_government", "destabilise_structures"),
        ),
        role="definition",
    ),
    Model(
        "oas-2002",
        "Art. 2",
        "art-2",
        "Definition by reference: the offences established in the universal instruments listed in Article 2 "
        "(aircraft, protected persons, hostages, nuclear material, maritime navigation, fixed platforms, "
        "terrorist bombings, financing of terrorism).",
        ("intentional",),
        (
            (
                "seize_transport",
                "endanger_aviation",
                "attack_protected_person",
                "hostage_taking",
                "cbrn",
                "endanger_maritime",
                "bombing",
                "finance",
            ),
        ),
        role="definition",
    ),
)

BY_CODE: dict[str, Model] = {m.code: m for m in MODELS}


def offence_models(role: str | None = None) -> tuple[Model, ...]:
    """The models (all, or those of one role: "offence" or "definition")."""
    return MODELS if role is None else tuple(m for m in MODELS if m.role == role)
