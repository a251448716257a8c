"""Finding the PostgreSQL server: an explicit DATABASE_URL, else the spec's local server, else embedded.

The embedded server (the `pgserver` package, PostgreSQL 16) keeps its files under `.data/postgres` at the
repository root, so a restart of the launcher finds the data created before.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql
from sqlalchemy.engine import URL, make_url

from app.config import Settings

logger = logging.getLogger(__name__)

# Section 12 of the product spec: the operator's local development server.
SPEC_LOCAL_SERVER_URL = "postgresql+psycopg://postgres:Yassine1%40%3B@localhost:5432/mt_facturation"
MINIMUM_SERVER_VERSION = 160000

_embedded_servers: dict[Path, Any] = {}


def to_async_url(url: str) -> str:
    """Normalise any postgres URL to the SQLAlchemy psycopg 3 dialect."""
    parsed = make_url(url)
    return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)


def libpq_dsn(url: str | URL) -> str:
    """The same URL in the form psycopg (libpq) understands."""
    parsed = make_url(url) if isinstance(url, str) else url
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


def embedded_server_settings(memory_bytes: int, cpus: int) -> dict[str, str]:
    """PostgreSQL settings for the embedded server sized to this machine, as a production server would be
    configured (initdb's defaults assume 128 MB of shared_buffers whatever the machine).

    The usual rules: a quarter of the memory as shared buffers (capped at 8 GB, since the OS page cache does
    the rest), half as the planner's cache estimate (the API and the workers use the other half), SSD page
    costs, one parallel worker per core, and room for the connections of the API processes (two pools
    each: app.db) and the job workers."""
    mib = 1024 * 1024
    memory_mib = max(memory_bytes // mib, 1024)
    return {
        "shared_buffers": f"{min(max(memory_mib // 4, 128), 8192)}MB",
        "effective_cache_size": f"{max(memory_mib // 2, 256)}MB",
        "work_mem": f"{min(max(memory_mib // 512, 4), 64)}MB",
        "maintenance_work_mem": f"{min(max(memory_mib // 20, 64), 1024)}MB",
        "max_connections": "200",
        "max_wal_size": "4GB",
        "checkpoint_completion_target": "0.9",
        "random_page_cost": "1.1",
        "effective_io_concurrency": "200",
        "max_worker_processes": str(max(cpus, 8)),
        "max_parallel_workers": str(cpus),
        "max_parallel_workers_per_gather": str(max(1, cpus // 2)),
    }


def _machine() -> tuple[int, int]:
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"), os.cpu_count() or 1


def tune_embedded_server(server: Any, data_dir: Path) -> list[str]:
    """Apply embedded_server_settings (ALTER SYSTEM, kept in postgresql.auto.conf) and restart the server when
    one of them needs it. Called only for a server this process has just started, never for one in use."""
    wanted = embedded_server_settings(*_machine())
    with psycopg.connect(libpq_dsn(make_url(to_async_url(server.get_uri())).set(database="postgres")),
                         autocommit=True) as conn:  # fmt: skip
        changed = []
        for name, value in wanted.items():
            current = conn.execute("SELECT current_setting(%s)", (name,)).fetchone()
            if current is None or current[0] != value:
                conn.execute(sql.SQL("ALTER SYSTEM SET {} = {}").format(sql.Identifier(name), sql.Literal(value)))
                changed.append(name)
        if not changed:
            return []
        conn.execute("SELECT pg_reload_conf()")
        needs_restart = bool(conn.execute("SELECT count(*) FROM pg_settings WHERE pending_restart").fetchone()[0])  # type: ignore[index]
    if needs_restart:
        from pgserver._commands import pg_ctl  # type: ignore[attr-defined]

        user = "pgserver" if hasattr(os, "geteuid") and os.geteuid() == 0 else None
        pg_ctl(["-w", "-m", "fast", "restart"], pgdata=data_dir, user=user, timeout=120)
    logger.info("embedded PostgreSQL tuned to the machine: %s", ", ".join(f"{n}={wanted[n]}" for n in changed))
    return changed


def start_embedded_server(data_dir: Path) -> str:
    """Start (or join) the embedded PostgreSQL 16 and return its admin URL."""
    import pgserver

    data_dir.mkdir(parents=True, exist_ok=True)
    if data_dir not in _embedded_servers:
        get_server = pgserver.get_server  # type: ignore[attr-defined]
        # Stop at exit only a server this process started: one already running belongs to someone else
        # (the launcher's, which the app is using), and a test session ending must not take it down.
        # Not tuned here (tune_embedded_server restarts the server): test workers start and join this server
        # at the same moment, and a restart under one of them failed every test of that worker. The
        # launcher's server is tuned by launcher_database_url, run once before anything uses it.
        cleanup_mode = None if _embedded_server_running(data_dir) else "stop"
        _embedded_servers[data_dir] = get_server(str(data_dir), cleanup_mode=cleanup_mode)
    server = _embedded_servers[data_dir]
    uri: str = server.get_uri()
    return to_async_url(uri)


def ensure_database(admin_url: str, name: str) -> str:
    """Create database `name` on the server of `admin_url` if needed; return the URL pointing at it."""
    admin = make_url(admin_url).set(database="postgres")
    with psycopg.connect(libpq_dsn(admin), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def _spec_local_server_usable() -> bool:
    try:
        with psycopg.connect(
            libpq_dsn(make_url(SPEC_LOCAL_SERVER_URL).set(database="postgres")), connect_timeout=2
        ) as conn:
            return conn.info.server_version >= MINIMUM_SERVER_VERSION
    except psycopg.Error:
        return False


def resolve_database_url(settings: Settings) -> str:
    """The URL the application uses, starting the embedded server when that is the choice."""
    if settings.database_url:
        return to_async_url(settings.database_url)
    if _spec_local_server_usable():
        logger.info("database: the spec's local PostgreSQL server on localhost:5432")
        return ensure_database(SPEC_LOCAL_SERVER_URL, settings.embedded_db_name)
    logger.info("database: embedded PostgreSQL 16 under %s", settings.embedded_db_dir)
    admin_url = start_embedded_server(settings.embedded_db_dir)
    return ensure_database(admin_url, settings.embedded_db_name)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _embedded_server_running(data_dir: Path) -> bool:
    try:
        postmaster_pid = int((data_dir / "postmaster.pid").read_text(encoding="utf-8").split()[0])
    except (OSError, ValueError, IndexError):
        return False
    return _alive(postmaster_pid)


def _live_handle_pids(data_dir: Path) -> list[int]:
    """Processes pgserver records as holding the embedded server (tests, a previous launcher), still alive."""
    try:
        recorded = json.loads((data_dir / ".handle_pids.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [pid for pid in recorded if isinstance(pid, int) and _alive(pid) and pid != os.getpid()]


def launcher_database_url(settings: Settings) -> tuple[str, str]:
    """The database the launcher chose and how it was chosen: (url, "explicit" | "spec-local" | "embedded").

    The embedded server is started detached from this process (no stop at exit), so the API, the worker and
    the demo loader started next all use it, and `mtf db stop` (from stop_all.sh) stops it.
    """
    if settings.database_url:
        return to_async_url(settings.database_url), "explicit"
    if _spec_local_server_usable():
        return ensure_database(SPEC_LOCAL_SERVER_URL, settings.embedded_db_name), "spec-local"
    import pgserver

    settings.embedded_db_dir.mkdir(parents=True, exist_ok=True)
    already_running = _embedded_server_running(settings.embedded_db_dir)
    server = pgserver.get_server(str(settings.embedded_db_dir), cleanup_mode=None)  # type: ignore[attr-defined]
    if not already_running:
        tune_embedded_server(server, settings.embedded_db_dir)
    return ensure_database(to_async_url(server.get_uri()), settings.embedded_db_name), "embedded"


def stop_embedded_server(data_dir: Path) -> str:
    """Fast shutdown of the embedded server (pg_ctl stop -m fast), unless another live process holds it."""
    from pgserver._commands import pg_ctl  # type: ignore[attr-defined]

    if not (data_dir / "postmaster.pid").exists():
        return "not running"
    holders = _live_handle_pids(data_dir)
    if holders:
        return f"left running: still used by pid {', '.join(map(str, holders))}"
    # pgserver runs the server as the unprivileged `pgserver` user when started by root.
    user = "pgserver" if hasattr(os, "geteuid") and os.geteuid() == 0 else None
    pg_ctl(["-w", "-m", "fast", "stop"], pgdata=data_dir, user=user, timeout=60)
    (data_dir / ".handle_pids.json").write_text("[]", encoding="utf-8")
    return "stopped"
