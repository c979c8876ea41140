# Kent CBS application image (production path: see docker-compose.yml).
# postgresql-client: pg_dump/pg_restore 15 for backups (same major version as the db service).
FROM python:3.12-slim-bookworm

RUN apt-get update \
 && apt-get install -y --no-install-recommends gdal-bin libgdal-dev binutils libproj-dev gettext nodejs npm \
    postgresql-client \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml package.json package-lock.json ./
COPY cbs cbs
COPY layers layers
COPY ogc ogc
COPY backoffice backoffice
RUN pip install --no-cache-dir -e . && npm ci --no-audit --no-fund
COPY . .
# Build-time only values: static files and translations need settings, not a database.
RUN DJANGO_DEBUG=1 DATABASE_URL=postgres://build@localhost/build python manage.py vendor_assets \
 && DJANGO_DEBUG=1 DATABASE_URL=postgres://build@localhost/build python manage.py compilemessages -v 0 --ignore 'node_modules/*' \
 && DJANGO_DEBUG=1 DATABASE_URL=postgres://build@localhost/build python manage.py collectstatic --noinput -v 0 \
 && useradd --system --uid 1000 cbs \
 && mkdir -p /app/var/media /app/var/backups \
 && chown -R cbs /app/var
# var/media (stored files) and var/backups are the named volumes `media` and `backups` in
# docker-compose.yml (an empty volume takes these folders' owner).
USER cbs
EXPOSE 8000
CMD ["gunicorn", "cbs.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
