"""The seed dataset: the counter-terrorism and cooperation instruments as data, with the provisions that carry a
request (the non-offence roles) and, loaded beside them, the international offence models of
:mod:`liaison.legal.offence_models`.

Provenance, said plainly: every entry names the depositary or publisher where its text and status are kept (the
United Nations Treaty Collection for the universal instruments, whose depositary may be the UN Secretary-General,
ICAO, the IMO or the IAEA; the Council of Europe Treaty Office; EUR-Lex; the OAS, League of Arab States, OIC and
African Union secretariats) with its address, read on :data:`RETRIEVED_ON`. **Nobody checked these entries against
the depositary in the session that wrote them**: titles and dates were written from knowledge of the instruments,
a date we were not sure of is left empty (``None``) rather than guessed, and article numbers are the ones the
instruments are usually cited by. Every instrument is therefore ``verified=False``; a legal-basis answer that
rests on them says so, and a secretariat that checks an entry against its source sets ``verified`` and
``reviewed_by`` (through :mod:`liaison.actions.legal_facts`).

Security Council resolutions bind every UN member (``binds_members``) but are not treaties: UNSCR 1373 calls on
states to cooperate (para. 2(f), 3) and the finder cites it as support, never as the legal basis of a request.
Directive (EU) 2017/541 defines the offences and carries no request of its own (``request_kinds`` empty); the
European arrest warrant (Framework Decision 2002/584/JHA) binds the EU states without ratification.

:func:`seed_instruments` loads it: idempotent (an upsert by code; a second run changes nothing and leaves the
legal tables' fingerprint as it was), audited as one ``legal.seed`` action.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from liaison.principal import Principal

RETRIEVED_ON = date(2026, 12, 3)

UNTC = "United Nations Treaty Collection"
COE = "Council of Europe Treaty Office"
EURLEX = "EUR-Lex"
OAS = "Organization of American States, Department of International Law"
LAS = "League of Arab States"
OIC = "Organisation of Islamic Cooperation"
AU = "African Union, OAU/AU Treaties"
UNSC = "United Nations Security Council, resolutions"

_UNTC_CT = "https://treaties.un.org/Pages/DB.aspx?path=DB/studies/page2_en.xml"


@dataclass(frozen=True, slots=True)
class SeedProvision:
    article: str
    role: str  # definition, depoliticisation, aut_dedere, refusal_ground, contact_point, mla, extradition_basis, ...
    summary: str

    def code(self, instrument: str) -> str:
        return f"{instrument}:{self.role.replace('_', '-')}-{article_slug(self.article)}"


@dataclass(frozen=True, slots=True)
class SeedInstrument:
    code: str
    title: str
    short_title: str
    kind: str  # convention, protocol, directive, framework_decision, resolution
    organisation: str  # UN, CoE, EU, LAS, OIC, OAS, AU
    adopted_on: date | None
    in_force_on: date | None
    request_kinds: tuple[str, ...]
    provisions: tuple[SeedProvision, ...]
    source: str
    source_url: str
    binds_members: bool = False
    retrieved_on: date = RETRIEVED_ON
    verified: bool = False


def article_slug(article: str) -> str:
    """``"Art. 9(2)"`` -> ``"art-9-2"``; ``"para. 3(g)"`` -> ``"para-3-g"``."""
    return re.sub(r"[^a-z0-9]+", "-", article.lower()).strip("-")


P = SeedProvision
MLA, EXT, SPONT = "mla", "extradition", "spontaneous"


def _un(code: str, title: str, short: str, kind: str, adopted: date, in_force: date | None,
        kinds: tuple[str, ...], provisions: tuple[SeedProvision, ...], depositary: str) -> SeedInstrument:  # fmt: skip
    return SeedInstrument(code, title, short, kind, "UN", adopted, in_force, kinds, provisions,
                          f"{UNTC} (depositary: {depositary})", _UNTC_CT)  # fmt: skip


_DISCRIMINATION = "Not bound to extradite or assist where the request is made to punish a person on account of race, religion, nationality, ethnic origin or political opinion."  # noqa: E501
_POLITICAL = "None of the offences may be regarded as a political offence for extradition or mutual legal assistance."

INSTRUMENTS: tuple[SeedInstrument, ...] = (
    _un("un-1963-tokyo", "Convention on Offences and Certain Other Acts Committed on Board Aircraft",
        "Tokyo Convention 1963", "convention", date(1963, 9, 14), date(1969, 12, 4), (),
        (P("Art. 1", "definition", "Applies to offences against penal law and acts jeopardising safety committed on board an aircraft in flight."),  # noqa: E501
         P("Art. 16", "refusal_ground", "Offences on board are treated as committed in the state of registration for extradition, but the Convention creates no obligation to extradite (Art. 16(2)).")),  # noqa: E501
        "ICAO"),
    _un("un-1970-hague", "Convention for the Suppression of Unlawful Seizure of Aircraft", "Hague Convention 1970",
        "convention", date(1970, 12, 16), date(1971, 10, 14), (MLA, EXT),
        (P("Art. 7", "aut_dedere", "A state that does not extradite the alleged offender must submit the case to its competent authorities for prosecution."),  # noqa: E501
         P("Art. 8", "extradition_basis", "The offence is extraditable; a state that makes extradition conditional on a treaty may take the Convention as the legal basis."),  # noqa: E501
         P("Art. 10", "mla", "States afford one another the greatest measure of assistance in criminal proceedings for the offence.")),  # noqa: E501
        "United States, United Kingdom and Russian Federation"),
    _un("un-1971-montreal", "Convention for the Suppression of Unlawful Acts against the Safety of Civil Aviation",
        "Montreal Convention 1971", "convention", date(1971, 9, 23), date(1973, 1, 26), (MLA, EXT),
        (P("Art. 7", "aut_dedere", "A state that does not extradite the alleged offender must submit the case for prosecution."),  # noqa: E501
         P("Art. 8", "extradition_basis", "The offences are extraditable; the Convention may be taken as the legal basis where a treaty is required."),  # noqa: E501
         P("Art. 11", "mla", "States afford one another the greatest measure of assistance in criminal proceedings for the offences.")),  # noqa: E501
        "United States, United Kingdom and Russian Federation"),
    _un("un-1973-protected-persons",
        "Convention on the Prevention and Punishment of Crimes against Internationally Protected Persons, including "
        "Diplomatic Agents", "Protected Persons Convention 1973", "convention", date(1973, 12, 14),
        date(1977, 2, 20), (MLA, EXT),
        (P("Art. 7", "aut_dedere", "A state that does not extradite the alleged offender must submit the case for prosecution."),  # noqa: E501
         P("Art. 8", "extradition_basis", "The crimes are extraditable; the Convention may be taken as the legal basis where a treaty is required."),  # noqa: E501
         P("Art. 10", "mla", "States afford one another the greatest measure of assistance in criminal proceedings for the crimes.")),  # noqa: E501
        "UN Secretary-General"),
    _un("un-1979-hostages", "International Convention against the Taking of Hostages", "Hostages Convention 1979",
        "convention", date(1979, 12, 17), date(1983, 6, 3), (MLA, EXT),
        (P("Art. 8", "aut_dedere", "A state that does not extradite the alleged offender must submit the case for prosecution."),  # noqa: E501
         P("Art. 9", "refusal_ground", _DISCRIMINATION),
         P("Art. 10", "extradition_basis", "The offence is extraditable; the Convention may be taken as the legal basis where a treaty is required."),  # noqa: E501
         P("Art. 11", "mla", "States afford one another the greatest measure of assistance in criminal proceedings for the offence.")),  # noqa: E501
        "UN Secretary-General"),
    _un("un-1980-nuclear-material", "Convention on the Physical Protection of Nuclear Material",
        "Nuclear Material Convention 1980", "convention", date(1979, 10, 26), date(1987, 2, 8), (MLA, EXT),
        (P("Art. 10", "aut_dedere", "A state that does not extradite the alleged offender must submit the case for prosecution."),  # noqa: E501
         P("Art. 11", "extradition_basis", "The offences are extraditable; the Convention may be taken as the legal basis where a treaty is required."),  # noqa: E501
         P("Art. 13", "mla", "States afford one another the greatest measure of assistance in criminal proceedings for the offences.")),  # noqa: E501
        "IAEA Director General"),
    _un("un-1988-airports",
        "Protocol for the Suppression of Unlawful Acts of Violence at Airports Serving International Civil Aviation",
        "Airports Protocol 1988", "protocol", date(1988, 2, 24), date(1989, 8, 6), (MLA, EXT),
        (P("Art. I", "extradition_basis", "Supplements the Montreal Convention 1971: read as one instrument with it, so its Art. 8 (extradition) applies to violence at airports."),  # noqa: E501
         P("Art. I", "mla", "Read with the Montreal Convention 1971, whose Art. 11 (assistance) applies to violence at airports.")),  # noqa: E501
        "ICAO, United States, United Kingdom and Russian Federation"),
    _un("un-1988-sua", "Convention for the Suppression of Unlawful Acts against the Safety of Maritime Navigation",
        "SUA Convention 1988", "convention", date(1988, 3, 10), date(1992, 3, 1), (MLA, EXT),
        (P("Art. 10", "aut_dedere", "A state that does not extradite the alleged offender must submit the case for prosecution."),  # noqa: E501
         P("Art. 11", "extradition_basis", "The offences are extraditable; the Convention may be taken as the legal basis where a treaty is required."),  # noqa: E501
         P("Art. 12", "mla", "States afford one another the greatest measure of assistance in criminal proceedings for the offences.")),  # noqa: E501
        "IMO Secretary-General"),
    _un("un-1988-fixed-platforms",
        "Protocol for the Suppression of Unlawful Acts against the Safety of Fixed Platforms Located on the "
        "Continental Shelf", "Fixed Platforms Protocol 1988", "protocol", date(1988, 3, 10), date(1992, 3, 1),
        (MLA, EXT),
        (P("Art. 1", "extradition_basis", "Applies the SUA Convention's Arts. 5 and 7 and 10 to 16 (prosecution, extradition, assistance) to offences against fixed platforms."),  # noqa: E501
         P("Art. 1", "mla", "Through the SUA Convention's Art. 12, states assist one another for offences against fixed platforms.")),  # noqa: E501
        "IMO Secretary-General"),
    _un("un-1991-plastic-explosives", "Convention on the Marking of Plastic Explosives for the Purpose of Detection",
        "Plastic Explosives Convention 1991", "convention", date(1991, 3, 1), date(1998, 6, 21), (),
        (P("Art. II", "definition", "Each state prohibits the manufacture of unmarked plastic explosives in its territory; a control measure, not a basis for requests."),),  # noqa: E501
        "ICAO"),
    _un("un-1997-bombings", "International Convention for the Suppression of Terrorist Bombings",
        "Terrorist Bombings Convention 1997", "convention", date(1997, 12, 15), date(2001, 5, 23), (MLA, EXT),
        (P("Art. 8", "aut_dedere", "A state that does not extradite the alleged offender must submit the case for prosecution without undue delay."),  # noqa: E501
         P("Art. 9", "extradition_basis", "The offences are extraditable; the Convention may be taken as the legal basis where a treaty is required."),  # noqa: E501
         P("Art. 10", "mla", "States afford one another the greatest measure of assistance in investigations, criminal or extradition proceedings."),  # noqa: E501
         P("Art. 11", "depoliticisation", _POLITICAL),
         P("Art. 12", "refusal_ground", _DISCRIMINATION)),
        "UN Secretary-General"),
    _un("un-1999-financing", "International Convention for the Suppression of the Financing of Terrorism",
        "Terrorist Financing Convention 1999", "convention", date(1999, 12, 9), date(2002, 4, 10), (MLA, EXT),
        (P("Art. 10", "aut_dedere", "A state that does not extradite the alleged offender must submit the case for prosecution without undue delay."),  # noqa: E501
         P("Art. 11", "extradition_basis", "The offences are extraditable; the Convention may be taken as the legal basis where a treaty is required."),  # noqa: E501
         P("Art. 12", "mla", "States afford one another the greatest measure of assistance; bank secrecy is no ground to refuse (Art. 12(2))."),  # noqa: E501
         P("Art. 13", "refusal_ground", "A request may not be refused on the sole ground that the offence is a fiscal offence."),  # noqa: E501
         P("Art. 14", "depoliticisation", _POLITICAL),
         P("Art. 15", "refusal_ground", _DISCRIMINATION)),
        "UN Secretary-General"),
    _un("un-2005-nuclear-terrorism", "International Convention for the Suppression of Acts of Nuclear Terrorism",
        "Nuclear Terrorism Convention 2005", "convention", date(2005, 4, 13), date(2007, 7, 7), (MLA, EXT, SPONT),
        (P("Art. 7", "contact_point", "States exchange information and name their competent authorities and liaison points."),  # noqa: E501
         P("Art. 7", "spontaneous", "States exchange accurate and verified information to detect, prevent and investigate the offences."),  # noqa: E501
         P("Art. 11", "aut_dedere", "A state that does not extradite the alleged offender must submit the case for prosecution without undue delay."),  # noqa: E501
         P("Art. 13", "extradition_basis", "The offences are extraditable; the Convention may be taken as the legal basis where a treaty is required."),  # noqa: E501
         P("Art. 14", "mla", "States afford one another the greatest measure of assistance in investigations, criminal or extradition proceedings."),  # noqa: E501
         P("Art. 15", "depoliticisation", _POLITICAL),
         P("Art. 16", "refusal_ground", _DISCRIMINATION)),
        "UN Secretary-General"),
    _un("un-2005-sua-protocol",
        "Protocol of 2005 to the Convention for the Suppression of Unlawful Acts against the Safety of Maritime "
        "Navigation", "SUA Protocol 2005", "protocol", date(2005, 10, 14), date(2010, 7, 28), (MLA, EXT),
        (P("Art. 11 bis", "depoliticisation", _POLITICAL),
         P("Art. 11 ter", "refusal_ground", _DISCRIMINATION),
         P("Art. 11", "extradition_basis", "The SUA Convention's extradition article, as amended, applies to the offences the Protocol adds."),  # noqa: E501
         P("Art. 12", "mla", "The SUA Convention's assistance article, as amended, applies to the offences the Protocol adds.")),  # noqa: E501
        "IMO Secretary-General"),
    _un("un-2005-fixed-platforms-protocol",
        "Protocol of 2005 to the Protocol for the Suppression of Unlawful Acts against the Safety of Fixed Platforms "
        "Located on the Continental Shelf", "Fixed Platforms Protocol 2005", "protocol", date(2005, 10, 14),
        date(2010, 7, 28), (MLA, EXT),
        (P("Art. 1", "extradition_basis", "Applies the SUA Convention's articles on prosecution, extradition and assistance, as amended in 2005, to fixed platforms."),  # noqa: E501
         P("Art. 1", "mla", "States assist one another for offences against fixed platforms as under the amended SUA Convention.")),  # noqa: E501
        "IMO Secretary-General"),
    _un("un-2005-cppnm-amendment", "Amendment to the Convention on the Physical Protection of Nuclear Material",
        "CPPNM Amendment 2005", "protocol", date(2005, 7, 8), date(2016, 5, 8), (MLA, EXT),
        (P("Art. 11A", "depoliticisation", _POLITICAL),
         P("Art. 11B", "refusal_ground", _DISCRIMINATION),
         P("Art. 11", "extradition_basis", "The Convention's extradition article applies to the offences as amended."),  # noqa: E501
         P("Art. 13", "mla", "The Convention's assistance article applies to the offences as amended.")),
        "IAEA Director General"),
    _un("un-2010-beijing-convention",
        "Convention on the Suppression of Unlawful Acts Relating to International Civil Aviation",
        "Beijing Convention 2010", "convention", date(2010, 9, 10), date(2018, 7, 1), (MLA, EXT),
        (P("Art. 10", "aut_dedere", "A state that does not extradite the alleged offender must submit the case for prosecution."),  # noqa: E501
         P("Art. 12", "extradition_basis", "The offences are extraditable; the Convention may be taken as the legal basis where a treaty is required."),  # noqa: E501
         P("Art. 13", "depoliticisation", _POLITICAL),
         P("Art. 14", "refusal_ground", _DISCRIMINATION),
         P("Art. 17", "mla", "States afford one another the greatest measure of assistance in criminal proceedings for the offences.")),  # noqa: E501
        "ICAO"),
    _un("un-2010-beijing-protocol",
        "Protocol Supplementary to the Convention for the Suppression of Unlawful Seizure of Aircraft",
        "Beijing Protocol 2010", "protocol", date(2010, 9, 10), date(2018, 1, 1), (MLA, EXT),
        (P("Art. 8 bis", "depoliticisation", _POLITICAL),
         P("Art. 8 ter", "refusal_ground", _DISCRIMINATION),
         P("Art. 8", "extradition_basis", "The Hague Convention's extradition article, as supplemented, applies to the offences the Protocol adds."),  # noqa: E501
         P("Art. 10", "mla", "The Hague Convention's assistance article, as supplemented, applies.")),
        "ICAO"),
    _un("un-2014-montreal-protocol",
        "Protocol to Amend the Convention on Offences and Certain Other Acts Committed on Board Aircraft",
        "Montreal Protocol 2014", "protocol", date(2014, 4, 4), date(2020, 1, 1), (),
        (P("Art. 16", "refusal_ground", "As in the Tokyo Convention, the Protocol creates no obligation to extradite; it widens jurisdiction over unruly passengers."),),  # noqa: E501
        "ICAO"),
    SeedInstrument(
        "unscr-1373", "Security Council resolution 1373 (2001)", "UNSCR 1373", "resolution", "UN",
        date(2001, 9, 28), date(2001, 9, 28), (MLA, EXT, SPONT),
        (P("para. 2(e)", "aut_dedere", "States ensure that anyone who participates in terrorist acts is brought to justice."),  # noqa: E501
         P("para. 2(f)", "mla", "States afford one another the greatest measure of assistance in criminal investigations and proceedings; a call to cooperate, not itself a treaty basis."),  # noqa: E501
         P("para. 3(a)", "spontaneous", "Calls on states to intensify and accelerate the exchange of operational information; supports, not a basis."),  # noqa: E501
         P("para. 3(c)", "extradition_basis", "Calls on states to cooperate through bilateral and multilateral arrangements: it supports a request but is not itself a treaty basis."),  # noqa: E501
         P("para. 3(g)", "depoliticisation", "Political motivation is not recognised as a ground for refusing requests for the extradition of alleged terrorists.")),  # noqa: E501
        UNSC, "https://undocs.org/S/RES/1373(2001)", binds_members=True),
    SeedInstrument(
        "unscr-1566", "Security Council resolution 1566 (2004)", "UNSCR 1566", "resolution", "UN",
        date(2004, 10, 8), date(2004, 10, 8), (MLA, EXT),
        (P("para. 2", "aut_dedere", "Calls on states to cooperate fully to find, deny safe haven to and bring to justice, on the principle to extradite or prosecute; supports, not a basis."),  # noqa: E501
         P("para. 3", "definition", "Criminal acts committed with the intent to cause death or serious injury or take hostages, to provoke terror or compel a government, are under no circumstances justifiable.")),  # noqa: E501
        UNSC, "https://undocs.org/S/RES/1566(2004)", binds_members=True),
    SeedInstrument(
        "unscr-2178", "Security Council resolution 2178 (2014)", "UNSCR 2178", "resolution", "UN",
        date(2014, 9, 24), date(2014, 9, 24), (MLA, SPONT),
        (P("para. 3", "spontaneous", "Calls on states to intensify and accelerate the exchange of information on foreign terrorist fighters; supports, not a basis."),  # noqa: E501
         P("para. 12", "mla", "Recalls that states shall afford one another the greatest measure of assistance in investigations relating to foreign terrorist fighters; supports, not a basis.")),  # noqa: E501
        UNSC, "https://undocs.org/S/RES/2178(2014)", binds_members=True),
    SeedInstrument(
        "eu-2017-541", "Directive (EU) 2017/541 of the European Parliament and of the Council on combating terrorism",
        "Directive (EU) 2017/541", "directive", "EU", date(2017, 3, 15), date(2017, 4, 20), (),
        (P("Art. 2", "definition", "Definitions (funds, legal person, terrorist group, structured group)."),
         P("Art. 19(3)", "aut_dedere", "A state that refuses to surrender or extradite a suspect establishes its jurisdiction over the offence."),  # noqa: E501
         P("Art. 24", "definition", "Protection of, support to and rights of victims of terrorism.")),
        EURLEX, "https://eur-lex.europa.eu/eli/dir/2017/541/oj", binds_members=True),
    SeedInstrument(
        "eu-2002-eaw",
        "Council Framework Decision 2002/584/JHA on the European arrest warrant and the surrender procedures between "
        "Member States", "European arrest warrant (FD 2002/584/JHA)", "framework_decision", "EU", date(2002, 6, 13),
        date(2002, 8, 7), (EXT,),
        (P("Art. 1", "extradition_basis", "A judicial decision for the arrest and surrender of a person between EU states, executed on mutual recognition; it replaced extradition between them from 1 January 2004."),  # noqa: E501
         P("Art. 2(2)", "definition", "Terrorism is among the offences surrendered without verification of double criminality when punishable by at least three years."),  # noqa: E501
         P("Art. 3", "refusal_ground", "Mandatory grounds for non-execution (amnesty, ne bis in idem, age)."),
         P("Art. 4", "refusal_ground", "Optional grounds for non-execution.")),
        EURLEX, "https://eur-lex.europa.eu/eli/dec_framw/2002/584/oj", binds_members=True),
    SeedInstrument(
        "eu-2000-mla",
        "Convention on Mutual Assistance in Criminal Matters between the Member States of the European Union",
        "EU MLA Convention 2000", "convention", "EU", date(2000, 5, 29), date(2005, 8, 23), (MLA, SPONT),
        (P("Art. 1", "mla", "Supplements the European Convention on Mutual Assistance (CETS 030) between EU states."),
         P("Art. 6", "mla", "Requests and spontaneous exchanges go directly between judicial authorities."),
         P("Art. 7", "spontaneous", "Competent authorities may exchange information on offences without a request.")),  # noqa: E501
        EURLEX, "https://eur-lex.europa.eu/legal-content/EN/ALL/?uri=CELEX:32000F0712(01)"),
    SeedInstrument(
        "cets-024", "European Convention on Extradition", "CETS 024", "convention", "CoE", date(1957, 12, 13),
        date(1960, 4, 18), (EXT,),
        (P("Art. 1", "extradition_basis", "The parties undertake to surrender to each other persons wanted for prosecution or to serve a sentence."),  # noqa: E501
         P("Art. 3", "refusal_ground", "No extradition for a political offence."),
         P("Art. 6", "refusal_ground", "A party may refuse to extradite its own nationals."),
         P("Art. 11", "refusal_ground", "Extradition may be refused for an offence punishable by death unless assurances are given.")),  # noqa: E501
        COE, "https://www.coe.int/en/web/conventions/full-list?module=treaty-detail&treatynum=024"),
    SeedInstrument(
        "cets-030", "European Convention on Mutual Assistance in Criminal Matters", "CETS 030", "convention", "CoE",
        date(1959, 4, 20), date(1962, 6, 12), (MLA,),
        (P("Art. 1", "mla", "The parties undertake to afford each other the widest measure of mutual assistance in criminal proceedings."),  # noqa: E501
         P("Art. 2", "refusal_ground", "Assistance may be refused for political or fiscal offences, or where it would prejudice sovereignty, security or public order.")),  # noqa: E501
        COE, "https://www.coe.int/en/web/conventions/full-list?module=treaty-detail&treatynum=030"),
    SeedInstrument(
        "cets-196", "Council of Europe Convention on the Prevention of Terrorism", "CETS 196", "convention", "CoE",
        date(2005, 5, 16), date(2007, 6, 1), (MLA, EXT, SPONT),
        (P("Art. 1", "definition", "A terrorist offence is any offence within the scope of the treaties listed in the Appendix."),  # noqa: E501
         P("Art. 17", "mla", "The parties afford one another the greatest measure of assistance in investigations and proceedings for the offences."),  # noqa: E501
         P("Art. 18", "aut_dedere", "A party that does not extradite the person must submit the case for prosecution."),  # noqa: E501
         P("Art. 19", "extradition_basis", "The offences are extraditable; the Convention may be taken as the legal basis where a treaty is required."),  # noqa: E501
         P("Art. 20", "depoliticisation", "The offences may not be regarded as political offences (subject to the reservations Art. 20(3) allows)."),  # noqa: E501
         P("Art. 21", "refusal_ground", _DISCRIMINATION),
         P("Art. 22", "spontaneous", "A party may forward information obtained in its own investigations to another party without a prior request.")),  # noqa: E501
        COE, "https://www.coe.int/en/web/conventions/full-list?module=treaty-detail&treatynum=196"),
    SeedInstrument(
        "cets-217", "Additional Protocol to the Council of Europe Convention on the Prevention of Terrorism",
        "CETS 217", "protocol", "CoE", date(2015, 10, 22), date(2017, 7, 1), (MLA, EXT, SPONT),
        (P("Art. 7", "contact_point", "Each party designates a point of contact available 24 hours a day, seven days a week, for information on foreign terrorist fighters."),  # noqa: E501
         P("Art. 7", "spontaneous", "Timely exchange of available information on persons travelling abroad for terrorism, through the 24/7 points of contact."),  # noqa: E501
         P("Art. 9", "extradition_basis", "The Convention's provisions, its extradition article included, apply to the offences of the Protocol."),  # noqa: E501
         P("Art. 9", "mla", "The Convention's provisions, its assistance article included, apply to the offences of the Protocol.")),  # noqa: E501
        COE, "https://www.coe.int/en/web/conventions/full-list?module=treaty-detail&treatynum=217"),
    SeedInstrument(
        "las-1998", "Arab Convention for the Suppression of Terrorism", "Arab Convention 1998", "convention", "LAS",
        date(1998, 4, 22), date(1999, 5, 7), (MLA, EXT),
        (P("Art. 1", "definition", "Terrorism: any act or threat of violence that aims to sow panic among people or endanger lives, freedom or security."),  # noqa: E501
         P("Art. 2", "definition", "Struggle against foreign occupation and aggression for liberation and self-determination is not an offence; the listed political offences are not political."),  # noqa: E501
         P("Art. 5", "extradition_basis", "Each contracting state undertakes to extradite persons charged with or convicted of terrorist offences."),  # noqa: E501
         P("Art. 6", "refusal_ground", "Cases in which extradition is not permissible."),
         P("Art. 9", "mla", "Contracting states afford one another judicial assistance in investigations and proceedings for terrorist offences.")),  # noqa: E501
        LAS, "http://www.leagueofarabstates.net/"),
    SeedInstrument(
        "oic-1999", "Convention of the Organisation of the Islamic Conference on Combating International Terrorism",
        "OIC Convention 1999", "convention", "OIC", date(1999, 7, 1), None, (MLA, EXT),
        (P("Art. 1", "definition", "Terrorism: any act of violence or threat carried out to terrorise people or endanger their lives, honour, freedoms, security or rights."),  # noqa: E501
         P("Art. 2", "definition", "Peoples' struggle against foreign occupation, aggression, colonialism and hegemony for liberation and self-determination is not a terrorist crime."),  # noqa: E501
         P("Art. 5", "extradition_basis", "Each contracting state undertakes to extradite persons charged with or convicted of terrorist crimes."),  # noqa: E501
         P("Art. 9", "mla", "Contracting states afford one another judicial assistance for terrorist crimes.")),
        OIC, "https://www.oic-oci.org/"),
    SeedInstrument(
        "oas-2002", "Inter-American Convention against Terrorism", "Inter-American Convention 2002", "convention",
        "OAS", date(2002, 6, 3), date(2003, 7, 10), (MLA, SPONT),
        (P("Art. 2", "definition", "The offences are those of the listed universal instruments."),
         P("Art. 8", "spontaneous", "Close cooperation and exchange of information among law enforcement authorities."),  # noqa: E501
         P("Art. 9", "mla", "The parties afford one another the greatest measure of expeditious mutual legal assistance."),  # noqa: E501
         P("Art. 11", "depoliticisation", _POLITICAL),
         P("Art. 14", "refusal_ground", _DISCRIMINATION)),
        OAS, "https://www.oas.org/juridico/english/treaties/a-66.html"),
    SeedInstrument(
        "au-1999", "OAU Convention on the Prevention and Combating of Terrorism", "OAU Convention 1999",
        "convention", "AU", date(1999, 7, 14), date(2002, 12, 6), (MLA, EXT),
        (P("Art. 1(3)", "definition", "Terrorist act: an act that may endanger life or cause damage, intended to intimidate, coerce a government or create a public emergency."),  # noqa: E501
         P("Art. 3", "definition", "Struggle for liberation or self-determination under international law is not a terrorist act; political motive is no defence."),  # noqa: E501
         P("Art. 8", "extradition_basis", "States parties undertake to extradite persons charged with or convicted of terrorist acts."),  # noqa: E501
         P("Art. 14", "mla", "Commissions rogatory and mutual legal assistance for terrorist acts.")),
        AU, "https://au.int/en/treaties/oau-convention-prevention-and-combating-terrorism"),
)  # fmt: skip

CODES: tuple[str, ...] = tuple(i.code for i in INSTRUMENTS)


def provisions_of(seed: SeedInstrument) -> list[dict[str, Any]]:
    """The non-offence provisions of one seed instrument, as rows (code, article, role, summary, position)."""
    return [
        {"code": p.code(seed.code), "article": p.article, "role": p.role, "summary": p.summary, "elements": [],
         "any_of": [], "position": n}
        for n, p in enumerate(seed.provisions)
    ]  # fmt: skip


def offence_provisions() -> dict[str, list[dict[str, Any]]]:
    """The offence models of :mod:`liaison.legal.offence_models` as provision rows, by instrument code."""
    from liaison.legal.offence_models import MODELS

    out: dict[str, list[dict[str, Any]]] = {}
    for m in MODELS:
        rows = out.setdefault(m.instrument, [])
        rows.append(
            {
                "code": m.code,
                "article": m.article,
                "role": "offence",
                "summary": m.summary,
                "elements": list(m.elements),
                "any_of": [list(g) for g in m.any_of],
                "position": 100 + len(rows),
            }
        )
    return out


def instrument_rows() -> list[dict[str, Any]]:
    """Every seed instrument with its provisions (non-offence, then the offence models) as plain rows."""
    offences = offence_provisions()
    rows = []
    for seed in INSTRUMENTS:
        rows.append(
            {
                "code": seed.code,
                "title": seed.title,
                "short_title": seed.short_title,
                "kind": seed.kind,
                "organisation": seed.organisation,
                "adopted_on": seed.adopted_on,
                "in_force_on": seed.in_force_on,
                "binds_members": seed.binds_members,
                "request_kinds": list(seed.request_kinds),
                "parties": [],
                "provisions": provisions_of(seed) + offences.get(seed.code, []),
                "source": seed.source,
                "source_url": seed.source_url,
                "retrieved_on": seed.retrieved_on,
                "verified": seed.verified,
                "demo": False,
            }
        )
    return rows


def seed_instruments(session: Session, *, actor: Principal) -> dict[str, int]:
    """Load the seed instruments and the offence models (an upsert by code, audited as ``legal.seed``); returns
    counts: instruments added / updated / unchanged, provisions written, offence models loaded and skipped (a
    model whose instrument is not in the seed)."""
    from liaison.actions.legal_facts import upsert_instruments

    rows = instrument_rows()
    known = {r["code"] for r in rows}
    skipped = sum(len(v) for k, v in offence_provisions().items() if k not in known)
    counts = upsert_instruments(session, actor=actor, rows=rows, action="legal.seed")
    counts["models"] = sum(len(v) for k, v in offence_provisions().items() if k in known)
    counts["models_skipped"] = skipped
    return counts
