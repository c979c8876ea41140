"""Settings fail fast on bad configuration, and production settings pass Django's deploy checks."""

import os
import subprocess
import sys

from django.conf import settings

PYTHON = sys.executable
BASE = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CBS_"))}


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([PYTHON, "manage.py", *args], cwd=settings.BASE_DIR, env={**BASE, **env},
                          capture_output=True, text=True, timeout=120, check=False)


def run_python(code: str, **env: str) -> subprocess.CompletedProcess:
    """`code` after django.setup() in a fresh process with only these settings in the environment."""
    env = {"DATABASE_URL": "postgres://nobody@localhost/none", "DJANGO_SETTINGS_MODULE": "cbs.settings", **env}
    return subprocess.run([PYTHON, "-c", f"import django; django.setup(); {code}"], cwd=settings.BASE_DIR,
                          env={**BASE, **env}, capture_output=True, text=True, timeout=120, check=False)


class SettingsTests:
    def test_missing_secret_key_fails_fast(self):
        """Without DJANGO_SECRET_KEY and debug off, start-up stops with a clear message."""
        result = run_manage("check", DJANGO_DEBUG="0")
        assert result.returncode != 0
        assert "DJANGO_SECRET_KEY is required" in result.stderr

    def test_bad_database_url_fails_fast(self):
        """A DATABASE_URL that is not PostgreSQL is refused at start-up."""
        result = run_manage("check", DJANGO_DEBUG="1", DATABASE_URL="ftp://nowhere")
        assert "DATABASE_URL is not a PostgreSQL URL" in result.stderr

    def test_non_tm_srid_refused(self):
        """CBS_SRID must be a TUREF/TM zone."""
        result = run_manage("check", DJANGO_DEBUG="1", CBS_SRID="3857")
        assert "CBS_SRID must be a TUREF/TM zone" in result.stderr

    def test_bad_backup_and_retention_numbers_fail_fast(self):
        """Backup and retention numbers are whole numbers within their range, said by name."""
        result = run_manage("check", DJANGO_DEBUG="1", CBS_BACKUP_KEEP="a week")
        assert "CBS_BACKUP_KEEP must be a whole number" in result.stderr
        result = run_manage("check", DJANGO_DEBUG="1", CBS_KVKK_TICKET_RETENTION_DAYS="0")
        assert "CBS_KVKK_TICKET_RETENTION_DAYS must be at least 1" in result.stderr

    def test_bad_proxy_count_fails_fast(self):
        """CBS_TRUSTED_PROXY_COUNT must be a whole number ≥ 0; the old left-most-address switch
        CBS_TRUST_X_FORWARDED_FOR is refused rather than silently ignored."""
        for value in ("-1", "yes"):
            result = run_manage("check", DJANGO_DEBUG="1", CBS_TRUSTED_PROXY_COUNT=value)
            assert "CBS_TRUSTED_PROXY_COUNT must be a whole number" in result.stderr
        result = run_manage("check", DJANGO_DEBUG="1", CBS_TRUST_X_FORWARDED_FOR="1")
        assert "replaced by CBS_TRUSTED_PROXY_COUNT" in result.stderr

    def test_deploy_checks_clean_with_production_settings(self):
        """manage.py check --deploy --fail-level WARNING passes with production values."""
        result = run_manage("check", "--deploy", "--fail-level", "WARNING", DJANGO_DEBUG="0",
                            DJANGO_SECRET_KEY="x" * 20 + "-production-like-secret-value-0123456789",
                            DJANGO_ALLOWED_HOSTS="cbs.example.org")
        assert result.returncode == 0, result.stdout + result.stderr

    def test_files_go_to_the_shared_storage(self):
        """The default storage is a folder at CBS_MEDIA_ROOT (the volume every host mounts)."""
        result = run_python("from django.core.files.storage import storages; s = storages['default']; "
                            "print(type(s).__name__, s.location)",
                            DJANGO_DEBUG="1", CBS_MEDIA_ROOT="/srv/kentcbs/media")
        assert result.stdout.split() == ["FileSystemStorage", "/srv/kentcbs/media"], result.stderr
        result = run_python("from django.conf import settings; print(settings.MEDIA_ROOT)",  # as in .env.example
                            DJANGO_DEBUG="1", CBS_MEDIA_ROOT="", CBS_STORAGE_BACKEND="")
        assert result.stdout.strip() == str(settings.BASE_DIR / "var" / "media"), result.stderr

    def test_s3_storage_is_configured_from_the_environment(self, tmp_path):
        """CBS_STORAGE_BACKEND=s3: django-storages' S3Storage, private, never overwriting; without a
        bucket or without django-storages the site does not start. (A stand-in package takes
        django-storages' place here: no network, no optional dependency in the test venv.)"""
        assert "CBS_S3_BUCKET" in run_manage("check", DJANGO_DEBUG="1", CBS_STORAGE_BACKEND="s3").stderr
        assert "must be filesystem or s3" in run_manage("check", DJANGO_DEBUG="1",
                                                        CBS_STORAGE_BACKEND="nfs").stderr
        stand_in = tmp_path / "storages" / "backends"
        stand_in.mkdir(parents=True)
        (tmp_path / "storages" / "__init__.py").write_text("")
        (stand_in / "__init__.py").write_text("")
        (stand_in / "s3.py").write_text(
            "from django.core.files.storage import Storage\n"
            "class S3Storage(Storage):\n"
            "    def __init__(self, **options):\n"
            "        self.options = options\n")
        s3 = {"CBS_STORAGE_BACKEND": "s3", "CBS_S3_BUCKET": "kentcbs", "CBS_S3_PREFIX": "media",
              "CBS_S3_ENDPOINT_URL": "https://minio.belediye.local:9000", "CBS_S3_ADDRESSING_STYLE": "path"}
        result = run_python("import json; from django.core.files.storage import storages; "
                            "print(json.dumps(storages['default'].options))", DJANGO_DEBUG="1", **s3)
        assert "needs django-storages" in result.stderr  # the optional extra is not installed
        result = run_python("import json; from django.core.files.storage import storages; "
                            "print(json.dumps(storages['default'].options))",
                            DJANGO_DEBUG="1", PYTHONPATH=str(tmp_path), **s3)
        options = __import__("json").loads(result.stdout or "{}")
        assert options == {**options, "bucket_name": "kentcbs", "location": "media", "default_acl": "private",
                           "endpoint_url": "https://minio.belediye.local:9000", "addressing_style": "path",
                           "querystring_auth": True, "file_overwrite": False}, result.stderr

    def test_generated_pygeoapi_yaml(self, tmp_path, db):
        """manage.py ogc_config writes the generated configuration without the parcels."""
        from urllib.parse import quote

        from django.db import connection

        db_settings = connection.settings_dict  # the test database, with the samples
        host = quote(db_settings["HOST"], safe="")  # a socket folder is a path
        url = (f"postgres://{db_settings['USER']}@{host}:{db_settings['PORT']}/"
               f"{db_settings['NAME']}")
        out = tmp_path / "ogc.yml"
        result = run_manage("ogc_config", "--out", str(out), DJANGO_DEBUG="1", DATABASE_URL=url)
        assert result.returncode == 0, result.stderr
        text = out.read_text()
        assert "bi-bina:" in text and "tk-parsel" not in text


class PagesTests:
    def test_home_lists_layers_in_turkish(self, client, db):
        """The start page is Turkish by default and links the OGC API."""
        page = client.get("/", HTTP_ACCEPT_LANGUAGE="tr").content.decode()
        assert "Belediye CBS" in page and "/ogc/" in page and "Binalar" in page

    def test_english_available(self, client, db):
        """English is available through the language switch."""
        page = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "Municipal GIS" in page

    def test_csp_header_forbids_inline_script(self, client, db):
        """Every page carries a CSP without 'unsafe-inline' for scripts."""
        csp = client.get("/")["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline' ;" not in csp.split("style-src")[0]
