#!/usr/bin/env bash
# Restores a backup made by backup.sh into an EMPTY database (a fresh one: never over the live database).
#   DATABASE_URL=postgresql://user:pass@host:5432/mt_facturation_restored infra/backup/restore.sh FILE.dump
# Checks the dump's .sha256 first when present, restores in one transaction (all or nothing), then prints
# the number of invoices and stored invoice PDFs so the operator can compare with the source.
set -euo pipefail
: "${DATABASE_URL:?DATABASE_URL must name the (empty) database to restore into}"
DUMP="${1:?usage: restore.sh FILE.dump}"
PG_RESTORE="${PG_BIN:+$PG_BIN/}pg_restore"
PSQL="${PG_BIN:+$PG_BIN/}psql"
URL="${DATABASE_URL/postgresql+psycopg:/postgresql:}"
if [ -f "$DUMP.sha256" ]; then
  (cd "$(dirname "$DUMP")" && sha256sum --check --quiet "$(basename "$DUMP").sha256")
fi
"$PG_RESTORE" --no-owner --no-privileges --single-transaction --exit-on-error --dbname="$URL" "$DUMP"
"$PSQL" "$URL" -X -A -t -v ON_ERROR_STOP=1 \
  -c "SELECT 'invoices=' || count(*) FROM invoices" \
  -c "SELECT 'invoice_pdfs=' || count(*) FROM invoice_documents"
