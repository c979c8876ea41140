"""Bad input gets a clear 4xx in the user's language and writes nothing (security.md 11).

Each case here answered 500 before (found by hand or by tests/test_url_fuzz.py, which walks
every route); the messages are checked in Turkish, the site's default language.
"""

import pytest
from django.urls import reverse
from django.utils import translation

from cbs.testing import make_user


def tr(msgid: str, **values) -> str:
    """The Turkish text of a message (and proof that it has one)."""
    with translation.override("tr"):
        text = translation.gettext(msgid)
    assert text != msgid, f"no Turkish translation for {msgid!r}"
    return text % values if values else text


def body(response) -> str:
    return response.content.decode()


@pytest.fixture
def turkish(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "tr"
    return client


class ExportBboxTests:
    URL = "/map/export/"

    @pytest.mark.parametrize("bbox", ["nan,nan,nan,nan", "-inf,-inf,inf,inf", "1,2,3", "1,2,3,4,5", "a,b,c,d",
                                      "28.9,41,28.8,41.1", "28.9,41.1,28.91,41"])
    def test_malformed_bbox_is_400(self, turkish, db, bbox):
        response = turkish.get(self.URL, {"layer": "kh-hizmet", "format": "geojson", "bbox": bbox})
        assert response.status_code == 400
        assert body(response) in (tr("bbox must be four numbers: west,south,east,north."),
                                  tr("bbox minimum is greater than its maximum."))

    def test_bbox_beyond_longitude_and_latitude_is_400(self, turkish, db):
        response = turkish.get(self.URL, {"layer": "kh-hizmet", "format": "geojson", "bbox": "0,-100,10,100"})
        assert response.status_code == 400
        assert body(response) == tr("bbox coordinates are outside the range of longitude and latitude.")

    def test_whole_world_bbox_exports_every_feature(self, client, db):
        """Beyond the TM zone's area the box used to fold into a sliver that selected nothing."""
        import json

        from layers.models import KamuHizmeti

        response = client.get(self.URL, {"layer": "kh-hizmet", "format": "geojson", "crs": "4326",
                                         "bbox": "-180,-90,180,90"})
        assert response.status_code == 200
        assert len(json.loads(response.content)["features"]) == KamuHizmeti.objects.count()
        far = client.get(self.URL, {"layer": "kh-hizmet", "format": "geojson", "crs": "4326",
                                    "bbox": "-100,-50,-90,-40"})
        assert far.status_code == 200 and json.loads(far.content)["features"] == []

    @pytest.mark.parametrize("crs", ["abc", "²", "99999999999999999999", ""])
    def test_bad_crs_is_400(self, turkish, db, crs):
        response = turkish.get(self.URL, {"layer": "kh-hizmet", "format": "geojson", "crs": crs})
        assert response.status_code == 400


class UnknownLayerTests:
    @pytest.fixture
    def editor(self, turkish, db):
        turkish.force_login(make_user(("layers:*", "edit")))
        return turkish

    @pytest.mark.parametrize("url", ["/map/history/nope/1/", "/map/metadata/nope/"])
    def test_pages_with_an_unknown_layer_are_404_with_a_message(self, editor, url):
        for method in ("get", "post"):
            response = getattr(editor, method)(url)
            assert response.status_code == 404
            assert tr("No such layer.") in body(response)

    def test_form_of_an_unknown_layer_is_404_json(self, editor):
        response = editor.get("/map/form/nope/")
        assert response.status_code == 404 and response.json() == {"detail": tr("No such layer.")}

    def test_unknown_pages_get_the_translated_404_page(self, editor):
        response = editor.get("/map/history/kh-hizmet/abc/")
        assert response.status_code == 404 and tr("There is no such page or object.") in body(response)


class RestoreTests:
    @pytest.fixture
    def edited(self, turkish, db):
        from layers.models import KamuHizmeti
        from layers.registry import get_layer
        from layers.services import feature_update

        user = make_user(("layer:kh-hizmet", "edit"))
        feature = KamuHizmeti.objects.order_by("tucbs_no").first()
        feature = feature_update(layer=get_layer("kh-hizmet"), instance=feature, user=user,
                                 properties={"adi": "Yeni Ad"})
        turkish.force_login(user)
        return feature

    def url(self, feature) -> str:
        return reverse("layers:feature_history", args=["kh-hizmet", feature.tucbs_no])

    @pytest.mark.parametrize(("data", "message"), [
        ({"record": "abc"}, ("Unknown history record.", {})),
        ({"record": "²"}, ("Unknown history record.", {})),
        ({"record": "99999999999999999999999"}, ("Unknown history record.", {})),
        ({"version": "abc"}, ("%(name)s must be a whole number.", {"name": "version"})),
        ({"version": "1e308"}, ("%(name)s must be a whole number.", {"name": "version"})),
        ({"version": "99999999999999999999"},
         ("%(name)s must lie between %(low)s and %(high)s.", {"name": "version", "low": 0, "high": 2**31 - 1})),
    ])
    def test_malformed_restore_is_400_and_changes_nothing(self, turkish, edited, data, message):
        from cbs.audit.models import AuditRecord
        from layers.history import feature_versions
        from layers.models import KamuHizmeti
        from layers.registry import get_layer

        first = feature_versions(get_layer("kh-hizmet"), edited.tucbs_no).first()
        before = AuditRecord.objects.count()
        response = turkish.post(self.url(edited), {"record": first.pk, "version": edited.version, **data})
        assert response.status_code == 400
        assert tr(message[0], **message[1]) in body(response)
        assert KamuHizmeti.objects.get(pk=edited.pk).version == edited.version
        assert AuditRecord.objects.count() == before


class TicketTests:
    @pytest.fixture
    def helpdesk(self, turkish, db):
        user = make_user(("module:tickets", "edit"))
        turkish.force_login(user)
        return user

    def new_ticket(self, **changes) -> dict:
        from backoffice.tickets.models import Category

        return {"title": "Yazıcı çalışmıyor", "description": "Kağıt sıkışıyor", "channel": "telefon",
                "category": Category.objects.get(name="Yazıcı / tarayıcı").pk, "priority": 3,
                "requester_name": "Mehmet Kaya", "requester_phone": "0212 555 11 22", "consent_note": "sözlü",
                "lon": "28.905", "lat": "41.0", **changes}

    @pytest.mark.parametrize(("lon", "lat"), [("200", "95"), ("1e308", "41"), ("28.9", "1e308"),
                                              ("-1e308", "-1e308"), ("0", "0"), ("40", "41")])
    def test_place_outside_the_crs_area_is_400_and_opens_nothing(self, turkish, helpdesk, lon, lat):
        from backoffice.tickets.models import Ticket

        before = Ticket.objects.count()
        response = turkish.post(reverse("tickets:new"), self.new_ticket(lon=lon, lat=lat))
        assert response.status_code == 400
        assert tr("The place lies outside the area of the municipality's coordinate reference system.") \
            in body(response).replace("&#x27;", "'")
        assert Ticket.objects.count() == before

    @pytest.mark.parametrize("lon", ["nan", "inf", "abc"])
    def test_place_that_is_no_number_is_400(self, turkish, helpdesk, lon):
        response = turkish.post(reverse("tickets:new"), self.new_ticket(lon=lon))
        assert response.status_code == 400
        assert tr("The place on the map is not a valid coordinate.") in body(response)

    @pytest.mark.parametrize("assignee", ["abc", "²", "99999999999999999999", "-1", ""])
    def test_bulk_assign_with_a_bad_assignee_is_400_and_assigns_nothing(self, turkish, helpdesk, assignee):
        from backoffice.tickets import services
        from backoffice.tickets.models import Ticket

        ticket = services.ticket_open(user=helpdesk, data=services.TicketInput(
            title="T", description="d", channel="telefon", category=self.category(), priority=3,
            requester_name="V", requester_phone="0212 000 00 00", consent_note="sözlü", address="Zeytinburnu"))
        response = turkish.post(reverse("tickets:queue"), {"ticket": [ticket.pk], "assignee": assignee,
                                                           "query": "status=yeni"})
        assert response.status_code == 400
        assert tr("Choose tickets and an assignee.") in body(response)
        assert Ticket.objects.get(pk=ticket.pk).assignee is None

    @pytest.mark.parametrize("ticket", ["abc", "²", "99999999999999999999"])
    def test_bulk_assign_with_a_bad_ticket_is_400(self, turkish, helpdesk, ticket):
        response = turkish.post(reverse("tickets:queue"), {"ticket": ticket, "assignee": helpdesk.pk})
        assert response.status_code == 400

    def test_filter_query_goes_back_re_encoded(self, turkish, helpdesk):
        """The saved filter's query lands in a Location header: a newline must not reach it."""
        response = turkish.post(reverse("tickets:queue"), {"action": "save_filter", "name": "x",
                                                           "query": "status=yeni\r\nSet-Cookie: a=b"})
        assert response.status_code == 302 and "\n" not in response["Location"]

    def test_bad_geojson_filter_says_why(self, turkish, helpdesk):
        response = turkish.get(reverse("tickets:api_geojson"), {"opened_after": "2026-02-30"})
        assert response.status_code == 400 and response.json()["error"]

    def category(self):
        from backoffice.tickets.models import Category

        return Category.objects.get(name="Bilgisayar")


class ReportTests:
    @pytest.fixture
    def manager(self, turkish, db):
        turkish.force_login(make_user(("module:reports", "view")))
        return turkish

    @pytest.mark.parametrize("category", ["99999999999999999999", "2147483648", "0", "abc", "²", "-1"])
    def test_unknown_category_is_400(self, manager, category):
        response = manager.get(reverse("reports:thematic_map", args=["tickets", "html"]), {"category": category})
        assert response.status_code == 400 and body(response) == tr("Unknown category.")

    @pytest.mark.parametrize("query", [{"period": "month", "day": "9999-12-31"},
                                       {"period": "custom", "first": "2026-01-01", "last": "9999-12-31"},
                                       {"period": "week", "day": "0001-01-01"}])
    def test_dates_near_the_calendar_limits_are_400(self, manager, query):
        response = manager.get(reverse("reports:activity"), query)
        assert response.status_code == 400
        assert tr("Dates must lie between %(first)s and %(last)s.", first="1900-01-01", last="2999-12-31") \
            in body(response)

    def test_a_date_that_does_not_exist_is_named(self, manager):
        response = manager.get(reverse("reports:activity"), {"period": "week", "day": "2026-02-30"})
        assert response.status_code == 400
        assert tr("%(value)s is not a date (YYYY-MM-DD).", value="2026-02-30") in body(response)


class AssetTests:
    @pytest.fixture
    def tech(self, turkish, db):
        turkish.force_login(make_user(("module:assets", "edit")))
        return turkish

    @pytest.mark.parametrize("url", ["/assets/holdings/?staff=²", "/assets/holdings/?unit=²",
                                     "/assets/expiring/?days=²", "/assets/expiring/?days=99999999999999999999"])
    def test_digits_python_accepts_and_int_does_not(self, tech, url):
        assert tech.get(url).status_code == 200

    @pytest.mark.parametrize("query", ["device=²", "fiber=²", "device=99999999999999999999"])
    def test_outage_with_no_usable_number_is_400(self, tech, query):
        response = tech.get("/assets/api/outage?" + query)
        assert response.status_code == 400
        assert response.json()["error"] == tr("Give a device or a fiber link (its number).")

    @pytest.mark.parametrize("bbox", ["nan,nan,nan,nan", "0,-100,10,100", "29,41,28,40"])
    def test_sectors_with_a_bad_bbox_are_400(self, tech, bbox):
        assert tech.get("/assets/api/sectors", {"bbox": bbox}).status_code == 400


class ImportSettingsTests:
    @pytest.fixture
    def job(self, db):
        from django.core.files.base import ContentFile

        from layers.imports import jobs

        user = make_user(superuser=True)
        return user, jobs.job_create(user=user, layer_name="kh-hizmet", upload=ContentFile(
            b'{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"adi":"A"},'
            b'"geometry":{"type":"Point","coordinates":[28.905,41.0]}}]}', name="x.geojson"))

    @pytest.mark.parametrize("choices", [{"srid": "abc"}, {"srid": "²"}, {"srid": "1e308"},
                                         {"srid": "99999999999999999999"}, {"source_index": "abc"},
                                         {"source_index": "-1"}, {"mode": "replace", "area": "abc"}])
    def test_unusable_settings_are_refused_with_a_message(self, job, choices):
        from django.core.exceptions import ValidationError

        from layers.imports import areas, jobs

        user, job = job
        if "area" in choices:
            with pytest.raises(ValidationError):
                areas.mahalle_area(choices["area"])
            return
        with pytest.raises(ValidationError):
            jobs.job_configure(job=job, user=user, settings_={"srid": "4326", **choices})

    def test_through_the_page(self, client, job):
        user, job = job
        client.force_login(user)
        response = client.post(reverse("layers:import_detail", args=[job.pk]),
                               {"action": "save", "srid": "abc", "mode": "replace", "area": "abc"})
        assert response.status_code == 302  # back to the page, which shows the message


class NulTests:
    @pytest.mark.parametrize("url", ["/search/?q=a%00b", "/tickets/a%00b/", "/assets/?q=a%00b"])
    def test_nul_is_400_before_any_view(self, turkish, db, url):
        turkish.force_login(make_user(superuser=True))
        response = turkish.get(url)
        assert response.status_code == 400
        assert tr("The request contains a NUL character, which no field accepts.") in body(response)

    def test_nul_in_a_form_is_400(self, turkish, db):
        turkish.force_login(make_user(("module:tickets", "edit")))
        response = turkish.post(reverse("tickets:queue"), {"action": "save_filter", "name": "a\x00b"})
        assert response.status_code == 400

    def test_ogc_answers_nul_with_an_ogc_exception(self, client, db):
        response = client.get("/ogc/collections/kh-hizmet/items", {"adi": "a\x00b"})
        assert response.status_code == 400 and response.json()["code"] == "InvalidParameterValue"


class AdminTests:
    @pytest.mark.parametrize("user", ["abc", "99999999999999999999", "çğü"])
    def test_grant_form_with_a_user_that_is_no_id_is_shown_again(self, turkish, db, user):
        """Django's autocomplete looked 'abc' up as an id while redisplaying the refused form."""
        from cbs.accounts.models import Grant

        turkish.force_login(make_user(superuser=True))
        before = Grant.objects.count()
        response = turkish.post("/admin/accounts/grant/add/", {"resource": "module:tickets", "level": "view",
                                                               "user": user})
        assert response.status_code == 200 and 'class="errorlist' in body(response)
        assert Grant.objects.count() == before
