#!/usr/bin/env bash
# tests/support/pg_server.sh: a throwaway PostgreSQL server for tests and benches (the lab index
# in PostgreSQL). Its cluster, socket and log live in DIR; it listens on a Unix socket in DIR only
# (listen_addresses ''), with trust authentication, and is owned by and run as an unprivileged
# user: initdb and postgres refuse root, so as root they run as the Debian postgres user.
#   pg_server.sh start DIR [POSTGRES_OPTION...]  initdb, then pg_ctl start; prints the URL of the
#                                               database "postgres" (options: "-c name=value")
#   pg_server.sh createdb DIR NAME              a new database; prints its URL
#   pg_server.sh psql DIR NAME ARG...           psql on database NAME (e.g. -c 'SQL')
#   pg_server.sh stop DIR                       pg_ctl stop (immediate), then DIR removed
# Exit status 77 (nothing done) when the PostgreSQL server binaries are not installed
# (tools/setup.sh --test installs them: package postgresql).
set -euo pipefail
command=${1:?usage: pg_server.sh start|createdb|psql|stop DIR ...}
dir=${2:?usage: pg_server.sh $command DIR ...}
shift 2

bindir=""
for candidate in "$(pg_config --bindir 2>/dev/null || true)" \
  $(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V -r); do  # pg_config's, else the newest installed
  if [[ -n $candidate && -x $candidate/initdb && -x $candidate/pg_ctl && -x $candidate/postgres ]]; then
    bindir=$candidate
    break
  fi
done
if [[ -z $bindir ]]; then
  echo "pg_server.sh: no PostgreSQL server binaries (initdb, pg_ctl, postgres); install package postgresql" >&2
  exit 77
fi

as_owner() {  # the cluster's commands, as the unprivileged owner when we are root
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}
url() { printf 'postgresql:///%s?host=%s&port=5432&user=%s\n' "$1" "$dir" "$(as_owner id -un)"; }

case $command in
  start)
    mkdir -p "$dir"
    [[ $(id -u) -eq 0 ]] && chown postgres: "$dir"
    chmod 700 "$dir"
    as_owner "$bindir/initdb" -D "$dir/data" -A trust -U "$(as_owner id -un)" -E UTF8 --locale=C.UTF-8 --no-sync \
      > "$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    options="-c listen_addresses='' -c unix_socket_directories='$dir' -p 5432"
    for o in "$@"; do options+=" $o"; done
    as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -o "$options" -w -t 30 start > /dev/null \
      || { cat "$dir/server.log" >&2; exit 1; }
    url postgres
    ;;
  createdb)
    as_owner "$bindir/createdb" -h "$dir" -p 5432 "$1"
    url "$1"
    ;;
  psql)
    name=$1
    shift
    as_owner "$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -p 5432 -d "$name" "$@"
    ;;
  stop)
    if [[ -f $dir/data/postmaster.pid ]]; then as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop > /dev/null; fi
    rm -rf "$dir"
    ;;
  *)
    echo "pg_server.sh: unknown command $command" >&2
    exit 2
    ;;
esac
