# Kent CBS application image (production path: see docker-compose.yml).
# postgresql-client: pg_dump/pg_restore 15 for backups (same major version as the db service).
FROM python:3.12-slim-bookworm

RUN apt-get update \
 && apt-get install -y --no-install-recommends gdal-bin libgdal-dev binutils libproj-dev gettext nodejs npm \
    postgresql-client cgi-mapserver fonts-dejavu-core \
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
 && mkdir -p /app/var/media /app/var/backups /app/var/imports /app/var/cache /app/var/catalogue \
 && chown -R cbs /app/var
# var/media is MEDIA_ROOT, the shared file storage (attachments, import uploads), and var/backups
# the backups: docker-compose.yml mounts the named volumes `media` and `backups` there in every app
# and worker container (an empty volume takes this folder's owner). No VOLUME line: a container
# started without that mount would silently keep its files to itself. var/imports, var/cache and
# var/catalogue are each container's own.
USER cbs
EXPOSE 8000
# Web processes and threads from CBS_WEB_WORKERS / CBS_WEB_THREADS (deploy/gunicorn.conf.py); the
# worker container runs `python manage.py procrastinate worker` from the same image.
# --timeout: a little above CBS_REQUEST_TIMEOUT (300 s, the longest synchronous request) and below
# nginx's proxy_read_timeout (deploy/nginx.conf); tests/cbs/test_deploy.py checks they agree.
CMD ["gunicorn", "-c", "deploy/gunicorn.conf.py", "--timeout", "330", "cbs.wsgi:application"]
