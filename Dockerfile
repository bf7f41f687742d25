# Production-like image: Debian 12 (Python 3.11, GDAL 3.6) + the locked dependencies.
FROM debian:12-slim

ENV DEBIAN_FRONTEND=noninteractive \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    VIRTUAL_ENV=/app/.venv \
    PATH=/app/.venv/bin:$PATH \
    HROMADA_VAR_DIR=/var/lib/hromada

RUN apt-get update \
    && apt-get install -y --no-install-recommends python3 python3-venv gdal-bin gettext \
       nodejs npm fonts-dejavu-core ca-certificates postgresql-client \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.lock package.json package-lock.json ./
RUN python3 -m venv .venv \
    && .venv/bin/pip install --no-cache-dir uv==0.13.8 \
    && .venv/bin/uv pip install --no-cache --python .venv/bin/python --require-hashes -r requirements.lock \
    && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error \
    && cp node_modules/ol/ol.css node_modules/ol/dist/ol.css

COPY . .
RUN SECRET_KEY=build-only python manage.py compilemessages -v 0 \
    && SECRET_KEY=build-only STATIC_ROOT=/app/staticfiles python manage.py collectstatic --noinput -v 0 \
    && useradd --system --home /var/lib/hromada hromada \
    && mkdir -p /var/lib/hromada/media && chown -R hromada /var/lib/hromada

USER hromada
ENV STATIC_ROOT=/app/staticfiles
EXPOSE 8000
CMD ["sh", "-c", "python manage.py migrate --noinput && if [ \"${LOAD_DEMO:-0}\" = 1 ]; then python manage.py load_demo; fi && exec gunicorn -c gis/gunicorn_production.py --preload --bind 0.0.0.0:8000 --workers ${WEB_WORKERS:-3} gis.wsgi:application"]
