from __future__ import annotations

import pytest

from app.kit.phone import ACCEPTED_FORMATS, InvalidPhoneNumber, normalize_moroccan_number


class TestNormalizeMoroccanNumber:
    @pytest.mark.parametrize(
        ("raw", "canonical"),
        [
            ("+212 6 55 33 44 22", "+212655334422"),
            ("06 55 33 44 22", "+212655334422"),
            ("07 55 33 44 22", "+212755334422"),
            ("0655334422", "+212655334422"),
            ("212655334422", "+212655334422"),
            ("00212655334422", "+212655334422"),
            ("+212-6.55(33)44 22", "+212655334422"),
            ("+212655334422", "+212655334422"),
        ],
    )
    def test_every_intake_format_becomes_the_canonical_form(self, raw: str, canonical: str) -> None:
        assert normalize_moroccan_number(raw, "mobile") == canonical
        assert normalize_moroccan_number(raw, "any") == canonical

    def test_the_documented_formats_are_all_accepted(self) -> None:
        assert len(ACCEPTED_FORMATS) >= 4
        for raw in ACCEPTED_FORMATS:
            assert normalize_moroccan_number(raw).startswith("+2126") or normalize_moroccan_number(raw).startswith(
                "+2127"
            )

    @pytest.mark.parametrize(
        ("raw", "canonical"), [("05 22 33 44 55", "+212522334455"), ("0800123456", "+212800123456")]
    )
    def test_landlines_start_with_5_or_8(self, raw: str, canonical: str) -> None:
        assert normalize_moroccan_number(raw, "landline") == canonical
        assert normalize_moroccan_number(raw, "any") == canonical

    @pytest.mark.parametrize("raw", ["05 22 33 44 55", "+212 8 00 12 34 56"])
    def test_a_landline_is_not_a_mobile_number(self, raw: str) -> None:
        with pytest.raises(InvalidPhoneNumber, match="mobile number starts with 6 or 7"):
            normalize_moroccan_number(raw, "mobile")

    @pytest.mark.parametrize("raw", ["06 55 33 44 22", "07 55 33 44 22"])
    def test_a_mobile_is_not_a_landline_number(self, raw: str) -> None:
        with pytest.raises(InvalidPhoneNumber, match="landline number starts with 5 or 8"):
            normalize_moroccan_number(raw, "landline")

    @pytest.mark.parametrize("raw", ["+212 4 55 33 44 22", "09 55 33 44 22", "+212 1 55 33 44 22"])
    def test_other_first_digits_are_no_moroccan_family(self, raw: str) -> None:
        with pytest.raises(InvalidPhoneNumber, match="5, 6, 7 or 8"):
            normalize_moroccan_number(raw, "any")

    @pytest.mark.parametrize(
        "raw",
        ["", "abc", "06 55 33 44 2", "06 55 33 44 222", "+33 6 12 34 56 78", "0033612345678", "+2126553344", "6553"],
    )
    def test_malformed_or_foreign_numbers_are_refused(self, raw: str) -> None:
        with pytest.raises(InvalidPhoneNumber):
            normalize_moroccan_number(raw, "any")
