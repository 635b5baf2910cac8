"""The vocabularies profiles are written in: stages, industries, expertise, countries, languages,
time zones. Profiles store codes only; names come from here, in the reader's locale.

Industries are the sections of ISIC Rev.4 (A-U). Countries are ISO 3166-1 alpha-2 and languages
ISO 639-1 where a language has such a code, else ISO 639-3 (from pycountry); the languages
offered are those CLDR can name, so every offered code has a name in every interface locale.
Time zones are the IANA zones of the installed tz database. Country and language names come from
CLDR (babel); the other names are ours: English here, translated in the catalogues
(`infra.translations`, context "taxonomy"), English as the fallback.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable, Collection, Mapping
from enum import StrEnum
from functools import cache

import msgspec
import pycountry
from babel import Locale
from babel.core import get_global
from babel.dates import get_timezone_location

from infra.translations import NC_, interface_locale, translated
from services.errors import InvalidInputError

__all__ = [
    "EXPERTISE",
    "INDUSTRIES",
    "STAGES",
    "BusinessStage",
    "Term",
    "check_codes",
    "check_country",
    "check_expertise",
    "check_industry",
    "check_language",
    "check_programme",
    "check_stage",
    "check_time_zone",
    "countries",
    "expertise_areas",
    "expertise_name",
    "industries",
    "languages",
    "stages",
    "time_zones",
]

class BusinessStage(StrEnum):
    IDEA = "idea"
    EARLY = "early"
    GROWING = "growing"
    ESTABLISHED = "established"


class Term(msgspec.Struct, frozen=True, kw_only=True):
    """A code and its name in one locale."""

    code: str
    name: str


STAGES: dict[str, str] = {
    BusinessStage.IDEA: NC_("taxonomy", "Idea"),
    BusinessStage.EARLY: NC_("taxonomy", "Early stage"),
    BusinessStage.GROWING: NC_("taxonomy", "Growing"),
    BusinessStage.ESTABLISHED: NC_("taxonomy", "Established"),
}

INDUSTRIES: dict[str, str] = {
    "A": NC_("taxonomy", "Agriculture, forestry and fishing"),
    "B": NC_("taxonomy", "Mining and quarrying"),
    "C": NC_("taxonomy", "Manufacturing"),
    "D": NC_("taxonomy", "Electricity, gas, steam and air conditioning supply"),
    "E": NC_("taxonomy", "Water supply; sewerage, waste management and remediation activities"),
    "F": NC_("taxonomy", "Construction"),
    "G": NC_("taxonomy", "Wholesale and retail trade; repair of motor vehicles and motorcycles"),
    "H": NC_("taxonomy", "Transportation and storage"),
    "I": NC_("taxonomy", "Accommodation and food service activities"),
    "J": NC_("taxonomy", "Information and communication"),
    "K": NC_("taxonomy", "Financial and insurance activities"),
    "L": NC_("taxonomy", "Real estate activities"),
    "M": NC_("taxonomy", "Professional, scientific and technical activities"),
    "N": NC_("taxonomy", "Administrative and support service activities"),
    "O": NC_("taxonomy", "Public administration and defence; compulsory social security"),
    "P": NC_("taxonomy", "Education"),
    "Q": NC_("taxonomy", "Human health and social work activities"),
    "R": NC_("taxonomy", "Arts, entertainment and recreation"),
    "S": NC_("taxonomy", "Other service activities"),
    "T": NC_("taxonomy", "Activities of households as employers; undifferentiated goods- and "
                         "services-producing activities of households for own use"),
    "U": NC_("taxonomy", "Activities of extraterritorial organizations and bodies"),
}
"""ISIC Rev.4 sections, with the names of the UN's own translations where there is one."""

EXPERTISE: dict[str, str] = {
    "accounting": NC_("taxonomy", "Accounting"),
    "agriculture": NC_("taxonomy", "Agriculture and agribusiness"),
    "branding": NC_("taxonomy", "Branding"),
    "business-planning": NC_("taxonomy", "Business planning"),
    "customer-service": NC_("taxonomy", "Customer service"),
    "data": NC_("taxonomy", "Data and analytics"),
    "digital": NC_("taxonomy", "Digital transformation"),
    "e-commerce": NC_("taxonomy", "E-commerce"),
    "export": NC_("taxonomy", "Export and international trade"),
    "finance": NC_("taxonomy", "Finance"),
    "fundraising": NC_("taxonomy", "Fundraising and investment"),
    "human-resources": NC_("taxonomy", "Human resources"),
    "insurance": NC_("taxonomy", "Insurance and risk"),
    "intellectual-property": NC_("taxonomy", "Intellectual property"),
    "leadership": NC_("taxonomy", "Leadership and management"),
    "legal": NC_("taxonomy", "Legal"),
    "manufacturing": NC_("taxonomy", "Manufacturing and production"),
    "marketing": NC_("taxonomy", "Marketing"),
    "negotiation": NC_("taxonomy", "Negotiation"),
    "operations": NC_("taxonomy", "Operations"),
    "partnerships": NC_("taxonomy", "Partnerships"),
    "pricing": NC_("taxonomy", "Pricing"),
    "procurement": NC_("taxonomy", "Procurement"),
    "product": NC_("taxonomy", "Product development"),
    "public-sector-contracts": NC_("taxonomy", "Public sector contracts"),
    "sales": NC_("taxonomy", "Sales"),
    "social-media": NC_("taxonomy", "Social media"),
    "strategy": NC_("taxonomy", "Business strategy"),
    "supply-chain": NC_("taxonomy", "Supply chain and logistics"),
    "sustainability": NC_("taxonomy", "Sustainability"),
    "tax": NC_("taxonomy", "Tax"),
    "technology": NC_("taxonomy", "Technology and IT"),
}
"""Business expertise areas: what mentors offer and what self-assessments find lacking."""


# Names --------------------------------------------------------------------------------------


def _terms(vocabulary: Mapping[str, str], locale: str) -> list[Term]:
    return [Term(code=code, name=translated(locale, "taxonomy", name))
            for code, name in vocabulary.items()]


def stages(locale: str) -> list[Term]:
    return _terms(STAGES, locale)


def industries(locale: str) -> list[Term]:
    return _terms(INDUSTRIES, locale)


def expertise_areas(locale: str) -> list[Term]:
    return _terms(EXPERTISE, locale)


def expertise_name(code: str, locale: str) -> str:
    name = EXPERTISE.get(code)
    return code if name is None else translated(locale, "taxonomy", name)


@cache
def countries(locale: str) -> list[Term]:
    names = Locale.parse(interface_locale(locale)).territories
    return sorted(
        (Term(code=country.alpha_2, name=names.get(country.alpha_2, country.name))
         for country in pycountry.countries),
        key=lambda term: term.name,
    )


@cache
def _language_codes() -> frozenset[str]:
    named = Locale.parse("en").languages
    codes = set()
    for language in pycountry.languages:
        alpha_2 = getattr(language, "alpha_2", None)
        if alpha_2:
            codes.add(alpha_2)
        elif language.alpha_3 in named:
            codes.add(language.alpha_3)
    return frozenset(codes)


@cache
def languages(locale: str) -> list[Term]:
    names = Locale.parse(interface_locale(locale)).languages
    english = Locale.parse("en").languages
    return sorted(
        (Term(code=code, name=names.get(code) or english.get(code) or code)
         for code in _language_codes()),
        key=lambda term: term.name,
    )


_NOT_PLACES = ("Factory", "localtime", "posixrules")


@cache
def _time_zone_ids() -> frozenset[str]:
    return frozenset(
        zone for zone in zoneinfo.available_timezones()
        if zone not in _NOT_PLACES and not zone.startswith(("posix/", "right/"))
    )


_NO_REGION = frozenset({"ZZ", "001"})
"""CLDR's "unknown region" and "world": UTC and Etc/GMT+5 are named by themselves."""


@cache
def time_zones(locale: str) -> list[Term]:
    """Each zone named by its country and exemplar city in the locale, e.g. España (Madrid)."""
    locale = interface_locale(locale)
    territory_names = Locale.parse(locale).territories
    zone_territories: Mapping[str, str] = get_global("zone_territories")
    aliases: Mapping[str, str] = get_global("zone_aliases")  # US/Pacific -> America/Los_Angeles
    terms = []
    for zone in sorted(_time_zone_ids()):
        canonical = aliases.get(zone, zone)
        # The CLDR lacks a few cities (Argentina/Salta): the id's last part, in words, then.
        city = get_timezone_location(canonical, locale, return_city=True)
        city = city.rsplit("/", 1)[-1].replace("_", " ")
        territory = zone_territories.get(canonical, "ZZ")
        known = territory in territory_names and territory not in _NO_REGION
        name = f"{territory_names[territory]} ({city})" if known else city
        terms.append(Term(code=zone, name=name))
    return terms


# Checks: each raises a 422 naming the field as the client sent it ------------------------------


def check_programme(
    programme: str, programmes: Collection[str], field: str = "programme"
) -> str:
    """`programmes` are the tenant's own (its programme settings)."""
    if programme not in programmes:
        if not programmes:
            raise InvalidInputError(
                "'%(programme)s' is not one of this tenant's programmes (none are defined)",
                field=field, values={"programme": programme},
            )
        raise InvalidInputError(
            "'%(programme)s' is not one of this tenant's programmes (%(known)s)",
            field=field, values={"programme": programme, "known": ", ".join(programmes)},
        )
    return programme


def check_stage(code: str, field: str = "stage") -> str:
    if code not in STAGES:
        raise InvalidInputError(
            "'%(code)s' is not a business stage (%(stages)s)", field=field,
            values={"code": code, "stages": ", ".join(STAGES)},
        )
    return code


def check_industry(code: str, field: str = "industry") -> str:
    if code not in INDUSTRIES:
        raise InvalidInputError(
            "'%(code)s' is not an ISIC Rev.4 section (A to U)", field=field,
            values={"code": code},
        )
    return code


def check_expertise(code: str, field: str = "expertise") -> str:
    if code not in EXPERTISE:
        raise InvalidInputError(
            "'%(code)s' is not an expertise area; see /api/v1/taxonomies", field=field,
            values={"code": code},
        )
    return code


def check_country(code: str, field: str = "country") -> str:
    if len(code) != 2 or not code.isupper() or pycountry.countries.get(alpha_2=code) is None:
        raise InvalidInputError(
            "'%(code)s' is not an ISO 3166-1 alpha-2 country code (e.g. ES)", field=field,
            values={"code": code},
        )
    return code


def check_language(code: str, field: str = "languages") -> str:
    if code in _language_codes():
        return code
    known = pycountry.languages.get(alpha_3=code) if len(code) == 3 else None
    alpha_2 = getattr(known, "alpha_2", None)
    if alpha_2:
        raise InvalidInputError(
            "'%(code)s' is not an ISO 639 language code we offer (e.g. es, fr, fil); use "
            "'%(instead)s'", field=field, values={"code": code, "instead": alpha_2},
        )
    raise InvalidInputError(
        "'%(code)s' is not an ISO 639 language code we offer (e.g. es, fr, fil)",
        field=field, values={"code": code},
    )


def check_time_zone(code: str, field: str = "timeZone") -> str:
    if code not in _time_zone_ids():
        raise InvalidInputError(
            "'%(zone)s' is not an IANA time zone (e.g. Europe/Madrid)", field=field,
            values={"zone": code},
        )
    return code


def check_codes(
    codes: list[str], check: Callable[[str, str], str], field: str
) -> list[str]:
    """Checks each code of a list, naming the one at fault (`languages[1]`); no repeats."""
    seen: set[str] = set()
    for index, code in enumerate(codes):
        check(code, f"{field}[{index}]")
        if code in seen:
            raise InvalidInputError("'%(code)s' is listed twice", field=f"{field}[{index}]",
                                    values={"code": code})
        seen.add(code)
    return codes
