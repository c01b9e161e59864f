#!/usr/bin/env bash
# One-shot job (temporalio/admin-tools image): creates Temporal's two PostgreSQL databases and brings their
# schemas to the version the admin-tools image ships, which must match the temporalio/server tag.
# Safe to re-run: `create` ignores an existing database, `setup-schema -v 0.0` only initialises the version
# tables of an empty database, and `update-schema` applies just the versions not yet recorded. Upgrading
# Temporal is therefore: bump both image tags (one minor version at a time), then `docker compose up`.
set -euo pipefail

: "${POSTGRES_SEEDS:?host of the PostgreSQL server}"
: "${POSTGRES_USER:?}"
: "${SQL_PASSWORD:?the PostgreSQL password (temporal-sql-tool reads it from SQL_PASSWORD)}"
DB_PORT="${DB_PORT:-5432}"
SCHEMA_ROOT="${SCHEMA_ROOT:-/etc/temporal/schema/postgresql/v12}"

sql_tool() {
  temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$DB_PORT" -u "$POSTGRES_USER" "$@"
}

# database name -> schema directory under $SCHEMA_ROOT
for entry in temporal:temporal temporal_visibility:visibility; do
  db="${entry%%:*}"
  dir="$SCHEMA_ROOT/${entry#*:}/versioned"
  [[ -d "$dir" ]] || { echo "schema directory $dir not found in this image" >&2; exit 1; }
  echo "== $db: schema from $dir"
  sql_tool --db "$db" create
  sql_tool --db "$db" setup-schema -v 0.0
  sql_tool --db "$db" update-schema -d "$dir"
done
echo "Temporal schemas are up to date."
