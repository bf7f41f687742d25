#!/usr/bin/env bash
# Bounded load test of mixed public traffic (bench/load/locustfile.py) on 127.0.0.1.
#
#   bench/load/run.sh [USERS...]      default: 10 50; each level runs DURATION (60s)
#
# Uses a database of its own on the project-local cluster (hromada_load: migrated, demo
# loaded, reports filed by the test land there, never in the dev database) and its own
# gunicorn on PORT (8765) configured like `./hromada up` (gis/gunicorn.py: WEB_WORKERS
# processes x WEB_THREADS threads). PROFILE picks the traffic: Visitor (residents' visits,
# the default) or Stress (the old fixed mix); see bench/load/README.md. Locust lives in
# bench/.venv-locust (created on first run). Appends a section to bench/RESULTS.md.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
LEVELS=("${@:-10 50}")
read -r -a LEVELS <<<"${LEVELS[*]}"
DURATION="${DURATION:-60s}"
PORT="${PORT:-8765}"
DB="${LOAD_DB:-hromada_load}"
OUT="bench/out/load-$(date +%Y%m%d-%H%M%S)"
LOCUST_VENV="bench/.venv-locust"
mkdir -p "$OUT"

if ! "$LOCUST_VENV/bin/python" -c "import locust, PIL" 2>/dev/null; then
  [ -x "$LOCUST_VENV/bin/python" ] || python3 -m venv "$LOCUST_VENV"
  "$LOCUST_VENV/bin/pip" install -q "locust==2.47.0" "Pillow>=11"
fi

./hromada db-start >/dev/null
SOCK=""
for candidate in "$ROOT/var/pgsocket" /var/tmp/hromada-*/pgsocket /tmp/hromada-sock-*; do
  [ -S "$candidate/.s.PGSQL.5432" ] && { SOCK="$candidate"; break; }
done
[ -n "$SOCK" ] || { echo "no local PostgreSQL socket found (./hromada db-start)" >&2; exit 1; }
PSQL=(/usr/lib/postgresql/15/bin/psql -h "$SOCK" -U hromada -tAq -v ON_ERROR_STOP=1)
if [ "$("${PSQL[@]}" -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$DB'")" != "1" ]; then
  "${PSQL[@]}" -d postgres -c "CREATE DATABASE $DB"
  "${PSQL[@]}" -d "$DB" -c "CREATE EXTENSION IF NOT EXISTS postgis; CREATE EXTENSION IF NOT EXISTS pg_trgm"
fi
export DATABASE_URL="postgis://hromada@$(python3 -c 'import sys,urllib.parse;print(urllib.parse.quote(sys.argv[1],safe=""))' "$SOCK")/$DB"
# Every simulated resident comes from 127.0.0.1: lift the per-address report limit.
export REPORTS_RATE_LIMIT=1000000 LOG_LEVEL=WARNING
.venv/bin/python manage.py migrate --noinput -v 0
.venv/bin/python manage.py load_demo >/dev/null
.venv/bin/python manage.py collectstatic --noinput -v 0

.venv/bin/gunicorn --config gis/gunicorn.py --bind "127.0.0.1:$PORT" \
  --pid "$OUT/gunicorn.pid" gis.wsgi:application >"$OUT/gunicorn.log" 2>&1 &
GUNICORN=$!
trap 'kill "$GUNICORN" 2>/dev/null || true; wait "$GUNICORN" 2>/dev/null || true' EXIT
for _ in $(seq 60); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 1; done
curl -sf "http://127.0.0.1:$PORT/map/" >/dev/null  # warm the workers

for users in "${LEVELS[@]}"; do
  uptime >"$OUT/uptime-$users.txt"
  "$LOCUST_VENV/bin/locust" -f bench/load/locustfile.py --headless --host "http://127.0.0.1:$PORT" \
    -u "$users" -r "$users" -t "$DURATION" --stop-timeout 10 --only-summary \
    --csv "$OUT/u$users" "${PROFILE:-Visitor}" >"$OUT/locust-$users.log" 2>&1 || true
  uptime >>"$OUT/uptime-$users.txt"
done
kill "$GUNICORN"; wait "$GUNICORN" 2>/dev/null || true
trap - EXIT
.venv/bin/python bench/load/summarize.py "$OUT" --duration "$DURATION" --workers "${WEB_WORKERS:-2}" \
  --command "bench/load/run.sh ${LEVELS[*]}" >>bench/RESULTS.md
echo "results appended to bench/RESULTS.md (raw files in $OUT)"
