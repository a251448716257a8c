"""The component rules of each offer category (spec 5.1), shared by creation and update."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

MOBILE_FIELDS = ("mobile_data_gb", "mobile_calls_hours")
INTERNET_FIELDS = (
    "internet_access_type",
    "internet_fiber_speed_mbps",
    "internet_adsl_speed_mbps",
    "internet_landline_included",
    "internet_tv_included",
)
LANDLINE_FIELDS = ("landline_national_included", "landline_international_hours", "landline_phone_hours")
FIELDS_BY_CATEGORY: dict[str, tuple[str, ...]] = {
    "mobile": MOBILE_FIELDS,
    "internet": INTERNET_FIELDS,
    "landline": LANDLINE_FIELDS,
}
COMPONENT_FIELDS = MOBILE_FIELDS + INTERNET_FIELDS + LANDLINE_FIELDS
CATEGORY_LABELS = {"mobile": "Mobile", "internet": "Internet", "landline": "Landline"}
# The line service types an offer category fits (spec 5.2); fiber <-> adsl is a technology change.
SERVICE_TYPES_OF_CATEGORY: dict[str, tuple[str, ...]] = {
    "mobile": ("mobile",),
    "internet": ("fiber", "adsl"),
    "landline": ("landline",),
}
# How contracts and invoices (PDFs, in French) name a line's service type.
SERVICE_LABELS = {"mobile": "Mobile", "fiber": "Internet fibre", "adsl": "Internet ADSL", "landline": "Fixe"}
_SPEED_FIELD = {"fiber": "internet_fiber_speed_mbps", "adsl": "internet_adsl_speed_mbps"}


def service_type_for(category: str, internet_access_type: str | None) -> str:
    """The persisted compatibility field used by provisioning: mobile, fiber/adsl, or landline."""
    if category == "internet":
        if internet_access_type not in _SPEED_FIELD:
            raise ValueError("an internet offer needs internet_access_type fiber or adsl")
        return internet_access_type
    return category


def component_problems(category: str, components: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Every (field, message) that breaks the category's component rules; empty when the offer is valid."""
    problems: list[tuple[str, str]] = [
        (name, f"{name} is not a component of a {category} offer")
        for name in COMPONENT_FIELDS
        if name not in FIELDS_BY_CATEGORY[category] and components.get(name) is not None
    ]
    if category == "mobile":
        if components.get("mobile_data_gb") is None and components.get("mobile_calls_hours") is None:
            problems.append(("mobile_data_gb", "a mobile offer needs mobile_data_gb or mobile_calls_hours"))
    elif category == "internet":
        access = components.get("internet_access_type")
        if access not in _SPEED_FIELD:
            problems.append(("internet_access_type", "internet_access_type is required: fiber or adsl"))
        else:
            speed, other_speed = _SPEED_FIELD[access], _SPEED_FIELD["adsl" if access == "fiber" else "fiber"]
            if components.get(speed) is None:
                problems.append((speed, f"{speed} is required for a {access} offer"))
            if components.get(other_speed) is not None:
                problems.append((other_speed, f"{other_speed} must be absent for a {access} offer"))
        if components.get("internet_landline_included") is not True:
            problems.append(("internet_landline_included", "internet_landline_included is mandatory and must be true"))
    elif (
        components.get("landline_national_included") is not True
        and components.get("landline_international_hours") is None
        and components.get("landline_phone_hours") is None
    ):
        problems.append(
            (
                "landline_national_included",
                "a landline offer needs landline_national_included, landline_international_hours "
                "or landline_phone_hours",
            )
        )
    return problems


def validity_problems(valid_from: date | None, valid_to: date | None) -> list[tuple[str, str]]:
    if valid_from is not None and valid_to is not None and valid_to <= valid_from:
        return [("valid_to", "valid_to must be after valid_from")]
    return []
