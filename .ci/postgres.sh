#!/bin/sh
# Start a throwaway PostgreSQL on loopback for the tests; prints its SQLAlchemy URL.
# Usage: eval "$(sh .ci/postgres.sh start)"   ...   sh .ci/postgres.sh stop
set -e
PORT=${WORKSTATION_PG_PORT:-54329}
DATA=${WORKSTATION_PG_DATA:-/tmp/workstation-pg}
case "$1" in
start)
  sh "$(dirname "$0")/debs.sh" postgresql >&2
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  if [ "$(id -u)" = "0" ]; then RUN="su postgres -s /bin/sh -c"; else RUN="sh -c"; fi
  if [ ! -f "$DATA/PG_VERSION" ]; then
    mkdir -p "$DATA"; [ "$(id -u)" = "0" ] && chown postgres "$DATA"
    $RUN "$PGBIN/initdb -D $DATA -A trust -U postgres" >/dev/null
  fi
  $RUN "$PGBIN/pg_ctl -D $DATA -o '-k /tmp -h 127.0.0.1 -p $PORT' -l $DATA/log -w start" >/dev/null 2>&1 || true
  $RUN "$PGBIN/pg_isready -h 127.0.0.1 -p $PORT" >&2
  $RUN "$PGBIN/createdb -h 127.0.0.1 -p $PORT -U postgres workstation_test" 2>/dev/null || true
  echo "export WORKSTATION_TEST_DB_URL=postgresql+psycopg://postgres@127.0.0.1:$PORT/workstation_test"
  ;;
stop)
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  if [ "$(id -u)" = "0" ]; then RUN="su postgres -s /bin/sh -c"; else RUN="sh -c"; fi
  $RUN "$PGBIN/pg_ctl -D $DATA -m fast stop" >/dev/null 2>&1 || true
  ;;
esac
