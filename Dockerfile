# Production image in two stages on Debian 12 (Python 3.11, GDAL 3.6):
#   build   — the locked Python dependencies, the front-end packages, compiled messages and
#             collected static files (needs npm and uv, which the runtime does not);
#   runtime — only what the service runs with, as the unprivileged user `hromada`.

FROM debian:12-slim AS build

ENV DEBIAN_FRONTEND=noninteractive \
    PYTHONDONTWRITEBYTECODE=1 \
    VIRTUAL_ENV=/app/.venv \
    PATH=/app/.venv/bin:$PATH

RUN apt-get update \
    && apt-get install -y --no-install-recommends python3 python3-venv gdal-bin gettext \
       nodejs npm ca-certificates \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.lock package.json package-lock.json ./
RUN python3 -m venv .venv \
    && .venv/bin/pip install --no-cache-dir uv==0.13.8 \
    && .venv/bin/uv pip install --no-cache --python .venv/bin/python --require-hashes -r requirements.lock \
    && .venv/bin/pip uninstall -y uv \
    && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error \
    && cp node_modules/ol/ol.css node_modules/ol/dist/ol.css

COPY . .
RUN SECRET_KEY=build-only python manage.py compilemessages -v 0 --ignore .venv --ignore node_modules \
    && SECRET_KEY=build-only STATIC_ROOT=/app/staticfiles python manage.py collectstatic --noinput -v 0


FROM debian:12-slim AS runtime

ENV DEBIAN_FRONTEND=noninteractive \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    VIRTUAL_ENV=/app/.venv \
    PATH=/app/.venv/bin:$PATH \
    HROMADA_VAR_DIR=/var/lib/hromada \
    STATIC_ROOT=/app/staticfiles

# pg_dump must be at least as new as the server (PostGIS image: PostgreSQL 17), so the
# client comes from the PostgreSQL project's apt repository (postgresql-common sets it up).
RUN apt-get update \
    && apt-get install -y --no-install-recommends python3 gdal-bin fonts-dejavu-core \
       ca-certificates postgresql-common curl gnupg \
    && /usr/share/postgresql-common/pgdg/apt.postgresql.org.sh -y \
    && apt-get install -y --no-install-recommends postgresql-client-17 \
    && rm -rf /var/lib/apt/lists/*
# gnupg stays: ops_backup --encrypt-to encrypts backups to a public key with it.
ENV PG_BIN=/usr/lib/postgresql/17/bin

# A fixed, unprivileged user; its data (media, backups, caches) lives under /var/lib/hromada.
RUN groupadd --system --gid 10001 hromada \
    && useradd --system --uid 10001 --gid hromada --home /var/lib/hromada hromada \
    && install -d -o hromada -g hromada -m 0750 /var/lib/hromada /var/lib/hromada/media \
    && install -d -o hromada -g hromada -m 0700 /var/lib/hromada/backups

WORKDIR /app
COPY --from=build /app /app

USER hromada
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request as u; u.urlopen(u.Request('http://127.0.0.1:8000/healthz', headers={'Host': 'localhost'}), timeout=4)"]
CMD ["sh", "-c", "python manage.py migrate --noinput && if [ \"${LOAD_DEMO:-0}\" = 1 ]; then python manage.py load_demo; fi && exec gunicorn -c gis/gunicorn_production.py --bind 0.0.0.0:8000 gis.wsgi:application"]
