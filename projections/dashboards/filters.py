"""What a dashboard is narrowed to: the filters as a client gives them, checked, and the months
they name."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from projections.dashboards.schemas import FiltersView
from services import taxonomy
from services.errors import InvalidInputError
from services.programme.domain import FOLLOW_UP_MONTHS_MAX
from services.texts import check_text

__all__ = ["EMPLOYER_MAX", "MONTHS_MAX", "Filters", "month_at", "month_index"]

_MONTH = re.compile(r"^([0-9]{4})-(0[1-9]|1[0-2])$")
MONTHS_MAX = 240
"""The longest date range one answer covers (twenty years of monthly figures)."""
EMPLOYER_MAX = 120


@dataclass(frozen=True)
class Filters:
    """What the dashboard is narrowed to; `checked` refuses bad values naming the parameter."""

    country: str | None = None
    industry: str | None = None
    programme: str | None = None
    employer: str | None = None
    from_month: str | None = None
    to_month: str | None = None
    months_after: int | None = None

    @classmethod
    def checked(
        cls, *, programmes: Collection[str], country: str | None = None,
        industry: str | None = None, programme: str | None = None, employer: str | None = None,
        from_month: str | None = None, to_month: str | None = None,
        months_after: int | None = None,
    ) -> Filters:
        if country is not None:
            taxonomy.check_country(country, "country")
        if industry is not None:
            taxonomy.check_industry(industry, "industry")
        if programme is not None:
            taxonomy.check_programme(programme, programmes)
        if employer is not None:
            employer = check_text(employer, "employer", EMPLOYER_MAX)
        for field, month in (("from", from_month), ("to", to_month)):
            if month is not None and not _MONTH.match(month):
                raise InvalidInputError("'%(month)s' is not a month: YYYY-MM", field=field,
                                        values={"month": month})
        if from_month is not None and to_month is not None:
            if to_month < from_month:
                raise InvalidInputError("must not be before from", field="to")
            if month_index(to_month) - month_index(from_month) >= MONTHS_MAX:
                raise InvalidInputError("at most %(most)s months from from", field="to",
                                        values={"most": MONTHS_MAX})
        if months_after is not None and not 1 <= months_after <= FOLLOW_UP_MONTHS_MAX:
            raise InvalidInputError("must be from 1 to %(most)s", field="monthsAfter",
                                    values={"most": FOLLOW_UP_MONTHS_MAX})
        return cls(country, industry, programme, employer, from_month, to_month, months_after)

    @property
    def describes_business(self) -> bool:
        return any(v is not None for v in (self.country, self.industry, self.programme))

    def view(self) -> FiltersView:
        return FiltersView(
            country=self.country, industry=self.industry, programme=self.programme,
            employer=self.employer, from_month=self.from_month, to_month=self.to_month,
            months_after=self.months_after,
        )


def month_index(month: str) -> int:
    """`YYYY-MM` as a count of months, so that ranges of months are ranges of numbers."""
    return int(month[:4]) * 12 + int(month[5:7]) - 1


def month_at(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"
