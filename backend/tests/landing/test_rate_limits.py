"""Every landing route is rate limited; verify-cin and submits more strictly; 429 carries Retry-After."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import get_settings
from app.errors import RateLimited
from app.kit.ratelimit import RateLimiter
from app.landing.router import router as landing_router
from tests.fixtures.factories import create_offer
from tests.fixtures.landing_factories import LANDING, idem, landing_cin, new_subscription

VERIFY = f"{LANDING}/clients/verify-cin"


def _assert_rate_limited(response: httpx.Response, window_seconds: int = 60, code: str = "rate_limited") -> None:
    assert response.status_code == 429, response.text
    assert response.json()["error"]["code"] == code
    assert 1 <= int(response.headers["Retry-After"]) <= window_seconds


class TestLandingRateLimits:
    async def test_the_general_budget_covers_every_landing_route(
        self, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(get_settings(), "landing_rate_limit", "3/minute")
        for _ in range(3):
            assert (await client.get(f"{LANDING}/bootstrap")).status_code == 200
        _assert_rate_limited(await client.get(f"{LANDING}/bootstrap"))
        # The budget is per caller across the landing routes, not per route.
        _assert_rate_limited(await client.post(f"{LANDING}/drafts", json={"answers": {}}))

    async def test_staff_routes_are_not_counted(
        self, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(get_settings(), "landing_rate_limit", "1/minute")
        assert (await client.get(f"{LANDING}/bootstrap")).status_code == 200
        for _ in range(3):
            assert (await client.get("/health/live")).status_code == 200

    async def test_verify_cin_is_limited_per_address(
        self, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(get_settings(), "landing_verify_cin_rate_limit", "2/minute")
        for _ in range(2):
            assert (await client.post(VERIFY, json={"cin": landing_cin()})).status_code == 200
        _assert_rate_limited(await client.post(VERIFY, json={"cin": landing_cin()}))
        # Malformed requests count too: guessing formats does not buy more tries.
        _assert_rate_limited(await client.post(VERIFY, json={"cin": "nope"}))
        # Other landing routes keep their own, larger budget.
        assert (await client.get(f"{LANDING}/bootstrap")).status_code == 200

    async def test_verify_cin_is_limited_per_cin(
        self, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(get_settings(), "landing_verify_cin_per_cin_rate_limit", "2 per 15 minutes")
        cin = landing_cin()
        for _ in range(2):
            assert (await client.post(VERIFY, json={"cin": cin})).status_code == 200
        # The same CIN in another intake form is the same CIN.
        locked = await client.post(VERIFY, json={"cin": cin.lower()})
        _assert_rate_limited(locked, window_seconds=15 * 60, code="cin_verification_locked")
        # A locked-out client is told where to go instead (issue 9, item 8).
        assert "customer service" in locked.json()["error"]["message"]
        assert (await client.post(VERIFY, json={"cin": landing_cin()})).status_code == 200

    async def test_submits_are_limited(
        self, client: httpx.AsyncClient, session: AsyncSession, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        offer = await create_offer(session, "mobile")
        await session.commit()
        monkeypatch.setattr(get_settings(), "landing_submit_rate_limit", "1/minute")
        first = await client.post(f"{LANDING}/submit/new", json=new_subscription(offer), headers=idem())
        assert first.status_code == 201, first.text
        _assert_rate_limited(await client.post(f"{LANDING}/submit/new", json=new_subscription(offer), headers=idem()))
        # Plan changes share the submit budget.
        _assert_rate_limited(await client.post(f"{LANDING}/submit/plan-change", json={}, headers=idem()))

    async def test_the_defaults_are_generous_for_browsing_and_strict_for_verification(self) -> None:
        settings = get_settings()
        assert settings.landing_rate_limit == "120/minute"
        assert settings.landing_verify_cin_rate_limit == "10/minute"
        assert settings.landing_submit_rate_limit == "10/minute"


def _dependency_names(dependant: Dependant) -> set[str]:
    names = {getattr(dependant.call, "__name__", "")}
    for sub in dependant.dependencies:
        names |= _dependency_names(sub)
    return names


class TestEveryLandingRouteIsLimited:
    def test_each_landing_operation_takes_the_general_budget_and_sensitive_ones_a_stricter_one(
        self, app: FastAPI
    ) -> None:
        stricter = {
            "landing-verify-cin": "rate_limit_landing_verify_cin",
            "landing-verify-otp": "rate_limit_landing_verify_cin",
            "landing-submit-new": "rate_limit_landing_submit",
            "landing-submit-plan-change": "rate_limit_landing_submit",
        }
        routes = [route for route in landing_router.routes if isinstance(route, APIRoute)]
        assert len(routes) == 13
        # No landing operation lives outside this router (and so outside its budget).
        published = {path for path in app.openapi()["paths"] if path.startswith(LANDING)}
        assert published == {route.path for route in routes}
        for route in routes:
            names = _dependency_names(route.dependant)
            assert "rate_limit_landing" in names, route.path
            if route.operation_id in stricter:
                assert stricter[route.operation_id] in names, route.path
        documented = app.openapi()["paths"]
        for route in routes:
            for method in route.methods:
                assert "429" in documented[route.path][method.lower()]["responses"], route.path


class TestRateLimiter:
    async def test_counts_per_namespace_and_key_and_reports_the_wait(self) -> None:
        limiter = RateLimiter()
        await limiter.hit("2/minute", "ns", "a")
        await limiter.hit("2/minute", "ns", "a")
        await limiter.hit("2/minute", "ns", "b")
        await limiter.hit("2/minute", "other", "a")
        with pytest.raises(RateLimited) as refused:
            await limiter.hit("2/minute", "ns", "a")
        assert refused.value.status_code == 429
        assert 1 <= int(refused.value.headers["Retry-After"]) <= 60

    async def test_several_budgets_in_one_setting_all_apply(self) -> None:
        limiter = RateLimiter()
        await limiter.hit("5/minute;1/second", "ns", "a")
        with pytest.raises(RateLimited):
            await limiter.hit("5/minute;1/second", "ns", "a")

    async def test_reset_forgets_every_counter(self) -> None:
        limiter = RateLimiter()
        await limiter.hit("1/hour", "ns", "a")
        await limiter.reset()
        await limiter.hit("1/hour", "ns", "a")
