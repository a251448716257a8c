"""The embedded PostgreSQL is sized to the machine, not left at initdb's 128 MB of shared buffers."""

from __future__ import annotations

from app.dbserver import embedded_server_settings

GIB = 1024**3


def test_a_quarter_of_the_memory_goes_to_shared_buffers_and_half_to_the_cache_estimate() -> None:
    settings = embedded_server_settings(16 * GIB, 2)
    assert settings["shared_buffers"] == "4096MB"
    assert settings["effective_cache_size"] == "8192MB"
    assert settings["max_parallel_workers"] == "2"


def test_shared_buffers_stay_within_8_gb_on_a_large_machine_and_above_128_mb_on_a_small_one() -> None:
    assert embedded_server_settings(256 * GIB, 32)["shared_buffers"] == "8192MB"
    assert embedded_server_settings(256 * 1024 * 1024, 1)["shared_buffers"] == "256MB"


def test_the_server_accepts_the_connections_of_two_pools_per_api_process() -> None:
    assert int(embedded_server_settings(8 * GIB, 2)["max_connections"]) >= 2 * 2 * 2 * 10
