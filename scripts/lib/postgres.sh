# Sourced, not run: a throwaway PostgreSQL server for the demo (Debian's postgresql, installed by
# scripts/deps.sh): initdb and pg_ctl in a folder of the caller's, listening on 127.0.0.1 only,
# trust authentication for the user giantvm, one database giantvm. Run as the postgres user when
# the script runs as root (PostgreSQL refuses root).
#
#   . scripts/lib/postgres.sh
#   pg_throwaway_start DIR PORT   creates DIR/data, starts the server, creates the database;
#                                 prints nothing; fails with a message naming DIR/server.log
#   pg_throwaway_stop DIR         pg_ctl stop -m fast (errors ignored: it may be gone already)
#   pg_throwaway_uri PORT         the coordinator's --store value for it

pg_bin() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$d" ] && [ -x "$d/initdb" ] || { echo "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): run scripts/deps.sh" >&2; return 1; }
  echo "$d"
}

pg_as_owner() { # command...: as postgres when root, else as the caller
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_throwaway_start() { # dir, port
  local dir=$1 port=$2 bin
  bin=$(pg_bin) || return 1
  mkdir -p "$dir"
  [ "$(id -u)" -ne 0 ] || chown postgres:postgres "$dir"
  pg_as_owner "$bin/initdb" -D "$dir/data" -U giantvm --auth=trust -E UTF8 --no-sync --locale=C >"$dir/initdb.log" 2>&1 \
    || { echo "postgres: initdb failed (see $dir/initdb.log)" >&2; return 1; }
  pg_as_owner "$bin/pg_ctl" -D "$dir/data" -o "-p $port -k $dir -c listen_addresses=127.0.0.1" -l "$dir/server.log" -w -t 30 start >/dev/null \
    || { echo "postgres: the server did not start (see $dir/server.log)" >&2; return 1; }
  pg_as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U giantvm giantvm \
    || { echo "postgres: createdb failed (see $dir/server.log)" >&2; return 1; }
}

pg_throwaway_stop() { # dir
  local bin
  bin=$(pg_bin 2>/dev/null) || return 0
  [ -d "$1/data" ] && pg_as_owner "$bin/pg_ctl" -D "$1/data" -m fast -w -t 30 stop >/dev/null 2>&1 || true
}

pg_throwaway_uri() { # port
  echo "postgres://giantvm@127.0.0.1:$1/giantvm"
}
