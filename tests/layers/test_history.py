"""Feature history from the audit trail: versions, diffs, restore and undo."""

from django.urls import reverse

from cbs.testing import make_user
from layers.history import changes, feature_restore, feature_versions, last_edit_by
from layers.models import KamuHizmeti
from layers.registry import get_layer
from layers.services import FeatureInput, feature_create, feature_update

HIZMET = get_layer("kh-hizmet")


def edited_feature(user):
    feature = feature_create(layer=HIZMET, user=user, feature=FeatureInput(
        {"adi": "Eski Ad", "hizmetTipi": "saglik"}, "SRID=5254;POINT(407900 4541100)"))
    feature_update(layer=HIZMET, instance=feature, user=user, properties={"adi": "Yeni Ad"},
                   geometry="SRID=5254;POINT(407910 4541110)")
    return KamuHizmeti.objects.get(pk=feature.pk)


class HistoryTests:
    def test_versions_and_changes(self, db):
        """Each write is a version; the diff names attribute and geometry changes."""
        user = make_user(("layer:kh-hizmet", "edit"))
        feature = edited_feature(user)
        versions = list(feature_versions(HIZMET, feature.tucbs_no))
        assert [v.action for v in versions] == ["create", "update"]
        names = [name for name, _old, _new in changes(versions[1].before, versions[1].after)]
        assert "adi" in names and "geometry" in names

    def test_restore_creates_a_new_version(self, db):
        """Restoring the first version brings back its values as version 3."""
        user = make_user(("layer:kh-hizmet", "edit"))
        feature = edited_feature(user)
        first = feature_versions(HIZMET, feature.tucbs_no).first()
        restored = feature_restore(layer=HIZMET, instance=feature, record=first, user=user)
        assert (restored.adi, restored.version) == ("Eski Ad", 3)
        assert round(restored.geom.x) == 407900

    def test_undo_my_last_edit(self, db):
        """Undo takes the user's last change back (the before-state of that record)."""
        user = make_user(("layer:kh-hizmet", "edit"))
        feature = edited_feature(user)
        record = last_edit_by(HIZMET, feature.tucbs_no, user)
        undone = feature_restore(layer=HIZMET, instance=feature, record=record, user=user, use_before=True)
        assert undone.adi == "Eski Ad"


class HistoryPageTests:
    def test_page_lists_versions_and_restores(self, client, db):
        """An editor sees the versions and can restore one through the page."""
        user = make_user(("layer:kh-hizmet", "edit"))
        feature = edited_feature(user)
        client.force_login(user)
        url = reverse("layers:feature_history", args=["kh-hizmet", feature.tucbs_no])
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="tr").content.decode()
        assert "Eski Ad" in page and "Yeni Ad" in page and 'id="undo"' in page
        first = feature_versions(HIZMET, feature.tucbs_no).first()
        response = client.post(url, {"record": first.pk, "version": feature.version})
        assert response.status_code == 302
        assert KamuHizmeti.objects.get(pk=feature.pk).adi == "Eski Ad"

    def test_viewer_reads_but_cannot_restore(self, client, db):
        """View rights show the history; restoring needs edit rights."""
        editor = make_user(("layer:kh-hizmet", "edit"))
        feature = edited_feature(editor)
        client.force_login(make_user(("layer:kh-hizmet", "view")))
        url = reverse("layers:feature_history", args=["kh-hizmet", feature.tucbs_no])
        assert client.get(url).status_code == 200
        first = feature_versions(HIZMET, feature.tucbs_no).first()
        assert client.post(url, {"record": first.pk}).status_code == 403
        assert KamuHizmeti.objects.get(pk=feature.pk).adi == "Yeni Ad"

    def test_stale_restore_is_refused(self, client, db):
        """Restoring from a page opened before someone else's save is refused with a message."""
        user = make_user(("layer:kh-hizmet", "edit"))
        feature = edited_feature(user)
        client.force_login(user)
        url = reverse("layers:feature_history", args=["kh-hizmet", feature.tucbs_no])
        first = feature_versions(HIZMET, feature.tucbs_no).first()
        response = client.post(url, {"record": first.pk, "version": feature.version - 1}, follow=True)
        assert KamuHizmeti.objects.get(pk=feature.pk).adi == "Yeni Ad"
        assert response.status_code == 200
