"""infra/backup: a database holding billed invoices with their PDFs is dumped by backup.sh, restored by
restore.sh into a fresh database, and every stored PDF comes back with the same SHA-256 (and still
parses as a PDF)."""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
from datetime import date
from pathlib import Path

import kubernetes_validate
import psycopg
import pytest
import yaml
from pypdf import PdfReader
from sqlalchemy.ext.asyncio import create_async_engine

from app.config import REPO_ROOT
from app.dbserver import libpq_dsn
from tests.fixtures.billing_factories import bill, create_contract
from tests.fixtures.database import create_database_from, drop_database
from tests.fixtures.factories import create_client, create_offer

BACKUP = REPO_ROOT / "infra" / "backup"


def _pg_bin() -> str:
    import pgserver

    return str(Path(pgserver.__file__).parent / "pginstall" / "bin")


def _documents(url: str) -> dict[str, tuple[str, bytes]]:
    with psycopg.connect(libpq_dsn(url)) as conn:
        rows = conn.execute("SELECT invoice_id::text, sha256, content FROM invoice_documents").fetchall()
    return {invoice_id: (sha, bytes(content)) for invoice_id, sha, content in rows}


@pytest.fixture
def source_database(admin_url: str, template_database: str) -> object:
    name = "mtf_test_backup_src_" + os.urandom(4).hex()
    url = create_database_from(admin_url, name, template_database)
    yield url
    drop_database(admin_url, name)


@pytest.fixture
def restored_database(admin_url: str) -> object:
    from psycopg import sql

    from tests.fixtures.database import admin_execute, url_for

    name = "mtf_test_backup_dst_" + os.urandom(4).hex()
    admin_execute(admin_url, sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield url_for(admin_url, name)
    drop_database(admin_url, name)


@pytest.fixture
async def billed_database(source_database: str) -> str:
    """Three clients billed for January 2026, their invoice PDFs rendered and stored."""
    engine = create_async_engine(source_database)
    from sqlalchemy.ext.asyncio import AsyncSession

    async with AsyncSession(engine, expire_on_commit=False) as session, session.begin():
        offer = await create_offer(session, monthly_fee="199.00")
        for _ in range(3):
            client = await create_client(session)
            await create_contract(session, client, offer, start_date=date(2026, 1, 1))
        run = await bill(session, date(2026, 1, 1), date(2026, 1, 31), render_pdfs=True)
        assert run.invoices_count == 3
    await engine.dispose()
    return source_database


def test_a_dump_restores_every_invoice_pdf_bit_for_bit(
    billed_database: str, restored_database: str, tmp_path: Path
) -> None:
    source_database = billed_database
    source = _documents(source_database)
    assert len(source) == 3
    for sha, content in source.values():
        assert hashlib.sha256(content).hexdigest() == sha

    env = {**os.environ, "PG_BIN": _pg_bin(), "DATABASE_URL": source_database}
    dumped = subprocess.run(
        ["bash", str(BACKUP / "backup.sh"), str(tmp_path)], env=env, capture_output=True, text=True, check=False
    )
    assert dumped.returncode == 0, dumped.stderr
    dump = Path(dumped.stdout.strip().splitlines()[-1])
    assert dump.exists()
    assert (dump.parent / f"{dump.name}.sha256").exists()

    env["DATABASE_URL"] = restored_database
    restored = subprocess.run(
        ["bash", str(BACKUP / "restore.sh"), str(dump)], env=env, capture_output=True, text=True, check=False
    )
    assert restored.returncode == 0, restored.stderr
    assert "invoices=3" in restored.stdout
    assert "invoice_pdfs=3" in restored.stdout

    copy = _documents(restored_database)
    assert copy.keys() == source.keys()
    for invoice_id, (sha, content) in copy.items():
        assert sha == source[invoice_id][0]
        assert hashlib.sha256(content).hexdigest() == sha
        assert PdfReader(io.BytesIO(content)).pages


def test_restore_refuses_a_corrupted_dump(tmp_path: Path) -> None:
    dump = tmp_path / "mt_facturation-x.dump"
    dump.write_bytes(b"not what was dumped")
    (tmp_path / "mt_facturation-x.dump.sha256").write_text(f"{'0' * 64}  {dump.name}\n", encoding="utf-8")
    env = {**os.environ, "PG_BIN": _pg_bin(), "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"}
    done = subprocess.run(["bash", str(BACKUP / "restore.sh"), str(dump)], env=env, capture_output=True, check=False)
    assert done.returncode != 0


def test_the_backup_cronjob_is_a_valid_kubernetes_object() -> None:
    cronjob = yaml.safe_load((BACKUP / "backup-cronjob.yaml").read_text(encoding="utf-8"))
    kubernetes_validate.validate(cronjob, "1.30.0", strict=True)
    assert cronjob["spec"]["concurrencyPolicy"] == "Forbid"
