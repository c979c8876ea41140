"""Settings fail fast on bad configuration, and production settings pass Django's deploy checks."""

import os
import subprocess
import sys
from urllib.parse import quote

from django.conf import settings

PYTHON = sys.executable
BASE = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CBS_"))}


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([PYTHON, "manage.py", *args], cwd=settings.BASE_DIR, env={**BASE, **env},
                          capture_output=True, text=True, timeout=120, check=False)


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

    def test_deploy_checks_clean_with_production_settings(self):
        """manage.py check --deploy --fail-level WARNING passes with production values."""
        result = run_manage("check", "--deploy", "--fail-level", "WARNING", DJANGO_DEBUG="0",
                            DJANGO_SECRET_KEY="x" * 20 + "-production-like-secret-value-0123456789",
                            DJANGO_ALLOWED_HOSTS="cbs.example.org")
        assert result.returncode == 0, result.stdout + result.stderr

    def test_generated_pygeoapi_yaml(self, tmp_path, db):
        """manage.py ogc_config writes the generated configuration without the parcels."""
        from django.db import connection

        db_settings = connection.settings_dict  # the test database, with the samples
        # The private cluster's HOST is its socket folder: percent-encoded, as libpq reads it.
        host = quote(db_settings["HOST"] or "", safe="")
        url = f"postgres://{db_settings['USER']}@{host}:{db_settings['PORT']}/{db_settings['NAME']}"
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
