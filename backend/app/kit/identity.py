"""The Moroccan national identity card number (CIN): 1-2 letters followed by digits."""

from __future__ import annotations

import re

CIN_PATTERN = re.compile(r"^[A-Z]{1,2}[0-9]{1,8}$")
CIN_FORMAT_HELP = "1 or 2 letters followed by up to 8 digits, e.g. AB123456"


def normalize_cin(raw: str) -> str:
    """Upper-case and strip; raise ValueError when it is not CIN-shaped."""
    cin = re.sub(r"\s", "", raw or "")
    # Checked before upper-casing: str.upper() turns "ß1234" into "SS1234" and "ﬁ12" into "FI12".
    if not cin.isascii():
        raise ValueError(f"CIN must be {CIN_FORMAT_HELP}")
    cin = cin.upper()
    if not CIN_PATTERN.match(cin):
        raise ValueError(f"CIN must be {CIN_FORMAT_HELP}")
    return cin
