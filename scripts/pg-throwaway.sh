#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL cluster (toolchain.md recipe): the cluster lives in .pg/,
# listens on 127.0.0.1 only, and is stopped and deleted when the command ends, whatever its result.
#   scripts/pg-throwaway.sh pytest -m store
# The command sees TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:$PG_PORT/assist_test
set -euo pipefail
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
PGROOT=${PGROOT:-$PWD/.pg}
# A free port unless one is given, so two runs on one machine do not collide.
PG_PORT=${PG_PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
as_postgres() { if [ "$(id -u)" = 0 ]; then su postgres -c "$*"; else bash -c "$*"; fi; }

stop() {
  as_postgres "$PGBIN/pg_ctl -D $PGROOT/data -m fast stop" >/dev/null 2>&1 || true
  rm -rf "$PGROOT"
}
stop
mkdir -p "$PGROOT"
[ "$(id -u)" = 0 ] && chown postgres:postgres "$PGROOT"
trap stop EXIT
as_postgres "$PGBIN/initdb -D $PGROOT/data -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 -N" >/dev/null
as_postgres "$PGBIN/pg_ctl -D $PGROOT/data -l $PGROOT/server.log -w -o '-p $PG_PORT -k $PGROOT -c listen_addresses=127.0.0.1 -c fsync=off' start" >/dev/null
as_postgres "$PGBIN/createdb -h 127.0.0.1 -p $PG_PORT -U postgres assist_test"
export TEST_DATABASE_URL="postgresql://postgres@127.0.0.1:$PG_PORT/assist_test"
"$@"
