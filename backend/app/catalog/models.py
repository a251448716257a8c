from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, Date, DateTime, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.catalog.schemas import OfferCategory, OfferStatus
from app.db import Base, TimestampedMixin, uuid_pk
from app.kit.money import MONEY_SQL
from app.kit.vocabulary import one_of_check, words

OFFER_CATEGORIES = words(OfferCategory)


class Offer(TimestampedMixin, Base):
    """A commercial offer of the catalog, built from the components of its category (spec 5.1)."""

    __tablename__ = "offers"
    __table_args__ = (
        one_of_check("category", OfferCategory),
        one_of_check("status", OfferStatus),
        CheckConstraint(
            "(category = 'mobile' AND service_type = 'mobile') OR "
            "(category = 'internet' AND service_type = internet_access_type) OR "
            "(category = 'landline' AND service_type = 'landline')",
            name="service_type_matches_category",
        ),
        CheckConstraint("monthly_fee > 0", name="monthly_fee_positive"),
        CheckConstraint("activation_fee >= 0", name="activation_fee_non_negative"),
        CheckConstraint("valid_to IS NULL OR valid_to > valid_from", name="validity_window"),
        CheckConstraint(
            "category <> 'mobile' OR (mobile_data_gb IS NOT NULL OR mobile_calls_hours IS NOT NULL)",
            name="mobile_components",
        ),
        CheckConstraint(
            "category <> 'internet' OR ("
            "internet_landline_included IS TRUE AND ("
            "(internet_access_type = 'fiber' AND internet_fiber_speed_mbps IS NOT NULL "
            "AND internet_adsl_speed_mbps IS NULL) OR "
            "(internet_access_type = 'adsl' AND internet_adsl_speed_mbps IS NOT NULL "
            "AND internet_fiber_speed_mbps IS NULL)))",
            name="internet_components",
        ),
        CheckConstraint(
            "category <> 'landline' OR (landline_national_included IS TRUE "
            "OR landline_international_hours IS NOT NULL OR landline_phone_hours IS NOT NULL)",
            name="landline_components",
        ),
        Index("ix_offers_category_status", "category", "status"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    code: Mapped[str] = mapped_column(String(40), nullable=False, unique=True)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(20), nullable=False)
    service_type: Mapped[str] = mapped_column(String(20), nullable=False)
    monthly_fee: Mapped[Decimal] = mapped_column(MONEY_SQL, nullable=False)
    activation_fee: Mapped[Decimal] = mapped_column(MONEY_SQL, nullable=False)
    valid_from: Mapped[date] = mapped_column(Date, nullable=False)
    valid_to: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="active")
    retired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    mobile_data_gb: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    mobile_calls_hours: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    internet_access_type: Mapped[str | None] = mapped_column(String(10))
    internet_fiber_speed_mbps: Mapped[int | None] = mapped_column(Integer)
    internet_adsl_speed_mbps: Mapped[int | None] = mapped_column(Integer)
    internet_landline_included: Mapped[bool | None] = mapped_column(Boolean)
    internet_tv_included: Mapped[bool | None] = mapped_column(Boolean)
    landline_national_included: Mapped[bool | None] = mapped_column(Boolean)
    landline_international_hours: Mapped[int | None] = mapped_column(Integer)
    landline_phone_hours: Mapped[int | None] = mapped_column(Integer)
