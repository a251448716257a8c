from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.catalog import usage
from app.catalog.models import Offer
from app.kit.audit import AuditRecord
from app.kit.dates import utc_today
from app.main import create_app
from tests.fixtures.auth import auth_headers
from tests.fixtures.catalog_factories import offer_payload
from tests.fixtures.factories import create_offer

OPERATOR = auth_headers("operator")
AUDITOR = auth_headers("auditor")
OFFERS = "/api/v1/offers"


def locs(response: httpx.Response) -> list[list[Any]]:
    return [detail["loc"] for detail in response.json()["error"]["details"]]


def assert_validation_error_on(response: httpx.Response, field: str) -> None:
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == "validation_error"
    assert ["body", field] in locs(response), locs(response)


async def audit_rows(session: AsyncSession, entity_id: object) -> list[AuditRecord]:
    rows = await session.scalars(
        select(AuditRecord).where(AuditRecord.entity_id == str(entity_id)).order_by(AuditRecord.id)
    )
    return list(rows)


# (offer kind, overrides, fields dropped, field named in the error) for every rule of spec 5.1.
INVALID_OFFERS = [
    # category
    pytest.param("mobile", {"category": "tv"}, (), "category", id="unknown-category"),
    pytest.param("mobile", {}, ("category",), "category", id="category-required"),
    # mobile: at least one of data / calls; allowances positive, two decimals
    pytest.param("mobile", {}, ("mobile_data_gb", "mobile_calls_hours"), "mobile_data_gb", id="mobile-no-component"),
    pytest.param(
        "mobile", {"mobile_data_gb": None, "mobile_calls_hours": None}, (), "mobile_data_gb", id="mobile-nulls"
    ),
    pytest.param("mobile", {"mobile_data_gb": 0}, (), "mobile_data_gb", id="mobile-zero-data"),
    pytest.param("mobile", {"mobile_calls_hours": -1}, (), "mobile_calls_hours", id="mobile-negative-calls"),
    pytest.param("mobile", {"mobile_data_gb": "1.234"}, (), "mobile_data_gb", id="mobile-three-decimals"),
    # internet: access type exactly fiber or adsl
    pytest.param("fiber", {}, ("internet_access_type",), "internet_access_type", id="internet-no-access"),
    pytest.param("fiber", {"internet_access_type": "vdsl"}, (), "internet_access_type", id="internet-vdsl"),
    pytest.param("fiber", {"internet_access_type": "Fiber"}, (), "internet_access_type", id="internet-case"),
    # internet: the matching speed required, the other absent
    pytest.param("fiber", {}, ("internet_fiber_speed_mbps",), "internet_fiber_speed_mbps", id="fiber-no-speed"),
    pytest.param("fiber", {"internet_adsl_speed_mbps": 20}, (), "internet_adsl_speed_mbps", id="fiber-adsl-speed"),
    pytest.param("adsl", {}, ("internet_adsl_speed_mbps",), "internet_adsl_speed_mbps", id="adsl-no-speed"),
    pytest.param("adsl", {"internet_fiber_speed_mbps": 100}, (), "internet_fiber_speed_mbps", id="adsl-fiber-speed"),
    pytest.param("fiber", {"internet_fiber_speed_mbps": 100.5}, (), "internet_fiber_speed_mbps", id="speed-float"),
    pytest.param("fiber", {"internet_fiber_speed_mbps": "100"}, (), "internet_fiber_speed_mbps", id="speed-string"),
    pytest.param("fiber", {"internet_fiber_speed_mbps": 0}, (), "internet_fiber_speed_mbps", id="speed-zero"),
    # internet: landline included mandatory and true
    pytest.param("fiber", {}, ("internet_landline_included",), "internet_landline_included", id="landline-missing"),
    pytest.param("fiber", {"internet_landline_included": None}, (), "internet_landline_included", id="landline-null"),
    pytest.param("adsl", {"internet_landline_included": False}, (), "internet_landline_included", id="landline-false"),
    pytest.param("fiber", {"internet_landline_included": "true"}, (), "internet_landline_included", id="landline-str"),
    pytest.param("fiber", {"internet_tv_included": "yes"}, (), "internet_tv_included", id="tv-not-boolean"),
    # landline: at least one component; hour fields integers only
    pytest.param(
        "landline",
        {},
        ("landline_national_included", "landline_international_hours"),
        "landline_national_included",
        id="landline-no-component",
    ),
    pytest.param(
        "landline",
        {"landline_national_included": False},
        ("landline_international_hours",),
        "landline_national_included",
        id="landline-national-false-only",
    ),
    pytest.param("landline", {"landline_international_hours": 1.5}, (), "landline_international_hours", id="hours-1.5"),
    pytest.param(
        "landline", {"landline_international_hours": "2.5"}, (), "landline_international_hours", id="hours-str-2.5"
    ),
    pytest.param("landline", {"landline_phone_hours": "2"}, (), "landline_phone_hours", id="hours-str-2"),
    pytest.param("landline", {"landline_phone_hours": 2.0}, (), "landline_phone_hours", id="hours-float-2.0"),
    pytest.param("landline", {"landline_phone_hours": True}, (), "landline_phone_hours", id="hours-bool"),
    pytest.param("landline", {"landline_phone_hours": 0}, (), "landline_phone_hours", id="hours-zero"),
    # fields of another category are refused, not kept
    pytest.param("mobile", {"internet_access_type": "fiber"}, (), "internet_access_type", id="mobile-with-internet"),
    pytest.param("mobile", {"landline_phone_hours": 3}, (), "landline_phone_hours", id="mobile-with-landline"),
    pytest.param("fiber", {"mobile_data_gb": "5"}, (), "mobile_data_gb", id="internet-with-mobile"),
    pytest.param(
        "fiber", {"landline_national_included": True}, (), "landline_national_included", id="internet-with-landline"
    ),
    pytest.param("landline", {"internet_tv_included": True}, (), "internet_tv_included", id="landline-with-internet"),
    pytest.param("landline", {"mobile_calls_hours": "2"}, (), "mobile_calls_hours", id="landline-with-mobile"),
    # service_type is derived, status is the lifecycle's: neither is accepted from input
    pytest.param("mobile", {"service_type": "mobile"}, (), "service_type", id="service-type-input"),
    pytest.param("mobile", {"status": "retired"}, (), "status", id="status-input"),
    # fees: monthly > 0, activation >= 0, both required, two decimals
    pytest.param("mobile", {"monthly_fee": "0.00"}, (), "monthly_fee", id="monthly-zero"),
    pytest.param("mobile", {"monthly_fee": "-5.00"}, (), "monthly_fee", id="monthly-negative"),
    pytest.param("mobile", {"monthly_fee": "19.999"}, (), "monthly_fee", id="monthly-three-decimals"),
    pytest.param("mobile", {"monthly_fee": "abc"}, (), "monthly_fee", id="monthly-not-a-number"),
    pytest.param("mobile", {}, ("monthly_fee",), "monthly_fee", id="monthly-required"),
    pytest.param("mobile", {"activation_fee": "-0.01"}, (), "activation_fee", id="activation-negative"),
    pytest.param("mobile", {"activation_fee": "1.005"}, (), "activation_fee", id="activation-three-decimals"),
    pytest.param("mobile", {}, ("activation_fee",), "activation_fee", id="activation-required"),
    # identity and validity
    pytest.param("mobile", {}, ("code",), "code", id="code-required"),
    pytest.param("mobile", {"code": "has space"}, (), "code", id="code-format"),
    pytest.param("mobile", {}, ("name",), "name", id="name-required"),
    pytest.param("mobile", {"name": "  "}, (), "name", id="name-blank"),
    pytest.param("mobile", {}, ("valid_from",), "valid_from", id="valid-from-required"),
    pytest.param("mobile", {"valid_to": "2026-01-01"}, (), "valid_to", id="valid-to-same-day"),
    pytest.param("mobile", {"valid_to": "2025-12-31"}, (), "valid_to", id="valid-to-before"),
    pytest.param("mobile", {"valid_from": "2026-02-30"}, (), "valid_from", id="valid-from-not-a-date"),
]


class TestCreateOffer:
    @pytest.mark.parametrize(
        ("kind", "category", "service_type"),
        [
            ("mobile", "mobile", "mobile"),
            ("fiber", "internet", "fiber"),
            ("adsl", "internet", "adsl"),
            ("landline", "landline", "landline"),
        ],
    )
    async def test_service_type_is_derived_and_persisted(
        self, client: httpx.AsyncClient, session: AsyncSession, kind: str, category: str, service_type: str
    ) -> None:
        response = await client.post(OFFERS, json=offer_payload(kind), headers=OPERATOR)
        assert response.status_code == 201, response.text
        body = response.json()
        assert body["category"] == category
        assert body["service_type"] == service_type
        assert body["status"] == "active"
        stored = await session.get(Offer, uuid.UUID(body["id"]))
        assert stored is not None
        assert stored.service_type == service_type

    async def test_answer_carries_money_as_two_decimal_strings_and_null_valid_to(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.post(
            OFFERS, json=offer_payload("mobile", monthly_fee=99, activation_fee="0"), headers=OPERATOR
        )
        assert response.status_code == 201, response.text
        body = response.json()
        assert body["monthly_fee"] == "99.00"
        assert body["activation_fee"] == "0.00"
        assert body["valid_to"] is None
        assert body["landline_phone_hours"] is None

    @pytest.mark.parametrize(
        ("kind", "overrides", "without"),
        [
            pytest.param("mobile", {}, ("mobile_calls_hours",), id="mobile-data-only"),
            pytest.param("mobile", {}, ("mobile_data_gb",), id="mobile-calls-only"),
            pytest.param("fiber", {"internet_tv_included": True}, (), id="fiber-with-tv"),
            pytest.param("adsl", {"internet_tv_included": None}, (), id="adsl-tv-null"),
            pytest.param("landline", {}, ("landline_international_hours",), id="landline-national-only"),
            pytest.param(
                "landline", {"landline_phone_hours": 4}, ("landline_national_included",), id="landline-hours-only"
            ),
            pytest.param("mobile", {"mobile_data_gb": 2.5}, (), id="allowance-number"),
            pytest.param("mobile", {"landline_phone_hours": None}, (), id="foreign-field-null-is-absent"),
            pytest.param("mobile", {"valid_to": "2026-12-31"}, (), id="valid-to-after"),
            pytest.param("mobile", {"activation_fee": "0.00"}, (), id="activation-zero"),
            pytest.param("mobile", {"monthly_fee": "0.01"}, (), id="monthly-one-cent"),
        ],
    )
    async def test_valid_variants_are_accepted(
        self, client: httpx.AsyncClient, kind: str, overrides: dict[str, Any], without: tuple[str, ...]
    ) -> None:
        response = await client.post(OFFERS, json=offer_payload(kind, without=without, **overrides), headers=OPERATOR)
        assert response.status_code == 201, response.text

    @pytest.mark.parametrize(("kind", "overrides", "without", "field"), INVALID_OFFERS)
    async def test_invalid_offer_is_refused_naming_the_field(
        self,
        client: httpx.AsyncClient,
        session: AsyncSession,
        kind: str,
        overrides: dict[str, Any],
        without: tuple[str, ...],
        field: str,
    ) -> None:
        payload = offer_payload(kind, without=without, **overrides)
        response = await client.post(OFFERS, json=payload, headers=OPERATOR)
        assert_validation_error_on(response, field)
        if "code" in payload:
            assert await session.scalar(select(Offer.id).where(Offer.code == payload["code"])) is None

    async def test_all_problems_are_reported_at_once(self, client: httpx.AsyncClient) -> None:
        payload = offer_payload(
            "fiber", internet_adsl_speed_mbps=20, mobile_data_gb="1", internet_landline_included=False
        )
        response = await client.post(OFFERS, json=payload, headers=OPERATOR)
        assert response.status_code == 422
        assert sorted(loc[1] for loc in locs(response)) == [
            "internet_adsl_speed_mbps",
            "internet_landline_included",
            "mobile_data_gb",
        ]

    async def test_code_is_unique_whatever_its_case(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        first = await client.post(OFFERS, json=offer_payload("mobile", code="mob-unique-1"), headers=OPERATOR)
        assert first.status_code == 201, first.text
        assert first.json()["code"] == "MOB-UNIQUE-1"
        await session.commit()
        second = await client.post(OFFERS, json=offer_payload("landline", code="MOB-UNIQUE-1"), headers=OPERATOR)
        assert second.status_code == 409
        assert second.json()["error"]["code"] == "offer_code_taken"
        assert locs(second) == [["body", "code"]]

    async def test_creation_is_audited(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        response = await client.post(OFFERS, json=offer_payload("fiber"), headers=OPERATOR)
        [record] = await audit_rows(session, response.json()["id"])
        assert record.action == "offer.created"
        assert record.actor == "test-operator"
        assert record.after is not None
        assert record.after["service_type"] == "fiber"
        assert record.after["monthly_fee"] == "199.00"

    async def test_without_token_is_401(self, client: httpx.AsyncClient) -> None:
        response = await client.post(OFFERS, json=offer_payload())
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "not_authenticated"

    @pytest.mark.parametrize("role", ["auditor", "billing", "collections"])
    async def test_only_operators_create(self, client: httpx.AsyncClient, role: str) -> None:
        response = await client.post(OFFERS, json=offer_payload(), headers=auth_headers(role))
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "forbidden"


class TestListOffers:
    async def test_filters_by_category_service_type_status_and_text(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        tag = uuid.uuid4().hex[:8]
        mobile = await create_offer(session, "mobile", name=f"Mobile {tag}")
        fiber = await create_offer(session, "fiber", name=f"Fibre {tag}", description="very fast")
        adsl = await create_offer(session, "adsl", name=f"ADSL {tag}", status="retired")

        async def ids(**params: str) -> set[str]:
            response = await client.get(OFFERS, params={"q": tag, **params}, headers=OPERATOR)
            assert response.status_code == 200, response.text
            return {item["id"] for item in response.json()["items"]}

        assert await ids() == {str(mobile.id), str(fiber.id), str(adsl.id)}
        assert await ids(category="internet") == {str(fiber.id), str(adsl.id)}
        assert await ids(service_type="adsl") == {str(adsl.id)}
        assert await ids(status="active") == {str(mobile.id), str(fiber.id)}
        response = await client.get(OFFERS, params={"q": fiber.code.lower()}, headers=OPERATOR)
        assert [item["id"] for item in response.json()["items"]] == [str(fiber.id)]

    async def test_exact_code_filter(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        wanted = await create_offer(session, "mobile", code="EXACT-CODE-1")
        await create_offer(session, "mobile", code="EXACT-CODE-10")
        response = await client.get(OFFERS, params={"code": " exact-code-1 "}, headers=OPERATOR)
        assert response.status_code == 200, response.text
        assert [item["id"] for item in response.json()["items"]] == [str(wanted.id)]

    async def test_pagination(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        tag = uuid.uuid4().hex[:8]
        created = {str((await create_offer(session, "mobile", name=f"Paged {tag} {i}")).id) for i in range(3)}
        seen: list[str] = []
        for offset in (0, 2):
            response = await client.get(OFFERS, params={"q": tag, "limit": 2, "offset": offset}, headers=OPERATOR)
            body = response.json()
            assert body["total"] == 3
            seen.extend(item["id"] for item in body["items"])
        assert sorted(seen) == sorted(created)

    @pytest.mark.parametrize(("name", "value"), [("category", "tv"), ("service_type", "vdsl"), ("status", "gone")])
    async def test_unknown_filter_values_are_422(self, client: httpx.AsyncClient, name: str, value: str) -> None:
        response = await client.get(OFFERS, params={name: value}, headers=OPERATOR)
        assert response.status_code == 422
        assert ["query", name] in locs(response)

    @pytest.mark.parametrize("role", ["operator", "billing", "collections", "auditor", "admin"])
    async def test_every_reading_role_may_list(self, client: httpx.AsyncClient, role: str) -> None:
        assert (await client.get(OFFERS, headers=auth_headers(role))).status_code == 200

    async def test_without_token_is_401(self, client: httpx.AsyncClient) -> None:
        assert (await client.get(OFFERS)).status_code == 401


class TestGetOffer:
    async def test_returns_the_offer_with_its_components(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        offer = await create_offer(session, "landline")
        response = await client.get(f"{OFFERS}/{offer.id}", headers=AUDITOR)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["landline_national_included"] is True
        assert body["landline_phone_hours"] == 10
        assert body["mobile_data_gb"] is None

    async def test_unknown_offer_is_404(self, client: httpx.AsyncClient) -> None:
        response = await client.get(f"{OFFERS}/{uuid.uuid4()}", headers=OPERATOR)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"

    async def test_without_token_is_401(self, client: httpx.AsyncClient) -> None:
        assert (await client.get(f"{OFFERS}/{uuid.uuid4()}")).status_code == 401


class TestUpdateOffer:
    async def test_name_fees_and_validity_change_and_are_audited(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        offer = await create_offer(session, "mobile")
        original_name = offer.name
        response = await client.patch(
            f"{OFFERS}/{offer.id}",
            json={"name": "Mobile Max", "monthly_fee": "249.5", "valid_to": "2030-12-31", "description": "Promo"},
            headers=OPERATOR,
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["name"] == "Mobile Max"
        assert body["monthly_fee"] == "249.50"
        assert body["valid_to"] == "2030-12-31"
        [record] = await audit_rows(session, offer.id)
        assert record.action == "offer.updated"
        assert record.before == {
            "name": original_name,
            "monthly_fee": "199.00",
            "valid_to": None,
            "description": None,
        }
        assert record.after == {
            "name": "Mobile Max",
            "monthly_fee": "249.50",
            "valid_to": "2030-12-31",
            "description": "Promo",
        }

    async def test_one_mobile_component_may_go_as_long_as_one_remains(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        offer = await create_offer(session, "mobile")
        response = await client.patch(f"{OFFERS}/{offer.id}", json={"mobile_data_gb": None}, headers=OPERATOR)
        assert response.status_code == 200, response.text
        assert response.json()["mobile_data_gb"] is None

    async def test_fiber_becomes_adsl_and_service_type_follows(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        offer = await create_offer(session, "fiber")
        response = await client.patch(
            f"{OFFERS}/{offer.id}",
            json={"internet_access_type": "adsl", "internet_adsl_speed_mbps": 20, "internet_fiber_speed_mbps": None},
            headers=OPERATOR,
        )
        assert response.status_code == 200, response.text
        assert response.json()["service_type"] == "adsl"
        await session.refresh(offer)
        assert offer.service_type == "adsl"

    async def test_an_offer_in_use_keeps_its_access_type_but_other_components_may_change(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        """Contracts copied the service type at signature: a fiber offer in use cannot become ADSL."""
        used = await create_offer(session, "fiber")
        unused = await create_offer(session, "fiber")
        used_id, unused_id = used.id, unused.id
        await session.commit()  # the refused request rolls its own work back, not these offers

        async def sold_on_contracts(_: AsyncSession, offer_id: uuid.UUID) -> bool:
            return offer_id == used_id

        to_adsl = {"internet_access_type": "adsl", "internet_adsl_speed_mbps": 20, "internet_fiber_speed_mbps": None}
        usage.register_offer_usage_check("test_contract", sold_on_contracts)
        try:
            refused = await client.patch(f"{OFFERS}/{used_id}", json=to_adsl, headers=OPERATOR)
            assert refused.status_code == 409, refused.text
            error = refused.json()["error"]
            assert error["code"] == "offer_in_use"
            assert [(d["loc"], d["type"]) for d in error["details"]] == [
                (["body", "internet_access_type"], "test_contract")
            ]
            assert await audit_rows(session, used_id) == []
            faster = await client.patch(
                f"{OFFERS}/{used_id}", json={"internet_fiber_speed_mbps": 200}, headers=OPERATOR
            )
            assert faster.status_code == 200, faster.text
            assert faster.json()["service_type"] == "fiber"
            switched = await client.patch(f"{OFFERS}/{unused_id}", json=to_adsl, headers=OPERATOR)
            assert switched.status_code == 200, switched.text
            assert switched.json()["service_type"] == "adsl"
        finally:
            usage.unregister_offer_usage_check("test_contract")

    @pytest.mark.parametrize(
        ("kind", "patch", "field"),
        [
            pytest.param(
                "mobile", {"mobile_data_gb": None, "mobile_calls_hours": None}, "mobile_data_gb", id="mobile-empty"
            ),
            pytest.param("mobile", {"internet_tv_included": True}, "internet_tv_included", id="foreign-component"),
            pytest.param(
                "fiber", {"internet_access_type": "adsl"}, "internet_adsl_speed_mbps", id="switch-without-speed"
            ),
            pytest.param(
                "fiber",
                {"internet_access_type": "adsl", "internet_adsl_speed_mbps": 20},
                "internet_fiber_speed_mbps",
                id="switch-keeping-fiber-speed",
            ),
            pytest.param(
                "fiber", {"internet_landline_included": False}, "internet_landline_included", id="landline-false"
            ),
            pytest.param(
                "fiber", {"internet_landline_included": None}, "internet_landline_included", id="landline-cleared"
            ),
            pytest.param("fiber", {"internet_access_type": None}, "internet_access_type", id="access-cleared"),
            pytest.param(
                "landline",
                {"landline_national_included": False, "landline_phone_hours": None},
                "landline_national_included",
                id="landline-empty",
            ),
            pytest.param("landline", {"landline_phone_hours": 1.5}, "landline_phone_hours", id="hours-float"),
            pytest.param("mobile", {"valid_to": "2019-12-31"}, "valid_to", id="valid-to-before-stored-from"),
            pytest.param("mobile", {"valid_from": "2031-01-01", "valid_to": "2030-01-01"}, "valid_to", id="window"),
            pytest.param("mobile", {"monthly_fee": "0"}, "monthly_fee", id="monthly-zero"),
            pytest.param("mobile", {"monthly_fee": None}, "monthly_fee", id="monthly-null"),
            pytest.param("mobile", {"activation_fee": "-1"}, "activation_fee", id="activation-negative"),
            pytest.param("mobile", {"name": None}, "name", id="name-null"),
            pytest.param("mobile", {"valid_from": None}, "valid_from", id="valid-from-null"),
            pytest.param("mobile", {"category": "landline"}, "category", id="category-fixed"),
            pytest.param("mobile", {"code": "NEW-CODE"}, "code", id="code-fixed"),
            pytest.param("mobile", {"service_type": "fiber"}, "service_type", id="service-type-derived"),
            pytest.param("mobile", {"status": "retired"}, "status", id="status-via-retire-only"),
        ],
    )
    async def test_invalid_update_is_refused_naming_the_field(
        self, client: httpx.AsyncClient, session: AsyncSession, kind: str, patch: dict[str, Any], field: str
    ) -> None:
        offer = await create_offer(session, kind)
        response = await client.patch(f"{OFFERS}/{offer.id}", json=patch, headers=OPERATOR)
        assert_validation_error_on(response, field)

    async def test_a_retired_offer_cannot_be_edited(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        offer = await create_offer(session, "mobile", status="retired")
        response = await client.patch(f"{OFFERS}/{offer.id}", json={"name": "Back"}, headers=OPERATOR)
        assert response.status_code == 409
        assert response.json()["error"]["code"] == "offer_retired"

    async def test_unknown_offer_is_404(self, client: httpx.AsyncClient) -> None:
        response = await client.patch(f"{OFFERS}/{uuid.uuid4()}", json={"name": "X"}, headers=OPERATOR)
        assert response.status_code == 404

    async def test_auditor_cannot_update(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        offer = await create_offer(session, "mobile")
        response = await client.patch(f"{OFFERS}/{offer.id}", json={"name": "X"}, headers=AUDITOR)
        assert response.status_code == 403

    async def test_without_token_is_401(self, client: httpx.AsyncClient) -> None:
        assert (await client.patch(f"{OFFERS}/{uuid.uuid4()}", json={})).status_code == 401


class TestRetireOffer:
    async def test_retire_sets_status_and_is_audited_and_twice_is_409(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        offer_id = (await create_offer(session, "adsl")).id
        response = await client.post(f"{OFFERS}/{offer_id}/retire", headers=OPERATOR)
        assert response.status_code == 200, response.text
        assert response.json()["status"] == "retired"
        assert response.json()["retired_at"] is not None
        [record] = await audit_rows(session, offer_id)
        assert record.action == "offer.retired"
        assert record.before == {"status": "active"}
        again = await client.post(f"{OFFERS}/{offer_id}/retire", headers=OPERATOR)
        assert again.status_code == 409
        assert again.json()["error"]["code"] == "offer_retired"
        assert len(await audit_rows(session, offer_id)) == 1

    async def test_offers_are_never_deleted(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        offer = await create_offer(session, "mobile")
        response = await client.delete(f"{OFFERS}/{offer.id}", headers=OPERATOR)
        assert response.status_code == 405
        assert response.json()["error"]["code"] == "method_not_allowed"

    async def test_unknown_offer_is_404(self, client: httpx.AsyncClient) -> None:
        assert (await client.post(f"{OFFERS}/{uuid.uuid4()}/retire", headers=OPERATOR)).status_code == 404

    async def test_billing_cannot_retire(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        offer = await create_offer(session, "mobile")
        response = await client.post(f"{OFFERS}/{offer.id}/retire", headers=auth_headers("billing"))
        assert response.status_code == 403

    async def test_without_token_is_401(self, client: httpx.AsyncClient) -> None:
        assert (await client.post(f"{OFFERS}/{uuid.uuid4()}/retire")).status_code == 401


class TestOfferCategories:
    async def test_groups_offers_on_sale_today_in_the_fixed_category_order(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        today = utc_today()
        mobile = await create_offer(session, "mobile", valid_from=today)
        fiber = await create_offer(session, "fiber", valid_to=today)
        adsl = await create_offer(session, "adsl")
        landline = await create_offer(session, "landline")
        retired = await create_offer(session, "mobile", status="retired")
        future = await create_offer(session, "mobile", valid_from=today + timedelta(days=1))
        expired = await create_offer(session, "landline", valid_to=today - timedelta(days=1))

        response = await client.get("/api/v1/offer-categories", headers=auth_headers("billing"))
        assert response.status_code == 200, response.text
        groups = response.json()["categories"]
        assert [(g["category"], g["label"]) for g in groups] == [
            ("mobile", "Mobile"),
            ("internet", "Internet"),
            ("landline", "Landline"),
        ]
        listed = {g["category"]: {o["id"] for o in g["offers"]} for g in groups}
        assert str(mobile.id) in listed["mobile"]
        assert {str(fiber.id), str(adsl.id)} <= listed["internet"]
        assert str(landline.id) in listed["landline"]
        everything = set().union(*listed.values())
        for hidden in (retired, future, expired):
            assert str(hidden.id) not in everything

    async def test_the_three_categories_are_listed_even_when_empty(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/api/v1/offer-categories", headers=OPERATOR)
        assert [g["category"] for g in response.json()["categories"]] == ["mobile", "internet", "landline"]

    async def test_without_token_is_401(self, client: httpx.AsyncClient) -> None:
        assert (await client.get("/api/v1/offer-categories")).status_code == 401


class TestOfferFamiliesAlias:
    async def test_same_answer_with_deprecation_headers(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        await create_offer(session, "mobile")
        current = await client.get("/api/v1/offer-categories", headers=OPERATOR)
        alias = await client.get("/api/v1/offer-families", headers=OPERATOR)
        assert alias.status_code == 200
        assert alias.json() == current.json()
        assert alias.headers["Deprecation"] == "true"
        assert alias.headers["Link"] == '</api/v1/offer-categories>; rel="successor-version"'
        assert "Deprecation" not in current.headers

    def test_marked_deprecated_in_openapi(self) -> None:
        paths = create_app(manage_database=False).openapi()["paths"]
        assert paths["/api/v1/offer-families"]["get"]["deprecated"] is True
        assert "deprecated" not in paths["/api/v1/offer-categories"]["get"]

    async def test_without_token_is_401(self, client: httpx.AsyncClient) -> None:
        assert (await client.get("/api/v1/offer-families")).status_code == 401
