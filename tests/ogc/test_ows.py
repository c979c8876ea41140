"""WMS 1.3.0 / WFS 2.0 behind the access gate (ogc/ows.py): what each caller sees, what is
refused, which parameters reach MapServer, and the engine's read-only database role."""

import json

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from lxml import etree

from cbs.audit.models import AccessRecord

from layers.models import Bina, KamuHizmeti, PublicationState
from layers.publication import publication_set
from layers.registry import get_layer
from tests.ogc.test_basic_auth import basic
from tests.ogc.test_personas import bina_for_partners_only  # noqa: F401 (fixture)

WMS = "/ows/wms"
WFS = "/ows/wfs"
# Zeytinburnu in EPSG:5254 (x/y; WMS 1.3.0 with an EPSG TM zone takes northing first).
TM_BOX = (404041, 4537772, 411697, 4544531)
NS = {"wms": "http://www.opengis.net/wms", "wfs": "http://www.opengis.net/wfs/2.0",
      "ows": "http://www.opengis.net/ows/1.1", "gml": "http://www.opengis.net/gml/3.2"}


def wms_layers(client, **headers) -> set[str]:
    response = client.get(WMS, {"SERVICE": "WMS", "REQUEST": "GetCapabilities", "VERSION": "1.3.0"},
                          **headers)
    assert response.status_code == 200, response.content
    doc = etree.fromstring(response.content)
    return {e.text for e in doc.iterfind(".//wms:Layer/wms:Layer/wms:Name", NS)}


def wfs_types(client, **headers) -> set[str]:
    response = client.get(WFS, {"SERVICE": "WFS", "REQUEST": "GetCapabilities", "VERSION": "2.0.0"},
                          **headers)
    assert response.status_code == 200, response.content
    doc = etree.fromstring(response.content)
    return {e.text.split(":")[-1] for e in doc.iterfind(".//wfs:FeatureType/wfs:Name", NS)}


def get_map(layer: str, crs: str = "EPSG:5254", bbox: str | None = None) -> dict:
    y0, x0 = TM_BOX[1], TM_BOX[0]
    return {"SERVICE": "WMS", "VERSION": "1.3.0", "REQUEST": "GetMap", "LAYERS": layer,
            "STYLES": "", "CRS": crs, "WIDTH": 256, "HEIGHT": 256, "FORMAT": "image/png",
            "BBOX": bbox or f"{y0},{x0},{TM_BOX[3]},{TM_BOX[2]}"}


def every_request(layer: str) -> list[tuple[str, dict]]:
    """One request of every type naming `layer`."""
    info = {**get_map(layer), "REQUEST": "GetFeatureInfo", "QUERY_LAYERS": layer, "I": 128,
            "J": 128, "INFO_FORMAT": "application/vnd.ogc.gml"}
    return [
        (WMS, get_map(layer)),
        (WMS, info),
        (WMS, {"SERVICE": "WMS", "VERSION": "1.3.0", "REQUEST": "GetLegendGraphic", "LAYER": layer,
               "FORMAT": "image/png", "SLD_VERSION": "1.1.0"}),
        (WFS, {"SERVICE": "WFS", "VERSION": "2.0.0", "REQUEST": "DescribeFeatureType",
               "TYPENAMES": layer}),
        (WFS, {"SERVICE": "WFS", "VERSION": "2.0.0", "REQUEST": "GetFeature",
               "TYPENAMES": f"kentcbs:{layer}", "COUNT": 1}),
    ]


def features(client, params: dict, **headers) -> dict:
    response = client.get(WFS, {"SERVICE": "WFS", "VERSION": "2.0.0", "REQUEST": "GetFeature",
                                "OUTPUTFORMAT": "application/geo+json", **params}, **headers)
    assert response.status_code == 200, response.content[:500]
    return json.loads(response.content)


class GateTests:
    def test_public_layers_in_both_capabilities(self, client, db):
        """Anonymous callers see the public layers, never the internal parcels or cameras."""
        for names in (wms_layers(client), wfs_types(client)):
            assert {"id-mahalle", "kh-hizmet", "bi-bina"} <= names
            assert "tk-parsel" not in names and "kh-kamera" not in names

    def test_protocol_layer_absent_and_refused_for_anonymous(self, client, bina_for_partners_only):
        """A partners-only layer is absent from both GetCapabilities and refused (404,
        LayerNotDefined) in every request type, for anonymous callers and for a wrong-protocol
        partner alike."""
        assert "bi-bina" not in wms_layers(client) and "bi-bina" not in wfs_types(client)
        for path, params in every_request("bi-bina"):
            response = client.get(path, params)
            assert response.status_code == 404, (params["REQUEST"], response.content[:300])
            assert b"LayerNotDefined" in response.content

    def test_partner_key_opens_its_protocol_layer(self, client, partner, bina_for_partners_only):
        """With its key (Basic or Bearer) the partner sees and reads its protocol layer."""
        auth = basic(partner.value)
        assert "bi-bina" in wms_layers(client, **auth) and "bi-bina" in wfs_types(client, **auth)
        for path, params in every_request("bi-bina"):
            response = client.get(path, params, **auth)
            assert response.status_code == 200, (params["REQUEST"], response.content[:300])
        bearer = {"HTTP_AUTHORIZATION": f"Bearer {partner.value}"}
        assert features(client, {"TYPENAMES": "bi-bina", "COUNT": 3}, **bearer)["features"]

    def test_withdrawn_layer_disappears_at_once(self, client, db):
        """Withdrawing a layer to draft removes it from the very next capabilities and requests."""
        assert "kh-hizmet" in wms_layers(client)
        publication_set(layer=get_layer("kh-hizmet"), state=PublicationState.TASLAK)
        assert "kh-hizmet" not in wms_layers(client) and "kh-hizmet" not in wfs_types(client)
        assert {client.get(p, q).status_code for p, q in every_request("kh-hizmet")} == {404}

    def test_staff_drafts_are_not_served(self, admin_client_tr):
        """WMS/WFS serve published layers only, even to a superuser (drafts stay in the map)."""
        assert "tk-parsel" not in wms_layers(admin_client_tr)

    def test_wrong_key_asks_for_basic(self, client, db):
        """A wrong key is 401 with a Basic challenge (QGIS then asks for credentials)."""
        response = client.get(WMS, {"SERVICE": "WMS", "REQUEST": "GetCapabilities"},
                              **basic("kcbs_wrong"))
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith('Basic realm="Kent CBS"')


class AccessLogTests:
    """Every WMS/WFS request leaves its access record – written once the answer has left
    (ogc/ows_access.py), with the final status and size, never the key."""

    def test_record_of_a_partner_request(self, client, partner, bina_for_partners_only):
        AccessRecord.objects.all().delete()
        response = client.get(WMS, get_map("bi-bina"), **basic(partner.value))
        assert response.status_code == 200
        record = AccessRecord.objects.get()
        assert (record.method, record.status, record.bytes) == ("GET", 200, len(response.content))
        assert record.path.startswith("/ows/wms?") and "LAYERS=bi-bina" in record.path
        assert record.institution == "Test Kurumu" and record.request_id == response["X-Request-ID"]
        assert partner.value not in record.path

    @pytest.mark.parametrize("params, status", [
        ({"SERVICE": "WMS", "REQUEST": "GetMap", "LAYERS": "tk-parsel"}, 404),
        ({"SERVICE": "WMS", "REQUEST": "GetMap", "WIDTH": "-1"}, 400),
    ])
    def test_refusals_are_recorded(self, client, db, params, status):
        AccessRecord.objects.all().delete()
        response = client.get(WMS, params)
        assert response.status_code == status
        assert list(AccessRecord.objects.values_list("status", "bytes")) == [(status, len(response.content))]

    def test_wrong_key_is_recorded_without_the_key(self, client, db):
        AccessRecord.objects.all().delete()
        response = client.get(WFS, {"SERVICE": "WFS", "REQUEST": "GetCapabilities"}, **basic("kcbs_wrong"))
        assert response.status_code == 401
        record = AccessRecord.objects.get()
        assert record.status == 401 and "kcbs_wrong" not in record.path

    def test_record_is_written_when_the_answer_has_left(self, rf, db):
        """The view's answer carries the record to its close(), which a WSGI server calls after
        writing the body: before that nothing is written, after it exactly one record."""
        from django.core.signals import request_finished
        from django.db import close_old_connections

        from cbs.audit.middleware import RequestContextMiddleware
        from ogc.ows import wms

        AccessRecord.objects.all().delete()
        request = rf.get(WMS, get_map("kh-hizmet"), HTTP_HOST="127.0.0.1")
        request.session = {}
        response = RequestContextMiddleware(wms)(request)
        assert response.status_code == 200 and response["Content-Type"] == "image/png"
        assert not AccessRecord.objects.exists()
        request_finished.disconnect(close_old_connections)  # as Django's test client does
        try:
            response.close()
        finally:
            request_finished.connect(close_old_connections)
        record = AccessRecord.objects.get()
        assert (record.status, record.bytes, record.request_id) == (200, len(response.content),
                                                                     response["X-Request-ID"])


class ParameterTests:
    def test_map_and_other_engine_parameters_never_pass(self, client, db):
        """MAP=, MODE= and runtime substitutions are dropped: the answer is our own map's."""
        response = client.get(WMS, {"SERVICE": "WMS", "REQUEST": "GetCapabilities",
                                    "MAP": "/etc/mapserver.map", "mode": "map",
                                    "map.web.template": "/etc/passwd"})
        assert response.status_code == 200
        assert b"kh-hizmet" in response.content and b"root:" not in response.content

    def test_filter_on_published_attribute(self, client, db):
        """A FES filter on a published TUCBS attribute selects exactly the matching features."""
        flt = ('<fes:Filter xmlns:fes="http://www.opengis.net/fes/2.0"><fes:PropertyIsEqualTo>'
               "<fes:ValueReference>hizmetTipi</fes:ValueReference><fes:Literal>egitim</fes:Literal>"
               "</fes:PropertyIsEqualTo></fes:Filter>")
        doc = features(client, {"TYPENAMES": "kh-hizmet", "FILTER": flt})
        assert len(doc["features"]) == KamuHizmeti.objects.filter(hizmet_tipi="egitim").count() > 0
        assert {f["properties"]["hizmetTipi"] for f in doc["features"]} == {"egitim"}

    @pytest.mark.parametrize("bad", [
        # an unpublished column of the same table
        '<fes:Filter xmlns:fes="http://www.opengis.net/fes/2.0"><fes:PropertyIsEqualTo>'
        "<fes:ValueReference>version</fes:ValueReference><fes:Literal>1</fes:Literal>"
        "</fes:PropertyIsEqualTo></fes:Filter>",
        # a DTD with an entity
        '<!DOCTYPE f [<!ENTITY x SYSTEM "file:///etc/passwd">]><fes:Filter '
        'xmlns:fes="http://www.opengis.net/fes/2.0"><fes:PropertyIsEqualTo><fes:ValueReference>adi'
        "</fes:ValueReference><fes:Literal>&x;</fes:Literal></fes:PropertyIsEqualTo></fes:Filter>",
        "<not-xml",
        '<fes:Filter xmlns:fes="http://www.opengis.net/fes/2.0"><fes:PropertyIsEqualTo>'
        '<fes:Function name="strSubstring"><fes:ValueReference>adi</fes:ValueReference>'
        "</fes:Function><fes:Literal>x</fes:Literal></fes:PropertyIsEqualTo></fes:Filter>",
    ])
    def test_bad_filters_refused(self, client, db, bad):
        """Filters naming unpublished columns, carrying a DTD, malformed or with functions: 400."""
        response = client.get(WFS, {"SERVICE": "WFS", "VERSION": "2.0.0", "REQUEST": "GetFeature",
                                    "TYPENAMES": "kh-hizmet", "FILTER": bad},
                              HTTP_ACCEPT_LANGUAGE="tr")
        assert response.status_code == 400
        assert b"ExceptionReport" in response.content

    def test_unpublished_property_and_sort_refused(self, client, db):
        """PROPERTYNAME and SORTBY accept published attributes only."""
        base = {"SERVICE": "WFS", "VERSION": "2.0.0", "REQUEST": "GetFeature", "TYPENAMES": "kh-hizmet"}
        assert client.get(WFS, {**base, "PROPERTYNAME": "version"}).status_code == 400
        assert client.get(WFS, {**base, "SORTBY": "version DESC"}).status_code == 400
        assert client.get(WFS, {**base, "SORTBY": "adi;DROP TABLE x"}).status_code == 400
        doc = features(client, {"TYPENAMES": "kh-hizmet", "PROPERTYNAME": "adi", "COUNT": 2})
        assert set(doc["features"][0]["properties"]) <= {"id", "adi"}

    @pytest.mark.parametrize("params", [
        {"REQUEST": "GetMap", "WIDTH": "99999"}, {"REQUEST": "GetMap", "CRS": "EPSG:2000"},
        {"REQUEST": "GetMap", "FORMAT": "application/x-shell"}, {"REQUEST": "DeleteEverything"},
        {"REQUEST": "GetMap", "BBOX": "1,2,3"}, {"REQUEST": "GetMap", "VERSION": "9.9"},
        {"SERVICE": "WFS", "REQUEST": "GetCapabilities"},
    ])
    def test_bad_wms_values_are_400(self, client, db, params):
        """Out-of-range sizes, unoffered CRSs/formats, unknown requests: a WMS exception, 400."""
        response = client.get(WMS, {**get_map("kh-hizmet"), **params})
        assert response.status_code == 400 and b"ServiceException" in response.content

    def test_post_refused(self, client, db):
        """Only GET (and HEAD) reach the engine."""
        assert client.post(WFS, "<GetFeature/>", content_type="text/xml").status_code == 405


class WmsTests:
    @pytest.mark.parametrize("crs", ["EPSG:5254", "EPSG:4326", "EPSG:3857", "EPSG:5252", "CRS:84"])
    def test_getmap_png_in_every_offered_crs(self, client, db, crs):
        """GetMap draws the districts as a PNG in the TM zone and every other offered CRS."""
        import pyproj

        to = pyproj.Transformer.from_crs(5254, 4326 if crs == "CRS:84" else int(crs[5:]),
                                         always_xy=True)
        x0, y0, x1, y1 = to.transform_bounds(*TM_BOX)
        northing_first = crs in ("EPSG:4326", "EPSG:5252", "EPSG:5254")
        bbox = f"{y0},{x0},{y1},{x1}" if northing_first else f"{x0},{y0},{x1},{y1}"
        response = client.get(WMS, get_map("id-mahalle", crs=crs, bbox=bbox))
        assert response.status_code == 200 and response["Content-Type"] == "image/png"
        from PIL import Image
        import io

        image = Image.open(io.BytesIO(response.content)).convert("RGBA")
        colours = {image.getpixel((x, y)) for x in range(0, 256, 8) for y in range(0, 256, 8)}
        assert len(colours) > 3  # filled districts, outlines, labels – not a blank image

    def test_getfeatureinfo_names_the_district(self, client, db):
        """GetFeatureInfo in the middle of the district returns a neighbourhood with its name."""
        params = {**get_map("id-mahalle"), "REQUEST": "GetFeatureInfo", "QUERY_LAYERS": "id-mahalle",
                  "I": 128, "J": 128, "INFO_FORMAT": "application/vnd.ogc.gml"}
        response = client.get(WMS, params)
        assert response.status_code == 200
        assert b"<adi>" in response.content and b"uavtKodu" in response.content

    def test_legend_lists_code_list_classes(self, client, db):
        """GetLegendGraphic of a classified layer is a PNG with one entry per class (tall)."""
        from PIL import Image
        import io

        response = client.get(WMS, {"SERVICE": "WMS", "VERSION": "1.3.0", "REQUEST": "GetLegendGraphic",
                                    "LAYER": "kh-hizmet", "FORMAT": "image/png", "SLD_VERSION": "1.1.0"})
        assert response.status_code == 200 and response["Content-Type"] == "image/png"
        from layers.styles import legend_of

        height = Image.open(io.BytesIO(response.content)).size[1]
        assert height >= 12 * len(legend_of(get_layer("kh-hizmet")))

    def test_scale_range_from_zoom(self, client, db):
        """The capabilities carry the map's zoom range as MaxScaleDenominator."""
        from layers.styles import scale_of_zoom

        response = client.get(WMS, {"SERVICE": "WMS", "REQUEST": "GetCapabilities", "VERSION": "1.3.0"})
        doc = etree.fromstring(response.content)
        for layer in doc.iterfind(".//wms:Layer/wms:Layer", NS):
            name = layer.findtext("wms:Name", namespaces=NS)
            expected = scale_of_zoom(get_layer(name).map_min_zoom)
            assert float(layer.findtext("wms:MaxScaleDenominator", namespaces=NS)) == pytest.approx(expected, abs=1)
            crs = {e.text for e in layer.iterfind("wms:CRS", NS)}
            assert {"EPSG:5254", "EPSG:4326", "EPSG:3857", "EPSG:5252"} <= crs


class WfsTests:
    def test_paging_is_complete_and_disjoint(self, client, db):
        """COUNT/STARTINDEX pages cover the buildings without overlap; numberMatched is exact."""
        total = Bina.objects.count()
        seen = []
        for start in range(0, 3000, 1000):
            doc = features(client, {"TYPENAMES": "bi-bina", "COUNT": 1000, "STARTINDEX": start,
                                    "SORTBY": "binaKimlikNo"})
            seen += [f["properties"]["binaKimlikNo"] for f in doc["features"]]
        assert len(seen) == len(set(seen)) == min(total, 3000)
        gml = client.get(WFS, {"SERVICE": "WFS", "VERSION": "2.0.0", "REQUEST": "GetFeature",
                               "TYPENAMES": "bi-bina", "COUNT": 5})
        root = etree.fromstring(gml.content)
        assert root.get("numberMatched") == str(total) and root.get("numberReturned") == "5"

    def test_gml32_with_tucbs_names(self, client, db):
        """GetFeature answers GML 3.2 by default with the TUCBS attribute names."""
        response = client.get(WFS, {"SERVICE": "WFS", "VERSION": "2.0.0", "REQUEST": "GetFeature",
                                    "TYPENAMES": "bi-bina", "COUNT": 2})
        assert "gml/3.2" in response["Content-Type"]
        root = etree.fromstring(response.content)
        assert root.find(".//gml:MultiSurface", NS) is not None or root.find(".//gml:Polygon", NS) is not None
        assert b"binaKimlikNo" in response.content and b"zeminUstuKatSayisi" in response.content

    def test_bbox_and_srsname(self, client, db):
        """A BBOX (lat/lon, EPSG:4326) selects fewer buildings; SRSNAME reprojects the output."""
        small = features(client, {"TYPENAMES": "bi-bina", "BBOX": "41.000,28.900,41.005,28.906,EPSG:4326",
                                  "SRSNAME": "EPSG:4326"})
        assert 0 < len(small["features"]) < Bina.objects.count()
        point = small["features"][0]["geometry"]["coordinates"]
        while isinstance(point[0], list):
            point = point[0]
        lon, lat = point[:2]
        assert 40.9 < lat < 41.1 and 28.8 < lon < 29.0  # GeoJSON is always lon/lat

    def test_describe_feature_type_only_published(self, client, db):
        """DescribeFeatureType lists published attributes only."""
        response = client.get(WFS, {"SERVICE": "WFS", "VERSION": "2.0.0",
                                    "REQUEST": "DescribeFeatureType", "TYPENAMES": "bi-bina"})
        names = {e.get("name") for e in etree.fromstring(response.content).iter("{*}element")}
        assert {"binaKimlikNo", "zeminUstuKatSayisi"} <= names
        published = set(get_layer("bi-bina").properties()) | {"id", "geom", "bi-bina"}
        assert names <= published


class EngineRoleTests:
    def test_engine_role_reads_published_columns_only(self, client, db):
        """The engine's role may read published columns of published tables, nothing else."""
        client.get(WMS, {"SERVICE": "WMS", "REQUEST": "GetCapabilities"})  # grants
        params = connection.get_connection_params()
        for key in ("cursor_factory", "context"):
            params.pop(key, None)
        params["user"] = settings.CBS_OWS_DB_USER
        with psycopg.connect(**params, autocommit=True) as conn:
            conn.execute('SELECT "binaKimlikNo" FROM layers_bina LIMIT 1').fetchall()
            for sql in ("SELECT * FROM layers_parsel LIMIT 1", "SELECT * FROM layers_bina LIMIT 1",
                        "SELECT * FROM auth_user LIMIT 1", "SELECT * FROM audit_accessrecord LIMIT 1"):
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    conn.execute(sql)
