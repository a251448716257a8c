from __future__ import annotations

import pytest

from app.kit.masking import mask_cin, mask_email, mask_phone, mask_text


class TestMaskCin:
    @pytest.mark.parametrize(("cin", "masked"), [("AB123456", "AB****56"), ("k4455", "K**55"), ("A123", "A*23")])
    def test_keeps_letters_and_last_two_digits(self, cin: str, masked: str) -> None:
        assert mask_cin(cin) == masked

    def test_two_digits_or_fewer_are_all_hidden(self) -> None:
        assert mask_cin("A12") == "A**"

    def test_non_cin_is_fully_hidden(self) -> None:
        assert mask_cin("not a cin") == "***"


class TestMaskEmail:
    def test_keeps_first_letter_and_domain(self) -> None:
        assert mask_email("salma.bennani@example.ma") == "s***@example.ma"

    def test_without_domain_is_fully_hidden(self) -> None:
        assert mask_email("salma") == "***"


class TestMaskPhone:
    @pytest.mark.parametrize("phone", ["+212655334422", "0655334422", "06 55 33 44 22", "212655334422"])
    def test_keeps_family_digit_and_last_two(self, phone: str) -> None:
        assert mask_phone(phone) == "+212 6** ** ** 22"

    def test_too_short_is_fully_hidden(self) -> None:
        assert mask_phone("12345") == "***"


class TestMaskText:
    @pytest.mark.parametrize(
        "raw_phone",
        ["+212655334422", "+212 6 55 33 44 22", "06 55 33 44 22", "0655334422", "212655334422", "00212655334422"],
    )
    def test_phone_numbers_in_any_intake_format_are_masked(self, raw_phone: str) -> None:
        masked = mask_text(f"call {raw_phone} now")
        assert "55 33 44" not in masked
        assert "553344" not in masked
        assert "+212 6** ** ** 22" in masked

    def test_email_and_cin_are_masked_and_other_words_stay(self) -> None:
        masked = mask_text("client AB123456 wrote from Salma.Bennani@example.ma about invoice 2026")
        assert "AB123456" not in masked
        assert "Salma.Bennani" not in masked
        assert "AB****56" in masked
        assert "S***@example.ma" in masked
        assert masked.startswith("client ")
        assert masked.endswith("about invoice 2026")

    def test_short_letter_digit_tokens_are_not_taken_for_a_cin(self) -> None:
        assert mask_text("room A12 on floor B3") == "room A12 on floor B3"
