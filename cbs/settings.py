"""Kent CBS settings: one module, every value from the environment (see .env.example)."""

import importlib.util
import os
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
DATABASES["default"]["TEST"] = {"NAME": env("CBS_TEST_DB_NAME")} if env("CBS_TEST_DB_NAME") else {}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "cbs",
    "cbs.audit",
    "cbs.accounts",
    "cbs.partners",
    "layers",
    "ogc",
    "django_filters",
    "backoffice.tickets",
    "backoffice.assets",
    "backoffice.reports",
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
]

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
# Rendered tiles (plain files per layer generation, ogc/tile_store.py) and the layer-state stamp
# (layers/state.py) live here, shared by the processes of one host.
CBS_TILE_CACHE_DIR = Path(env("CBS_TILE_CACHE_DIR", str(BASE_DIR / "var" / "cache" / "tiles")))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Login with lockout. CBS_AUTH_LDAP is reserved for an LDAP/Active Directory backend (not built).
AUTHENTICATION_BACKENDS = ["cbs.accounts.backends.LockoutModelBackend"]
if env_bool("CBS_AUTH_LDAP", False):
    raise ImproperlyConfigured("CBS_AUTH_LDAP: LDAP/Active Directory login is not available yet")
CBS_LOCKOUT_FAILURES = int(env("CBS_LOCKOUT_FAILURES", "5"))
CBS_LOCKOUT_MINUTES = int(env("CBS_LOCKOUT_MINUTES", "15"))
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
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
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
# The municipality's logo on the OGC API pages (a URL the site serves); empty: pygeoapi's logo.
CBS_OGC_LOGO_URL = env("CBS_OGC_LOGO_URL", "")
# Optional base map tile URL ({z}/{x}/{y}); empty: the maps work without one.
CBS_BASEMAP_URL = env("CBS_BASEMAP_URL", "")
CBS_MAX_VERTICES = int(env("CBS_MAX_VERTICES", "20000"))
CBS_MAX_BODY_BYTES = int(env("CBS_MAX_BODY_BYTES", str(5 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = CBS_MAX_BODY_BYTES + 1024
# Logs (Law 5651): retention of access and audit records, proxy trust for the source IP.
CBS_LOG_RETENTION_DAYS = int(env("CBS_LOG_RETENTION_DAYS", "730"))
CBS_TRUST_X_FORWARDED_FOR = env_bool("CBS_TRUST_X_FORWARDED_FOR", False)
CBS_PYGEOAPI_TEMPLATES = BASE_DIR / "var" / "pygeoapi_templates"
# Texts of pygeoapi's pages: catalogues kept in locale/pygeoapi, compiled by vendor_assets.
CBS_PYGEOAPI_LOCALE = BASE_DIR / "var" / "pygeoapi_locale"
CBS_CATALOGUE_DIR = Path(env("CBS_CATALOGUE_DIR", str(BASE_DIR / "var" / "catalogue")))
CBS_SAMPLES_DIR = BASE_DIR / "data" / "samples"
CBS_DEMO_PASSWORD = env("CBS_DEMO_PASSWORD", "kentcbs-demo")

# Imports (layers.imports): job folders, upload limits (zip bombs), staged in schema cbs_import.
CBS_IMPORT_DIR = Path(env("CBS_IMPORT_DIR", str(BASE_DIR / "var" / "imports")))
CBS_IMPORT_MAX_BYTES = int(env("CBS_IMPORT_MAX_BYTES", str(2 * 1024**3)))
CBS_IMPORT_MAX_UNPACKED_BYTES = int(env("CBS_IMPORT_MAX_UNPACKED_BYTES", str(4 * 1024**3)))
CBS_IMPORT_MAX_ENTRIES = int(env("CBS_IMPORT_MAX_ENTRIES", "1000"))
CBS_IMPORT_MAX_RATIO = int(env("CBS_IMPORT_MAX_RATIO", "100"))
# A job still "running" without a live worker after this long is marked failed (other hosts).
CBS_IMPORT_STALE_SECONDS = int(env("CBS_IMPORT_STALE_SECONDS", "900"))

# Help desk: working hours of the SLA clock (holidays are data: tickets.Holiday), uploads, mail.
CBS_WORKDAY_START = env("CBS_WORKDAY_START", "08:30")
CBS_WORKDAY_END = env("CBS_WORKDAY_END", "17:30")
MEDIA_ROOT = Path(env("CBS_MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
MEDIA_URL = "/media/"  # never served directly: attachments are downloaded through a checked view
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
