"""Rate limiting with the `limits` library: budgets per key, refused with 429 `rate_limited` and Retry-After.

Counters live in the storage named by `settings.rate_limit_storage_uri` (`memory://` by default: per
process; a shared store such as `redis://` makes several API processes count together). The moving
window strategy is used so a burst straddling two clock windows cannot get twice the budget.
"""

from __future__ import annotations

import math
import time
from collections.abc import Awaitable, Callable
from functools import lru_cache

from fastapi import Request
from limits import RateLimitItem, parse_many
from limits.aio.storage import Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string

from app.config import Settings, get_settings
from app.errors import RateLimited, raises


@lru_cache(maxsize=64)
def _parse(limit: str) -> tuple[RateLimitItem, ...]:
    return tuple(parse_many(limit))


def _async_uri(uri: str) -> str:
    return uri if uri.startswith("async+") else f"async+{uri}"


class RateLimiter:
    """Counts hits per (namespace, key) against budgets such as "10/minute"."""

    def __init__(self) -> None:
        self._storage: Storage | None = None
        self._strategy: MovingWindowRateLimiter | None = None
        self._uri: str | None = None

    def _limiter(self) -> MovingWindowRateLimiter:
        uri = _async_uri(get_settings().rate_limit_storage_uri)
        if self._strategy is None or uri != self._uri:
            storage = storage_from_string(uri)
            assert isinstance(storage, Storage)
            self._storage, self._strategy, self._uri = storage, MovingWindowRateLimiter(storage), uri
        return self._strategy

    async def hit(self, limit: str, namespace: str, key: str) -> None:
        """Count one hit; raise RateLimited (with the seconds until a slot frees) once the budget is spent."""
        limiter = self._limiter()
        for item in _parse(limit):
            if not await limiter.hit(item, namespace, key):
                stats = await limiter.get_window_stats(item, namespace, key)
                raise RateLimited(math.ceil(stats.reset_time - time.time()))

    async def reset(self) -> None:
        """Forget every counter (tests start from a clean slate)."""
        if self._storage is not None:
            await self._storage.reset()


limiter = RateLimiter()


def client_address(request: Request) -> str:
    """The caller's address as the ASGI server reports it (run uvicorn with --proxy-headers behind a proxy)."""
    return request.client.host if request.client else "unknown"


def rate_limit(
    namespace: str,
    budget: Callable[[Settings], str],
    key: Callable[[Request], str] = client_address,
) -> Callable[[Request], Awaitable[None]]:
    """A route dependency counting one hit per request in `namespace`, keyed by the caller's address.

    The budget is read from the settings at each request, so configuration (and a test) can change it.
    """

    async def dependency(request: Request) -> None:
        await limiter.hit(budget(get_settings()), namespace, key(request))

    dependency.__name__ = f"rate_limit_{namespace.replace('-', '_')}"
    return raises(RateLimited)(dependency)
