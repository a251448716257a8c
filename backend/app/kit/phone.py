"""Moroccan numbers: every accepted intake format to the canonical +212 and nine digits."""

from __future__ import annotations

import re
from typing import Literal

import phonenumbers

NumberKind = Literal["mobile", "landline", "any"]

ACCEPTED_FORMATS = ["+212 6 55 33 44 22", "06 55 33 44 22", "07 55 33 44 22", "0655334422", "212655334422"]
_FIRST_DIGITS: dict[str, tuple[str, ...]] = {
    "mobile": ("6", "7"),
    "landline": ("5", "8"),
    "any": ("5", "6", "7", "8"),
}


class InvalidPhoneNumber(ValueError):
    pass


def normalize_moroccan_number(raw: str, kind: NumberKind = "any") -> str:
    """Return the canonical form (`+212` + 9 digits) or raise InvalidPhoneNumber with a reason."""
    compact = re.sub(r"[\s.\-()]", "", raw or "")
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    elif compact.startswith("212") and len(compact) == 12:
        compact = "+" + compact
    if not re.fullmatch(r"\+?\d{9,13}", compact):
        raise InvalidPhoneNumber("not a Moroccan phone number")
    try:
        parsed = phonenumbers.parse(compact, "MA")
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhoneNumber("not a Moroccan phone number") from exc
    national = str(parsed.national_number)
    if parsed.country_code != 212 or len(national) != 9:
        raise InvalidPhoneNumber("not a Moroccan number: +212 followed by nine digits is expected")
    allowed = _FIRST_DIGITS[kind]
    if not national.startswith(allowed):
        if kind == "mobile":
            raise InvalidPhoneNumber("a mobile number starts with 6 or 7 after the prefix")
        if kind == "landline":
            raise InvalidPhoneNumber("a landline number starts with 5 or 8 after the prefix")
        raise InvalidPhoneNumber("a Moroccan number starts with 5, 6, 7 or 8 after the prefix")
    return f"+212{national}"
