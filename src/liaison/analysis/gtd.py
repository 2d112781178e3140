"""The Global Terrorism Database (GTD) codebook's codes, with English labels looked up in the reader's language,
and GTD's country names as ISO 3166-1 alpha-2 codes with the GTD region each belongs to. Pure data and checks.

The codes are the codebook's numbers (START, *GTD Codebook: Inclusion Criteria and Variables*, 2021):
``region`` 1-12, ``attacktype1`` 1-9, ``weaptype1`` 1-13, ``targtype1`` 1-22; ``claimed`` 1/0/-9 (unknown);
``success`` and ``suicide`` 1/0.

GTD names countries as they were on the day of the attack: the Soviet Union, Yugoslavia, Zaire, East and West
Germany. Liaison stores a current ISO code (the successor state's, so a map and a trend by country go on across
the change) and checks the file's ``region`` against the region GTD gives the name it wrote: East Germany is in
Eastern Europe although Germany is in Western Europe. ``International`` (an attack on an aircraft or ship in
international waters or air space) is stored as ``XX`` (ISO's code for "not a country") and fits any region.
Kosovo, which ISO 3166 does not list, is ``XK`` (the code the European Commission and most registries use).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import pycountry

from liaison.i18n import lazy_gettext

REGIONS: dict[int, Any] = {
    1: lazy_gettext("North America"),
    2: lazy_gettext("Central America & Caribbean"),
    3: lazy_gettext("South America"),
    4: lazy_gettext("East Asia"),
    5: lazy_gettext("Southeast Asia"),
    6: lazy_gettext("South Asia"),
    7: lazy_gettext("Central Asia"),
    8: lazy_gettext("Western Europe"),
    9: lazy_gettext("Eastern Europe"),
    10: lazy_gettext("Middle East & North Africa"),
    11: lazy_gettext("Sub-Saharan Africa"),
    12: lazy_gettext("Australasia & Oceania"),
}

ATTACK_TYPES: dict[int, Any] = {
    1: lazy_gettext("Assassination"),
    2: lazy_gettext("Armed assault"),
    3: lazy_gettext("Bombing/explosion"),
    4: lazy_gettext("Hijacking"),
    5: lazy_gettext("Hostage taking (barricade incident)"),
    6: lazy_gettext("Hostage taking (kidnapping)"),
    7: lazy_gettext("Facility/infrastructure attack"),
    8: lazy_gettext("Unarmed assault"),
    9: lazy_gettext("Unknown attack type"),
}

WEAPON_TYPES: dict[int, Any] = {
    1: lazy_gettext("Biological"),
    2: lazy_gettext("Chemical"),
    3: lazy_gettext("Radiological"),
    4: lazy_gettext("Nuclear"),
    5: lazy_gettext("Firearms"),
    6: lazy_gettext("Explosives"),
    7: lazy_gettext("Fake weapons"),
    8: lazy_gettext("Incendiary"),
    9: lazy_gettext("Melee"),
    10: lazy_gettext("Vehicle (not a vehicle bomb)"),
    11: lazy_gettext("Sabotage equipment"),
    12: lazy_gettext("Other weapon"),
    13: lazy_gettext("Unknown weapon"),
}

TARGET_TYPES: dict[int, Any] = {
    1: lazy_gettext("Business"),
    2: lazy_gettext("Government (general)"),
    3: lazy_gettext("Police"),
    4: lazy_gettext("Military"),
    5: lazy_gettext("Abortion related"),
    6: lazy_gettext("Airports & aircraft"),
    7: lazy_gettext("Government (diplomatic)"),
    8: lazy_gettext("Educational institution"),
    9: lazy_gettext("Food or water supply"),
    10: lazy_gettext("Journalists & media"),
    11: lazy_gettext("Maritime"),
    12: lazy_gettext("NGO"),
    13: lazy_gettext("Other target"),
    14: lazy_gettext("Private citizens & property"),
    15: lazy_gettext("Religious figures/institutions"),
    16: lazy_gettext("Telecommunication"),
    17: lazy_gettext("Terrorists/non-state militia"),
    18: lazy_gettext("Tourists"),
    19: lazy_gettext("Transportation (not aviation)"),
    20: lazy_gettext("Unknown target"),
    21: lazy_gettext("Utilities"),
    22: lazy_gettext("Violent political party"),
}

CLAIMED: dict[int, Any] = {1: lazy_gettext("Claimed"), 0: lazy_gettext("Not claimed"), -9: lazy_gettext("Unknown")}
YES_NO: dict[int, Any] = {1: lazy_gettext("Yes"), 0: lazy_gettext("No")}

INTERNATIONAL = "XX"

# GTD region of every country Liaison can place (ISO alpha-2). Territories follow the region GTD files them in.
_REGION_MEMBERS: dict[int, str] = {
    1: "US CA MX",
    2: "AG BS BB BZ CR CU DM DO SV GD GP GT HT HN JM MQ NI PA PR KN LC VC TT AI AW KY VG VI MS TC CW SX BQ MF BL",
    3: "AR BO BR CL CO EC FK GF GY PY PE SR UY VE",
    4: "CN HK JP MO MN KP KR TW",
    5: "BN KH TL ID LA MY MM PH SG TH VN",
    6: "AF BD BT IN MV NP PK LK",
    7: "AM AZ GE KZ KG TJ TM UZ",
    8: "AD AT BE CY DK FI FR DE GI GR IS IE IM IT LI LU MT MC NL NO PT SM ES SE CH GB VA FO GL JE GG AX",
    9: "AL BY BA BG HR CZ EE HU XK LV LT MK MD ME PL RO RU RS SK SI UA",
    10: "DZ BH EG IR IQ IL JO KW LB LY MA OM PS QA SA SY TN TR AE YE EH",
    11: (
        "AO BJ BW BF BI CM CV CF TD KM CD CG DJ GQ ER ET GA GM GH GN GW CI KE LS LR MG MW ML MR MU MZ NA NE NG RW "
        "ST SN SC SL SO ZA SS SD SZ TZ TG UG ZM ZW RE YT SH"
    ),
    12: "AU NZ FJ PG SB VU NC PF WS TO KI TV NR PW FM MH GU AS MP CK NU WF NF TK PN",
}
REGION_OF: dict[str, int] = {code: region for region, codes in _REGION_MEMBERS.items() for code in codes.split()}
"""ISO alpha-2 code to GTD region (``XX``, international, has none: it fits any region)."""

# GTD's names that pycountry does not know (or knows under another name): (ISO alpha-2, GTD region).
ALIASES: dict[str, tuple[str, int | None]] = {
    "West Bank and Gaza Strip": ("PS", 10),
    "Kosovo": ("XK", 9),
    "Soviet Union": ("RU", 9),
    "Russia": ("RU", 9),
    "Yugoslavia": ("RS", 9),
    "Serbia-Montenegro": ("RS", 9),
    "Czechoslovakia": ("CZ", 9),
    "Slovak Republic": ("SK", 9),
    "Bosnia-Herzegovina": ("BA", 9),
    "Macedonia": ("MK", 9),
    "East Germany (GDR)": ("DE", 9),
    "West Germany (FRG)": ("DE", 8),
    "Democratic Republic of the Congo": ("CD", 11),
    "Zaire": ("CD", 11),
    "Republic of the Congo": ("CG", 11),
    "People's Republic of the Congo": ("CG", 11),
    "Ivory Coast": ("CI", 11),
    "Rhodesia": ("ZW", 11),
    "Swaziland": ("SZ", 11),
    "South Vietnam": ("VN", 5),
    "Vietnam": ("VN", 5),
    "Laos": ("LA", 5),
    "Brunei": ("BN", 5),
    "East Timor": ("TL", 5),
    "Myanmar": ("MM", 5),
    "North Yemen": ("YE", 10),
    "South Yemen": ("YE", 10),
    "Iran": ("IR", 10),
    "Syria": ("SY", 10),
    "Turkey": ("TR", 10),
    "North Korea": ("KP", 4),
    "South Korea": ("KR", 4),
    "Taiwan": ("TW", 4),
    "Hong Kong": ("HK", 4),
    "Macau": ("MO", 4),
    "Bolivia": ("BO", 3),
    "Venezuela": ("VE", 3),
    "Falkland Islands": ("FK", 3),
    "Tanzania": ("TZ", 11),
    "Moldova": ("MD", 9),
    "Czech Republic": ("CZ", 9),
    "Vatican City": ("VA", 8),
    "New Hebrides": ("VU", 12),
    "Wallis and Futuna": ("WF", 12),
    "St. Kitts and Nevis": ("KN", 2),
    "St. Lucia": ("LC", 2),
    "Western Sahara": ("EH", 10),
    "International": (INTERNATIONAL, None),
}


def _key(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


_ALIAS_KEYS = {_key(name): found for name, found in ALIASES.items()}


def country_code(name: str) -> tuple[str, int | None] | None:
    """A GTD country name (or an ISO alpha-2/alpha-3 code) to (ISO alpha-2, the GTD region it belongs to);
    None when unknown. The region is None for ``International``."""
    text = name.strip()
    if not text:
        return None
    found = _ALIAS_KEYS.get(_key(text))
    if found is not None:
        return found
    if text.upper() == INTERNATIONAL:
        return INTERNATIONAL, None
    if text.upper() == "XK":
        return "XK", 9
    try:
        country = pycountry.countries.lookup(text)
    except LookupError:
        return None
    code = str(country.alpha_2)
    region = REGION_OF.get(code)
    return (code, region) if region is not None else None


def country_name(code: str) -> str:
    """The English short name of an ISO alpha-2 code as GTD would write it today (the code itself when unknown)."""
    if code == INTERNATIONAL:
        return "International"
    if code == "XK":
        return "Kosovo"
    country = pycountry.countries.get(alpha_2=code)
    return str(getattr(country, "common_name", None) or country.name) if country else code


def label(table: dict[int, Any], code: int | None) -> str:
    """The label of a code in the reader's language ("?" for a code the table does not have)."""
    return str(table[code]) if code in table else "?"


def fits_region(country: str, region: int, gtd_region: int | None = None) -> bool:
    """Whether ``region`` is the GTD region of the country (``gtd_region``: the one GTD gives the name the file
    wrote, for historical states). International fits every region."""
    if country == INTERNATIONAL:
        return region in REGIONS
    expected = gtd_region if gtd_region is not None else REGION_OF.get(country)
    return expected == region


def countries_in(region: int) -> list[str]:
    """The ISO codes of a GTD region, sorted (for the synthetic generator and the filters)."""
    return sorted(code for code, r in REGION_OF.items() if r == region)
