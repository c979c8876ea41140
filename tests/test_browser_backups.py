"""The backup warning and the backup page in a real headless Chromium (issue 17.4).

The live server sees committed rows only: the runs shown are made by `manage.py backup_create` and
`backup_drill` on the test database, as cron or the queue would run them (committed, removed
afterwards). Set CBS_SCREENSHOT_DIR to keep screenshots at 1440×900.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import timezone

from tests.browser_support import chromium, shot  # noqa: F401 (a fixture)

pytestmark = pytest.mark.browser
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def no_backup_records(django_db_setup, django_db_blocker):
    """Starts without committed backup records (an interrupted session's are removed) and removes
    those the test commits (ask for it before `db`: it runs outside the test's transaction)."""
    from cbs.backups.models import BackupAlert, BackupRun

    started = timezone.now()
    with django_db_blocker.unblock():
        BackupAlert.objects.all().delete()
        BackupRun.objects.all().delete()
    yield
    with django_db_blocker.unblock():
        BackupAlert.objects.filter(sent_at__gte=started).delete()
        BackupRun.objects.filter(started_at__gte=started).delete()


def manage(command: str, **env) -> None:
    from cbs.backups.db import Database

    result = subprocess.run([sys.executable, "manage.py", command], capture_output=True, text=True, timeout=600,
                            env={**os.environ, "DATABASE_URL": Database.from_settings().url, **env})
    assert result.returncode == 0, result.stderr


def login(page, live_site, user) -> None:
    page.goto(live_site + "/admin/login/")
    page.fill("#id_username", user[0])
    page.fill("#id_password", user[1])
    page.click("input[type=submit]")


class BackupPageTests:
    def test_warning_then_backup_page_with_real_runs(self, no_backup_records, db, chromium, live_site, live_admin,
                                                     live_editor, tmp_path):
        context = chromium.new_context(locale="tr-TR", viewport={"width": 1440, "height": 900})
        page = context.new_page()
        login(page, live_site, live_admin)
        page.goto(live_site + "/")
        warning = page.locator("#backup-warning")
        assert warning.is_visible() and "Henüz hiç yedek alınmadı." in warning.inner_text()
        shot(page, "backup-warning-home")
        page.goto(live_site + "/map/")  # the full-height map still fills the window under the banner
        page.wait_for_selector("#layer-tree .layer-row")
        banner, map_box = page.locator("#backup-warning").bounding_box(), page.locator("#map").bounding_box()
        assert map_box["y"] >= banner["y"] + banner["height"] and map_box["y"] + map_box["height"] <= 901
        assert map_box["height"] > 600
        shot(page, "backup-warning-map")
        page.goto(live_site + "/admin/")
        assert "Henüz hiç yedek alınmadı." in page.locator("#backup-warning").inner_text()
        shot(page, "backup-warning-admin")

        other = chromium.new_context(locale="tr-TR", viewport={"width": 1440, "height": 900}).new_page()
        login(other, live_site, live_editor)  # staff, not a superuser
        other.goto(live_site + "/")
        assert other.locator("#backup-warning").count() == 0
        other.context.close()

        # A real backup and drill of the test database, committed for the live server.
        from cbs.backups.models import BackupRun

        (tmp_path / "media" / "tickets" / "1").mkdir(parents=True)
        (tmp_path / "media" / "tickets" / "1" / "d41d8cd98f00b204e9800998ecf8427e").write_bytes(b"%PDF-1.4 test")
        env = {"CBS_BACKUP_DIR": str(tmp_path / "backups"), "CBS_MEDIA_ROOT": str(tmp_path / "media")}
        manage("backup_create", **env)
        manage("backup_drill", **env)
        backup, drill = BackupRun.objects.get(kind="backup"), BackupRun.objects.get(kind="drill")
        assert backup.status == drill.status == "succeeded"

        page.goto(live_site + "/admin/backups/backuprun/")
        assert page.locator("#backup-warning").count() == 0
        overview = page.locator("#backup-overview")
        assert "Yedeklerin durumu" in overview.inner_text() and backup.name in overview.inner_text()
        assert "RTO" in overview.inner_text()
        assert page.locator("#result_list tbody tr").count() == 2
        shot(page, "backup-page")
        page.click("#result_list tbody tr:nth-child(1) th a")  # newest first: the drill
        assert "verify_logs" in page.locator(".field-checks_pretty").inner_text()
        shot(page, "backup-drill-record")
        context.close()
