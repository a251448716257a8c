from __future__ import annotations

import pytest

from app.kit.identity import normalize_cin


@pytest.mark.parametrize(
    ("raw", "cin"),
    [
        ("AB123456", "AB123456"),
        ("ab123456", "AB123456"),
        (" a 12345 ", "A12345"),
        ("Bk1", "BK1"),
        ("z12345678", "Z12345678"),
    ],
)
def test_cin_is_upper_cased_and_compacted(raw: str, cin: str) -> None:
    assert normalize_cin(raw) == cin


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "123456",
        "ABC123",
        "AB",
        "AB123456789",
        "A-12345",
        "1AB234",
        "AB12C4",
        "ÉB1234",
        "ß1234",
        "ﬁ12345",
        "AB１２３４",
    ],
)
def test_anything_but_one_or_two_letters_then_digits_is_refused(raw: str) -> None:
    with pytest.raises(ValueError, match="CIN must be"):
        normalize_cin(raw)
