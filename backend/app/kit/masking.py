"""Masking of personal data (CIN, email, phone) for logs, error messages and public answers."""

from __future__ import annotations

import re

_EMAIL = re.compile(r"([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})")
# +212 / 00212 / 212 / 0 followed by nine digits, with optional separators.
_PHONE = re.compile(r"(?<![\w])(?:\+|00)?(?:212[\s.-]?|0)([5-8])(?:[\s.-]?\d){6}[\s.-]?(\d)[\s.-]?(\d)(?!\d)")
# A CIN stands alone: not glued to other letters, digits, hyphens or dots (which would make it part of a UUID,
# a hash, an invoice number or a file name).
_CIN = re.compile(r"(?<![\w.-])([A-Za-z]{1,2})(\d{1,8})(?![\w-]|\.\w)")


def mask_email(email: str) -> str:
    local, _, domain = email.partition("@")
    if not domain:
        return "***"
    return f"{local[:1]}***@{domain}"


def mask_phone(phone: str) -> str:
    """'+212655334422' -> '+212 6** ** ** 22' (the national number's first and last two digits stay)."""
    digits = re.sub(r"\D", "", phone)
    national = digits[-9:] if len(digits) >= 9 else digits
    if len(national) < 9:
        return "***"
    return f"+212 {national[0]}** ** ** {national[-2:]}"


def mask_line_number(phone: str) -> str:
    """'+212655334422' -> '+212 *******22': a line number on a public copy keeps only its last 2 digits."""
    digits = re.sub(r"\D", "", phone)
    if len(digits) < 9:
        return "***"
    return f"+212 {'*' * 7}{digits[-2:]}"


def mask_street_address(address: str | None, city: str | None = None) -> str:
    """The street address hidden, the city kept: '12 rue Atlas, Rabat' -> '***, Rabat'."""
    return ", ".join(part for part in ("***" if address else None, city) if part)


def mask_cin(cin: str) -> str:
    """'AB123456' -> 'AB****56'."""
    match = re.match(r"^([A-Za-z]{1,2})(\d+)$", cin.strip())
    if not match:
        return "***"
    letters, digits = match.groups()
    keep = digits[-2:] if len(digits) > 2 else ""
    return f"{letters.upper()}{'*' * (len(digits) - len(keep))}{keep}"


def mask_text(text: str) -> str:
    """Mask every email, Moroccan phone number and CIN-shaped token in free text."""
    text = _EMAIL.sub(lambda m: f"{m.group(1)}***@{m.group(2)}", text)
    text = _PHONE.sub(lambda m: f"+212 {m.group(1)}** ** ** {m.group(2)}{m.group(3)}", text)
    return _CIN.sub(lambda m: mask_cin(m.group(0)) if len(m.group(2)) >= 4 else m.group(0), text)
