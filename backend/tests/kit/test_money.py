from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import BaseModel, ValidationError

from app.kit.money import Money, NonNegativeMoney, PositiveMoney, Rate, format_money, round_half_up


class Amounts(BaseModel):
    amount: Money


class Fees(BaseModel):
    monthly_fee: PositiveMoney
    activation_fee: NonNegativeMoney


class Tax(BaseModel):
    rate: Rate


class TestRoundHalfUp:
    @pytest.mark.parametrize(
        ("value", "rounded"),
        [
            ("2.345", "2.35"),
            ("2.344", "2.34"),
            ("2.355", "2.36"),
            ("0.005", "0.01"),
            ("-2.345", "-2.35"),
            ("199", "199.00"),
        ],
    )
    def test_half_up_to_two_decimals(self, value: str, rounded: str) -> None:
        assert round_half_up(Decimal(value)) == Decimal(rounded)
        assert str(round_half_up(Decimal(value))) == rounded

    def test_half_up_differs_from_bankers_rounding(self) -> None:
        # Python's default (half-even) would give 0.12; money rounds half-up.
        assert round_half_up(Decimal("0.125")) == Decimal("0.13")

    def test_format_money_has_two_decimals(self) -> None:
        assert format_money(Decimal("7")) == "7.00"
        assert format_money(Decimal("7.005")) == "7.01"


class TestMoneyType:
    @pytest.mark.parametrize(("raw", "parsed"), [("199", "199.00"), ("199.5", "199.50"), (12, "12.00"), (0.1, "0.10")])
    def test_parses_to_two_decimals(self, raw: object, parsed: str) -> None:
        assert Amounts.model_validate({"amount": raw}).amount == Decimal(parsed)

    def test_serialises_as_a_string_with_two_decimals(self) -> None:
        assert Amounts(amount=Decimal("199")).model_dump(mode="json") == {"amount": "199.00"}

    @pytest.mark.parametrize("raw", ["19.999", "0.001", 1.005, "1.2345"])
    def test_three_or_more_decimals_are_refused_not_rounded(self, raw: object) -> None:
        with pytest.raises(ValidationError, match="at most two decimals"):
            Amounts.model_validate({"amount": raw})

    @pytest.mark.parametrize("raw", ["abc", "", True, "NaN", "Infinity", "1e13"])
    def test_non_amounts_are_refused(self, raw: object) -> None:
        with pytest.raises(ValidationError):
            Amounts.model_validate({"amount": raw})

    @pytest.mark.parametrize("raw", ["1e999999999999", "-1e999999999999", 10**400])
    def test_astronomic_amounts_are_too_large_not_an_overflow(self, raw: object) -> None:
        """abs() would raise decimal.Overflow (a 500); the bound is checked without the decimal context."""
        with pytest.raises(ValidationError, match="amount is too large"):
            Amounts.model_validate({"amount": raw})

    def test_positive_and_non_negative_bounds(self) -> None:
        Fees.model_validate({"monthly_fee": "0.01", "activation_fee": "0"})
        with pytest.raises(ValidationError, match="monthly_fee"):
            Fees.model_validate({"monthly_fee": "0", "activation_fee": "0"})
        with pytest.raises(ValidationError, match="activation_fee"):
            Fees.model_validate({"monthly_fee": "1", "activation_fee": "-0.01"})


class TestRate:
    @pytest.mark.parametrize(("raw", "shown"), [("0.2", "0.20"), ("0.20", "0.20"), ("0.075", "0.075"), ("0", "0.00")])
    def test_rate_keeps_two_decimals_at_least(self, raw: str, shown: str) -> None:
        assert Tax.model_validate({"rate": raw}).model_dump(mode="json")["rate"] == shown

    def test_rate_is_between_zero_and_one_and_serialises_as_a_string(self) -> None:
        serialised = Tax.model_validate({"rate": "0.20"}).model_dump(mode="json")["rate"]
        assert serialised == "0.20"
        for bad in ("1.5", "-0.1", "0.12345"):
            with pytest.raises(ValidationError):
                Tax.model_validate({"rate": bad})
