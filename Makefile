# Kent CBS – two commands: `make run` and `make test` (see README.md).
SHELL := /bin/bash
.DEFAULT_GOAL := run

VENV      := .venv
PY        := $(VENV)/bin/python
PORT      ?= 8000
CBS_DEMO_PASSWORD ?= kentcbs-demo
export CBS_DEMO_PASSWORD

# Without DATABASE_URL the site uses the private PostGIS cluster under var/pg.
ifeq ($(strip $(DATABASE_URL)),)
EMBEDDED_DB := 1
export DATABASE_URL := $(shell scripts/pg.sh url kentcbs)
endif

.PHONY: run dev prepare test bench stop setup system db static-assets check-deploy clean backup restore restore-drill

setup: system $(VENV)/.installed node_modules/.installed static-assets

system:
	@scripts/install_system.sh

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || "$$(scripts/find_python.sh)" -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Copies front-end dist files into the static folder and rewrites pygeoapi's
# HTML templates to use them (nothing is fetched from a CDN at run time).
static-assets: $(VENV)/.installed node_modules/.installed
	@mkdir -p var/static_root
	@DJANGO_DEBUG=1 $(PY) manage.py vendor_assets
	@DJANGO_DEBUG=1 $(PY) manage.py compilemessages -v 0 --ignore '.venv/*' --ignore 'node_modules/*' 

db:
ifdef EMBEDDED_DB
	@scripts/pg.sh start kentcbs
endif

# The local site runs with DEBUG on unless told otherwise (DJANGO_DEBUG=0 needs a secret key).
prepare: export DJANGO_DEBUG := $(or $(DJANGO_DEBUG),1)
prepare: setup db
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py load_samples
	$(PY) manage.py load_inventory_samples
ifdef EMBEDDED_DB
	$(PY) manage.py demo_accounts
	$(PY) manage.py load_ticket_samples
endif

# Served as in production: gunicorn (threads, bounded connection pools) plus the job queue's
# worker, both in the foreground (scripts/serve.sh; Ctrl-C stops both).
run: export DJANGO_DEBUG := $(or $(DJANGO_DEBUG),1)
run: prepare
	@echo "Kent CBS: http://127.0.0.1:$(PORT)/   OGC API: http://127.0.0.1:$(PORT)/ogc/"
	@PY=$(PY) PORT=$(PORT) scripts/serve.sh

# Django's development server (reloads on change), only on request; imports, mail and periodic
# work still need the worker: run `$(PY) manage.py procrastinate worker` beside it.
dev: export DJANGO_DEBUG := $(or $(DJANGO_DEBUG),1)
dev: prepare
	@echo "Kent CBS (development server): http://127.0.0.1:$(PORT)/"
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# Tests and benchmarks use the production settings module with local-only overrides.
LOCAL_ENV := DJANGO_SECRET_KEY=local-test-only-secret DJANGO_DEBUG=0 CBS_SSL_REDIRECT=0 CBS_SECURE_COOKIES=0

# The replica tests start their own streaming replica of the private cluster (scripts/pg.sh
# replica-start); a DATABASE_REPLICA_URL from the shell would make Django create a test
# database on a read-only standby. The pytest process itself runs without a connection pool
# (tests start threads of their own that keep a connection each); the worker and web processes
# the tests start use theirs.
# A new test database each time (~25 s): the browser tests' live server commits what the
# browser creates, which a reused database would carry into the next run (pytest's own
# --reuse-db, for running single tests by hand, stays in pyproject.toml).
test: setup db
	$(LOCAL_ENV) DATABASE_REPLICA_URL= CBS_DB_POOL_MAX=0 $(PY) -m pytest -p no:cacheprovider --create-db $(PYTEST_ARGS)

# Benchmarks run on their own databases (100 000 features; 1 000 000 for the big-table checks),
# never the site's. wrk, MapServer and lighttpd (the HTTP section) are installed if missing.
bench: setup
	@scripts/install_bench.sh
ifdef EMBEDDED_DB
	@scripts/pg.sh start kentcbs_bench kentcbs_bench_1m
	$(LOCAL_ENV) DATABASE_URL=$$(scripts/pg.sh url kentcbs_bench) \
	  CBS_BENCH_BIG_DATABASE_URL=$$(scripts/pg.sh url kentcbs_bench_1m) $(PY) -m bench.run
else
	@test -n "$$CBS_BENCH_DATABASE_URL" || { echo "set CBS_BENCH_DATABASE_URL (a database the bench may fill)"; exit 2; }
	$(LOCAL_ENV) DATABASE_URL=$$CBS_BENCH_DATABASE_URL $(PY) -m bench.run
endif

check-deploy: setup
	DJANGO_DEBUG=0 DJANGO_SECRET_KEY=$$(head -c 48 /dev/urandom | base64) DJANGO_ALLOWED_HOSTS=cbs.example.org \
	  $(PY) manage.py check --deploy --fail-level WARNING

# Backups (README "Backups"): the database (pg_dump custom format) and the stored files into
# CBS_BACKUP_DIR (var/backups); restore one (FROM= its folder or name; ARGS=--force replaces a database
# that is not empty, ARGS="--database-url URL --media-root DIR" restores elsewhere); the drill restores
# the newest into a scratch database, checks it and reports RPO/RTO.
backup restore restore-drill: export DJANGO_DEBUG := $(or $(DJANGO_DEBUG),1)
backup: system $(VENV)/.installed db
	$(PY) manage.py backup_create

restore: system $(VENV)/.installed db
	@test -n "$(FROM)" || { echo "usage: make restore FROM=var/backups/<name> [ARGS=--force]"; exit 2; }
	$(PY) manage.py backup_restore "$(FROM)" $(ARGS)

restore-drill: system $(VENV)/.installed db
	$(PY) manage.py backup_drill

stop:
	@scripts/pg.sh stop

clean: stop
	rm -rf var/pg var/pg-replica
