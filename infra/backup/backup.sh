#!/usr/bin/env bash
# Scheduled logical backup of the MT-Facturation database (spec 11: scheduled backups, tested restores).
#   DATABASE_URL=postgresql://user:pass@host:5432/mt_facturation infra/backup/backup.sh [BACKUP_DIR]
# Writes BACKUP_DIR/mt_facturation-YYYYmmddTHHMMSSZ.dump (pg_dump custom format: compressed, restorable
# table by table) and its .sha256, then keeps the newest $MTF_BACKUP_KEEP (default 14). Schedule it with
# cron (`15 1 * * * .../backup.sh /var/backups/mtf`) or the CronJob in backup-cronjob.yaml.
# PG_BIN may name the directory of pg_dump (e.g. the binaries the pgserver package ships).
set -euo pipefail
: "${DATABASE_URL:?DATABASE_URL must name the database to back up}"
DIR="${1:-${MTF_BACKUP_DIR:-./backups}}"
KEEP="${MTF_BACKUP_KEEP:-14}"
PG_DUMP="${PG_BIN:+$PG_BIN/}pg_dump"
# libpq does not know SQLAlchemy's driver suffix.
URL="${DATABASE_URL/postgresql+psycopg:/postgresql:}"
mkdir -p "$DIR"
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
TARGET="$DIR/mt_facturation-$STAMP.dump"
"$PG_DUMP" --format=custom --no-owner --no-privileges --file="$TARGET.partial" "$URL"
mv "$TARGET.partial" "$TARGET"
(cd "$DIR" && sha256sum "$(basename "$TARGET")" >"$(basename "$TARGET").sha256")
ls -1t "$DIR"/mt_facturation-*.dump 2>/dev/null | tail -n +"$((KEEP + 1))" | while read -r old; do
  rm -f "$old" "$old.sha256"
done
echo "$TARGET"
