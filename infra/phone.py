"""Members' mobile numbers: what a person types becomes E.164, the one form stored and sent.

Parsing and validation are Google's libphonenumber metadata (`phonenumbers`), which knows every
country's plan: a number typed without its country code is read in the member's region (their
country), and only a number that can receive SMS is taken (mobile, or a plan such as North
America's where a number may be either).
"""

from __future__ import annotations

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from services.errors import InvalidInputError

__all__ = ["mask_phone", "normalise_phone"]

_TEXTABLE = frozenset({PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE})
_MASK = "•"


def normalise_phone(raw: str, region_hint: str | None = None, *, field: str = "phone") -> str:
    """`raw` in E.164 (+254712345678). `region_hint` is an ISO 3166 country code (KE) that
    reads a number typed without its country code. Raises InvalidInputError (422) naming
    `field` when it is no valid number, or one that cannot receive SMS."""
    try:
        number = phonenumbers.parse(raw, (region_hint or "").upper() or None)
    except phonenumbers.NumberParseException as error:
        raise InvalidInputError(
            "must be a mobile number with its country code, such as +254 712 345678",
            field=field) from error
    if not phonenumbers.is_valid_number(number):
        raise InvalidInputError(
            "must be a mobile number with its country code, such as +254 712 345678",
            field=field)
    if phonenumbers.number_type(number) not in _TEXTABLE:
        raise InvalidInputError("must be a mobile number: this one cannot receive SMS",
                                field=field)
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def mask_phone(e164: str) -> str:
    """`e164` as pages show it to anyone who should not read it whole: the country code and the
    last two digits (+44 •••• ••89), the same width whatever the number's length."""
    try:
        number = phonenumbers.parse(e164)
    except phonenumbers.NumberParseException as error:
        raise ValueError("not a phone number in E.164") from error
    last_two = str(number.national_number)[-2:]
    return f"+{number.country_code} {_MASK * 4} {_MASK * 2}{last_two}"
