"""Kent CBS settings: one module, every value from the environment (see .env.example)."""

import importlib.util
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off", ""):
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean, got {value!r}")


def env_path(name: str, default: Path) -> Path:
    """A folder from the environment; unset or empty (as in .env.example) means the default."""
    return Path(env(name) or default)


def env_int(name: str, default: int, minimum: int) -> int:
    """A whole number from the environment (unset or empty: the default), at least `minimum`."""
    raw = env(name) or str(default)
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {raw!r}") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {value}")
    return value


def env_floats(name: str, default: str, count: int) -> list[float]:
    raw = env(name, default)
    try:
        values = [float(v) for v in raw.split(",")]
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be {count} comma-separated numbers") from exc
    if len(values) != count:
        raise ImproperlyConfigured(f"{name} must be {count} comma-separated numbers")
    return values


DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = env("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = [h for h in env("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in env("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

if not env("DATABASE_URL"):
    raise ImproperlyConfigured(
        "DATABASE_URL is not set (`make run` / `make test` set it to the private cluster)"
    )
try:
    DATABASES = {"default": dj_database_url.parse(env("DATABASE_URL"), conn_max_age=60)}
except ValueError as exc:  # UnknownSchemeError and malformed URLs
    raise ImproperlyConfigured(f"DATABASE_URL is not a PostgreSQL URL: {exc}") from exc
DATABASES["default"]["ENGINE"] = "django.contrib.gis.db.backends.postgis"
# Connections are bounded per process: a psycopg pool (Django 5.2) of at most CBS_DB_POOL_MAX
# connections, opened on demand, one kept idle. A web process needs one per request thread,
# the worker up to three per running job (the job's, its progress connection, and a replacing
# import's topology rule asked alongside its UPDATE). scripts/serve.sh and
# docker-compose.yml size it; CBS_DB_POOL_MAX=0 turns the pool off (persistent connections,
# CONN_MAX_AGE 60 s, one per thread).
CBS_DB_POOL_MAX = int(env("CBS_DB_POOL_MAX", "4"))
# Shown in pg_stat_activity: which kind of process holds a connection (serve.sh and compose set it).
DATABASES["default"].setdefault("OPTIONS", {})["application_name"] = env("CBS_DB_APPLICATION_NAME", "kentcbs")[:63]
if CBS_DB_POOL_MAX > 0:
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool keeps the connections
    DATABASES["default"]["OPTIONS"]["pool"] = {
        "min_size": 1, "max_size": CBS_DB_POOL_MAX, "max_idle": 300,
        # A request that finds every connection busy waits this long, then fails (never hangs).
        "timeout": int(env("CBS_DB_POOL_TIMEOUT", "20")),
    }
DATABASES["default"]["TEST"] = {"NAME": env("CBS_TEST_DB_NAME")} if env("CBS_TEST_DB_NAME") else {}
# Optional streaming read replica (a hot standby of DATABASE_URL): OGC reads and reports go there
# through cbs.db; writes, the gate's publication states, sessions, tokens and logs never do.
DATABASE_REPLICA_URL = env("DATABASE_REPLICA_URL", "")
# After a browser's write (POST/PUT/PATCH/DELETE) its reads stay on the primary this long.
CBS_REPLICA_STICKY_SECONDS = float(env("CBS_REPLICA_STICKY_SECONDS") or "5")
# Reports (no generations to compare) read the replica only while it lags less than this.
CBS_REPLICA_MAX_LAG_SECONDS = float(env("CBS_REPLICA_MAX_LAG_SECONDS") or "30")
DATABASE_ROUTERS: list[str] = []
if DATABASE_REPLICA_URL:
    from cbs.db import REPLICA, replica_settings

    try:
        DATABASES[REPLICA] = replica_settings(DATABASE_REPLICA_URL, DATABASES["default"])
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_REPLICA_URL is not a PostgreSQL URL: {exc}") from exc
    DATABASE_ROUTERS = ["cbs.db.ReplicaRouter"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "axes",
    "cbs",
    "cbs.audit",
    "cbs.accounts",
    "cbs.partners",
    "cbs.backups",
    "cbs.retention",
    "cbs.notifications",
    "layers",
    "ogc",
    "field",
    "django_filters",
    "backoffice.tickets",
    "backoffice.assets",
    "backoffice.reports",
    # The job queue (tables in our database, admin pages, `manage.py procrastinate worker`).
    "procrastinate.contrib.django",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "cbs.audit.middleware.RequestContextMiddleware",
    "cbs.middleware.RejectNulMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "cbs.middleware.ContentSecurityPolicyMiddleware",
    # Last: turns a lockout flagged during the request into the answer (cbs.accounts.lockout).
    "axes.middleware.AxesMiddleware",
]
if DATABASE_REPLICA_URL:
    MIDDLEWARE.append("cbs.db.RecentWriteMiddleware")  # read-your-writes (cbs/db.py)

ROOT_URLCONF = "cbs.urls"
WSGI_APPLICATION = "cbs.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "cbs" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "cbs.context_processors.modules",
                "cbs.backups.context_processors.backup_warning",
            ]
        },
    }
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "tr"
LANGUAGES = [("tr", _("Turkish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Istanbul"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# pygeoapi's own CSS and images, served under /static/pygeoapi/ (its templates are localised).
PYGEOAPI_STATIC = Path(importlib.util.find_spec("pygeoapi").submodule_search_locations[0]) / "static"
STATIC_ROOT = BASE_DIR / "var" / "static_root"
STATICFILES_DIRS = [BASE_DIR / "cbs" / "static", ("pygeoapi", PYGEOAPI_STATIC)]
WHITENOISE_USE_FINDERS = True
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Rendered tiles (plain files per layer generation read from the database, ogc/tile_store.py):
# a per-host cache, never the truth (layers/state.py).
CBS_TILE_CACHE_DIR = env_path("CBS_TILE_CACHE_DIR", BASE_DIR / "var" / "cache" / "tiles")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Login. CBS_AUTH_LDAP is reserved for an LDAP/Active Directory backend (not built).
# django-axes refuses a user name from one address after CBS_LOCKOUT_FAILURES failed logins from
# that address, for CBS_LOCKOUT_MINUTES after the last one; other addresses may still log in.
# Administrators lift a lock in the admin (Staff and permissions → Login lockouts) or with
# `manage.py axes_reset_username <name>` (README).
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend",
                           "django.contrib.auth.backends.ModelBackend"]
if env_bool("CBS_AUTH_LDAP", False):
    raise ImproperlyConfigured("CBS_AUTH_LDAP: LDAP/Active Directory login is not available yet")
CBS_LOCKOUT_FAILURES = int(env("CBS_LOCKOUT_FAILURES", "5"))
CBS_LOCKOUT_MINUTES = int(env("CBS_LOCKOUT_MINUTES", "15"))
if CBS_LOCKOUT_FAILURES < 1 or CBS_LOCKOUT_MINUTES < 1:
    raise ImproperlyConfigured("CBS_LOCKOUT_FAILURES and CBS_LOCKOUT_MINUTES must be at least 1")
AXES_FAILURE_LIMIT = CBS_LOCKOUT_FAILURES
AXES_COOLOFF_TIME = timedelta(minutes=CBS_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "cbs.audit.middleware.client_ip"
AXES_LOCKOUT_CALLABLE = "cbs.accounts.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
# Tries during a lockout do not extend it, so the login page can say when it ends.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Successful logins are already in our chained access log (user, address, time; retention).
AXES_DISABLE_ACCESS_LOG = True
SESSION_COOKIE_AGE = int(env("CBS_SESSION_SECONDS", str(8 * 3600)))  # one working day
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# Production hardening (all on unless debugging locally).
SECURE = env_bool("CBS_SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_bool("CBS_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = int(env("CBS_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# GDAL >= 3.9 can forbid file/network access from spatial references; Debian 12 ships 3.6.
# We never hand user strings to GDAL as paths or CRS definitions (only integer SRIDs we offer).
SILENCED_SYSTEM_CHECKS = ["gis.W001"]

# Configure a root handler so pygeoapi's logging.basicConfig() becomes a no-op.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("CBS_LOG_LEVEL", "WARNING")},
    "loggers": {"pygeoapi": {"level": env("CBS_PYGEOAPI_LOG_LEVEL", "CRITICAL")}},
}

# --- Kent CBS -------------------------------------------------------------------------------
CBS_MUNICIPALITY_NAME = env("CBS_MUNICIPALITY_NAME", "Zeytinburnu Belediyesi")
# A PNG/JPEG file of the municipality's logo for printed maps (layers.printing); empty: none.
CBS_MUNICIPALITY_LOGO = env("CBS_MUNICIPALITY_LOGO", "")
CBS_ORGANISATION = env("CBS_ORGANISATION", "Zeytinburnu Belediyesi Bilgi İşlem Müdürlüğü")
CBS_CONTACT_EMAIL = env("CBS_CONTACT_EMAIL", "cbs@zeytinburnu.bel.tr")
CBS_IL_PLAKA = int(env("CBS_IL_PLAKA", "34"))
CBS_ILCE_ID = int(env("CBS_ILCE_ID", "1739"))
# Storage CRS: the municipality's TUREF/TM zone, one setting for the whole install.
CBS_SRID = int(env("CBS_SRID", "5254"))
if CBS_SRID not in range(5253, 5260):
    raise ImproperlyConfigured("CBS_SRID must be a TUREF/TM zone (EPSG:5253 … 5259)")
# Municipality bounding box in lon/lat (minx,miny,maxx,maxy): geometries must fall inside.
CBS_MAP_BBOX = env_floats("CBS_MAP_BBOX", "28.86,40.97,28.95,41.03", 4)
# Public URL of the OGC API; empty: derived from each request (host checked by ALLOWED_HOSTS).
CBS_OGC_BASE_URL = env("CBS_OGC_BASE_URL", "").rstrip("/")
CBS_OGC_MAX_ITEMS = int(env("CBS_OGC_MAX_ITEMS", "10000"))
CBS_OGC_DEFAULT_ITEMS = int(env("CBS_OGC_DEFAULT_ITEMS", "100"))
# Plain anonymous GeoJSON item reads in one statement (ogc/fast_items.py); 0 sends them through
# pygeoapi like every other request (same answer, ~3 round trips).
CBS_OGC_FAST_ITEMS = env_bool("CBS_OGC_FAST_ITEMS", True)
# The municipality's logo on the OGC API pages (a URL the site serves); empty: pygeoapi's logo.
CBS_OGC_LOGO_URL = env("CBS_OGC_LOGO_URL", "")
# Optional base map tile URL ({z}/{x}/{y}); empty: the maps work without one.
CBS_BASEMAP_URL = env("CBS_BASEMAP_URL", "")
CBS_MAX_VERTICES = int(env("CBS_MAX_VERTICES", "20000"))
CBS_MAX_BODY_BYTES = int(env("CBS_MAX_BODY_BYTES", str(5 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = CBS_MAX_BODY_BYTES + 1024
# The longest a synchronous request may take (an export converted by ogr2ogr, an import upload
# unpacked and read by GDAL). gunicorn's --timeout (Dockerfile) and nginx's proxy_read_timeout
# (deploy/nginx.conf) are a little longer, so the site answers before either cuts it off
# (tests/cbs/test_deploy.py checks they agree); longer work belongs on the job queue.
CBS_REQUEST_TIMEOUT = int(env("CBS_REQUEST_TIMEOUT", "300"))
# Logs (Law 5651): retention of access and audit records, proxy trust for the source IP.
CBS_LOG_RETENTION_DAYS = int(env("CBS_LOG_RETENTION_DAYS", "730"))
# The client's address (access log, audit, partner IP allow-lists, login lockout): the number of
# reverse proxies in front of the app, each adding the address it saw to X-Forwarded-For.
# 0 = no proxy: the connecting address, any X-Forwarded-For is ignored. docker-compose: 1 (nginx).
try:
    CBS_TRUSTED_PROXY_COUNT = int(env("CBS_TRUSTED_PROXY_COUNT", "0"))
except ValueError:
    CBS_TRUSTED_PROXY_COUNT = -1
if CBS_TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("CBS_TRUSTED_PROXY_COUNT must be a whole number ≥ 0 (0 = no proxy)")
# Like X-Forwarded-For, X-Forwarded-Proto is only believed when a proxy (which overwrites it,
# see deploy/nginx.conf) stands in front; without one a client could claim HTTPS.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if CBS_TRUSTED_PROXY_COUNT else None
if env_bool("CBS_TRUST_X_FORWARDED_FOR", False):
    # It trusted the left-most address, which the client chooses.
    raise ImproperlyConfigured("CBS_TRUST_X_FORWARDED_FOR is replaced by CBS_TRUSTED_PROXY_COUNT "
                               "(the number of reverse proxies in front of the app)")
CBS_PYGEOAPI_TEMPLATES = BASE_DIR / "var" / "pygeoapi_templates"
# Texts of pygeoapi's pages: catalogues kept in locale/pygeoapi, compiled by vendor_assets.
CBS_PYGEOAPI_LOCALE = BASE_DIR / "var" / "pygeoapi_locale"
# Records files of the catalogue (ogc/records.py): a per-host cache rebuilt from the database
# with the configuration, kept on local disk (pygeoapi's TinyDB provider opens a path).
CBS_CATALOGUE_DIR = env_path("CBS_CATALOGUE_DIR", BASE_DIR / "var" / "catalogue")
CBS_SAMPLES_DIR = BASE_DIR / "data" / "samples"
CBS_DEMO_PASSWORD = env("CBS_DEMO_PASSWORD", "kentcbs-demo")

# Files every host must serve (ticket attachments, uploaded import files) go through Django's
# storage API onto storage all hosts share: by default a folder (MEDIA_ROOT) that every app and
# worker container mounts (the `media` volume in docker-compose.yml), or S3-compatible object
# storage through django-storages (`pip install '.[s3]'`, CBS_STORAGE_BACKEND=s3). Per-host
# caches rebuilt from the database (tiles, catalogue files) stay on local disk.
MEDIA_ROOT = env_path("CBS_MEDIA_ROOT", BASE_DIR / "var" / "media")
MEDIA_URL = "/media/"  # never served directly: attachments are downloaded through a checked view
CBS_STORAGE_BACKEND = env("CBS_STORAGE_BACKEND") or "filesystem"
STORAGES = {
    # No location: FileSystemStorage follows MEDIA_ROOT.
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if CBS_STORAGE_BACKEND == "s3":
    if not env("CBS_S3_BUCKET"):
        raise ImproperlyConfigured("CBS_STORAGE_BACKEND=s3 needs CBS_S3_BUCKET")
    if importlib.util.find_spec("storages") is None:
        raise ImproperlyConfigured("CBS_STORAGE_BACKEND=s3 needs django-storages with boto3: "
                                   "pip install '.[s3]'")
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
        "bucket_name": env("CBS_S3_BUCKET"),
        "location": env("CBS_S3_PREFIX", ""),  # a folder in the bucket
        # Any S3-compatible server (MinIO, Ceph RGW …); empty: AWS itself.
        "endpoint_url": env("CBS_S3_ENDPOINT_URL") or None,
        "region_name": env("CBS_S3_REGION") or None,
        # Empty: boto3's own chain (AWS_* variables, instance or container role).
        "access_key": env("CBS_S3_ACCESS_KEY") or None,
        "secret_key": env("CBS_S3_SECRET_KEY") or None,
        "addressing_style": env("CBS_S3_ADDRESSING_STYLE") or None,  # "path" for most MinIO setups
        "default_acl": "private",
        "querystring_auth": True,  # never public links; files are served by checked views anyway
        "file_overwrite": False,
    }}
elif CBS_STORAGE_BACKEND != "filesystem":
    raise ImproperlyConfigured("CBS_STORAGE_BACKEND must be filesystem or s3")

# Imports (layers.imports): upload limits (zip bombs), staged in schema cbs_import. The uploaded
# file is kept in the shared storage (STORAGES above); CBS_IMPORT_DIR is this host's scratch
# folder (an upload being unpacked, a local copy GDAL reads from a remote storage, job logs).
CBS_IMPORT_DIR = env_path("CBS_IMPORT_DIR", BASE_DIR / "var" / "imports")
CBS_IMPORT_MAX_BYTES = int(env("CBS_IMPORT_MAX_BYTES", str(2 * 1024**3)))
CBS_IMPORT_MAX_UNPACKED_BYTES = int(env("CBS_IMPORT_MAX_UNPACKED_BYTES", str(4 * 1024**3)))
CBS_IMPORT_MAX_ENTRIES = int(env("CBS_IMPORT_MAX_ENTRIES", "1000"))
CBS_IMPORT_MAX_RATIO = int(env("CBS_IMPORT_MAX_RATIO", "100"))
# A large import asks its topology rules on a second database connection while it writes (the
# database's second core; layers.imports.alongside). Off: after the write, as smaller ones do –
# for a database server with one core, where the two would only take turns.
CBS_IMPORT_RULES_ALONGSIDE = env_bool("CBS_IMPORT_RULES_ALONGSIDE", True)

# Job queue (Procrastinate, cbs/queue.py): imports, mail and periodic work run in the worker
# process (`manage.py procrastinate worker`), CBS_WORKER_CONCURRENCY jobs at a time. It sends a
# heartbeat every CBS_WORKER_HEARTBEAT_SECONDS; the jobs of a worker silent for
# CBS_WORKER_STALLED_SECONDS (killed, host lost) are failed (imports) or retried (mail).
CBS_WORKER_CONCURRENCY = int(env("CBS_WORKER_CONCURRENCY", "2"))
CBS_WORKER_HEARTBEAT_SECONDS = float(env("CBS_WORKER_HEARTBEAT_SECONDS", "10"))
CBS_WORKER_STALLED_SECONDS = float(env("CBS_WORKER_STALLED_SECONDS", "60"))
if CBS_WORKER_CONCURRENCY < 1 or CBS_WORKER_STALLED_SECONDS < 2 * CBS_WORKER_HEARTBEAT_SECONDS:
    raise ImproperlyConfigured("CBS_WORKER_CONCURRENCY must be >= 1 and CBS_WORKER_STALLED_SECONDS "
                               "at least twice CBS_WORKER_HEARTBEAT_SECONDS")
# The worker's own connections for fetching jobs and heartbeats (plus one that LISTENs).
CBS_WORKER_QUEUE_CONNECTIONS = int(env("CBS_WORKER_QUEUE_CONNECTIONS", "2"))
PROCRASTINATE_WORKER_DEFAULTS = {
    "concurrency": CBS_WORKER_CONCURRENCY,
    "update_heartbeat_interval": CBS_WORKER_HEARTBEAT_SECONDS,
    "stalled_worker_timeout": CBS_WORKER_STALLED_SECONDS,
}
PROCRASTINATE_ON_APP_READY = "cbs.queue.on_app_ready"
# Finished jobs are kept this long (failed ones until someone looks: see the README).
CBS_QUEUE_KEEP_HOURS = int(env("CBS_QUEUE_KEEP_HOURS", str(7 * 24)))

# Help desk: working hours of the SLA clock (holidays are data: tickets.Holiday), uploads, mail.
CBS_WORKDAY_START = env("CBS_WORKDAY_START", "08:30")
CBS_WORKDAY_END = env("CBS_WORKDAY_END", "17:30")

CBS_ATTACHMENT_MAX_BYTES = int(env("CBS_ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024)))
CBS_ATTACHMENT_TYPES = tuple(env("CBS_ATTACHMENT_TYPES", "pdf,png,jpg,jpeg,txt,log,csv,xlsx,docx").split(","))
EMAIL_BACKEND = env("CBS_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend" if DEBUG
                    else "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("CBS_EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("CBS_EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("CBS_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env("CBS_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("CBS_EMAIL_TLS", False)
DEFAULT_FROM_EMAIL = env("CBS_EMAIL_FROM", "yardim@zeytinburnu.bel.tr")
EMAIL_TIMEOUT = int(env("CBS_EMAIL_TIMEOUT", "30"))
# Mail is sent by the worker; a temporary SMTP failure is retried CBS_MAIL_RETRIES times, after
# base, base², base³ … seconds (default 5 s … 4.3 h, about 5.4 hours in all).
CBS_MAIL_RETRIES = int(env("CBS_MAIL_RETRIES", "6"))
CBS_MAIL_RETRY_BASE_SECONDS = int(env("CBS_MAIL_RETRY_BASE_SECONDS", "5"))

# Who gets the site's alerts (failed or missing backups): CBS_ADMINS, comma-separated e-mails.
ADMINS = [(a.strip(), a.strip()) for a in (env("CBS_ADMINS") or "").split(",") if a.strip()]

# Backups (cbs.backups, README "Backups"): pg_dump custom format of the database plus every file in
# the storages listed, into CBS_BACKUP_DIR/<UTC time>/ (written as <time>.partial and renamed when
# complete), copied to CBS_BACKUP_OFFSITE_DIR (a mounted off-site folder) when set; the newest
# CBS_BACKUP_KEEP complete backups are kept in each place.
CBS_BACKUP_DIR = Path(env("CBS_BACKUP_DIR") or BASE_DIR / "var" / "backups")
CBS_BACKUP_OFFSITE_DIR = Path(env("CBS_BACKUP_OFFSITE_DIR")) if env("CBS_BACKUP_OFFSITE_DIR") else None
CBS_BACKUP_KEEP = env_int("CBS_BACKUP_KEEP", 14, 1)
CBS_BACKUP_STORAGES = [s for s in (env("CBS_BACKUP_STORAGES") or "default").split(",") if s]
# No successful backup for this many hours (or a failed backup or drill): superusers see a warning
# on every page and CBS_BACKUP_ALERT_EMAIL (else ADMINS, else superusers) get an e-mail.
CBS_BACKUP_MAX_AGE_HOURS = env_int("CBS_BACKUP_MAX_AGE_HOURS", 26, 1)
CBS_BACKUP_ALERT_EMAIL = [a.strip() for a in (env("CBS_BACKUP_ALERT_EMAIL") or "").split(",") if a.strip()]
# A "running" backup or drill without a heartbeat for this long is marked failed (it was killed).
CBS_BACKUP_STALE_SECONDS = env_int("CBS_BACKUP_STALE_SECONDS", 600, 60)
# Folder of pg_dump/pg_restore; empty: the newest /usr/lib/postgresql/*/bin, else PATH.
CBS_PG_BIN = env("CBS_PG_BIN") or ""

# Retention (cbs.retention, README "KVKK"): citizens' personal data in tickets is anonymised this
# many days after the ticket was closed (default two years, as long as the audit trail keeps the
# same data: CBS_LOG_RETENTION_DAYS); bookkeeping rows are pruned after their use.
CBS_KVKK_TICKET_RETENTION_DAYS = env_int("CBS_KVKK_TICKET_RETENTION_DAYS", 730, 1)
CBS_LOGIN_ATTEMPT_RETENTION_DAYS = env_int("CBS_LOGIN_ATTEMPT_RETENTION_DAYS", 30, 1)
CBS_IMPORT_RETENTION_DAYS = env_int("CBS_IMPORT_RETENTION_DAYS", 30, 1)

# Help-desk e-mail intake (backoffice/tickets/mail_intake.py, README "E-posta ile talep"): the
# department mailbox read over IMAP every minute by the queue's worker; off while no host is set.
CBS_MAIL_INTAKE_HOST = env("CBS_MAIL_INTAKE_HOST") or ""
CBS_MAIL_INTAKE_PORT = env_int("CBS_MAIL_INTAKE_PORT", 993, 1)
CBS_MAIL_INTAKE_SECURITY = (env("CBS_MAIL_INTAKE_SECURITY") or "ssl").lower()  # ssl | starttls | none
if CBS_MAIL_INTAKE_SECURITY not in ("ssl", "starttls", "none"):
    raise ImproperlyConfigured("CBS_MAIL_INTAKE_SECURITY must be ssl, starttls or none")
CBS_MAIL_INTAKE_USER = env("CBS_MAIL_INTAKE_USER") or ""
CBS_MAIL_INTAKE_PASSWORD = env("CBS_MAIL_INTAKE_PASSWORD") or ""
CBS_MAIL_INTAKE_FOLDER = env("CBS_MAIL_INTAKE_FOLDER") or "INBOX"
CBS_MAIL_INTAKE_REJECTED_FOLDER = env("CBS_MAIL_INTAKE_REJECTED_FOLDER") or "Reddedilen"
# Our own address (mail from it, or carrying it in X-Loop, is a loop); default: the sender address.
CBS_MAIL_INTAKE_ADDRESS = (env("CBS_MAIL_INTAKE_ADDRESS") or DEFAULT_FROM_EMAIL).lower()
# Category of tickets opened by mail (its name, "Parent / Child" for a subcategory); default: the
# first top-level category by name.
CBS_MAIL_INTAKE_CATEGORY = env("CBS_MAIL_INTAKE_CATEGORY") or ""
CBS_MAIL_INTAKE_BATCH = env_int("CBS_MAIL_INTAKE_BATCH", 500, 1)
# More mails than this from one sender within an hour are a loop (or a flood) and are ignored.
CBS_MAIL_INTAKE_MAX_PER_SENDER_HOUR = env_int("CBS_MAIL_INTAKE_MAX_PER_SENDER_HOUR", 30, 1)
CBS_MAIL_INTAKE_TIMEOUT = env_int("CBS_MAIL_INTAKE_TIMEOUT", 30, 1)
# The site's address as users reach it, for links in notification mails.
CBS_SITE_URL = (env("CBS_SITE_URL") or "http://127.0.0.1:8000").rstrip("/")
# WMS/WFS (ogc/ows.py): MapServer FastCGI processes per Django process, on a Unix socket in
# CBS_OWS_DIR with mapfiles generated from the registry; they read PostGIS as CBS_OWS_DB_USER,
# a login role with SELECT on published tables/columns only (granted by ogc/ows_role.py).
CBS_OWS_DIR = env_path("CBS_OWS_DIR", BASE_DIR / "var" / "ows")
CBS_OWS_PROCESSES = env_int("CBS_OWS_PROCESSES", 2, 1)
CBS_OWS_DB_USER = env("CBS_OWS_DB_USER") or "kentcbs_ows"
CBS_OWS_DB_PASSWORD = env("CBS_OWS_DB_PASSWORD") or ""
# A partner key entered on /ogc/key/ (cbs.partners.browser) holds for this long in that browser.
CBS_PARTNER_SESSION_SECONDS = env_int("CBS_PARTNER_SESSION_SECONDS", 8 * 3600, 60)
