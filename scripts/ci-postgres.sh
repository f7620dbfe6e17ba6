# shellcheck shell=bash
# PostgreSQL for the ledger tests. Sourced by .ci/run (as root, on a fresh Debian 12)
# before the tests; a developer may source it too: `source scripts/ci-postgres.sh`.
#
# Installs Debian's postgresql when missing, starts a throwaway cluster in a temporary
# directory listening on 127.0.0.1 only (a free port), creates a role and database, and
# exports REDLINE_TEST_POSTGRES_URL. An EXIT trap stops the cluster and removes it.
# Tests that need PostgreSQL skip, saying why, when the variable is unset.

_redline_pg_setup() {
  local sudo="" bin port dir as_pg=()
  [ "$(id -u)" = 0 ] || sudo="sudo"
  if ! ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1; then
    echo "ci-postgres: installing postgresql from Debian's packages" >&2
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >/dev/null
  fi
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  # initdb and the server refuse to run as root: run them as the postgres user.
  if [ "$(id -u)" = 0 ]; then
    as_pg=(runuser -u postgres --)
  fi
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
  dir=$(mktemp -d /tmp/redline-pg.XXXXXX)
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir"
  "${as_pg[@]}" "$bin/initdb" -D "$dir/data" -U postgres -A trust --no-sync >/dev/null
  "${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c max_connections=100" \
    start >/dev/null
  "$bin/psql" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 \
    -c "CREATE ROLE redline LOGIN CREATEDB PASSWORD 'redline'" \
    -c "CREATE DATABASE redline_test OWNER redline" >/dev/null
  export REDLINE_PG_DIR="$dir" REDLINE_PG_BIN="$bin"
  export REDLINE_TEST_POSTGRES_URL="postgresql+psycopg://redline:redline@127.0.0.1:$port/redline_test"
  echo "ci-postgres: $bin/postgres listening on 127.0.0.1:$port" >&2
}

_redline_pg_stop() {
  if [ -n "${REDLINE_PG_DIR:-}" ] && [ -d "$REDLINE_PG_DIR/data" ]; then
    if [ "$(id -u)" = 0 ]; then
      runuser -u postgres -- "$REDLINE_PG_BIN/pg_ctl" -D "$REDLINE_PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
    else
      "$REDLINE_PG_BIN/pg_ctl" -D "$REDLINE_PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$REDLINE_PG_DIR"
  fi
}

_redline_pg_setup
# Keep whatever EXIT trap was set before ours.
_redline_pg_prev_trap=$(trap -p EXIT | sed -e "s/^trap -- '\(.*\)' EXIT$/\1/")
# shellcheck disable=SC2064
trap "_redline_pg_stop; ${_redline_pg_prev_trap}" EXIT
