#!/usr/bin/env bash
# Start the machine's PostgreSQL 15 cluster (installed, not running) and create the test role and
# database. Idempotent: safe to run when the server is already up.
set -euo pipefail
command -v pg_ctlcluster >/dev/null 2>&1 || { echo "no pg_ctlcluster on this machine" >&2; exit 1; }
as_postgres() { if [ "$(id -u)" = 0 ]; then su postgres -c "$1"; else sudo -u postgres bash -c "$1"; fi; }
if ! pg_lsclusters -h | grep -q ' online'; then
  if [ "$(id -u)" = 0 ]; then pg_ctlcluster 15 main start; else sudo pg_ctlcluster 15 main start; fi
fi
for _ in $(seq 1 30); do as_postgres "pg_isready -q -h 127.0.0.1" && break; sleep 1; done
as_postgres "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='orderwire'\" | grep -q 1 || psql -qc \"CREATE ROLE orderwire LOGIN PASSWORD 'orderwire' CREATEDB\""
as_postgres "psql -qtAc \"SELECT 1 FROM pg_database WHERE datname='orderwire_test'\" | grep -q 1 || psql -qc 'CREATE DATABASE orderwire_test OWNER orderwire'"
echo "== PostgreSQL ready: ORDERWIRE_TEST_PG_URL=postgres://orderwire:orderwire@127.0.0.1:5432/orderwire_test"
