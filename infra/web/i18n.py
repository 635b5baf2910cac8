"""The pages' languages: their catalogue, locale negotiation, and formatting of dates, times,
numbers and money for a member's locale and time zone.

The catalogues are the ones everything Ithaca says is in (`infra.translations`: pages,
refusals, mail, taxonomy names); a page reads its language's with `translations_for`.

The locale of a request: the signed-in member's own, else the visitor's choice (the
`ithaca_locale` cookie set by the language switcher), else the best match of the browser's
Accept-Language among the interface languages, else the tenant's default.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel import Locale, dates, numbers

from infra.translations import translations_for
from tenants.domain import INTERFACE_LOCALES

__all__ = [
    "LOCALE_COOKIE",
    "RIGHT_TO_LEFT",
    "Formatter",
    "negotiate_locale",
    "translations_for",
]

LOCALE_COOKIE = "ithaca_locale"
RIGHT_TO_LEFT = frozenset({"ar"})


def negotiate_locale(
    *, member: str | None, chosen: str | None, accept_language: str, default: str
) -> str:
    for candidate in (member, chosen):
        if candidate in INTERFACE_LOCALES:
            return candidate
    wanted = [part.split(";")[0].strip().replace("-", "_")
              for part in accept_language.split(",") if part.strip()]
    found = Locale.negotiate(wanted, list(INTERFACE_LOCALES), sep="_") if wanted else None
    return str(found) if found is not None else default


@dataclass(frozen=True)
class Formatter:
    """Formats values for one reader: their locale and their time zone."""

    locale: str
    time_zone: str

    @property
    def zone(self) -> dt.tzinfo:
        return ZoneInfo(self.time_zone)

    @property
    def direction(self) -> str:
        return "rtl" if self.locale in RIGHT_TO_LEFT else "ltr"

    def datetime(self, moment: dt.datetime | None) -> str:
        """Date and time to the minute, in the reader's zone ("21 nov 2026, 13:31")."""
        if moment is None:
            return ""
        return self._to_the_minute(moment, "yMMMd", self.zone)

    def date(self, day: dt.date | dt.datetime | None, format: str = "medium") -> str:
        if day is None:
            return ""
        if isinstance(day, dt.datetime):
            day = day.astimezone(self.zone).date()
        return dates.format_date(day, format, locale=self.locale)

    def time(self, moment: dt.datetime | None, format: str = "short") -> str:
        if moment is None:
            return ""
        return dates.format_time(moment, format, tzinfo=self.zone, locale=self.locale)

    def time_in(self, moment: dt.datetime | None, time_zone: str) -> str:
        """A moment on someone's clock, with the weekday (it may differ between two zones)
        and the zone's name: "Sat, 28 Nov 2026, 18:00 (Egypt Time)", for meetings."""
        if moment is None:
            return ""
        zone = ZoneInfo(time_zone)
        return (self._to_the_minute(moment, "yMMMEd", zone)
                + " (" + dates.get_timezone_location(zone, locale=self.locale) + ")")

    def _to_the_minute(self, moment: dt.datetime, date_skeleton: str, zone: dt.tzinfo) -> str:
        # CLDR has no skeleton for a date with a minute-precise time; its "medium" date-time
        # shows seconds. So the date (from a skeleton) and the short time are joined by the
        # locale's own pattern, as Babel's format_datetime joins its parts.
        local = moment.astimezone(zone)
        day = dates.format_skeleton(date_skeleton, local, locale=self.locale)
        time = dates.format_time(local, "short", locale=self.locale)
        return str(dates.get_datetime_format("medium", locale=self.locale)).replace(
            "{1}", day).replace("{0}", time)

    def number(self, value: float | int | Decimal | None) -> str:
        if value is None:
            return ""
        return numbers.format_decimal(value, locale=self.locale)

    def percent(self, value: float | None) -> str:
        if value is None:
            return ""
        return numbers.format_percent(value, locale=self.locale)

    def money(self, value: float | int | Decimal | None, currency: str) -> str:
        if value is None:
            return ""
        return numbers.format_currency(value, currency, locale=self.locale)

    def language_name(self, code: str) -> str:
        """A language's name in the reader's language ("espagnol" for es, read in French)."""
        return Locale.parse(code).get_display_name(self.locale) or code

    def country_name(self, code: str) -> str:
        """A country's name in the reader's language ("Mexique" for MX, read in French)."""
        name: str = Locale.parse(self.locale).territories.get(code.upper(), code)
        return name

    @staticmethod
    def native_language_name(code: str) -> str:
        """A language's name in itself ("español"), as a language switcher lists it."""
        return Locale.parse(code).get_display_name(code) or code

    def month(self, day: dt.date) -> str:
        return dates.format_skeleton("yMMM", day, locale=self.locale)
